"""One builder per kind of roadmap entry: module, topic, track (with its stages and entry
points) and paper, each reading its fields through fields.Entry.

A builder also checks what its entry names as it reads it (a stage's topics and modules, a paper's
topics, an entry point's stage), so the first problem in file order is the one reported; the
rules over the whole roadmap are in checks.py.
"""

from __future__ import annotations

import re

from .checks import claim
from .fields import Entry, Invalid, kind_of, read_text, read_texts
from .schema import (
    ESTIMATE_UNITS,
    PRIORITIES,
    ChecklistGroup,
    EntryPoint,
    Estimate,
    Module,
    Paper,
    Question,
    Resource,
    Stage,
    Topic,
    Track,
)

ARXIV_ID = re.compile(r"^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7})$")

TRACK_FIELDS = (
    "id",
    "title",
    "description",
    "source",
    "estimate",
    "paper_target",
    "entry_points",
    "recommended_path",
    "research_areas",
    "faq",
    "closing",
    "stages",
)
STAGE_FIELDS = ("id", "title", "summary", "body", "level", "estimate", "topics", "modules", "prerequisites")
MODULE_FIELDS = ("id", "title", "number", "difficulty", "prerequisites", "prerequisites_note", "body", "source")
TOPIC_FIELDS = (
    "id",
    "title",
    "module",
    "kind",
    "optional",
    "body",
    "checklist",
    "resources",
    "prerequisites",
    "aliases",
    "sources",
)
PAPER_FIELDS = ("id", "title", "year", "arxiv", "priority", "contribution", "topics", "also_known_as")
TOPIC_KINDS = ("topic", "project")


def _estimate(entry: Entry, key: str) -> Estimate | None:
    raw = entry.value.get(key)
    if raw is None:
        return None
    est = Entry(raw, entry.at(key), ("min", "max", "unit"))
    low = est.integer("min", 1, 1000, required=True)
    high = est.integer("max", low, 1000)
    unit = est.text("unit")
    if unit not in ESTIMATE_UNITS:
        raise Invalid(est.at("unit"), f"expected one of {', '.join(ESTIMATE_UNITS)}, got {unit!r}")
    return Estimate(low, high, unit)


def read_module(entry: Entry) -> Module:
    return Module(
        id=entry.ident(),
        title=entry.text("title"),
        number=entry.integer("number", 0, 10_000),
        difficulty=entry.text("difficulty", required=False),
        prerequisites=entry.texts("prerequisites", slugs=True),
        prerequisites_note=entry.text("prerequisites_note", required=False),
        body=entry.text("body", required=False),
        source=entry.text("source", required=False),
    )


def _checklist(entry: Entry) -> tuple[ChecklistGroup, ...]:
    raw = entry.value.get("checklist")
    if raw is None:
        return ()
    if isinstance(raw, list):
        return (ChecklistGroup(None, entry.texts("checklist")),)
    if not isinstance(raw, dict):
        raise Invalid(
            entry.at("checklist"), f"expected a list of points or a mapping of group -> points, got {kind_of(raw)}"
        )
    groups = []
    for title, items in raw.items():
        name = read_text(str(title), entry.at("checklist"), "title")
        where = f"{entry.at('checklist')}.{name}"
        if not isinstance(items, list):
            raise Invalid(where, f"expected a list of points, got {kind_of(items)}")
        groups.append(ChecklistGroup(name, read_texts(items, where, "checklist")))
    return tuple(groups)


def _resources(entry: Entry) -> tuple[Resource, ...]:
    out = []
    for path, raw in entry.entries("resources"):
        res = Entry(raw, path, ("title", "url", "for"))
        url = res.text("url", required=False)
        if url is not None and not url.startswith(("https://", "http://")):
            raise Invalid(res.at("url"), f"expected an http(s) address, got {url!r}")
        out.append(Resource(res.text("title"), url, res.text("for", required=False)))
    return tuple(out)


def read_topic(entry: Entry) -> Topic:
    kind = entry.text("kind", required=False) or "topic"
    if kind not in TOPIC_KINDS:
        raise Invalid(entry.at("kind"), f"expected one of {', '.join(TOPIC_KINDS)}, got {kind!r}")
    module = entry.value.get("module")
    return Topic(
        id=entry.ident(),
        title=entry.text("title"),
        module=entry.ident("module") if module is not None else None,
        kind=kind,
        optional=entry.flag("optional"),
        body=entry.text("body", required=False) or "",
        checklist=_checklist(entry),
        resources=_resources(entry),
        prerequisites=entry.texts("prerequisites", slugs=True),
        aliases=entry.texts("aliases", slugs=True),
        sources=entry.texts("sources"),
    )


