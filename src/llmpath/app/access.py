"""Reaching the store: one read transaction for a read command, one write transaction for a change.

Both run on standard-library connections, through the read model's queries. When the store is not
yet where this release reads it (new, older, synced from another roadmap file, its read model
behind), it is prepared first (app/prepare.py, with SQLAlchemy), under the cache lock and rechecked
there, so that fifty shells starting at once prepare it once.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from ..domain.state import State
from ..errors import StoreError
from ..files import held_lock
from ..paths import Paths
from ..roadmap.digest import roadmap_digest
from ..store import queries
from ..store.failures import database_errors
from . import readmodel
from .caches import after_write


def read_state(paths: Paths) -> State:
    """The learner's state for a read command, and the badge file made for it when the store had
    to be prepared first."""
    state = readmodel.try_open(paths)
    if state is None:
        with _prepared(paths):
            state = after_write(paths)
    return state


@contextmanager
def write_transaction(paths: Paths) -> Iterator[sqlite3.Connection]:
    """A connection in one write transaction on the prepared store, committed when the block ends
    (rolled back when it raises). The cache lock is held from before the transaction until the
    block's caller has rewritten the caches; the block removes the badge file before committing,
    so the badge file, which the prompt reads without looking at the store, exists only while the
    store is at the generation it was made from."""
    readmodel.close_reads()  # see close_reads: before the store's file is looked at
    if not (os.path.isfile(paths.database) and os.path.exists(paths.cache_lock)):
        _check(paths)  # a new data directory: refused, if it must be, before the lock file is made
    with held_lock(paths.cache_lock):
        connection = _begin_current(paths)
        if connection is None:
            _check(paths)
            _prepare(paths)
            connection = _begin_current(paths)
            if connection is None:  # prepared under the lock just now: only a damaged file gets here
                raise StoreError(f"cannot write {paths.database}; run `llmpath doctor` to see why")
        try:
            with database_errors(paths.database):
                yield connection
                connection.execute("COMMIT")
                # Copy the log into the database file, as SQLite does when its last connection
                # closes: the next command, whatever it is, should not be the one to change it.
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            connection.close()  # rolls back what was not committed


def _begin_current(paths: Paths) -> sqlite3.Connection | None:
    """A write transaction on the store when it is where this release reads and writes it."""
    try:
        digest = roadmap_digest(paths.roadmap)
        connection = queries.begin_writing(str(paths.database))
    except (OSError, ValueError, sqlite3.Error):
        return None  # preparing the store says what is wrong, when anything is
    try:
        current = readmodel.is_current(queries.stamp(connection), digest)
    except sqlite3.Error:
        current = False
    if not current:
        connection.close()  # at once, rolling back: preparing looks at the file next
        return None
    return connection


@contextmanager
def _prepared(paths: Paths) -> Iterator[None]:
    """The store prepared, and the cache lock held for the block."""
    readmodel.close_reads()
    _check(paths)
    with held_lock(paths.cache_lock):
        _prepare(paths)
        yield


def _check(paths: Paths) -> None:
    from .prepare import check

    check(paths)


def _prepare(paths: Paths) -> None:
    from .prepare import prepare_store

    prepare_store(paths)
