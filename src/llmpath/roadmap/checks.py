"""The rules over the whole roadmap: ids unique across topics, modules and stages, prerequisites
and aliases that resolve, every topic on a track, and no prerequisite cycle on any track.

Each runs in time linear in the roadmap's size: a stage's prerequisites stand for every topic of
the stages they name, so the cycle check walks them unit by unit instead of topic by topic.
"""

from __future__ import annotations

from collections.abc import Iterator

from .fields import Invalid
from .schema import Roadmap, Track


def claim(ident: str, path: str, mine: dict[str, str], *others: dict[str, str]) -> None:
    """Record `ident` as the id of the entry at `path`, unless an entry of any kind has it."""
    for table in (mine, *others):
        if ident in table:
            raise Invalid(f"{path}.id", f"id {ident!r} is already used by {table[ident]}")
    mine[ident] = path


def check_references(
    roadmap: Roadmap,
    topic_paths: dict[str, str],
    module_paths: dict[str, str],
    stage_paths: dict[str, str],
) -> None:
    """Every prerequisite names a unit, every module a module, every topic is on a track and every
    alias is free."""
    units = {**topic_paths, **module_paths, **stage_paths}

    def check(owner_path: str, prerequisites: tuple[str, ...]) -> None:
        for i, unit in enumerate(prerequisites):
            if unit not in units:
                raise Invalid(f"{owner_path}.prerequisites[{i}]", f"{unit!r} is not a topic, module or stage id")

    for module in roadmap.modules.values():
        check(module_paths[module.id], module.prerequisites)
    on_a_track = {t for track in roadmap.tracks for t in track.topic_ids()}
    aliases: dict[str, str] = {}
    for topic in roadmap.topics.values():
        path = topic_paths[topic.id]
        if topic.module is not None and topic.module not in roadmap.modules:
            raise Invalid(f"{path}.module", f"{topic.module!r} is not a module id")
        check(path, topic.prerequisites)
        if topic.id not in on_a_track:
            raise Invalid(f"{path} ({topic.id})", "this topic is on no track; list it (or its module) in a stage")
        for i, alias in enumerate(topic.aliases):
            if alias in units or alias in aliases:
                raise Invalid(f"{path}.aliases[{i}]", f"{alias!r} is already an id or another topic's alias")
            aliases[alias] = topic.id
    for track in roadmap.tracks:
        for stage in track.stages:
            check(stage_paths[stage.id], stage.prerequisites)


def check_cycles(roadmap: Roadmap) -> None:
    """Depth-first search over each track's effective prerequisite graph (Roadmap.requirements).

    The search starts from the track's last topic and works back, and takes each topic's
    requirements in order; the first cycle it meets is the one reported.
    """
    for track in roadmap.tracks:
        state: dict[str, int] = {}  # 1: on the current path, 2: finished
        finished_units: set[str] = set()  # units whose topics are all finished
        for start in reversed(track.topic_ids()):
            if state.get(start):
                continue
            stack = [(start, _requirements(roadmap, track, start, finished_units))]
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
                    raise Invalid(f"track {track.id!r}", "prerequisites form a cycle: " + " -> ".join(loop))
                elif not state.get(child):
                    state[child] = 1
                    path.append(child)
                    stack.append((child, _requirements(roadmap, track, child, finished_units)))


def _requirements(roadmap: Roadmap, track: Track, topic_id: str, finished_units: set[str]) -> Iterator[str]:
    """Roadmap.requirements(track, topic_id), read lazily, and then the topic itself if its own or
    its module's prerequisites name it, so that the cycle shows.

    The search calls next() only once the topic it got before is finished, so a unit read to its end
    without meeting `topic_id` (still on the search's path) has only finished topics: later topics
    that require it skip it whole, which keeps a big stage's prerequisites linear. A topic may come
    twice (from two units); the second time it is finished, as Roadmap.requirements' single copy
    would be by then.
    """
    own, staged = roadmap.requirement_units(track, topic_id)
    requires_itself = False
    for position, unit in enumerate((*own, *staged)):
        if unit in finished_units:
            continue
        holds_itself = False
        for member in roadmap.unit_members(unit):
            if member == topic_id:
                holds_itself = True
            else:
                yield member
        if not holds_itself:
            finished_units.add(unit)
        elif position < len(own):
            requires_itself = True
    if requires_itself:
        yield topic_id
