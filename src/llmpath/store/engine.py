"""Opening the database: the engine, its SQLite settings, checks and upgrades.

This is the one module that knows the store is SQLite. Everything SQLite-only (the file header
check, pragmas, explicit BEGIN IMMEDIATE, the online backup) lives here, so the rest of the store
runs on any SQLAlchemy database.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import URL, Engine, create_engine, event, exc

from ..badge_rebuild import connect_read_only
from ..errors import StoreError
from ..files import Refused, create_private, open_regular
from . import migrations

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000


RECOVERY_HINT = "it is left untouched; move it aside (or set LLMPATH_HOME to another directory) to start a new store"


def ensure_data_dir(data_dir: Path) -> None:
    if data_dir.exists() and not data_dir.is_dir():
        raise StoreError(f"{data_dir} is not a directory; point LLMPATH_HOME at a directory")
    try:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # a new one: the learner's eyes only
    except OSError as error:
        raise StoreError(
            f"cannot create the data directory {data_dir}: {error.strerror}; set LLMPATH_HOME to a writable directory"
        ) from None
    if not os.access(data_dir, os.W_OK | os.X_OK):
        raise StoreError(f"the data directory {data_dir} is not writable; fix its permissions or set LLMPATH_HOME")


def check_database_file(database: Path) -> None:
    """Refuse a file that is not an SQLite database, before SQLite touches it."""
    if not database.exists():
        return
    try:
        with open_regular(database) as handle:
            header = handle.read(len(SQLITE_HEADER))
    except Refused as error:
        raise StoreError(f"{database} {error}; {RECOVERY_HINT}") from None
    except OSError as error:
        raise StoreError(f"cannot read {database}: {error.strerror}") from None
    if header and SQLITE_HEADER.startswith(header) and header != SQLITE_HEADER:
        raise StoreError(f"{database} is truncated; {RECOVERY_HINT}")
    if header and header != SQLITE_HEADER:
        raise StoreError(f"{database} is not an llmpath database; {RECOVERY_HINT}")


def _configure(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001
        # Let SQLAlchemy's BEGIN (below) own transactions, so DDL in migrations is transactional.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        # Take the write lock up front: a deferred transaction that later writes can fail with
        # "database is locked" without waiting for the busy timeout.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def backup(database: Path, reason: str) -> Path:
    """A consistent copy of the database beside it, using SQLite's online backup."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = database.with_name(f"{database.name}.{reason}-{stamp}.bak")
    create_private(target)  # SQLite keeps the mode of the file it opens
    source = sqlite3.connect(database)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    return target


@contextmanager
def database_errors(database: Path) -> Iterator[None]:
    """Turn SQLite's complaints about a damaged file into one clear StoreError."""
    try:
        yield
    except exc.DatabaseError as error:
        detail = str(error.orig) if getattr(error, "orig", None) else str(error)
        if "locked" in detail or "busy" in detail:
            raise StoreError(f"{database} is busy in another llmpath process; try again") from None
        raise StoreError(f"{database} cannot be read ({detail}); {RECOVERY_HINT}") from None


def open_engine(data_dir: Path, database: Path) -> Engine:
    """An engine on an up-to-date store, created on first use and migrated in place."""
    ensure_data_dir(data_dir)
    check_database_file(database)
    existed = database.exists() and database.stat().st_size > 0
    if existed:
        _refuse_foreign(database)
    else:
        create_private(database)  # SQLite gives its -wal and -shm files the database's mode
    engine = create_engine(URL.create("sqlite", database=str(database)))  # URL.create: any character in the path
    _configure(engine)
    with database_errors(database):
        migrations.migrate(engine, before_first_change=(lambda: backup(database, "pre-migration")) if existed else None)
    return engine


def _refuse_foreign(database: Path) -> None:
    """An SQLite file with tables but no migration record belongs to another program.

    Looked at read-only: opening it as llmpath's would already switch its journal to WAL.
    """
    try:
        connection = connect_read_only(str(database))
        try:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{database} cannot be read ({error}); {RECOVERY_HINT}") from None
    if tables and "migration" not in tables:
        raise StoreError(f"{database} is an SQLite database of another program, not llmpath's; {RECOVERY_HINT}")


@dataclass(frozen=True)
class FileReport:
    problems: list[str]  # what SQLite's integrity check found; empty when sound
    applied: list[str]  # migrations recorded in the file
    dataset_hash: str | None  # the roadmap digest the store was last synced from


def read_only_check(database: Path) -> FileReport:
    """Look inside the database without changing it (for `llmpath doctor`)."""
    connection = connect_read_only(str(database))
    try:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        applied = (
            [row[0] for row in connection.execute("SELECT name FROM migration ORDER BY name")]
            if "migration" in tables
            else []
        )
        row = (
            connection.execute("SELECT value FROM meta WHERE key = 'dataset_hash'").fetchone()
            if "meta" in tables
            else None
        )
    finally:
        connection.close()
    return FileReport([p for p in problems if p != "ok"], applied, row[0] if row else None)
