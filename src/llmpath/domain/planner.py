"""What to study next on a track.

Topics in progress come first. Then, from the learner's starting stage on, the first open topics in
track order whose prerequisites are all done or skipped; then the open topics of earlier stages,
which stay open when a learner starts later. Prerequisites that lie before the chosen starting
stage count as met: choosing a starting point says the learner has that background. Optional
topics come after every required topic that is ready, in the same order; a track whose required
topics are all done or skipped is finished, optional topics open or not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..roadmap.schema import Stage, Track
from .progress import tally
from .stages import find_stage
from .state import CLOSED, State


@dataclass(frozen=True)
class Suggestion:
    topic: str
    stage: Stage
    status: str
    reason: str


@dataclass(frozen=True)
class Blocked:
    topic: str
    missing: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    track: Track
    suggestions: list[Suggestion]
    finished: bool = False
    blocked: list[Blocked] = field(default_factory=list)


def _ordered(track: Track, start_stage: str | None) -> tuple[list[tuple[Stage, str]], set[str]]:
    """Topics from the starting stage on, then the earlier ones; and the topics assumed known."""
    pairs = [(stage, topic) for stage in track.stages for topic in stage.topics]
    assumed = _assumed(track, start_stage)
    return [p for p in pairs if p[1] not in assumed] + [p for p in pairs if p[1] in assumed], assumed


def _assumed(track: Track, start_stage: str | None) -> set[str]:
    """The topics of the stages before the learner's starting stage: taken as known."""
    known: set[str] = set()
    for stage in track.stages if start_stage else ():
        if stage.id == start_stage:
            break
        known.update(stage.topics)
    return known


def learning_order(state: State, track: Track) -> list[str]:
    """The track's topics in the order this learner meets them: from their starting stage on."""
    return [topic for _, topic in _ordered(track, state.start_stage(track))[0]]


def plan(state: State, track: Track, count: int = 1) -> Plan:
    start = state.start_stage(track)
    ordered, assumed = _ordered(track, start)
    suggestions: list[Suggestion] = []
    for stage, topic in ordered:
        if state.status(topic) == "in_progress":
            suggestions.append(Suggestion(topic, stage, "in_progress", f"you started it on {state.since(topic)}"))

    blocked: list[Blocked] = []
    required_first = sorted(enumerate(ordered), key=lambda pair: state.roadmap.is_optional(pair[1][1]))
    for index, (stage, topic) in required_first:
        if len(suggestions) >= count:
            break
        if state.status(topic) != "todo":
            continue
        requirements = state.roadmap.requirements(track, topic)
        missing = tuple(r for r in requirements if not met(state, r, topic, assumed))
        if missing:
            blocked.append(Blocked(topic, missing))
            continue
        suggestions.append(
            Suggestion(topic, stage, "todo", _reason(state, track, stage, topic, requirements, start, index))
        )

    finished = tally(state, track.topic_ids()).remaining == 0
    return Plan(track, suggestions[:count], finished=finished, blocked=blocked if not suggestions else [])


def met(state: State, requirement: str, topic: str, assumed: set[str]) -> bool:
    """A requirement of `topic` is met when it is done or skipped, or when it lies before the
    learner's starting stage (`assumed`) and the topic does not."""
    return state.status(requirement) in CLOSED or (requirement in assumed and topic not in assumed)


def later_starts(state: State, track: Track) -> list[str]:
    """What `track use TRACK --from` takes to begin the track past where a newcomer begins, in the
    roadmap's order; offered only until the learner marks a topic on the track or chooses a start.

    The roadmap lists entry points from the newcomer's on: of several, those after the first; a
    lone one if it begins past the first stage. A track without such entry points offers its
    stages after the first, by number where `--from` reads the number as that stage, else by id."""
    if state.start_stage(track) or any(state.since(topic) is not None for topic in track.topic_ids()):
        return []
    points = track.entry_points
    later = points[1:] if len(points) > 1 else [p for p in points if p.stage != track.stages[0].id]
    if later:
        return [p.id for p in later]
    numbered = ((str(n), stage) for n, stage in enumerate(track.stages[1:], start=2))
    return [number if find_stage(track, number).id == stage.id else stage.id for number, stage in numbered]


