"""Find the topic (or paper) a learner means from what they typed.

In order: an exact id or old id (alias); an exact name, case and punctuation ignored (a topic also
answers to its title with its module: "Embeddings Applications"); a unique prefix; a close fuzzy
match. Two equally good candidates are never settled silently: the learner is shown all of them.
Modules and stages are matched by id only, since one of them marks many topics at once.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..errors import UsageError
from ..roadmap.schema import Paper, Roadmap

FUZZY_CUTOFF = 0.82
SUGGEST_CUTOFF = 0.5
SHOWN_CANDIDATES = 8
SHOWN_SUGGESTIONS = 4
MIN_PREFIX_FUZZY = 4
MAX_QUERY = 200
LINE_WIDTH = 80
ARXIV_IN_TEXT = re.compile(r"(\d{4}\.\d{4,5})(v\d+)?")


@dataclass(frozen=True)
class Unit:
    kind: str  # topic | module | stage | paper
    id: str
    label: str  # what the learner sees: the title with its module or track


Candidate = tuple[Unit, list[str]]  # a unit and the normalized names it answers to


def normalize(text: str) -> str:
    """Lowercase, accents and punctuation dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def _similarity(key: str, name: str) -> float:
    """How close a typed name is to a known one, also as the start of a longer name."""
    score = difflib.SequenceMatcher(None, key, name).ratio()
    if len(key) >= MIN_PREFIX_FUZZY and len(name) > len(key):
        score = max(score, difflib.SequenceMatcher(None, key, name[: len(key)]).ratio())
    return score


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _listing(units: list[Unit]) -> str:
    """One candidate a line, each within LINE_WIDTH columns."""
    width = max(len(u.id) for u in units[:SHOWN_CANDIDATES])
    lines = []
    for unit in units[:SHOWN_CANDIDATES]:
        label = unit.label + (f" ({unit.kind})" if unit.kind in ("module", "stage") else "")
        if width + 6 > LINE_WIDTH // 2:  # long ids: the label goes on its own line
            lines += [f"  {_fit(unit.id, LINE_WIDTH - 2)}", f"      {_fit(label, LINE_WIDTH - 6)}"]
        else:
            lines.append(f"  {unit.id.ljust(width)}  {_fit(label, LINE_WIDTH - width - 4)}")
    if len(units) > SHOWN_CANDIDATES:
        lines.append(f"  ... and {len(units) - SHOWN_CANDIDATES} more")
    return "\n".join(lines)


def pick(
    query: str,
    candidates: list[Candidate],
    noun: str,
    exact: dict[str, str] | None = None,
    suggest_only: Iterable[Unit] = (),
    exact_only: bool = False,
) -> Unit:
    """The one candidate `query` names, else a UsageError listing candidates or suggestions.

    `exact` maps extra exact keys (lowercased ids, aliases, arXiv ids) to candidate ids;
    `suggest_only` units are offered when nothing matches but are never picked from a guess;
    `exact_only` accepts ids and exact names only, no prefix and no close match.
    """
    text = query.strip()
    if not text:
        raise UsageError(f"no {noun} given: name a {noun} by id or title")
    if len(text) > MAX_QUERY:
        raise UsageError(f"that {noun} name is {len(text)} characters long; no {noun} has a name over {MAX_QUERY}")
    by_id = {unit.id: unit for unit, _ in candidates}
    wanted = text.lower()
    if wanted in by_id:
        return by_id[wanted]
    if exact and exact.get(wanted) in by_id:
        return by_id[exact[wanted]]
    key = normalize(text)
    if not key:
        raise UsageError(f"{query!r} has no letters or digits to match; name a {noun} by id or title")
    extras = list(suggest_only)
    hint = _group_hint(extras, key)

    for matches in (
        [u for u, names in candidates if key in names],
        [u for u, names in candidates if any(n.startswith(key) for n in names)],
    ):
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise _ambiguous(query, matches, noun, hint)
        if exact_only:
            raise UsageError(f"no {noun} is named exactly {query!r}")

    scored = sorted(
        ((max(_similarity(key, n) for n in names), unit) for unit, names in candidates), key=lambda pair: -pair[0]
    )
    top_score = scored[0][0] if scored else 0.0
    if top_score >= FUZZY_CUTOFF:
        best = [u for score, u in scored if score == top_score]
        if len(best) == 1:
            return best[0]
        raise _ambiguous(query, best, noun, hint)

    scored += [(max(_similarity(key, normalize(g.id)), _similarity(key, normalize(g.label))), g) for g in extras]
    scored.sort(key=lambda pair: -pair[0])
    suggestions = [u for score, u in scored[:SHOWN_SUGGESTIONS] if score >= SUGGEST_CUTOFF]
    if not suggestions:
        raise UsageError(
            f"no {noun} matches {query!r}{hint}; see `llmpath {'papers' if noun == 'paper' else 'list'}` for ids"
        )
    raise UsageError(f"no {noun} matches {query!r}{hint}; did you mean one of these?\n{_listing(suggestions)}")


