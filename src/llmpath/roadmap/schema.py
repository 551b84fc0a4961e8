"""The roadmap's typed schema, shared by the YAML loader and the store.

Standard library only: the read commands build these objects from the store's rows without
importing YAML or SQLAlchemy, one entry at a time (see Catalog), so a command pays for the topics it
shows rather than for the whole roadmap. The rule for what a topic requires lives here
(Roadmap.requirements), for the planner and for the loader's cycle check alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

PRIORITIES = ("Essential", "Important", "Recommended")
ESTIMATE_UNITS = ("weeks", "months")
WEEKS_PER_MONTH = 52 / 12


@dataclass(frozen=True)
class Resource:
    title: str
    url: str | None = None
    serves: str | None = None  # the checklist point it serves ("for" in the YAML)


@dataclass(frozen=True)
class ChecklistGroup:
    title: str | None
    items: tuple[str, ...]


@dataclass(frozen=True)
class Estimate:
    min: int
    max: int | None
    unit: str

    def text(self) -> str:
        span = f"{self.min}-{self.max}" if self.max is not None else f"{self.min}+"
        return f"{span} {self.unit}"

    def weeks(self) -> tuple[float, float | None]:
        factor = WEEKS_PER_MONTH if self.unit == "months" else 1.0
        high = self.max * factor if self.max is not None else None
        return self.min * factor, high


@dataclass(frozen=True)
class EntryPoint:
    id: str
    title: str
    stage: str


@dataclass(frozen=True)
class Stage:
    id: str
    title: str
    topics: tuple[str, ...]  # in track order, modules already expanded
    modules: tuple[str, ...] = ()
    summary: str | None = None
    body: str | None = None
    level: str | None = None
    estimate: Estimate | None = None
    prerequisites: tuple[str, ...] = ()
    # Its topics marked optional, kept with the stage so that the store's read path knows them
    # from the tracks it loads anyway, without reading every topic (Roadmap.is_optional).
    optional_topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    """A question the source answers for its learners, and its answer."""

    question: str
    answer: str


@dataclass(frozen=True)
class Track:
    id: str
    title: str
    stages: tuple[Stage, ...]
    description: str | None = None
    source: str | None = None
    estimate: str | None = None
    paper_target: int | None = None
    entry_points: tuple[EntryPoint, ...] = ()
    recommended_path: tuple[str, ...] = ()
    research_areas: tuple[str, ...] = ()  # where the source points a learner's own research
    faq: tuple[Question, ...] = ()
    closing: str | None = None  # the source's parting advice

    def topic_ids(self) -> list[str]:
        return [topic_id for stage in self.stages for topic_id in stage.topics]


@dataclass(frozen=True)
class Module:
    id: str
    title: str
    number: int | None = None
    difficulty: str | None = None
    prerequisites: tuple[str, ...] = ()
    prerequisites_note: str | None = None
    body: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    module: str | None = None
    kind: str = "topic"
    optional: bool = False
    body: str = ""
    checklist: tuple[ChecklistGroup, ...] = ()
    resources: tuple[Resource, ...] = ()
    prerequisites: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    retired: bool = False


@dataclass(frozen=True)
class Paper:
    id: str
    title: str
    year: int | None = None
    arxiv: str | None = None
    priority: str = "Recommended"
    contribution: str | None = None
    topics: tuple[str, ...] = ()
    also_known_as: tuple[str, ...] = ()
    own: bool = False  # added by the learner with `papers log --new`, not from the roadmap

    @property
    def url(self) -> str | None:
        return f"https://arxiv.org/abs/{self.arxiv}" if self.arxiv else None


class Catalog(Mapping[str, T]):
    """A read-only mapping filled on demand: one entry by `one(key)` (None when there is no such
    entry), or all of them, in order, by `every()` the first time the whole catalog is walked."""

    def __init__(self, one: Callable[[str], T | None], every: Callable[[], dict[str, T]]) -> None:
        self._one, self._every = one, every
        self._seen: dict[str, T | None] = {}
        self._all: dict[str, T] | None = None

    def __getitem__(self, key: str) -> T:
        if self._all is not None:
            return self._all[key]
        if key not in self._seen:
            self._seen[key] = self._one(key)
        found = self._seen[key]
        if found is None:
            raise KeyError(key)
        return found

    def _whole(self) -> dict[str, T]:
        if self._all is None:
            self._all = self._every()
        return self._all

    def __iter__(self) -> Iterator[str]:
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())


@dataclass(frozen=True)
class Roadmap:
    """The roadmap. Built whole by the loader; the store builds it with Catalogs and overrides the
    lookups that would otherwise walk every topic or paper (module_members, papers_about,
    papers_of_priority)."""

    version: int
    default_track: str
    tracks: tuple[Track, ...]
    modules: Mapping[str, Module]
    topics: Mapping[str, Topic]
    papers: Mapping[str, Paper]
    _stage_index: dict[str, tuple[Track, Stage]] = field(default_factory=dict, compare=False, repr=False)
    _stage_of: dict[tuple[str, str], Stage] = field(default_factory=dict, compare=False, repr=False)
    _module_members: dict[str, list[str]] = field(default_factory=dict, compare=False, repr=False)
    _optional: set[str] = field(default_factory=set, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Indexes, so that prerequisites of a large roadmap resolve in linear time.
        for track in self.tracks:
            for stage in track.stages:
                self._stage_index[stage.id] = (track, stage)
                self._optional.update(stage.optional_topics)
                for topic_id in stage.topics:
                    self._stage_of[(track.id, topic_id)] = stage

    def is_optional(self, topic_id: str) -> bool:
        """True for a topic the roadmap marks optional (a topic no track holds counts nowhere)."""
        return topic_id in self._optional

    def module_members(self, module_id: str) -> Sequence[str]:
        """The topics of a module, retired ones left out, in roadmap order."""
        if not self._module_members:
            for topic in self.topics.values():
                if topic.module and not topic.retired:
                    self._module_members.setdefault(topic.module, []).append(topic.id)
        return self._module_members.get(module_id, ())

    def papers_about(self, topic_id: str) -> list[Paper]:
        """The catalog's papers tied to a topic, in catalog order."""
        return [p for p in self.papers.values() if topic_id in p.topics]

    def papers_of_priority(self, priority: str) -> list[Paper]:
        """The catalog's papers of one priority, in catalog order."""
        return [p for p in self.papers.values() if p.priority == priority]

    def track(self, track_id: str) -> Track | None:
        return next((t for t in self.tracks if t.id == track_id), None)

    def stage(self, stage_id: str) -> tuple[Track, Stage] | None:
        return self._stage_index.get(stage_id)

    def module_topics(self, module_id: str) -> list[str]:
        return list(self.module_members(module_id))

    def unit_topics(self, unit_id: str) -> list[str]:
        """The topics a topic, module or stage id stands for; a retired topic's id stands for nothing."""
        return list(self.unit_members(unit_id))

    def unit_members(self, unit_id: str) -> Sequence[str]:
        """unit_topics without the copy, for callers that only read it."""
        if unit_id in self.topics and not self.topics[unit_id].retired:
            return (unit_id,)
        if unit_id in self.modules:
            return self.module_members(unit_id)
        found = self.stage(unit_id)
        return found[1].topics if found else ()

    def module_on(self, track: Track | None, topic_id: str) -> Module | None:
        """A topic's module as `track` shows it: its module only where the stage holding it on that
        track lists the module (a stage may list a module's topics without it: the complete track
        holds topics of the specialist's modules). A topic off the track, or with no track (one no
        track holds, such as a retired one), keeps its own: no stage says otherwise. None for a
        module gone from the roadmap."""
        module_id = self.topics[topic_id].module
        if module_id is None:
            return None
        stage = self._stage_of.get((track.id, topic_id)) if track is not None else None
        if stage is not None and module_id not in stage.modules:
            return None
        return self.modules.get(module_id)

    def display_title(self, topic_id: str, track: Track | None = None) -> str:
        """A topic's title with its module, since section titles repeat across modules: the module
        it has on `track` when a track is viewed (module_on), else its own."""
        topic = self.topics[topic_id]
        module = self.module_on(track, topic_id)
        return f"{module.title} › {topic.title}" if module else topic.title

    def requirements(self, track: Track, topic_id: str) -> list[str]:
        """Topic ids that must be done or skipped before `topic_id` on `track`.

        A topic's own prerequisites, its module's, and those of the stage that holds it on this
        track: a stage's prerequisites (002's levels build on each other) apply on its own track only.
        An optional topic is never required, whatever names it.
        """
        own, staged = self.requirement_units(track, topic_id)
        members = (req for unit in (*own, *staged) for req in self.unit_members(unit))
        # A dict keeps the first place of each topic and finds repeats in constant time.
        required = dict.fromkeys(req for req in members if not self.is_optional(req))
        required.pop(topic_id, None)
        return list(required)

    def requirement_units(self, track: Track | None, topic_id: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The unit ids behind `requirements`, unexpanded: the topic's own and its module's
        prerequisites, then those of its stage on `track` (none without a track)."""
        topic = self.topics[topic_id]
        own = tuple(topic.prerequisites)
        if topic.module and topic.module in self.modules:
            own += tuple(self.modules[topic.module].prerequisites)
        stage = self._stage_of.get((track.id, topic_id)) if track is not None else None
        return own, tuple(stage.prerequisites) if stage is not None else ()


def _estimate(data: dict[str, Any] | None) -> Estimate | None:
    return Estimate(**data) if data else None


def stage_from_json(data: dict[str, Any]) -> Stage:
    return Stage(
        **{
            **data,
            "topics": tuple(data["topics"]),
            "modules": tuple(data["modules"]),
            "prerequisites": tuple(data["prerequisites"]),
            "estimate": _estimate(data["estimate"]),
            "optional_topics": tuple(data.get("optional_topics", ())),
        }
    )


def track_from_json(data: dict[str, Any]) -> Track:
    return Track(
        **{
            **data,
            "stages": tuple(stage_from_json(s) for s in data["stages"]),
            "entry_points": tuple(EntryPoint(**e) for e in data["entry_points"]),
            "recommended_path": tuple(data["recommended_path"]),
            "research_areas": tuple(data.get("research_areas", ())),
            "faq": tuple(Question(**q) for q in data.get("faq", ())),
        }
    )


def module_from_json(data: dict[str, Any]) -> Module:
    return Module(**{**data, "prerequisites": tuple(data["prerequisites"])})


def topic_from_json(data: dict[str, Any]) -> Topic:
    return Topic(
        **{
            **data,
            "checklist": tuple(ChecklistGroup(g["title"], tuple(g["items"])) for g in data["checklist"]),
            "resources": tuple(Resource(**r) for r in data["resources"]),
            "prerequisites": tuple(data["prerequisites"]),
            "aliases": tuple(data["aliases"]),
            "sources": tuple(data["sources"]),
        }
    )


def paper_from_json(data: dict[str, Any]) -> Paper:
    return Paper(**{**data, "topics": tuple(data["topics"]), "also_known_as": tuple(data["also_known_as"])})
