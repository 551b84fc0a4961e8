"""Find the stage of a track a learner means: by id, entry point, number or title."""

from __future__ import annotations

from ..errors import UsageError
from ..roadmap.schema import Stage, Track
from .matcher import normalize


def find_stage(track: Track, query: str) -> Stage:
    """A stage of `track` by id, entry point, 1-based number, exact title or unique title prefix."""
    wanted = query.strip().lower()
    for point in track.entry_points:
        if wanted == point.id:
            wanted = point.stage
    if wanted.isascii() and wanted.isdigit() and 1 <= int(wanted) <= len(track.stages):
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