def _ambiguous(query: str, found: list[Unit], noun: str, hint: str) -> UsageError:
    """The problem on the first line, then the candidates, one a line."""
    return UsageError(f"{query!r} matches {len(found)} {noun}s; name one by its id{hint}:\n{_listing(found)}")


def _group_hint(groups: list[Unit], key: str) -> str:
    """Point at a module or stage whose title or id is what was typed, or close to it."""
    named = [
        g
        for g in groups
        if max(_similarity(key, normalize(g.id)), _similarity(key, normalize(g.label.split(" › ")[-1]))) >= FUZZY_CUTOFF
    ]
    if not named:
        return ""
    return " (for all topics of a " + " or ".join(f"{g.kind}, use {g.id}" for g in named[:2]) + ")"


# --- topics ---------------------------------------------------------------------------------------


def topic_candidates(roadmap: Roadmap) -> list[Candidate]:
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
    units = [Unit("module", m.id, m.title) for m in roadmap.modules.values()]
    for track in roadmap.tracks:
        units += [Unit("stage", s.id, f"{track.title} › {s.title}") for s in track.stages]
    return units


def resolve(roadmap: Roadmap, query: str, aliases: dict[str, str] | None = None, groups: bool = True) -> Unit:
    """The one topic (or, by id, module or stage) `query` names, else a UsageError saying why."""
    wanted = query.strip().lower()
    # An exact id names its unit whatever else matches: looked up directly, so naming a topic by
    # id costs the same on any roadmap (the candidates below walk every title).
    if groups and wanted in roadmap.modules:
        return Unit("module", wanted, roadmap.modules[wanted].title)
    if groups and (found := roadmap.stage(wanted)) is not None:
        return Unit("stage", wanted, f"{found[0].title} › {found[1].title}")
    topic_id = (aliases or {}).get(wanted, wanted)
    if topic_id in roadmap.topics and not roadmap.topics[topic_id].retired:
        return Unit("topic", topic_id, roadmap.display_title(topic_id))
    group_units = _groups(roadmap) if groups else []
    for unit in group_units:
        if unit.id == wanted:
            return unit
    return pick(query, topic_candidates(roadmap), "topic", exact=aliases, suggest_only=group_units)


# --- papers ---------------------------------------------------------------------------------------


def paper_unit(paper: Paper) -> Unit:
    return Unit("paper", paper.id, f"{paper.title} ({paper.year})" if paper.year else paper.title)


def paper_candidates(papers: Iterable[Paper]) -> list[Candidate]:
    return [
        (
            paper_unit(p),
            [normalize(n) for n in (p.id, p.title, *p.also_known_as)],
        )
        for p in papers
    ]


def resolve_paper(papers: Mapping[str, Paper], query: str, exact_only: bool = False) -> Unit:
    """A paper by id, arXiv id (or arXiv address), title, also-known-as name, prefix or close match."""
    wanted = query.strip().lower()
    if wanted in papers:  # by id, directly: see resolve
        return paper_unit(papers[wanted])
    arxiv = {p.arxiv: p.id for p in papers.values() if p.arxiv}
    found = ARXIV_IN_TEXT.search(query)
    exact = {}
    if found and found.group(1) in arxiv:
        exact[query.strip().lower()] = arxiv[found.group(1)]
    return pick(query, paper_candidates(papers.values()), "paper", exact=exact, exact_only=exact_only)
