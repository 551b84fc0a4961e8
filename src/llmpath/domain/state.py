"""The learner's state: the roadmap plus what is in force of everything recorded."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from ..errors import UsageError
from ..roadmap.schema import Paper, Roadmap, Track
from .history import Change
from .papers import PaperLog, Read, ReadCorrection, Reads, TargetChange

if TYPE_CHECKING:  # the study and notes rules load with the commands that show them
    from .notes import TopicLink, TopicNote
    from .study import DailyTargetChange, StudySession, StudyTimer

STATUSES = ("todo", "in_progress", "done", "skipped")
CLOSED = ("done", "skipped")  # a prerequisite in either state no longer blocks

ACTIVE_TRACK = "active_track"
START_STAGE_PREFIX = "start_stage:"


@dataclass(frozen=True)
class Event:
    uid: str
    change: int  # the history's change that recorded it
    topic: str
    status: str
    happened_on: date
    recorded_at: datetime
    note: str | None = None
    reverted: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "change": self.change,
            "topic": self.topic,
            "status": self.status,
            "on": self.happened_on.isoformat(),
            "at": self.recorded_at.isoformat(),
            "note": self.note,
        }


def parse_statuses(values: Iterable[str] | None) -> set[str] | None:
    """The statuses a filter names, spelled as JSON spells them (todo, in_progress, done, skipped;
    case ignored, and a dash or space for the underscore); None when it names none, meaning every status."""
    if not values:
        return None
    chosen = set()
    for value in values:
        status = value.strip().lower().replace("-", "_").replace(" ", "_")
        if status not in STATUSES:
            raise UsageError(f"{value!r} is not a status; use todo, in_progress, done or skipped")
        chosen.add(status)
    return chosen


def latest_events(events: Iterable[Event]) -> dict[str, Event]:
    """Each topic's latest event that was not undone: its current status. Events come in history order."""
    current: dict[str, Event] = {}
    for event in events:
        if not event.reverted:
            current[event.topic] = event
    return current


class Standing(NamedTuple):
    """Where a topic stands: its status in force, and the day the event that set it happened."""

    status: str
    since: date


def standings(current: dict[str, Event]) -> dict[str, Standing]:
    return {topic: Standing(event.status, event.happened_on) for topic, event in current.items()}


class Records(Protocol):
    """The learner's records, with what is in force already decided, asked for by what a command
    shows: MemoryRecords (domain/records.py) decides it over a whole history held in memory; the
    store's read model (app/readmodel.py) keeps the same answers in tables, kept by the same rules."""

    def current_events(self) -> dict[str, Event]: ...  # each topic's event in force, by current topic id

    def current_standings(self) -> dict[str, Standing]: ...  # the same, in brief: what every view needs

    def first_event_on(self) -> date | None: ...  # the earliest day of a status change not undone

    def topic_history(self, topic_id: str) -> list[Event]: ...  # under its old ids too, undone ones marked

    def change_events(self, change_id: int) -> list[Event]: ...

    def change_reads(self, change_id: int) -> list[Read]: ...  # the readings a change recorded, undone or not

    def topic_notes(self, topic_id: str) -> list[TopicNote]: ...  # in force, under its old ids too

    def topic_links(self, topic_id: str) -> list[TopicLink]: ...

    def change_notes(self, change_id: int) -> list[TopicNote]: ...  # what a change recorded, undone or not

    def change_links(self, change_id: int) -> list[TopicLink]: ...

    def corrections(self) -> list[ReadCorrection]: ...  # of readings, in force

    def study_minutes(self, first: date, last: date) -> dict[date, int]: ...  # minutes in force per day studied

    def study_sessions(self, first: date, last: date) -> list[StudySession]: ...  # in force, history order

    def topic_sessions(self, topic_id: str) -> list[StudySession]: ...  # in force, under its old ids too

    def change_sessions(self, change_id: int) -> list[StudySession]: ...  # what a change recorded, undone or not

    def first_study_day(self) -> date | None: ...

    def study_targets(self) -> list[DailyTargetChange]: ...

    def running_timer(self) -> StudyTimer | None: ...  # the latest timer started and not stopped

    def aliases(self) -> dict[str, str]: ...  # old topic id -> current id

    def settings(self) -> dict[str, str]: ...

    def own_papers(self) -> list[Paper]: ...

    def reads(self) -> Reads: ...

    def targets(self) -> list[TargetChange]: ...

    def taken_back(self) -> set[int]: ...

    def changes_newest_first(self) -> Iterable[Change]: ...

    def change(self, change_id: int) -> Change | None: ...


