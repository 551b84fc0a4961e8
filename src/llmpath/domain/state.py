"""The learner's state: the roadmap plus everything recorded, with statuses derived from events."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from ..errors import UsageError
from ..schema import Paper, Roadmap, Track
from .papers import PaperLog, Read, TargetChange

STATUSES = ("todo", "in_progress", "done", "skipped")
CLOSED = ("done", "skipped")  # a prerequisite in either state no longer blocks

ACTIVE_TRACK = "active_track"
START_STAGE_PREFIX = "start_stage:"


@dataclass(frozen=True)
class Event:
    uid: str
    batch: str
    topic: str
    status: str
    happened_on: date
    recorded_at: datetime
    note: str | None = None
    reverted: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "batch": self.batch,
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
            batch=data["batch"],
            topic=data["topic"],
            status=data["status"],
            happened_on=date.fromisoformat(data["on"]),
            recorded_at=datetime.fromisoformat(data["at"]),
            note=data.get("note"),
            reverted=reverted,
        )


def latest_events(events: Iterable[Event]) -> dict[str, Event]:
    """Each topic's latest event that was not undone: its current status. Events come in record order."""
    current: dict[str, Event] = {}
    for event in events:
        if not event.reverted:
            current[event.topic] = event
    return current


@dataclass
class State:
    roadmap: Roadmap
    events: list[Event]  # record order, topic ids already resolved through aliases
    settings: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # old topic id -> current id
    own_papers: list[Paper] = field(default_factory=list)
    paper_log: PaperLog = field(default_factory=lambda: PaperLog([], []))
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
        return self.roadmap.track(chosen) or self.roadmap.track(self.roadmap.default_track)

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


def from_snapshot(data: dict[str, Any]) -> State:
    roadmap = Roadmap.from_json(data["roadmap"])
    aliases: dict[str, str] = data.get("aliases", {})
    undone = set(data.get("undone", []))
    events = []
    for raw in data.get("events", []):
        event = Event.from_json(raw, reverted=raw["batch"] in undone)
        if event.topic in aliases:
            event = replace(event, topic=aliases[event.topic])
        events.append(event)
    own = [Paper(id=p["id"], title=p["title"], own=True) for p in data.get("own_papers", [])]
    log = PaperLog(
        (Read.from_json(r) for r in data.get("reads", [])),
        (
            TargetChange(
                t["target"], date.fromisoformat(t["on"]), datetime.fromisoformat(t["at"]) if t.get("at") else None
            )
            for t in data.get("targets", [])
        ),
    )
    return State(
        roadmap=roadmap,
        events=events,
        settings=dict(data.get("settings", {})),
        aliases=aliases,
        own_papers=own,
        paper_log=log,
    )
