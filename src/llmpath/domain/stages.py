"""Find the stage of a track a learner means: by id, entry point, number or title."""

from __future__ import annotations

import re

from ..errors import UsageError
from ..roadmap.schema import Stage, Track
from .matcher import normalize

PART = re.compile(r"part\s+(\d+)\b", re.IGNORECASE)


def find_stage(track: Track, query: str) -> Stage:
    """A stage of `track` by id, entry point, 1-based number, exact title or unique title prefix."""
    wanted = query.strip().lower()
    for point in track.entry_points:
        if wanted == point.id:
            wanted = point.stage
    if wanted.isascii() and wanted.isdigit():
        # A number counts as the source counts its parts: `2` is "Part 2" where the stages are
        # numbered that way (after unnumbered prerequisites), and the second stage otherwise.
        numbered = [s for s in track.stages if PART.match(s.title) and int(PART.match(s.title)[1]) == int(wanted)]
        if len(numbered) == 1:
            return numbered[0]
        if 1 <= int(wanted) <= len(track.stages):
            return track.stages[int(wanted) - 1]
    key = normalize(query)
    for candidates in (
        [s for s in track.stages if s.id == wanted or normalize(s.title) == key],
        [s for s in track.stages if key and normalize(s.title).startswith(key)],
    ):
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            names = ", ".join(f"{s.id} ({s.title})" for s in candidates)
            raise UsageError(f"{query!r} matches several stages of {track.id}: {names}; name one by its id")
    names = ", ".join(f"{i}: {s.id}" for i, s in enumerate(track.stages, start=1))
    raise UsageError(f"{track.id} has no stage {query!r}; its stages are {names}")
