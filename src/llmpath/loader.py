"""Load and validate a roadmap YAML file into the typed schema.

Every problem is reported as one RoadmapError naming the file, the entry's path
(``topics[17].prerequisites[0]``) and what is wrong. Only the write path (sync) imports this
module, so the read commands never pay for YAML.

The roadmap is the learner's choice but not trusted: its text reaches the terminal and the store,
so every text field has a length limit and may hold no control, bidi or invisible character
(llmpath.domain.inputs.unsafe, the same rule as for notes and imports).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .domain.inputs import MAX_ID, MAX_TEXT, MAX_TITLE, MAX_URL, unsafe
from .errors import RoadmapError
from .files import MAX_ROADMAP_BYTES, Refused, read_regular
from .safetext import clipped
from .schema import (
    ESTIMATE_UNITS,
    PRIORITIES,
    ChecklistGroup,
    EntryPoint,
    Estimate,
    Module,
    Paper,
    Resource,
    Roadmap,
    Stage,
    Topic,
    Track,
)

FORMAT_VERSION = 1
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ARXIV_ID = re.compile(r"^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7})$")

# The fields that may be longer than a title; ids get MAX_ID, any other field MAX_TITLE.
FIELD_LIMITS = {"url": MAX_URL, **dict.fromkeys(("body", "description", "contribution", "checklist"), MAX_TEXT)}
# Only bodies may span lines: the bundled roadmap's hold paragraphs; anything else is one line.
MULTILINE_FIELDS = ("body",)


class _Invalid(Exception):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)


def load_roadmap(path: Path) -> Roadmap:
    """Read, parse and validate the roadmap at `path`."""
    try:
        text = read_regular(path, MAX_ROADMAP_BYTES).decode("utf-8")
    except FileNotFoundError:
        raise RoadmapError(f"{path}: roadmap file not found; check LLMPATH_ROADMAP or --roadmap") from None
    except Refused as exc:
        raise RoadmapError(f"{path}: {exc}; point LLMPATH_ROADMAP or --roadmap at a roadmap .yaml file") from None
    except UnicodeDecodeError as exc:
        raise RoadmapError(f"{path}: not UTF-8 text (byte {exc.start}); save the roadmap as UTF-8") from None
    except OSError as exc:
        raise RoadmapError(f"{path}: cannot read the roadmap: {exc.strerror}") from None
    except ValueError:  # a NUL byte in the name
        raise RoadmapError(f"{str(path)!r} is not a usable file name; check LLMPATH_ROADMAP or --roadmap") from None
    return parse_roadmap(text, path.name)


def parse_roadmap(text: str, name: str = "roadmap.yaml") -> Roadmap:
    data = _parse_yaml(text, name)
    try:
        return _build(data)
    except _Invalid as exc:
        raise RoadmapError(f"{name}: {exc}") from None


def _parse_yaml(text: str, name: str) -> Any:
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class UniqueKeyLoader(base):  # type: ignore[misc, valid-type]
        """Refuses a key given twice in one mapping: PyYAML would silently keep the last."""

        def construct_mapping(self, node, deep=False):  # noqa: ANN001
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    line = key_node.start_mark.line + 1
                    raise RoadmapError(f"{name}: line {line}: key {key!r} appears twice in one entry")
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    try:
        return yaml.load(text, Loader=UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise RoadmapError(f"{name}: {where}not valid YAML: {clipped(exc.problem or exc.context)}") from None
    except yaml.YAMLError as exc:
        raise RoadmapError(f"{name}: not valid YAML: {clipped(exc)}") from None
    except RecursionError:  # the pure-Python parser, on entries nested a thousand deep
        raise RoadmapError(f"{name}: not a roadmap: its entries are nested too deeply") from None
    except (TypeError, ValueError) as exc:  # e.g. a list used as a mapping key
        raise RoadmapError(f"{name}: not a roadmap: {clipped(exc)}") from None


# --- field readers ------------------------------------------------------------------------------


class _Entry:
    """One mapping of the file, with its path, reading typed fields and refusing unknown ones."""

    def __init__(self, value: Any, path: str, fields: tuple[str, ...]) -> None:
        if not isinstance(value, dict):
            raise _Invalid(path, f"expected a mapping, got {_kind(value)}")
        unknown = [k for k in value if k not in fields]
        if unknown:
            raise _Invalid(path, f"unknown field {_quoted(unknown[0])} (known: {', '.join(fields)})")
        self.value = value
        self.path = path
        ident = value.get("id")
        # The id names the entry in messages only once it is known to be a short slug.
        usable = isinstance(ident, str) and len(ident) <= MAX_ID and SLUG.match(ident)
        self.label = f"{path} ({ident})" if usable else path

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def text(self, key: str, required: bool = True, limit: int | None = None) -> str | None:
        value = self.value.get(key)
        if value is None:
            if required:
                raise _Invalid(self.label, f"missing required field {key!r}")
            return None
        return _text(value, self.at(key), key, limit)

    def ident(self, key: str = "id") -> str:
        value = self.text(key, limit=MAX_ID)
        if not SLUG.match(value):
            raise _Invalid(self.at(key), f"{value!r} is not a lowercase slug like 'rag-basics'")
        return value

    def integer(self, key: str, low: int, high: int, required: bool = False) -> int | None:
        value = self.value.get(key)
        if value is None:
            if required:
                raise _Invalid(self.label, f"missing required field {key!r}")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _Invalid(self.at(key), f"expected a whole number from {low} to {high}, got {_quoted(value)}")
        return value

    def flag(self, key: str) -> bool:
        value = self.value.get(key, False)
        if not isinstance(value, bool):
            raise _Invalid(self.at(key), f"expected true or false, got {_quoted(value)}")
        return value

    def texts(self, key: str, slugs: bool = False) -> tuple[str, ...]:
        return _texts(self.value.get(key), self.at(key), key, slugs)

    def entries(self, key: str, required: bool = False) -> list[tuple[str, Any]]:
        value = self.value.get(key)
        if value is None:
            if required:
                raise _Invalid(self.label, f"missing required field {key!r}")
            return []
        if not isinstance(value, list):
            raise _Invalid(self.at(key), f"expected a list, got {_kind(value)}")
        return [(f"{self.at(key)}[{i}]", item) for i, item in enumerate(value)]


def _text(value: Any, where: str, key: str, limit: int | None = None) -> str:
    """`value` stripped, if it is non-empty text within the field's limit and safe to show."""
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(where, f"expected non-empty text, got {_kind(value)}")
    limit = limit or FIELD_LIMITS.get(key, MAX_TITLE)
    if len(value) > limit:
        raise _Invalid(where, f"{len(value)} characters; at most {limit}")
    text = value.strip()
    problem = unsafe(text, multiline=key in MULTILINE_FIELDS)
    if problem:
        raise _Invalid(where, problem)
    return text


