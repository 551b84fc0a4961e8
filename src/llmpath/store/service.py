"""The store's operations, each one transaction followed by a fresh read snapshot.

Callers (the CLI) pass Paths and plain values; they get plain values back. Problems a user can
cause arrive as LlmpathError subclasses.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlmodel import Session, select

from .. import __version__, badge, snapshot
from ..domain.badge import badge_fields
from ..domain.dates import local_day
from ..domain.history import SYNC, UNDO, next_to_undo
from ..domain.history import Change as HistoryChange
from ..domain.state import Event, State, from_snapshot
from ..errors import UsageError
from ..files import held_lock
from ..paths import Paths
from . import migrations
from .engine import check_store, database_errors, open_engine, reading
from .reader import records_json, roadmap_json
from .sync import stored_digest, sync
from .tables import Change, OwnPaper, PaperRead, PaperTarget, SettingChange, StatusEvent

T = TypeVar("T")


def new_uid() -> str:
    return uuid.uuid4().hex


def utc_now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def _open(paths: Paths) -> Iterator[Engine]:
    """The store, synced with the roadmap, with the cache lock held for the whole block.

    Every writer holds the lock from before its transaction until its caches are rewritten, and
    removes the badge file before it commits: so the badge file, which the prompt reads without
    looking at the store, exists only while the store is at the generation it was made from.
    """
    check_store(paths.data_dir, paths.database)
    with held_lock(paths.cache_lock):
        engine = open_engine(paths.database)
        try:
            with database_errors(paths.database):
                _ensure_synced(engine, paths)
                yield engine
        finally:
            engine.dispose()


def _forget_badge(paths: Paths) -> None:
    """Called inside a write transaction, before it commits (see _open)."""
    try:
        paths.badge.unlink(missing_ok=True)
    except OSError:
        pass  # not a file llmpath could have written: the badge never trusts it


def _ensure_synced(engine: Engine, paths: Paths) -> None:
    from ..roadmap.loader import load_roadmap  # YAML is parsed only when the roadmap file changed

    try:
        digest = snapshot.roadmap_digest(paths.roadmap)
    except (OSError, ValueError):
        load_roadmap(paths.roadmap)  # raises the clear error for a missing or unreadable file
        raise
    with Session(engine) as session:
        if stored_digest(session) == digest:
            return
    roadmap = load_roadmap(paths.roadmap)  # a broken file fails here, before anything changes
    with Session(engine) as session, session.begin():
        if stored_digest(session) == digest:  # another process synced while this one waited for the lock
            return
        sync(session, roadmap, digest, str(paths.roadmap))
        _begin_change(session, SYNC, f"synced the roadmap from {paths.roadmap.name}")
        _forget_badge(paths)


def _rebuild_snapshot(engine: Engine, paths: Paths) -> dict[str, Any]:
    """Read the store in one transaction and write the snapshot and the badge file, each stamped
    with the generation read in that transaction: a cache never claims a newer store than it holds.
    A writer that commits later writes its own; a reader finding another generation rebuilds."""
    with Session(reading(engine)) as session:
        data = {"roadmap": roadmap_json(session), **records_json(session), "synced_digest": stored_digest(session)}
    data.update(
        format=snapshot.FORMAT,
        llmpath=__version__,
        written_at=utc_now().isoformat(),
        schema=migrations.latest(),
        database={"path": str(paths.database)},
        # The digest the store was synced from, not the file's digest now: if the file changed
        # since the sync, the next read sees the difference and syncs.
        roadmap_file={"path": str(paths.roadmap), "digest": data.pop("synced_digest")},
    )
    try:
        snapshot.write(paths, data)
        fields = badge_fields(from_snapshot(data), local_day(datetime.now(UTC)))
        badge.write_cache(str(paths.badge), fields, data["generation"])
    except OSError as error:
        # The change is committed; only the fast paths suffer. Say so rather than fail.
        print(
            f"warning: saved, but {error.filename or 'a cache file'} could not be written ({error.strerror}); "
            "reads will be slower until it can",
            file=sys.stderr,
        )
    return data


def refresh(paths: Paths) -> dict[str, Any]:
    """Create, migrate and sync the store as needed, and return a fresh snapshot: the one another
    process wrote while this one waited for the lock, or a new one."""
    with _open(paths) as engine:
        return snapshot.read_valid(paths) or _rebuild_snapshot(engine, paths)


def _write(paths: Paths, change: Callable[[Session, State], T]) -> tuple[T, dict[str, Any]]:
    """Run `change` in one write transaction, given the state as it is inside that transaction."""
    with _open(paths) as engine:
        with Session(engine) as session, session.begin():
            state = from_snapshot({"roadmap": roadmap_json(session), **records_json(session)})
            result = change(session, state)
            _forget_badge(paths)
        return result, _rebuild_snapshot(engine, paths)


def _begin_change(session: Session, kind: str, summary: str, **links: int | None) -> int:
    """Add one change to the history and return its id, for the records it makes to point at."""
    change = Change(uid=new_uid(), kind=kind, summary=summary, recorded_at=utc_now(), **links)
    session.add(change)
    session.flush()
    return change.id


def record_status(
    paths: Paths, topic_ids: list[str], status: str, happened_on: date, note: str | None
) -> tuple[list[str], dict[str, Any]]:
    """One change setting each topic whose status differs; returns the topics changed."""

    def change(session: Session, state: State) -> list[str]:
        changed = [t for t in topic_ids if state.status(t) != status]
        if not changed:
            return changed
        change_id = _begin_change(session, "status", f"marked {status.replace('_', ' ')}: {', '.join(changed)}")
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

    return _write(paths, change)


@dataclass(frozen=True)
class Undone:
    """What `undo` took back: the change, and for a status change the statuses before it."""

    change: HistoryChange
    events: list[Event]


def undo(paths: Paths) -> tuple[Undone, dict[str, Any]]:
    """Take back the latest change in force, of any kind; an undo is itself a change."""

    def change(session: Session, state: State) -> Undone:
        target = next_to_undo(state.changes, state.taken_back)
        if target is None:
            raise UsageError("nothing to undo: no change is recorded")
        _begin_change(session, UNDO, f"undid: {target.summary}", reverts=target.id)
        return Undone(target, [e for e in state.events if e.change == target.id])

    return _write(paths, change)


def log_read(
    paths: Paths, paper_id: str | None, new_title: str | None, read_on: date, note: str | None, pass_number: int | None
) -> tuple[str, dict[str, Any]]:
    """Record one reading of a known paper, or of a new paper of the learner's own (`new_title`)."""

    def change(session: Session, state: State) -> str:
        chosen = paper_id
        if chosen is None:
            # A paper added by a change later undone keeps its id: the row is never deleted.
            taken = set(state.papers) | set(session.exec(select(OwnPaper.id)))
            chosen = own_paper_id(new_title, taken)
        change_id = _begin_change(session, "paper_read", f"logged a reading of {chosen}")
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

    return _write(paths, change)


