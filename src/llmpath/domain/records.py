"""What is in force, decided over a whole history held in memory.

The rules themselves: `reverted` (history.py) says which changes an undo took back, `latest_events`
(state.py) which event gives a topic its status, `current_settings` which value a setting has. The
store keeps their answers in its read model, brought up to date by these same functions
(app/readmodel.py); tests hold the two together on any history.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from ..roadmap.schema import Paper
from .history import Change, reverted
from .papers import Read, ReadCorrection, ReadList, TargetChange, corrected
from .state import Event, SettingRecord, Standing, current_settings, latest_events, standings

if TYPE_CHECKING:
    from .notes import TopicLink, TopicNote
    from .study import DailyTargetChange, StudySession, StudyTimer

T = TypeVar("T", "TopicNote", "TopicLink", "StudySession")


def resolve_alias(aliases: dict[str, str], topic_id: str) -> str:
    """The topic an id counts for now: renames are followed to the end of their chain (a -> b -> c)."""
    seen = set()
    while topic_id in aliases and topic_id not in seen:
        seen.add(topic_id)
        topic_id = aliases[topic_id]
    return topic_id


def as_recorded(events: Iterable[Event], aliases: dict[str, str], taken_back: set[int]) -> list[Event]:
    """Events in history order, each under the topic it counts for now and marked when undone."""
    return [
        replace(e, topic=resolve_alias(aliases, e.topic), reverted=e.change in taken_back)
        for e in sorted(events, key=lambda e: e.change)
    ]


@dataclass(frozen=True)
class OwnPaper:
    change: int
    paper: Paper


@dataclass
class MemoryRecords:
    """A whole history in memory; lists in history order (by change id) or any order."""

    changes: list[Change] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    paper_reads: list[tuple[int, Read]] = field(default_factory=list)  # (change id, reading)
    paper_targets: list[TargetChange] = field(default_factory=list)
    setting_changes: list[SettingRecord] = field(default_factory=list)
    papers_of_own: list[OwnPaper] = field(default_factory=list)
    read_corrections: list[ReadCorrection] = field(default_factory=list)
    notes: list[TopicNote] = field(default_factory=list)
    links: list[TopicLink] = field(default_factory=list)
    sessions: list[StudySession] = field(default_factory=list)
    timers: list[StudyTimer] = field(default_factory=list)
    study_target_changes: list[DailyTargetChange] = field(default_factory=list)
    topic_aliases: dict[str, str] = field(default_factory=dict)

    @cached_property
    def _taken_back(self) -> set[int]:
        return reverted(self.changes)

    @cached_property
    def _events(self) -> list[Event]:
        return as_recorded(self.events, self.topic_aliases, self._taken_back)

    def taken_back(self) -> set[int]:
        return self._taken_back

    def current_events(self) -> dict[str, Event]:
        return latest_events(self._events)

    def current_standings(self) -> dict[str, Standing]:
        return standings(self.current_events())

    def first_event_on(self) -> date | None:
        return min((e.happened_on for e in self._events if not e.reverted), default=None)

    def topic_history(self, topic_id: str) -> list[Event]:
        return [e for e in self._events if e.topic == topic_id]

    def change_events(self, change_id: int) -> list[Event]:
        return [e for e in self._events if e.change == change_id]

    def change_reads(self, change_id: int) -> list[Read]:
        return [read for change, read in self.paper_reads if change == change_id]

    def topic_notes(self, topic_id: str) -> list[TopicNote]:
        return self._of_topic(self.notes, topic_id)

    def topic_links(self, topic_id: str) -> list[TopicLink]:
        return self._of_topic(self.links, topic_id)

    def _of_topic(self, records: list[T], topic_id: str) -> list[T]:
        """Records in force under the topic's id or an old id it replaced, in history order."""
        in_order = sorted(records, key=lambda r: r.change)
        return [
            r
            for r in in_order
            if r.change not in self._taken_back and resolve_alias(self.topic_aliases, r.topic) == topic_id
        ]

    def change_notes(self, change_id: int) -> list[TopicNote]:
        return [n for n in self.notes if n.change == change_id]

    def change_links(self, change_id: int) -> list[TopicLink]:
        return [link for link in self.links if link.change == change_id]

    def corrections(self) -> list[ReadCorrection]:
        return [c for c in self.read_corrections if c.change not in self._taken_back]

    def _sessions(self) -> list[StudySession]:
        return [s for s in sorted(self.sessions, key=lambda s: s.change) if s.change not in self._taken_back]

    def study_minutes(self, first: date, last: date) -> dict[date, int]:
        from .study import minutes_by_day

        return minutes_by_day(s for s in self._sessions() if first <= s.studied_on <= last)

    def study_sessions(self, first: date, last: date) -> list[StudySession]:
        return [s for s in self._sessions() if first <= s.studied_on <= last]

    def topic_sessions(self, topic_id: str) -> list[StudySession]:
        return self._of_topic([s for s in self.sessions if s.topic is not None], topic_id)

    def change_sessions(self, change_id: int) -> list[StudySession]:
        return [s for s in self.sessions if s.change == change_id]

    def first_study_day(self) -> date | None:
        return min((s.studied_on for s in self._sessions()), default=None)

    def study_targets(self) -> list[DailyTargetChange]:
        return [t for t in self.study_target_changes if t.change not in self._taken_back]

    def running_timer(self) -> StudyTimer | None:
        stopped = {s.timer for s in self._sessions()}
        running = [t for t in self.timers if t.change not in self._taken_back and t.uid not in stopped]
        return max(running, key=lambda t: t.change, default=None)

    def aliases(self) -> dict[str, str]:
        return {alias: resolve_alias(self.topic_aliases, alias) for alias in self.topic_aliases}

    def settings(self) -> dict[str, str]:
        return current_settings(self.setting_changes, self._taken_back)

    def own_papers(self) -> list[Paper]:
        return [o.paper for o in sorted(self.papers_of_own, key=lambda o: o.change) if o.change not in self._taken_back]

    def reads(self) -> ReadList:
        in_force = [read for change, read in self.paper_reads if change not in self._taken_back]
        return ReadList(corrected(in_force, self.corrections()))

    def targets(self) -> list[TargetChange]:
        return [t for t in self.paper_targets if t.change not in self._taken_back]

    def changes_newest_first(self) -> Iterator[Change]:
        return iter(sorted(self.changes, key=lambda c: c.id, reverse=True))

    def change(self, change_id: int) -> Change | None:
        return next((c for c in self.changes if c.id == change_id), None)