class State:
    """The roadmap and the learner's records: what every command reads, and every write checks."""

    def __init__(self, roadmap: Roadmap, records: Records) -> None:
        self.roadmap = roadmap
        self.records = records

    @cached_property
    def _current(self) -> dict[str, Standing]:
        return self.records.current_standings()

    @cached_property
    def settings(self) -> dict[str, str]:
        return self.records.settings()

    @cached_property
    def aliases(self) -> dict[str, str]:
        return self.records.aliases()

    @cached_property
    def own_papers(self) -> list[Paper]:
        return self.records.own_papers()

    @cached_property
    def paper_log(self) -> PaperLog:
        return PaperLog(self.records.reads(), self.records.targets())

    @cached_property
    def papers(self) -> Mapping[str, Paper]:
        """The catalog and the learner's own papers."""
        return ChainMap({p.id: p for p in self.own_papers}, self.roadmap.papers)  # type: ignore[arg-type]

    def status(self, topic_id: str) -> str:
        standing = self._current.get(topic_id)
        return standing.status if standing else "todo"

    def since(self, topic_id: str) -> date | None:
        """The day the topic's status was set; None for a topic never marked."""
        standing = self._current.get(topic_id)
        return standing.since if standing else None

    def history(self, topic_id: str) -> list[Event]:
        return self.records.topic_history(topic_id)

    @cached_property
    def study_targets(self) -> list[DailyTargetChange]:
        return self.records.study_targets()

    def study_target(self, day: date) -> int:
        """The daily study target in minutes that `day` has (the default before any was set)."""
        from .study import target_for

        return target_for(day, self.study_targets)

    def studying(self) -> str | None:
        """Where study time goes when no topic is named: the active track's topic in progress,
        the one started last when there are several; None when none is."""
        started = [t for t in self.active_track().topic_ids() if self.status(t) == "in_progress"]
        return max(started, key=lambda t: self.since(t) or date.min, default=None)

    def first_change_day(self) -> date | None:
        """The day of the learner's first status change not undone (backdated ones by the day given);
        None before any."""
        return self.records.first_event_on()

    def active_track(self) -> Track:
        chosen = self.settings.get(ACTIVE_TRACK, self.roadmap.default_track)
        # A store edited by hand may name no track at all: the first one is still a place to stand.
        return self.roadmap.track(chosen) or self.roadmap.track(self.roadmap.default_track) or self.roadmap.tracks[0]

    def display_title(self, topic_id: str) -> str:
        """A topic's title with its module as the active track shows it (Roadmap.module_on): what a
        message names a topic by when no other track is in view."""
        return self.roadmap.display_title(topic_id, self.active_track())

    def track(self, name: str | None) -> Track:
        """The named track, or the active one; a name matches an id or a title, case ignored, or
        the start of just one track's id."""
        if name is None:
            return self.active_track()
        wanted = name.strip().lower()
        for track in self.roadmap.tracks:
            if wanted in (track.id, track.title.lower()):
                return track
        known = ", ".join(t.id for t in self.roadmap.tracks)
        starting = [t for t in self.roadmap.tracks if wanted and t.id.startswith(wanted)]
        if len(starting) == 1:
            return starting[0]
        if starting:
            raise UsageError(f"{name!r} starts {', '.join(t.id for t in starting)}; give more of the name")
        raise UsageError(f"no track named {name!r}; tracks: {known}")

    def numbered_topic(self, text: str) -> str | None:
        """The topic a bare number names: its place in the active track, as `llmpath list` numbers it.
        None when `text` is not a number."""
        if not text.strip().isdecimal() or not text.strip().isascii():
            return None
        topics = self.active_track().topic_ids()
        number = int(text)
        if not 1 <= number <= len(topics):
            raise UsageError(
                f"no topic number {number} on {self.active_track().id}; `llmpath list` numbers them 1 to {len(topics)}"
            )
        return topics[number - 1]

    def start_stage(self, track: Track) -> str | None:
        stage_id = self.settings.get(START_STAGE_PREFIX + track.id)
        return stage_id if stage_id and any(s.id == stage_id for s in track.stages) else None


@dataclass(frozen=True)
class SettingRecord:
    change: int
    key: str
    value: str  # empty: the setting was cleared


def current_settings(records: Iterable[SettingRecord], taken_back: set[int]) -> dict[str, str]:
    """Each setting's latest value in force; an empty value means it was cleared."""
    values: dict[str, str] = {}
    for record in sorted(records, key=lambda r: r.change):
        if record.change not in taken_back:
            values[record.key] = record.value
    return {key: value for key, value in values.items() if value}