def own_paper_id(title: str, taken: set[str]) -> str:
    """A stable id for a learner's own paper: `own-` and a slug of its title, made unique."""
    from ..domain.matcher import normalize

    base = "own-" + (normalize(title).replace(" ", "-")[:60].strip("-") or "paper")
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def set_target(paths: Paths, target: int, set_on: date) -> dict[str, Any]:
    def change(session: Session, _state: State) -> None:
        change_id = _begin_change(session, "paper_target", f"set the weekly paper target to {target}")
        session.add(
            PaperTarget(uid=new_uid(), change_id=change_id, target=target, set_on=set_on, recorded_at=utc_now())
        )

    return _write(paths, change)[1]


def export_document(paths: Paths) -> dict[str, Any]:
    """Everything the learner recorded, in the export format of llmpath.exchange."""
    from ..exchange import document
    from .transfer import export_records

    with _open(paths) as engine, Session(engine) as session, session.begin():
        records = export_records(session)
    return document(records, utc_now().isoformat(), __version__)


def import_records(
    paths: Paths, records: dict[str, list[dict[str, Any]]], source: str
) -> tuple[dict[str, int], dict[str, Any]]:
    """Merge validated export records as one change; returns how many of each kind were new."""
    from .transfer import import_records as merge

    return _write(paths, lambda session, _state: dict(merge(session, records, f"imported {source}")))


def set_settings(paths: Paths, values: dict[str, str | None], summary: str) -> dict[str, Any]:
    """Set settings in one change; None clears one (kept as an empty value, so undo restores it)."""

    def change(session: Session, _state: State) -> None:
        change_id = _begin_change(session, "setting", summary)
        for key, value in values.items():
            session.add(SettingChange(change_id=change_id, key=key, value=value or ""))

    return _write(paths, change)[1]