def _texts(value: Any, where: str, key: str, slugs: bool = False) -> tuple[str, ...]:
    """A list of texts (of ids, with `slugs`) under `key`; nothing when the field is absent."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _Invalid(where, f"expected a list, got {_kind(value)}")
    out = []
    for i, item in enumerate(value):
        text = _text(item, f"{where}[{i}]", key, MAX_ID if slugs else None)
        if slugs and not SLUG.match(text):
            raise _Invalid(f"{where}[{i}]", f"{text!r} is not a lowercase slug id")
        if slugs and text in out:
            raise _Invalid(f"{where}[{i}]", f"{text!r} is listed twice")
        out.append(text)
    return tuple(out)


def _quoted(value: Any) -> str:
    """A value for a message: a scalar quoted and cut short, anything else by its kind (a YAML
    alias can make a list vast)."""
    return clipped(repr(value), 80) if isinstance(value, (str, int, float)) else _kind(value)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


# --- entries ------------------------------------------------------------------------------------

TOP_FIELDS = ("version", "default_track", "tracks", "modules", "topics", "papers")
TRACK_FIELDS = (
    "id",
    "title",
    "description",
    "source",
    "estimate",
    "paper_target",
    "entry_points",
    "recommended_path",
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


def _build(data: Any) -> Roadmap:
    if data is None:
        raise _Invalid("", "the file is empty; a roadmap needs version, tracks and topics")
    top = _Entry(data, "", TOP_FIELDS)
    top.label = "top level"
    version = top.integer("version", 1, 1_000, required=True)
    if version != FORMAT_VERSION:
        raise _Invalid("version", f"this llmpath reads roadmap format {FORMAT_VERSION}, not {version}")

    modules = {}
    module_paths = {}
    for path, raw in top.entries("modules"):
        module = _module(_Entry(raw, path, MODULE_FIELDS))
        _claim(module.id, path, module_paths)
        modules[module.id] = module

    topics: dict[str, Topic] = {}
    topic_paths: dict[str, str] = {}
    for path, raw in top.entries("topics", required=True):
        topic = _topic(_Entry(raw, path, TOPIC_FIELDS))
        _claim(topic.id, path, topic_paths, module_paths)
        topics[topic.id] = topic
    if not topics:
        raise _Invalid("topics", "the roadmap has no topics")

    tracks = []
    track_paths: dict[str, str] = {}
    stage_paths: dict[str, str] = {}
    for path, raw in top.entries("tracks", required=True):
        entry = _Entry(raw, path, TRACK_FIELDS)
        track = _track(entry, topics, modules, stage_paths, topic_paths, module_paths)
        _claim(track.id, path, track_paths)
        tracks.append(track)
    if not tracks:
        raise _Invalid("tracks", "the roadmap has no tracks")

    default_track = top.text("default_track", required=False) or tracks[0].id
    if default_track not in track_paths:
        raise _Invalid("default_track", f"{default_track!r} is not a track id (tracks: {', '.join(track_paths)})")

    papers = {}
    paper_paths: dict[str, str] = {}
    for path, raw in top.entries("papers"):
        paper = _paper(_Entry(raw, path, PAPER_FIELDS), topics)
        _claim(paper.id, path, paper_paths)
        papers[paper.id] = paper

    roadmap = Roadmap(version, default_track, tuple(tracks), modules, topics, papers)
    _check_references(roadmap, topic_paths, module_paths, stage_paths, tracks)
    _check_cycles(roadmap)
    return roadmap


def _claim(ident: str, path: str, mine: dict[str, str], *others: dict[str, str]) -> None:
    for table in (mine, *others):
        if ident in table:
            raise _Invalid(f"{path}.id", f"id {ident!r} is already used by {table[ident]}")
    mine[ident] = path


def _estimate(entry: _Entry, key: str) -> Estimate | None:
    raw = entry.value.get(key)
    if raw is None:
        return None
    est = _Entry(raw, entry.at(key), ("min", "max", "unit"))
    low = est.integer("min", 1, 1000, required=True)
    high = est.integer("max", low, 1000)
    unit = est.text("unit")
    if unit not in ESTIMATE_UNITS:
        raise _Invalid(est.at("unit"), f"expected one of {', '.join(ESTIMATE_UNITS)}, got {unit!r}")
    return Estimate(low, high, unit)


def _module(entry: _Entry) -> Module:
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


def _checklist(entry: _Entry) -> tuple[ChecklistGroup, ...]:
    raw = entry.value.get("checklist")
    if raw is None:
        return ()
    if isinstance(raw, list):
        return (ChecklistGroup(None, entry.texts("checklist")),)
    if not isinstance(raw, dict):
        raise _Invalid(
            entry.at("checklist"), f"expected a list of points or a mapping of group -> points, got {_kind(raw)}"
        )
    groups = []
    for title, items in raw.items():
        name = _text(str(title), entry.at("checklist"), "title")
        where = f"{entry.at('checklist')}.{name}"
        if not isinstance(items, list):
            raise _Invalid(where, f"expected a list of points, got {_kind(items)}")
        groups.append(ChecklistGroup(name, _texts(items, where, "checklist")))
    return tuple(groups)


def _resources(entry: _Entry) -> tuple[Resource, ...]:
    out = []
    for path, raw in entry.entries("resources"):
        res = _Entry(raw, path, ("title", "url", "for"))
        url = res.text("url", required=False)
        if url is not None and not url.startswith(("https://", "http://")):
            raise _Invalid(res.at("url"), f"expected an http(s) address, got {url!r}")
        out.append(Resource(res.text("title"), url, res.text("for", required=False)))
    return tuple(out)


def _topic(entry: _Entry) -> Topic:
    kind = entry.text("kind", required=False) or "topic"
    if kind not in TOPIC_KINDS:
        raise _Invalid(entry.at("kind"), f"expected one of {', '.join(TOPIC_KINDS)}, got {kind!r}")
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


def _track(entry, topics, modules, stage_paths, topic_paths, module_paths) -> Track:  # noqa: ANN001
    track_id = entry.ident()
    stages = []
    seen_topics: dict[str, str] = {}
    for path, raw in entry.entries("stages", required=True):
        stage_entry = _Entry(raw, path, STAGE_FIELDS)
        stage_id = stage_entry.ident()
        _claim(stage_id, path, stage_paths, topic_paths, module_paths)
        listed = stage_entry.texts("topics", slugs=True)
        module_ids = stage_entry.texts("modules", slugs=True)
        if not listed and not module_ids:
            raise _Invalid(stage_entry.label, "a stage lists its topics or modules; this one lists neither")
        ordered = []
        for i, topic_id in enumerate(listed):
            if topic_id not in topics:
                raise _Invalid(f"{stage_entry.at('topics')}[{i}]", f"{topic_id!r} is not a topic id")
            ordered.append((f"{stage_entry.at('topics')}[{i}]", topic_id))
        for i, module_id in enumerate(module_ids):
            if module_id not in modules:
                raise _Invalid(f"{stage_entry.at('modules')}[{i}]", f"{module_id!r} is not a module id")
            members = [t.id for t in topics.values() if t.module == module_id]
            if not members:
                raise _Invalid(f"{stage_entry.at('modules')}[{i}]", f"module {module_id!r} has no topics")
            ordered += [(f"{stage_entry.at('modules')}[{i}]", t) for t in members]
        for where, topic_id in ordered:
            if topic_id in seen_topics:
                raise _Invalid(where, f"topic {topic_id!r} is already on this track at {seen_topics[topic_id]}")
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
            )
        )
    if not stages:
        raise _Invalid(entry.label, "a track needs at least one stage")
    stage_ids = {s.id for s in stages}
    entry_points = []
    for path, raw in entry.entries("entry_points"):
        point = _Entry(raw, path, ("id", "title", "stage"))
        stage = point.ident("stage")
        if stage not in stage_ids:
            raise _Invalid(point.at("stage"), f"{stage!r} is not a stage of track {track_id!r}")
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
    )


def _paper(entry: _Entry, topics: dict[str, Topic]) -> Paper:
    arxiv = entry.text("arxiv", required=False)
    if arxiv is not None and not ARXIV_ID.match(arxiv):
        raise _Invalid(entry.at("arxiv"), f"{arxiv!r} is not an arXiv id like 1706.03762")
    priority = entry.text("priority", required=False) or "Recommended"
    if priority not in PRIORITIES:
        raise _Invalid(entry.at("priority"), f"expected one of {', '.join(PRIORITIES)}, got {priority!r}")
    paper_topics = entry.texts("topics", slugs=True)
    for i, topic_id in enumerate(paper_topics):
        if topic_id not in topics:
            raise _Invalid(f"{entry.at('topics')}[{i}]", f"{topic_id!r} is not a topic id")
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


# --- whole-file checks --------------------------------------------------------------------------


def _check_references(roadmap: Roadmap, topic_paths, module_paths, stage_paths, tracks) -> None:  # noqa: ANN001
    units = {**topic_paths, **module_paths, **stage_paths}

    def check(owner_path: str, prerequisites: tuple[str, ...]) -> None:
        for i, unit in enumerate(prerequisites):
            if unit not in units:
                raise _Invalid(f"{owner_path}.prerequisites[{i}]", f"{unit!r} is not a topic, module or stage id")

    for module in roadmap.modules.values():
        check(module_paths[module.id], module.prerequisites)
    on_a_track = {t for track in tracks for t in track.topic_ids()}
    aliases: dict[str, str] = {}
    for topic in roadmap.topics.values():
        path = topic_paths[topic.id]
        if topic.module is not None and topic.module not in roadmap.modules:
            raise _Invalid(f"{path}.module", f"{topic.module!r} is not a module id")
        check(path, topic.prerequisites)
        if topic.id not in on_a_track:
            raise _Invalid(f"{path} ({topic.id})", "this topic is on no track; list it (or its module) in a stage")
        for i, alias in enumerate(topic.aliases):
            if alias in units or alias in aliases:
                raise _Invalid(f"{path}.aliases[{i}]", f"{alias!r} is already an id or another topic's alias")
            aliases[alias] = topic.id
    for track in tracks:
        for stage in track.stages:
            check(stage_paths[stage.id], stage.prerequisites)


def _check_cycles(roadmap: Roadmap) -> None:
    """Depth-first search over each track's effective prerequisite graph."""
    for track in roadmap.tracks:
        graph: dict[str, list[str]] = {}
        pending = list(track.topic_ids())
        while pending:
            topic_id = pending.pop()
            if topic_id in graph:
                continue
            graph[topic_id] = _requirements_with_self(roadmap, track, topic_id)
            pending.extend(graph[topic_id])
        state: dict[str, int] = {}  # 1: on the current path, 2: finished
        for start in graph:
            if state.get(start):
                continue
            stack = [(start, iter(graph[start]))]
            path = [start]
            state[start] = 1
            while stack:
                node, children = stack[-1]
                child = next(children, None)
                if child is None:
                    state[node] = 2
                    stack.pop()
                    path.pop()
                elif state.get(child) == 1:
                    loop = path[path.index(child) :] + [child]
                    raise _Invalid(f"track {track.id!r}", "prerequisites form a cycle: " + " -> ".join(loop))
                elif not state.get(child):
                    state[child] = 1
                    path.append(child)
                    stack.append((child, iter(graph[child])))


def _requirements_with_self(roadmap: Roadmap, track: Track, topic_id: str) -> list[str]:
    """Like Roadmap.requirements, but keeps a topic that requires itself so the cycle shows."""
    required = roadmap.requirements(track, topic_id)
    topic = roadmap.topics[topic_id]
    units = list(topic.prerequisites)
    if topic.module:
        units += roadmap.modules[topic.module].prerequisites
    if any(topic_id in roadmap.unit_topics(u) for u in units):
        required.append(topic_id)
    return required
