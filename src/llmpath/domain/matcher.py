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
SHOWN_SUGGESTIONS = 4
MIN_PREFIX_FUZZY = 4


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


def _listing(units: list[Unit]) -> str:
    width = max(len(u.id) for u in units[:SHOWN_CANDIDATES])
    lines = [f"  {u.id.ljust(width)}  {u.label}" + (f" ({u.kind})" if u.kind != "topic" else "") for u in units[:SHOWN_CANDIDATES]]
    if len(units) > SHOWN_CANDIDATES:
        lines.append(f"  ... and {len(units) - SHOWN_CANDIDATES} more (see `llmpath list`)")
    return "\n".join(lines)


def _ambiguous(query: str, found: list[Unit], hint: str) -> UsageError:
    """The problem on the first line, then the candidates, one a line."""
    return UsageError(f"{query!r} matches {len(found)} topics; name one by its id{hint}:\n{_listing(found)}")


def _similarity(key: str, name: str) -> float:
    """How close a typed name is to a known one, also as the start of a longer name."""
    score = difflib.SequenceMatcher(None, key, name).ratio()
    if len(key) >= MIN_PREFIX_FUZZY and len(name) > len(key):
        score = max(score, difflib.SequenceMatcher(None, key, name[: len(key)]).ratio())
    return score


def _group_hint(groups: list[Unit], key: str) -> str:
    """Point at a module or stage whose title or id is what was typed, or close to it."""
    named = [
        g for g in groups
        if max(_similarity(key, normalize(g.id)), _similarity(key, normalize(g.label.split(" › ")[-1]))) >= FUZZY_CUTOFF
    ]
    if not named:
        return ""
    return " (for all topics of a " + " or ".join(f"{g.kind}, use {g.id}" for g in named[:2]) + ")"


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
        ((max(_similarity(key, n) for n in names), unit) for unit, names in topics),
        key=lambda pair: -pair[0],
    )
    top_score = scored[0][0] if scored else 0.0
    if top_score >= FUZZY_CUTOFF:
        best = [u for score, u in scored if score == top_score]
        if len(best) == 1:
            return best[0]
        raise _ambiguous(query, best, hint)

    # Modules and stages are suggested, never acted on from a guess.
    scored += [(max(_similarity(key, normalize(g.id)), _similarity(key, normalize(g.label))), g) for g in group_units]
    scored.sort(key=lambda pair: -pair[0])
    suggestions = [u for score, u in scored[:SHOWN_SUGGESTIONS] if score >= SUGGEST_CUTOFF]
    if not suggestions:
        raise UsageError(f"no topic matches {query!r}{hint}; see `llmpath list` for topic ids")
    raise UsageError(f"no topic matches {query!r}{hint}; did you mean one of these?\n{_listing(suggestions)}")
