"""Recording a change: each one transaction, which brings the read model along, then a fresh badge."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from ..domain.history import (
    NOT_UNDOABLE,
    PAPER_READ,
    PAPER_TARGET,
    SETTING,
    STATUS,
    UNDO,
    next_to_undo,
    read_summary,
    status_summary,
    target_summary,
)
from ..domain.history import Change as HistoryChange
from ..domain.state import Event, State
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


def record_status(
    paths: Paths, topic_ids: list[str], status: str, happened_on: date, note: str | None
) -> tuple[list[str], State]:
    """One change setting each topic whose status differs; returns the topics changed."""

    def change(connection: Any, state: State) -> list[str]:
        changed = [t for t in topic_ids if state.status(t) != status]
        if not changed:
            return changed
        now = now_stored()
        change_id = queries.add_change(connection, STATUS, status_summary(status, changed), now)
        day = day_to_store(happened_on)
        rows = [(queries.new_uid(), change_id, topic_id, status, day, now, note) for topic_id in changed]
        queries.add_records(connection, "status_event", rows)
        return changed

    return write(paths, change)


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


def log_read(
    paths: Paths, paper_id: str | None, new_title: str | None, read_on: date, note: str | None, pass_number: int | None
) -> tuple[str, State]:
    """Record one reading of a known paper, or of a new paper of the learner's own (`new_title`)."""

    def change(connection: Any, state: State) -> str:
        chosen = paper_id
        if chosen is None:
            # A paper added by a change later undone keeps its id: the row is never deleted.
            taken = set(state.papers) | queries.stored_keys(connection, "own_paper")
            chosen = own_paper_id(new_title, taken)
        now = now_stored()
        change_id = queries.add_change(connection, PAPER_READ, read_summary(chosen), now)
        if paper_id is None:
            queries.add_records(connection, "own_paper", [(chosen, change_id, new_title, now)])
        read = (queries.new_uid(), change_id, chosen, day_to_store(read_on), now, note, pass_number)
        queries.add_records(connection, "paper_read", [read])
        return chosen

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
