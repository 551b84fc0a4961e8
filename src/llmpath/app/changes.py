"""Recording a change: each one transaction, which brings the read model along, then a fresh badge."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from ..domain.history import (
    LINK,
    NOT_UNDOABLE,
    NOTE,
    PAPER_READ,
    PAPER_TARGET,
    READ_CORRECTION,
    SETTING,
    STATUS,
    STUDY,
    STUDY_TARGET,
    STUDY_TIMER,
    UNDO,
    amend_summary,
    next_to_undo,
    read_summary,
    status_summary,
    target_summary,
    unlog_summary,
)
from ..domain.history import Change as HistoryChange
from ..domain.notes import link_summary, note_summary
from ..domain.papers import Read, in_reading_order
from ..domain.state import Event, State
from ..domain.study import (
    StudySession,
    TimerReading,
    check_room_in_day,
    read_timer,
    study_summary,
    study_target_summary,
    timer_summary,
)
from ..errors import UsageError
from ..paths import Paths
from ..store import queries
from .access import write_transaction
from .caches import after_write, forget_badge
from .readmodel import bring_up_to_date, day_to_store, state_on, time_to_store

T = TypeVar("T")


def write(paths: Paths, change: Callable[[Any, State], T]) -> tuple[T, State]:
    """Run `change` in one write transaction, given the connection and the state as it is inside
    that transaction (read through the read model's own queries); returns its result and the
    state every read now sees."""
    with write_transaction(paths) as connection:
        result = change(connection, state_on(connection))
        bring_up_to_date(connection)
        forget_badge(paths)
    return result, after_write(paths)


def now_stored() -> str:
    return time_to_store(datetime.now(UTC))


@dataclass(frozen=True)
class StatusRecorded:
    """What a status change did: the topics given the status, and those that had it already but
    keep the note given with it."""

    changed: list[str]
    noted: list[str]


def record_status(
    paths: Paths, topic_ids: list[str], status: str, happened_on: date, note: str | None
) -> tuple[StatusRecorded, State]:
    """One change setting each topic whose status differs; the note given is kept as a note on
    the topics that had the status already, rather than dropped."""

    def change(connection: Any, state: State) -> StatusRecorded:
        changed = [t for t in topic_ids if state.status(t) != status]
        noted = [t for t in topic_ids if t not in changed] if note else []
        if not changed and not noted:
            return StatusRecorded([], [])
        now = now_stored()
        summaries = ([status_summary(status, changed)] if changed else []) + ([note_summary(noted)] if noted else [])
        change_id = queries.add_change(connection, STATUS if changed else NOTE, "; ".join(summaries), now)
        day = day_to_store(happened_on)
        rows = [(queries.new_uid(), change_id, topic_id, status, day, now, note) for topic_id in changed]
        queries.add_records(connection, "status_event", rows)
        _add_notes(connection, change_id, noted, note, day, now)
        return StatusRecorded(changed, noted)

    return write(paths, change)


def add_note(paths: Paths, topic_ids: list[str], note: str, noted_on: date) -> State:
    """A dated note on each topic, its status unchanged: one change."""

    def change(connection: Any, _state: State) -> None:
        now = now_stored()
        change_id = queries.add_change(connection, NOTE, note_summary(topic_ids), now)
        _add_notes(connection, change_id, topic_ids, note, day_to_store(noted_on), now)

    return write(paths, change)[1]


def _add_notes(connection: Any, change_id: int, topic_ids: list[str], note: str | None, day: str, now: str) -> None:
    rows = [(queries.new_uid(), change_id, topic_id, note, day, now) for topic_id in topic_ids]
    queries.add_records(connection, "topic_note", rows)


def add_link(paths: Paths, topic_id: str, url: str, title: str | None) -> State:
    """A resource of the learner's own on a topic: one change. The same address twice is refused."""

    def change(connection: Any, state: State) -> None:
        if any(link.url == url for link in state.records.topic_links(topic_id)):
            raise UsageError(f"{topic_id} has that link already; `llmpath show {topic_id}` lists its links")
        now = now_stored()
        change_id = queries.add_change(connection, LINK, link_summary(topic_id, url), now)
        queries.add_records(connection, "topic_link", [(queries.new_uid(), change_id, topic_id, url, title, now)])

    return write(paths, change)[1]


@dataclass(frozen=True)
class Undone:
    """What `undo` took back: the change, and for a status change the statuses before it."""

    change: HistoryChange
    events: list[Event]


def undo(paths: Paths) -> tuple[Undone, State]:
    """Take back the latest change in force, of any kind; an undo is itself a change."""

    def change(connection: Any, state: State) -> Undone:
        records = state.records
        target = next_to_undo(records.changes_newest_first(), records.taken_back(), records.change)
        if target is None:
            if any(c.kind not in NOT_UNDOABLE for c in records.changes_newest_first()):
                raise UsageError("nothing to undo: every change you made is undone already")
            raise UsageError("nothing to undo: you have not recorded anything yet")
        queries.add_change(connection, UNDO, f"undid: {target.summary}", now_stored(), reverts=target.id)
        return Undone(target, records.change_events(target.id))

    return write(paths, change)


@dataclass(frozen=True)
class ReadLogged:
    """What `papers log` did: the paper, and whether it logged a new reading, amended the note or
    pass of that day's reading (`fields`), or found that day's reading as it was."""

    paper: str
    outcome: str  # logged | amended | unchanged
    fields: tuple[str, ...] = ()


def log_read(
    paths: Paths, paper_id: str | None, new_title: str | None, read_on: date, note: str | None, pass_number: int | None
) -> tuple[ReadLogged, State]:
    """Record one reading of a known paper, or of a new paper of the learner's own (`new_title`);
    a paper read already that day has that reading amended instead, with the note or pass given."""

    def change(connection: Any, state: State) -> ReadLogged:
        now = now_stored()
        if paper_id is not None:
            that_day = [r for r in in_reading_order(state.records.reads().of_paper(paper_id)) if r.read_on == read_on]
            if that_day:
                return _amend(connection, that_day[-1], note, pass_number, now)
        chosen = paper_id
        if chosen is None:
            # A paper added by a change later undone keeps its id: the row is never deleted.
            taken = set(state.papers) | queries.stored_keys(connection, "own_paper")
            chosen = own_paper_id(new_title, taken)
        change_id = queries.add_change(connection, PAPER_READ, read_summary(chosen), now)
        if paper_id is None:
            queries.add_records(connection, "own_paper", [(chosen, change_id, new_title, now)])
        read = (queries.new_uid(), change_id, chosen, day_to_store(read_on), now, note, pass_number)
        queries.add_records(connection, "paper_read", [read])
        return ReadLogged(chosen, "logged")

    return write(paths, change)


def _amend(connection: Any, read: Read, note: str | None, pass_number: int | None, now: str) -> ReadLogged:
    """That day's reading with the note or pass given, when they differ from what it has."""
    fields = tuple(
        name for name, given, held in (("note", note, read.note), ("pass", pass_number, read.pass_number))
        if given is not None and given != held
    )  # fmt: skip
    if not fields:
        return ReadLogged(read.paper, "unchanged")
    change_id = queries.add_change(connection, READ_CORRECTION, amend_summary(read.paper, read.read_on, fields), now)
    row = (queries.new_uid(), change_id, read.uid, False, note if "note" in fields else None,
           pass_number if "pass" in fields else None, now)  # fmt: skip
    queries.add_records(connection, "read_correction", [row])
    return ReadLogged(read.paper, "amended", fields)


def unlog_read(paths: Paths, paper_id: str, read_on: date | None) -> tuple[Read, State]:
    """Remove a reading: that day's (the last logged, when there are several), or the latest.
    It stays in the history; `undo` brings it back."""

    def change(connection: Any, state: State) -> Read:
        reads = in_reading_order(state.records.reads().of_paper(paper_id))
        chosen = [r for r in reads if read_on is None or r.read_on == read_on]
        if not chosen:
            when = f" on {read_on.isoformat()}" if read_on else ""
            hint = f"`llmpath papers show {paper_id}` lists its readings" if reads else "nothing to remove"
            raise UsageError(f"no reading of {paper_id}{when} is logged; {hint}")
        read = chosen[-1]
        now = now_stored()
        change_id = queries.add_change(connection, READ_CORRECTION, unlog_summary(paper_id, read.read_on), now)
        queries.add_records(
            connection, "read_correction", [(queries.new_uid(), change_id, read.uid, True, None, None, now)]
        )
        return read

    return write(paths, change)


def own_paper_id(title: str, taken: set[str]) -> str:
    """A stable id for a learner's own paper: `own-` and a slug of its title, made unique."""
    from ..domain.matcher import normalize

    base = "own-" + (normalize(title).replace(" ", "-")[:60].strip("-") or "paper")
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def set_target(paths: Paths, target: int, set_on: date) -> State:
    def change(connection: Any, _state: State) -> None:
        now = now_stored()
        change_id = queries.add_change(connection, PAPER_TARGET, target_summary(target), now)
        row = (queries.new_uid(), change_id, target, day_to_store(set_on), now)
        queries.add_records(connection, "paper_target", [row])

    return write(paths, change)[1]


def set_settings(paths: Paths, values: dict[str, str | None], summary: str) -> State:
    """Set settings in one change; None clears one (kept as an empty value, so undo restores it)."""

    def change(connection: Any, _state: State) -> None:
        change_id = queries.add_change(connection, SETTING, summary, now_stored())
        rows = [(change_id, key, value or "") for key, value in values.items()]
        queries.add_records(connection, "setting_change", rows)

    return write(paths, change)[1]


def log_study(
    paths: Paths, minutes: int, topic_id: str | None, studied_on: date, note: str | None, timer: str | None = None
) -> tuple[StudySession, State]:
    """Study time on a day, to a topic or none; a day never holds more than 24 hours of it."""

    def change(connection: Any, state: State) -> StudySession:
        logged = sum(state.records.study_minutes(studied_on, studied_on).values())
        check_room_in_day(studied_on, logged, minutes)
        now = now_stored()
        change_id = queries.add_change(connection, STUDY, study_summary(minutes, topic_id, studied_on), now)
        uid = queries.new_uid()
        row = (uid, change_id, topic_id, minutes, day_to_store(studied_on), now, note, timer)
        queries.add_records(connection, "study_session", [row])
        return StudySession(uid, change_id, topic_id, minutes, studied_on, datetime.now(UTC), note, timer)

    return write(paths, change)


def start_timer(paths: Paths, topic_id: str | None) -> State:
    """Start a study timer: a record, so it survives the terminal closing and the machine sleeping."""

    def change(connection: Any, state: State) -> None:
        running = state.records.running_timer()
        if running is not None:
            raise UsageError(
                "a study timer is running already; `llmpath study stop` logs it, `llmpath undo` takes back its start"
            )
        now = now_stored()
        change_id = queries.add_change(connection, STUDY_TIMER, timer_summary(topic_id), now)
        queries.add_records(connection, "study_timer", [(queries.new_uid(), change_id, topic_id, now, now)])

    return write(paths, change)[1]


def stop_timer(
    paths: Paths, length: int | None, note: str | None, stopped_at: datetime | None = None
) -> tuple[TimerReading, StudySession, State]:
    """Stop the running timer and log what it measured (or `length`, the learner's own figure);
    a timer that ran over 12 hours, or across a clock set back, is not logged without one. Under
    half a minute, it is stopped with nothing counted (a session of 0 minutes)."""

    def change(connection: Any, state: State) -> tuple[TimerReading, StudySession]:
        running = state.records.running_timer()
        if running is None:
            raise UsageError("no study timer is running; start one with `llmpath study start [TOPIC]`")
        reading = read_timer(running.started_at, stopped_at or datetime.now(UTC))
        minutes = length if length is not None else reading.minutes
        if minutes is None:
            raise UsageError(f"{reading.ask_because}; give the real length: `llmpath study stop --length 45m`")
        logged = sum(state.records.study_minutes(reading.studied_on, reading.studied_on).values())
        check_room_in_day(reading.studied_on, logged, minutes)
        now = now_stored()
        summary = study_summary(minutes, running.topic, reading.studied_on) if minutes else "stopped a study timer"
        change_id = queries.add_change(connection, STUDY, summary, now)
        uid = queries.new_uid()
        row = (uid, change_id, running.topic, minutes, day_to_store(reading.studied_on), now, note, running.uid)
        queries.add_records(connection, "study_session", [row])
        session = StudySession(uid, change_id, running.topic, minutes, reading.studied_on, datetime.now(UTC), note,
                               running.uid)  # fmt: skip
        return reading, session

    (reading, session), after = write(paths, change)
    return reading, session, after


def set_study_target(paths: Paths, minutes: int, set_on: date) -> State:
    def change(connection: Any, _state: State) -> None:
        now = now_stored()
        change_id = queries.add_change(connection, STUDY_TARGET, study_target_summary(minutes), now)
        queries.add_records(
            connection, "study_target", [(queries.new_uid(), change_id, minutes, day_to_store(set_on), now)]
        )

    return write(paths, change)[1]
