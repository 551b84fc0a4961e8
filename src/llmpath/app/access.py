"""Reaching the store: one read transaction for a read command, one write transaction for a change.

Both run on standard-library connections, through the read model's queries. When the store is not
yet where this release reads it (new, older, synced from another roadmap file, its read model
behind), it is prepared first (app/prepare.py, with SQLAlchemy), under the cache lock and rechecked
there, so that fifty shells starting at once prepare it once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..domain.state import State
from ..errors import LlmpathError, StoreError
from ..files import held_lock
from ..paths import Paths
from ..roadmap.digest import roadmap_digest
from ..store import queries
from ..store.database import Database, database_of
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
def write_transaction(paths: Paths) -> Iterator[Any]:
    """A connection in one write transaction on the prepared store, committed when the block ends
    (rolled back when it raises). The cache lock is held from before the transaction until the
    block's caller has rewritten the caches; the block removes the badge file before committing,
    so the badge file, which the prompt reads without looking at the store, exists only while the
    store is at the generation it was made from."""
    database = database_of(paths)
    readmodel.close_reads()  # see close_reads: before the store's file is looked at
    if not (os.path.exists(paths.cache_lock) and (database.is_server or os.path.isfile(paths.database))):
        database.check()  # a new data directory: refused, if it must be, before the lock file is made
    with held_lock(paths.cache_lock):
        connection = _begin_current(paths, database)
        if connection is None:
            database.check()
            _prepare(paths)
            connection = _begin_current(paths, database)
            if connection is None:  # prepared under the lock just now: only a damaged store gets here
                raise StoreError(f"cannot write {database.label}; run `llmpath doctor` to see why")
        try:
            with database.errors():
                yield connection
                database.commit(connection)
        finally:
            connection.close()  # rolls back what was not committed


def _begin_current(paths: Paths, database: Database) -> Any | None:
    """A write transaction on the store when it is where this release reads and writes it."""
    try:
        digest = roadmap_digest(paths.roadmap)
    except (OSError, ValueError):
        return None  # preparing the store says what is wrong
    connection = database.begin_writing()
    if connection is None:
        return None
    try:
        with database.errors():
            current = readmodel.is_current(queries.stamp(connection), digest)
    except LlmpathError:
        current = False
    if not current:
        connection.close()  # at once, rolling back: preparing looks at the file next
        return None
    return connection


@contextmanager
def _prepared(paths: Paths) -> Iterator[None]:
    """The store prepared, and the cache lock held for the block."""
    readmodel.close_reads()
    database_of(paths).check()
    with held_lock(paths.cache_lock):
        _prepare(paths)
        yield


def _prepare(paths: Paths) -> None:
    from .prepare import prepare_store

    prepare_store(paths)


def refresh_badge(paths: Paths) -> None:
    """Rewrite the badge file from the store: what `llmpath badge --refresh` does, in the background,
    for a server's store, whose other machines' changes no local command saw."""
    from .caches import cache_unless_busy, fields_now

    state = read_state(paths)
    try:
        cache_unless_busy(paths, fields_now(state), readmodel.generation_of(state))
    finally:
        readmodel.close_reads()
