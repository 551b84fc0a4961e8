"""Opening the store for writing: checked, under the cache lock, migrated, synced with the roadmap
and its read model brought up to date; and adding a change to the history."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from ..domain.history import SYNC
from ..files import held_lock
from ..paths import Paths
from ..roadmap.digest import roadmap_digest
from ..store import queries
from ..store.engine import check_store, checkpoint, database_errors, open_engine, reading
from ..store.sync import is_synced, sync
from ..store.tables import Change, new_uid
from .readmodel import bring_up_to_date, close_reads


def utc_now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def open_store(paths: Paths) -> Iterator[Engine]:
    """The store, synced with the roadmap and its read model current, with the cache lock held
    for the whole block.

    Every writer holds the lock from before its transaction until its caches are rewritten, and
    removes the badge file before it commits: so the badge file, which the prompt reads without
    looking at the store, exists only while the store is at the generation it was made from.
    """
    close_reads()  # before check_store opens the file: see close_reads
    check_store(paths.data_dir, paths.database)
    with held_lock(paths.cache_lock):
        engine = open_engine(paths.database)
        try:
            with database_errors(paths.database):
                ensure_synced(engine, paths)
                ensure_read_model(engine, paths)
                yield engine
                checkpoint(engine)
        finally:
            engine.dispose()


def forget_badge(paths: Paths) -> None:
    """Called inside a write transaction, before it commits (see open_store)."""
    try:
        paths.badge.unlink(missing_ok=True)
    except OSError:
        pass  # not a file llmpath could have written: the badge never trusts it


def ensure_synced(engine: Engine, paths: Paths) -> None:
    try:
        digest = roadmap_digest(paths.roadmap)
    except (OSError, ValueError):
        from ..roadmap.loader import load_roadmap

        load_roadmap(paths.roadmap)  # raises the clear error for a missing or unreadable file
        raise
    with Session(reading(engine)) as session:
        if is_synced(session, digest):
            return
    from ..roadmap.loader import load_roadmap  # only when the roadmap file changed

    roadmap = load_roadmap(paths.roadmap)  # a broken file fails here, before anything changes
    with Session(engine) as session, session.begin():
        if is_synced(session, digest):  # another process synced while this one waited for the lock
            return
        sync(session, roadmap, digest, str(paths.roadmap))
        begin_change(session, SYNC, f"synced the roadmap from {paths.roadmap.name}")
        bring_up_to_date(driver_connection(session))
        forget_badge(paths)


def ensure_read_model(engine: Engine, paths: Paths) -> None:
    """Bring the read model to the store's generation when a migration or an older llmpath left it behind."""
    with Session(reading(engine)) as session:
        found = queries.stamp(driver_connection(session))
        if found.read_model == found.generation:
            return
    with Session(engine) as session, session.begin():
        bring_up_to_date(driver_connection(session))
        forget_badge(paths)


def rebuild_read_model(engine: Engine, paths: Paths) -> None:
    with Session(engine) as session, session.begin():
        connection = driver_connection(session)
        queries.forget_read_model(connection)
        bring_up_to_date(connection)
        forget_badge(paths)


def driver_connection(session: Session) -> Any:
    """The sqlite3 connection under a session, inside its transaction: the read model's queries
    run on it and see what the session has flushed."""
    return session.connection().connection.driver_connection


def begin_change(session: Session, kind: str, summary: str, **links: int | None) -> int:
    """Add one change to the history and return its id, for the records it makes to point at."""
    change = Change(uid=new_uid(), kind=kind, summary=summary, recorded_at=utc_now(), **links)
    session.add(change)
    session.flush()
    return change.id