def read_track(
    entry: Entry,
    topics: dict[str, Topic],
    modules: dict[str, Module],
    members: dict[str, list[str]],
    stage_paths: dict[str, str],
    topic_paths: dict[str, str],
    module_paths: dict[str, str],
) -> Track:
    """A track and its stages; `members` holds each module's topics in file order."""
    track_id = entry.ident()
    stages = []
    seen_topics: dict[str, str] = {}
    for path, raw in entry.entries("stages", required=True):
        stage_entry = Entry(raw, path, STAGE_FIELDS)
        stage_id = stage_entry.ident()
        claim(stage_id, path, stage_paths, topic_paths, module_paths)
        listed = stage_entry.texts("topics", slugs=True)
        module_ids = stage_entry.texts("modules", slugs=True)
        if not listed and not module_ids:
            raise Invalid(stage_entry.label, "a stage lists its topics or modules; this one lists neither")
        ordered = []
        for i, topic_id in enumerate(listed):
            if topic_id not in topics:
                raise Invalid(f"{stage_entry.at('topics')}[{i}]", f"{topic_id!r} is not a topic id")
            ordered.append((f"{stage_entry.at('topics')}[{i}]", topic_id))
        for i, module_id in enumerate(module_ids):
            if module_id not in modules:
                raise Invalid(f"{stage_entry.at('modules')}[{i}]", f"{module_id!r} is not a module id")
            listed_members = members.get(module_id, [])
            if not listed_members:
                raise Invalid(f"{stage_entry.at('modules')}[{i}]", f"module {module_id!r} has no topics")
            ordered += [(f"{stage_entry.at('modules')}[{i}]", t) for t in listed_members]
        for where, topic_id in ordered:
            if topic_id in seen_topics:
                raise Invalid(where, f"topic {topic_id!r} is already on this track at {seen_topics[topic_id]}")
            seen_topics[topic_id] = where
        stages.append(
            Stage(
                id=stage_id,
                title=stage_entry.text("title"),
                topics=tuple(t for _, t in ordered),
                modules=module_ids,
                summary=stage_entry.text("summary", required=False),
                body=stage_entry.text("body", required=False),
                level=stage_entry.text("level", required=False),
                estimate=_estimate(stage_entry, "estimate"),
                prerequisites=stage_entry.texts("prerequisites", slugs=True),
                optional_topics=tuple(t for _, t in ordered if topics[t].optional),
            )
        )
    if not stages:
        raise Invalid(entry.label, "a track needs at least one stage")
    stage_ids = {s.id for s in stages}
    entry_points = []
    for path, raw in entry.entries("entry_points"):
        point = Entry(raw, path, ("id", "title", "stage"))
        stage = point.ident("stage")
        if stage not in stage_ids:
            raise Invalid(point.at("stage"), f"{stage!r} is not a stage of track {track_id!r}")
        entry_points.append(EntryPoint(point.ident(), point.text("title"), stage))
    return Track(
        id=track_id,
        title=entry.text("title"),
        stages=tuple(stages),
        description=entry.text("description", required=False),
        source=entry.text("source", required=False),
        estimate=entry.text("estimate", required=False),
        paper_target=entry.integer("paper_target", 1, 50),
        entry_points=tuple(entry_points),
        recommended_path=entry.texts("recommended_path"),
        research_areas=entry.texts("research_areas"),
        faq=tuple(
            Question(question.text("question"), question.text("answer"))
            for question in (Entry(raw, path, ("question", "answer")) for path, raw in entry.entries("faq"))
        ),
        closing=entry.text("closing", required=False),
    )


def read_paper(entry: Entry, topics: dict[str, Topic]) -> Paper:
    arxiv = entry.text("arxiv", required=False)
    if arxiv is not None and not ARXIV_ID.match(arxiv):
        raise Invalid(entry.at("arxiv"), f"{arxiv!r} is not an arXiv id like 1706.03762")
    priority = entry.text("priority", required=False) or "Recommended"
    if priority not in PRIORITIES:
        raise Invalid(entry.at("priority"), f"expected one of {', '.join(PRIORITIES)}, got {priority!r}")
    paper_topics = entry.texts("topics", slugs=True)
    for i, topic_id in enumerate(paper_topics):
        if topic_id not in topics:
            raise Invalid(f"{entry.at('topics')}[{i}]", f"{topic_id!r} is not a topic id")
    return Paper(
        id=entry.ident(),
        title=entry.text("title"),
        year=entry.integer("year", 1900, 2100),
        arxiv=arxiv,
        priority=priority,
        contribution=entry.text("contribution", required=False),
        topics=paper_topics,
        also_known_as=entry.texts("also_known_as"),
    )
