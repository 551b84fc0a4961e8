"""Find the topic, module or stage a learner means from what they typed.

In order: an exact id or old id (alias); an exact title, case and punctuation ignored, alone or
with its module ("Embeddings Applications"); a unique prefix; a close fuzzy match. Two equally
good candidates are never settled silently: the learner is shown both.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from ..errors import UsageError
from ..schema import Roadmap

FUZZY_CUTOFF = 0.82
SUGGEST_CUTOFF = 0.5
SHOWN_CANDIDATES = 8


@dataclass(frozen=True)
class Unit:
    kind: str  # topic | module | stage
    id: str
    label: str  # what the learner sees: the title with its module or track


def normalize(text: str) -> str:
    """Lowercase, accents and punctuation dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def _topic_names(roadmap: Roadmap) -> list[tuple[Unit, list[str]]]:
    """Every live topic with the normalized names it answers to."""
    out = []
    for topic in roadmap.topics.values():
        if topic.retired:
            continue
        label = roadmap.display_title(topic.id)
        names = [topic.id, topic.title, label]
        if topic.module:
            names.append(f"{roadmap.modules[topic.module].title} {topic.title}")
        out.append((Unit("topic", topic.id, label), [normalize(n) for n in names]))
    return out


def _groups(roadmap: Roadmap) -> list[Unit]:
    """Modules and stages: matched by id only, since one of them marks many topics at once."""
    units = [Unit("module", m.id, m.title) for m in roadmap.modules.values()]
    for track in roadmap.tracks:
        units += [Unit("stage", s.id, f"{track.title} › {s.title}") for s in track.stages]
    return units


def _ambiguous(query: str, found: list[Unit], hint: str) -> UsageError:
    """The problem on the first line, then the candidates, one a line."""
    width = max(len(u.id) for u in found[:SHOWN_CANDIDATES])
    lines = [f"  {u.id.ljust(width)}  {u.label}" for u in found[:SHOWN_CANDIDATES]]
    if len(found) > SHOWN_CANDIDATES:
        lines.append(f"  ... and {len(found) - SHOWN_CANDIDATES} more (see `llmpath list`)")
    return UsageError(f"{query!r} matches {len(found)} topics; name one by its id{hint}:\n" + "\n".join(lines))


def _group_hint(groups: list[Unit], key: str) -> str:
    named = [g for g in groups if normalize(g.label.split(" › ")[-1]) == key]
    if not named:
        return ""
    return " (for all topics of a " + " or ".join(f"{g.kind}, use {g.id}" for g in named) + ")"


def resolve(roadmap: Roadmap, query: str, aliases: dict[str, str] | None = None, groups: bool = True) -> Unit:
    """The one topic (or, by id, module or stage) `query` names, else a UsageError saying why."""
    text = query.strip()
    if not text:
        raise UsageError("no topic given: name a topic by id or title (see `llmpath list`)")
    topics = _topic_names(roadmap)
    group_units = _groups(roadmap) if groups else []
    wanted = text.lower()
    aliases = aliases or {}
    for unit, _ in topics:
        if unit.id == aliases.get(wanted, wanted):
            return unit
    for unit in group_units:
        if unit.id == wanted:
            return unit

    key = normalize(text)
    if not key:
        raise UsageError(f"{query!r} has no letters or digits to match; name a topic by id or title")
    hint = _group_hint(group_units, key)

    for matches in (
        [u for u, names in topics if key in names],
        [u for u, names in topics if any(n.startswith(key) for n in names)],
    ):
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise _ambiguous(query, matches, hint)

    scored = sorted(
        ((max(difflib.SequenceMatcher(None, key, n).ratio() for n in names), unit) for unit, names in topics),
        key=lambda pair: -pair[0],
    )
    top_score = scored[0][0] if scored else 0.0
    if top_score >= FUZZY_CUTOFF:
        best = [u for score, u in scored if score == top_score]
        if len(best) == 1:
            return best[0]
        raise _ambiguous(query, best, hint)

    suggestions = [u for score, u in scored[:3] if score >= SUGGEST_CUTOFF]
    if suggestions:
        advice = "did you mean " + " or ".join(f"{u.id} ({u.label})" for u in suggestions) + "?"
    else:
        advice = "see `llmpath list` for topic ids"
    raise UsageError(f"no topic matches {query!r}{hint}; {advice}")
