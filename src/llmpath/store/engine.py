"""Opening the database: the engine, its SQLite settings, checks and upgrades.

Everything SQLite-only on the SQLAlchemy side (the file header check, explicit BEGIN IMMEDIATE,
the online backup) lives here; the connection settings and error codes it shares with the
standard-library paths are in queries.py and failures.py.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy import URL, Engine, create_engine, event

from ..errors import DamagedStoreError, LlmpathError, StoreError
from ..files import Refused, create_private, open_regular
from . import migrations
from .failures import RECOVERY_HINT, database_errors
from .queries import configure_for_writing, connect_locked_read_only, connect_read_only

T = TypeVar("T")

SQLITE_HEADER = b"SQLite format 3\x00"
MIGRATION_NAME = re.compile(r"\d{4}_[a-z0-9_]+")  # how llmpath names its migrations, a newer llmpath too


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
        raise DamagedStoreError(f"{database} {error}; {RECOVERY_HINT}") from None
    except OSError as error:
        raise StoreError(f"cannot read {database}: {error.strerror}") from None
    if header and SQLITE_HEADER.startswith(header) and header != SQLITE_HEADER:
        raise DamagedStoreError(f"{database} is truncated; {RECOVERY_HINT}")
    if header and header != SQLITE_HEADER:
        raise DamagedStoreError(f"{database} is not an llmpath database; {RECOVERY_HINT}")


def _configure(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001
        configure_for_writing(dbapi_connection)
        dbapi_connection.execute("PRAGMA journal_mode = WAL")  # check_store has refused other programs' files

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        # A writer takes the write lock up front: a deferred transaction that later writes can
        # fail with "database is locked" without waiting for the busy timeout. A reader never
        # takes it (see reading()), so reads never queue behind writers or each other.
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


READ_ONLY = "llmpath_read_only"


def reading(engine: Engine) -> Engine:
    """The engine for a transaction that only reads: it begins without taking the write lock."""
    return engine.execution_options(**{READ_ONLY: True})


def checkpoint(engine: Engine) -> None:
    """Copy the write-ahead log into the database file, as SQLite does when its last connection
    closes: a command's read connection may outlive the engine, and the next command, whatever it
    is, should not be the one to change the file."""
    connection = engine.raw_connection()  # outside a transaction: a checkpoint cannot run inside one
    try:
        connection.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
    finally:
        connection.close()


def backup(database: Path, reason: str) -> Path:
    """A consistent copy of the database beside it, using SQLite's online backup."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = database.with_name(f"{database.name}.{reason}-{stamp}.bak")
    create_private(target)  # SQLite keeps the mode of the file it opens
    try:
        source = sqlite3.connect(database)
        try:
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
            finally:
                copy.close()
        finally:
            source.close()
    except BaseException:
        target.unlink()  # a half-written copy (on a full disk, say) is no backup, only clutter
        raise
    return target


def check_store(data_dir: Path, database: Path) -> None:
    """Refuse an unusable data directory or a database that is damaged or not llmpath's, before
    anything (a lock file included) is created beside it."""
    ensure_data_dir(data_dir)
    check_database_file(database)
    if database.exists() and database.stat().st_size > 0:
        _refuse_foreign(database)


def open_engine(database: Path) -> Engine:
    """An engine on an up-to-date store, created on first use and migrated in place; the caller
    has run check_store."""
    existed = database.exists() and database.stat().st_size > 0
    if not existed:
        create_private(database)  # SQLite gives its -wal and -shm files the database's mode
    engine = create_engine(URL.create("sqlite", database=str(database)))  # URL.create: any character in the path
    _configure(engine)
    with database_errors(database):
        migrations.migrate(engine, before_first_change=(lambda: backup(database, "pre-migration")) if existed else None)
    return engine


def _refuse_foreign(database: Path) -> None:
    """Looked at read-only: opening another program's database as llmpath's would already switch it to WAL."""
    _looking(database, lambda connection: _recorded_migrations(connection, database))


def _looking(database: Path, look: Callable[[sqlite3.Connection], T]) -> T:
    """`look` at the database without changing it, and without leaving files beside it when it can:
    what looks damaged without locks is looked at again with them (see queries.connect_read_only)."""
    try:
        with _read_only(database, connect_read_only) as connection:
            return look(connection)
    except LlmpathError:
        with _read_only(database, connect_locked_read_only) as connection:
            return look(connection)


@contextmanager
def _read_only(database: Path, opener: Callable[[str], sqlite3.Connection]) -> Iterator[sqlite3.Connection]:
    with database_errors(database):
        connection = opener(str(database))
        try:
            yield connection
        finally:
            connection.close()


def _recorded_migrations(connection: sqlite3.Connection, database: Path) -> list[str]:
    """The migrations an llmpath store records, none for an empty file; any other database is refused.

    A store llmpath wrote has a `meta` table and a `migration` table of exactly (name, applied_at)
    holding only llmpath's migration names; a newer llmpath's names are among them, so that its
    store is refused as newer (by migrations.migrate), not as another program's.
    """
    if connection.execute("SELECT 1 FROM sqlite_master").fetchone() is None:
        return []
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if {"migration", "meta"} <= tables:
        columns = sorted(row[0] for row in connection.execute("SELECT name FROM pragma_table_info('migration')"))
        if columns == ["applied_at", "name"]:
            names = [row[0] for row in connection.execute("SELECT name FROM migration ORDER BY name")]
            known = {name for name, _ in migrations.MIGRATIONS}
            if names and all(isinstance(n, str) and (n in known or MIGRATION_NAME.fullmatch(n)) for n in names):
                return names
    raise DamagedStoreError(f"{database} is an SQLite database of another program, not llmpath's; {RECOVERY_HINT}")


@dataclass(frozen=True)
class FileReport:
    problems: list[str]  # what SQLite's integrity check found; empty when sound
    applied: list[str]  # migrations recorded in the file
    dataset_hash: str | None  # the roadmap digest the store was last synced from


def read_only_check(database: Path) -> FileReport:
    """Look inside the database without changing it (for `llmpath doctor`)."""

    def look(connection: sqlite3.Connection) -> FileReport:
        applied = _recorded_migrations(connection, database)
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        row = connection.execute("SELECT value FROM meta WHERE key = 'dataset_hash'").fetchone() if applied else None
        return FileReport([p for p in problems if p != "ok"], applied, row[0] if row else None)

    return _looking(database, look)
