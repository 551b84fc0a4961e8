"""The learner's state: the roadmap plus everything recorded, with statuses derived from events."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from ..errors import UsageError
from ..roadmap.schema import Paper, Roadmap, Track
from .history import Change, reverted
from .papers import PaperLog, Read, TargetChange

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

    @classmethod
    def from_json(cls, data: dict[str, Any], reverted: bool = False) -> Event:
        return cls(
            uid=data["uid"],
            change=data["change"],
            topic=data["topic"],
            status=data["status"],
            happened_on=date.fromisoformat(data["on"]),
            recorded_at=datetime.fromisoformat(data["at"]),
            note=data.get("note"),
            reverted=reverted,
        )


def parse_statuses(values: Iterable[str] | None) -> set[str] | None:
    """The statuses a filter names (todo, in-progress, done, skipped; case, dashes and spaces
    ignored); None when it names none, meaning every status."""
    if not values:
        return None
    chosen = set()
    for value in values:
        status = value.strip().lower().replace("-", "_").replace(" ", "_")
        if status not in STATUSES:
            raise UsageError(f"{value!r} is not a status; use todo, in-progress, done or skipped")
        chosen.add(status)
    return chosen


def latest_events(events: Iterable[Event]) -> dict[str, Event]:
    """Each topic's latest event that was not undone: its current status. Events come in history order."""
    current: dict[str, Event] = {}
    for event in events:
        if not event.reverted:
            current[event.topic] = event
    return current


@dataclass
class State:
    roadmap: Roadmap
    events: list[Event]  # history order, topic ids already resolved through aliases
    settings: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # old topic id -> current id
    own_papers: list[Paper] = field(default_factory=list)
    paper_log: PaperLog = field(default_factory=lambda: PaperLog([], []))
    changes: list[Change] = field(default_factory=list)  # the whole history, oldest first
    taken_back: set[int] = field(default_factory=set)  # ids of the changes an undo reverted
    _current: dict[str, Event] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._current = latest_events(self.events)

    @property
    def papers(self) -> dict[str, Paper]:
        """The catalog and the learner's own papers."""
        return {**self.roadmap.papers, **{p.id: p for p in self.own_papers}}

    def status(self, topic_id: str) -> str:
        event = self._current.get(topic_id)
        return event.status if event else "todo"

    def current_event(self, topic_id: str) -> Event | None:
        return self._current.get(topic_id)

    def history(self, topic_id: str) -> list[Event]:
        return [e for e in self.events if e.topic == topic_id]

    def active_track(self) -> Track:
        chosen = self.settings.get(ACTIVE_TRACK, self.roadmap.default_track)
        # A store edited by hand may name no track at all: the first one is still a place to stand.
        return self.roadmap.track(chosen) or self.roadmap.track(self.roadmap.default_track) or self.roadmap.tracks[0]

    def track(self, name: str | None) -> Track:
        """The named track, or the active one; a name matches an id or a title, case ignored."""
        if name is None:
            return self.active_track()
        wanted = name.strip().lower()
        for track in self.roadmap.tracks:
            if wanted in (track.id, track.title.lower()):
                return track
        known = ", ".join(t.id for t in self.roadmap.tracks)
        raise UsageError(f"no track named {name!r}; tracks: {known}")

    def start_stage(self, track: Track) -> str | None:
        stage_id = self.settings.get(START_STAGE_PREFIX + track.id)
        return stage_id if stage_id and any(s.id == stage_id for s in track.stages) else None


def in_force(records: Iterable[dict[str, Any]], taken_back: set[int]) -> list[dict[str, Any]]:
    """The records whose change was not taken back, in history order."""
    return sorted((r for r in records if r["change"] not in taken_back), key=lambda r: r["change"])


def current_settings(changes: Iterable[dict[str, Any]], taken_back: set[int]) -> dict[str, str]:
    """Each setting's latest value in force; an empty value means it was cleared."""
    values: dict[str, str] = {}
    for record in in_force(changes, taken_back):
        values[record["key"]] = record["value"]
    return {key: value for key, value in values.items() if value}


def from_snapshot(data: dict[str, Any]) -> State:
    roadmap = Roadmap.from_json(data["roadmap"])
    aliases: dict[str, str] = data.get("aliases", {})
    changes = [Change.from_json(c) for c in data.get("changes", [])]
    taken_back = reverted(changes)
    events = []
    for raw in sorted(data.get("events", []), key=lambda e: e["change"]):
        event = Event.from_json(raw, reverted=raw["change"] in taken_back)
        if event.topic in aliases:
            event = replace(event, topic=aliases[event.topic])
        events.append(event)
    own = [Paper(id=p["id"], title=p["title"], own=True) for p in in_force(data.get("own_papers", []), taken_back)]
    log = PaperLog(
        (Read.from_json(r) for r in in_force(data.get("reads", []), taken_back)),
        (
            TargetChange(t["target"], date.fromisoformat(t["on"]), t["change"])
            for t in in_force(data.get("targets", []), taken_back)
        ),
    )
    return State(
        roadmap=roadmap,
        events=events,
        settings=current_settings(data.get("settings", []), taken_back),
        aliases=aliases,
        own_papers=own,
        paper_log=log,
        changes=changes,
        taken_back=taken_back,
    )
