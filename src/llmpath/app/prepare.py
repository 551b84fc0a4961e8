"""Bringing the store to where this release reads and writes it: checked, created, migrated,
synced with the roadmap, its read model current. The one path that needs SQLAlchemy and SQLModel;
reads and daily writes (app/access.py) come here only when the store is not there yet.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from ..domain.history import SYNC
from ..paths import Paths
from ..roadmap.digest import roadmap_digest
from ..store import queries
from ..store.database import database_of
from ..store.engine import reading
from ..store.sync import is_synced, sync
from .caches import forget_badge
from .readmodel import bring_up_to_date, time_to_store


def prepare_store(paths: Paths) -> None:
    """Create, migrate and sync the store and bring its read model up to date, as far as needed.
    The caller holds the cache lock, has closed its read connections (readmodel.close_reads) and
    has checked the store (Database.check)."""
    with database_of(paths).preparing() as engine:
        ensure_synced(engine, paths)
        ensure_read_model(engine, paths)


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
        session.flush()  # the read model's queries below read what sync wrote
        connection = driver_connection(session)
        summary = f"synced the roadmap from {paths.roadmap.name}"
        queries.add_change(connection, SYNC, summary, time_to_store(datetime.now(UTC)))
        bring_up_to_date(connection)
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


def driver_connection(session: Session) -> Any:
    """The driver's connection under a session, inside its transaction: the read model's queries
    run on it and see what the session has flushed."""
    connection = session.connection()
    raw = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        from ..store.postgres import Connection

        return Connection(raw)
    return raw