def _reason(
    state: State, track: Track, stage: Stage, topic: str, requirements: list[str], start: str | None, index: int
) -> str:
    basis = _basis(state, track, requirements)
    if state.roadmap.is_optional(topic):
        return f"it is optional, so it comes after every required topic that is ready, and {basis}"
    if start and stage.id == start and index == 0:
        return f"you chose to start at {stage.title}, and {basis}"
    earlier = track.topic_ids()[: track.topic_ids().index(topic)]
    before = [t for t in earlier if state.status(t) not in CLOSED and not state.roadmap.is_optional(t)]
    if before and start:
        return f"it is the next open topic from your starting point, and {basis}"
    if before:
        return f"earlier topics are waiting on prerequisites, and {basis}"
    return f"it is the first open topic of {track.title}, and {basis}"


def _basis(state: State, track: Track, requirements: list[str]) -> str:
    if not requirements:
        return "it has no prerequisites"
    shown = ", ".join(state.roadmap.display_title(r, track) for r in requirements[:3])
    more = f" and {len(requirements) - 3} more" if len(requirements) > 3 else ""
    return f"its prerequisites are met ({shown}{more})"


@dataclass(frozen=True)
class Prerequisite:
    """What a topic builds on, as the roadmap names it: a topic, a module or a stage."""

    unit: str  # its id
    title: str
    met: bool  # every topic of it that is required is done or skipped


def prerequisites_of(state: State, track: Track | None, topic_id: str) -> list[Prerequisite]:
    """The units a topic builds on, its own and its module's, then its stage's on `track` (none
    when no track holds it), in the roadmap's order."""
    roadmap = state.roadmap
    own, staged = roadmap.requirement_units(track, topic_id)
    assumed = _assumed(track, state.start_stage(track)) if track is not None else set()
    found = []
    for unit in dict.fromkeys((*own, *staged)):
        if unit in roadmap.topics:
            title = roadmap.display_title(unit, track)
        elif unit in roadmap.modules:
            title = roadmap.modules[unit].title
        else:
            located = roadmap.stage(unit)
            title = located[1].title if located else unit
        members = [m for m in roadmap.unit_members(unit) if not roadmap.is_optional(m) and m != topic_id]
        found.append(Prerequisite(unit, title, all(met(state, m, topic_id, assumed) for m in members)))
    return found


NOTICE_STATUSES = ("done", "in_progress")  # marking a topic so says the learner is on it or past it


@dataclass(frozen=True)
class Ahead:
    """A topic marked done or started while prerequisites on its home track are still open."""

    topic: str
    track: Track
    missing: tuple[str, ...]  # in the order the roadmap lists them


def home_track(state: State, topic_id: str) -> Track | None:
    """The active track if the topic is on it, else the first track that holds it."""
    active = state.active_track()
    if topic_id in active.topic_ids():
        return active
    return next((t for t in state.roadmap.tracks if topic_id in t.topic_ids()), None)


def ahead_of_prerequisites(state: State, topic_ids: list[str], status: str) -> list[Ahead]:
    """The topics just set to `status` that are ahead of prerequisites neither done nor skipped,
    each with those prerequisites, in the order given. Only done and in progress ask for it."""
    if status not in NOTICE_STATUSES:
        return []
    found: list[Ahead] = []
    for topic_id in topic_ids:
        home = home_track(state, topic_id)
        if home is None:
            continue
        missing = tuple(r for r in state.roadmap.requirements(home, topic_id) if state.status(r) not in CLOSED)
        if missing:
            found.append(Ahead(topic_id, home, missing))
    return found
