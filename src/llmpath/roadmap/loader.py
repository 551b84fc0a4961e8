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
