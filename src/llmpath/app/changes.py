"""Recording a change: each one transaction, which brings the read model along, then a fresh badge."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlmodel import Session

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
from ..store.queries import own_paper_ids
from ..store.tables import OwnPaper, PaperRead, PaperTarget, SettingChange, StatusEvent, new_uid
from .caches import after_write
from .readmodel import bring_up_to_date, state_on
from .session import begin_change, driver_connection, forget_badge, open_store, utc_now

T = TypeVar("T")


def write(paths: Paths, change: Callable[[Session, State], T]) -> tuple[T, State]:
    """Run `change` in one write transaction, given the state as it is inside that transaction (read
    through the read model's own queries); returns its result and the state every read now sees."""
    with open_store(paths) as engine:
        with Session(engine) as session, session.begin():
            connection = driver_connection(session)
            result = change(session, state_on(connection))
            session.flush()
            bring_up_to_date(connection)
            forget_badge(paths)
        return result, after_write(paths)


def record_status(
    paths: Paths, topic_ids: list[str], status: str, happened_on: date, note: str | None
) -> tuple[list[str], State]:
    """One change setting each topic whose status differs; returns the topics changed."""

    def change(session: Session, state: State) -> list[str]:
        changed = [t for t in topic_ids if state.status(t) != status]
        if not changed:
            return changed
        change_id = begin_change(session, STATUS, status_summary(status, changed))
        now = utc_now()
        for topic_id in changed:
            session.add(
                StatusEvent(
                    uid=new_uid(),
                    change_id=change_id,
                    topic_id=topic_id,
                    status=status,
                    happened_on=happened_on,
                    recorded_at=now,
                    note=note,
                )
            )
        return changed

    return write(paths, change)


@dataclass(frozen=True)
class Undone:
    """What `undo` took back: the change, and for a status change the statuses before it."""

    change: HistoryChange
    events: list[Event]


def undo(paths: Paths) -> tuple[Undone, State]:
    """Take back the latest change in force, of any kind; an undo is itself a change."""

    def change(session: Session, state: State) -> Undone:
        records = state.records
        target = next_to_undo(records.changes_newest_first(), records.taken_back(), records.change)
        if target is None:
            if any(c.kind not in NOT_UNDOABLE for c in records.changes_newest_first()):
                raise UsageError("nothing to undo: every change you made is undone already")
            raise UsageError("nothing to undo: you have not recorded anything yet")
        begin_change(session, UNDO, f"undid: {target.summary}", reverts=target.id)
        return Undone(target, records.change_events(target.id))

    return write(paths, change)


def log_read(
    paths: Paths, paper_id: str | None, new_title: str | None, read_on: date, note: str | None, pass_number: int | None
) -> tuple[str, State]:
    """Record one reading of a known paper, or of a new paper of the learner's own (`new_title`)."""

    def change(session: Session, state: State) -> str:
        chosen = paper_id
        if chosen is None:
            # A paper added by a change later undone keeps its id: the row is never deleted.
            taken = set(state.papers) | own_paper_ids(driver_connection(session))
            chosen = own_paper_id(new_title, taken)
        change_id = begin_change(session, PAPER_READ, read_summary(chosen))
        if paper_id is None:
            session.add(OwnPaper(id=chosen, change_id=change_id, title=new_title, created_at=utc_now()))
        session.add(
            PaperRead(
                uid=new_uid(),
                change_id=change_id,
                paper_id=chosen,
                read_on=read_on,
                recorded_at=utc_now(),
                note=note,
                pass_number=pass_number,
            )
        )
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
    def change(session: Session, _state: State) -> None:
        change_id = begin_change(session, PAPER_TARGET, target_summary(target))
        session.add(
            PaperTarget(uid=new_uid(), change_id=change_id, target=target, set_on=set_on, recorded_at=utc_now())
        )

    return write(paths, change)[1]


def set_settings(paths: Paths, values: dict[str, str | None], summary: str) -> State:
    """Set settings in one change; None clears one (kept as an empty value, so undo restores it)."""

    def change(session: Session, _state: State) -> None:
        change_id = begin_change(session, SETTING, summary)
        for key, value in values.items():
            session.add(SettingChange(change_id=change_id, key=key, value=value or ""))

    return write(paths, change)[1]
