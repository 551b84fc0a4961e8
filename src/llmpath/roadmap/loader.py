"""Read a roadmap YAML file and build the typed Roadmap from it.

Every problem is reported as one RoadmapError naming the file, the entry's path
(``topics[17].prerequisites[0]``) and what is wrong. Only the write path (sync) imports this
module, so the read commands never pay for YAML.

The roadmap is the learner's choice but not trusted: its text reaches the terminal and the store,
so every field is read through fields.py, with its limits. The entries are built in file order
(entries.py) and then checked as a whole (checks.py).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import RoadmapError
from ..files import MAX_ROADMAP_BYTES, Refused, read_regular
from ..safetext import clipped
from .checks import check_cycles, check_references, claim
from .entries import (
    MODULE_FIELDS,
    PAPER_FIELDS,
    TOPIC_FIELDS,
    TRACK_FIELDS,
    read_module,
    read_paper,
    read_topic,
    read_track,
)
from .fields import Entry, Invalid
from .schema import Roadmap, Topic

FORMAT_VERSION = 1
TOP_FIELDS = ("version", "default_track", "tracks", "modules", "topics", "papers")


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
    with _without_cycle_collection():
        data = _parse_yaml(text, name)
        try:
            return _build(data)
        except Invalid as exc:
            raise RoadmapError(f"{name}: {exc}") from None


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Parsing and building make millions of objects and no garbage cycles, but the allocations
    alone keep starting Python's cycle collector, which walks ever more of them: half the parse
    time at 10,000 topics, and a share that grows with the roadmap."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse_yaml(text: str, name: str) -> Any:
    try:
        return _objects_from_events(text, name)
    except RoadmapError:
        raise
    except Exception as exc:  # noqa: BLE001 - PyYAML's errors, sorted out below
        raise _yaml_problem(exc, name) from None


# The tags a mapping or a list may carry: none, or the standard ones. Anything else (!!python/...,
# !!set, a tag of another program's own) is refused rather than read as something it is not.
PLAIN_COLLECTION_TAGS = (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _objects_from_events(text: str, name: str) -> Any:
    """The document's Python objects, built from the parser's events.

    PyYAML's loader first builds a node for every value of the whole file and keeps them all until
    it is done: about sixty times the file's size (500 MB for a roadmap of 50,000 topics). Built
    from the events instead, only the objects themselves are kept, and no deep nesting can exhaust
    Python's recursion. Scalars are resolved and built by PyYAML's own safe rules; anchors and
    aliases are followed; a key given twice in one mapping is refused, since PyYAML would keep
    the last silently.
    """
    import yaml
    from yaml import events

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    stack: list[Any] = []  # the open mappings and lists
    pending: list[Any] = []  # for each open mapping, its key waiting for a value (KEY_MISSING when none)
    anchors: dict[str, Any] = {}
    root: list[Any] = []

    def add(value: Any, event: Any) -> None:
        if not stack:
            root.append(value)
        elif isinstance(stack[-1], list):
            stack[-1].append(value)
        elif pending[-1] is KEY_MISSING:
            if value in stack[-1]:
                line = event.start_mark.line + 1
                raise RoadmapError(f"{name}: line {line}: key {value!r} appears twice in one entry")
            pending[-1] = value
        else:
            stack[-1][pending[-1]] = value
            pending[-1] = KEY_MISSING
        if getattr(event, "anchor", None):
            anchors[event.anchor] = value

    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, events.ScalarEvent):
                tag = event.tag if event.tag not in (None, "!") else None
                tag = tag or loader.resolve(yaml.ScalarNode, event.value, event.implicit)
                node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
                construct = loader.yaml_constructors.get(tag, loader.yaml_constructors[None])
                add(construct(loader, node), event)
            elif isinstance(event, (events.MappingStartEvent, events.SequenceStartEvent)):
                if event.tag not in PLAIN_COLLECTION_TAGS:
                    line = event.start_mark.line + 1
                    raise RoadmapError(f"{name}: line {line}: not a roadmap: the tag {event.tag!r} is not supported")
                opened: Any = {} if isinstance(event, events.MappingStartEvent) else []
                add(opened, event)
                stack.append(opened)
                pending.append(KEY_MISSING)
            elif isinstance(event, (events.MappingEndEvent, events.SequenceEndEvent)):
                stack.pop()
                pending.pop()
            elif isinstance(event, events.AliasEvent):
                if event.anchor not in anchors:
                    raise RoadmapError(f"{name}: line {event.start_mark.line + 1}: not valid YAML: unknown alias")
                add(anchors[event.anchor], event)
    finally:
        loader.dispose()
    return root[0] if root else None


KEY_MISSING = object()


def _yaml_problem(exc: Exception, name: str) -> RoadmapError:
    import yaml

    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        return RoadmapError(f"{name}: {where}not valid YAML: {clipped(exc.problem or exc.context)}")
    if isinstance(exc, yaml.YAMLError):
        return RoadmapError(f"{name}: not valid YAML: {clipped(exc)}")
    if isinstance(exc, (TypeError, ValueError)):  # e.g. a list used as a mapping key
        return RoadmapError(f"{name}: not a roadmap: {clipped(exc)}")
    raise exc


# --- building ----------------------------------------------------------------------------------


def _build(data: Any) -> Roadmap:
    """The Roadmap the parsed file describes: its entries in file order, then the whole-roadmap checks."""
    if data is None:
        raise Invalid("", "the file is empty; a roadmap needs version, tracks and topics")
    top = Entry(data, "", TOP_FIELDS)
    top.label = "top level"
    version = top.integer("version", 1, 1_000, required=True)
    if version != FORMAT_VERSION:
        raise Invalid("version", f"this llmpath reads roadmap format {FORMAT_VERSION}, not {version}")

    modules = {}
    module_paths = {}
    for path, raw in top.entries("modules"):
        module = read_module(Entry(raw, path, MODULE_FIELDS))
        claim(module.id, path, module_paths)
        modules[module.id] = module

    topics: dict[str, Topic] = {}
    topic_paths: dict[str, str] = {}
    for path, raw in top.entries("topics", required=True):
        topic = read_topic(Entry(raw, path, TOPIC_FIELDS))
        claim(topic.id, path, topic_paths, module_paths)
        topics[topic.id] = topic
    if not topics:
        raise Invalid("topics", "the roadmap has no topics")
    members: dict[str, list[str]] = {}  # each module's topics in file order, for the stages that list it
    for topic in topics.values():
        if topic.module is not None:
            members.setdefault(topic.module, []).append(topic.id)

    tracks = []
    track_paths: dict[str, str] = {}
    stage_paths: dict[str, str] = {}
    for path, raw in top.entries("tracks", required=True):
        entry = Entry(raw, path, TRACK_FIELDS)
        track = read_track(entry, topics, modules, members, stage_paths, topic_paths, module_paths)
        claim(track.id, path, track_paths)
        tracks.append(track)
    if not tracks:
        raise Invalid("tracks", "the roadmap has no tracks")

    default_track = top.text("default_track", required=False) or tracks[0].id
    if default_track not in track_paths:
        raise Invalid("default_track", f"{default_track!r} is not a track id (tracks: {', '.join(track_paths)})")

    papers = {}
    paper_paths: dict[str, str] = {}
    for path, raw in top.entries("papers"):
        paper = read_paper(Entry(raw, path, PAPER_FIELDS), topics)
        claim(paper.id, path, paper_paths)
        papers[paper.id] = paper

    roadmap = Roadmap(version, default_track, tuple(tracks), modules, topics, papers)
    check_references(roadmap, topic_paths, module_paths, stage_paths)
    check_cycles(roadmap)
    return roadmap
