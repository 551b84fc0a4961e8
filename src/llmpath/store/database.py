"""Where the store lives: an SQLite file in the data directory, or a PostgreSQL server.

One interface (Database) for both, so the application layer never asks which. Reads and daily
writes run on the driver's own connection (sqlite3, or psycopg through postgres.Connection) with
the queries of store/queries.py; SQLAlchemy is loaded only to prepare a store (`preparing`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Protocol

from ..paths import Paths


class Database(Protocol):
    label: str  # how messages and `llmpath where` name it: a path, or a URL with its password masked
    is_server: bool

    def check(self) -> None:
        """Refuse an unusable store before anything (a lock file included) is created beside it."""

    def begin_reading(self) -> Any | None:
        """A connection inside a read transaction: one state of the store for every query. None
        when there is no store yet, or it cannot be read (preparing it says why)."""

    def begin_writing(self) -> Any | None:
        """A connection inside a write transaction, the store's writers one at a time. None when
        there is no store yet, or it cannot be written (preparing it says why)."""

    def commit(self, connection: Any) -> None: ...

    def errors(self) -> AbstractContextManager[None]:
        """Turns the driver's errors into one line naming the store and what to do."""

    def preparing(self) -> AbstractContextManager[Any]:
        """SQLAlchemy's engine on the store, created and migrated, for the block; one process at
        a time prepares a store."""

    def generation(self) -> int | None:
        """The store's generation, looked at without waiting and without a server: None when it
        cannot be known that way."""


def database_of(paths: Paths) -> Database:
    url = paths.database_url
    if url is not None:
        return PostgresDatabase(url, paths.data_dir)
    return SQLiteDatabase(paths.database, paths.data_dir)


class SQLiteDatabase:
    is_server = False

    def __init__(self, path: Path, data_dir: Path) -> None:
        self.path, self.data_dir = path, data_dir
        self.label = str(path)

    def check(self) -> None:
        from .engine import check_store

        check_store(self.data_dir, self.path)

    def begin_reading(self) -> Any | None:
        import sqlite3

        from . import queries

        if not os.path.isfile(self.path):  # sqlite3 would wait for good on a FIFO in its place
            return None
        try:
            connection = queries.connect(str(self.path))
        except sqlite3.Error:
            return None
        try:
            connection.execute("BEGIN")
        except sqlite3.Error:
            connection.close()
            return None
        return connection

    def begin_writing(self) -> Any | None:
        import sqlite3

        from . import queries

        if not os.path.isfile(self.path):
            return None
        try:
            return queries.begin_writing(str(self.path))
        except sqlite3.Error:
            return None

    def commit(self, connection: Any) -> None:
        connection.execute("COMMIT")
        # Copy the log into the database file, as SQLite does when its last connection closes:
        # the next command, whatever it is, should not be the one to change the file.
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def errors(self) -> AbstractContextManager[None]:
        from .failures import database_errors

        return database_errors(self.path)

    @contextmanager
    def preparing(self) -> Iterator[Any]:
        from .engine import checkpoint, open_engine

        engine = open_engine(self.path)
        try:
            with self.errors():
                yield engine
                checkpoint(engine)
        finally:
            engine.dispose()

    def generation(self) -> int | None:
        from .queries import stored_generation

        return stored_generation(str(self.path))


class PostgresDatabase:
    is_server = True

    def __init__(self, url: str, data_dir: Path) -> None:
        from .postgres import masked

        self.url, self.data_dir = url, data_dir
        self.label = masked(url)

    def check(self) -> None:
        from .engine import ensure_data_dir

        ensure_data_dir(self.data_dir)  # the badge and its lock stay on this machine

    def _connect(self) -> Any:
        from .postgres import connect

        return connect(self.url)

    def begin_reading(self) -> Any:
        return self._begin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def begin_writing(self) -> Any:
        from .postgres import WRITE_LOCK

        # One learner's writers one at a time, from every machine: each decides on the state the
        # one before committed. Other learners' writes never wait on it.
        return self._begin("BEGIN", ("SELECT pg_advisory_xact_lock(?, hashtext(current_user))", (WRITE_LOCK,)))

    def _begin(self, begin: str, *then: tuple[str, tuple[Any, ...]]) -> Any:
        connection = self._connect()
        try:
            with self.errors():
                connection.execute(begin)
                for sql, params in then:
                    connection.execute(sql, params)
        except BaseException:
            connection.close()
            raise
        return connection

    def commit(self, connection: Any) -> None:
        connection.execute("COMMIT")

    def errors(self) -> AbstractContextManager[None]:
        from .postgres import server_errors

        return server_errors(self.url)

    @contextmanager
    def preparing(self) -> Iterator[Any]:
        from sqlalchemy import text

        from . import migrations
        from .postgres import PREPARE_LOCK, engine

        with self.errors():
            server = engine(self.url)
            try:
                with server.connect() as lock:
                    # Migrations and syncs on a shared server run once: the others wait here,
                    # then find the store prepared.
                    lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": PREPARE_LOCK})
                    try:
                        migrations.migrate(server)
                        yield server
                    finally:
                        lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": PREPARE_LOCK})
            finally:
                server.dispose()

    def generation(self) -> int | None:
        return None  # the prompt never talks to the server
