"""SQLite's errors told apart, by their result code, and said in one line each.

Standard library only: the read path and the daily writes use it without SQLAlchemy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from ..errors import DamagedStoreError, InternalError, LlmpathError, StoreError

RECOVERY_HINT = "it is left untouched; move it aside (or set LLMPATH_HOME to another directory) to start a new store"


@contextmanager
def driver_errors(driver_error: type[Exception], translate: Callable[[Any], LlmpathError]) -> Iterator[None]:
    """Turn the database driver's errors, raw or wrapped by SQLAlchemy, into `translate`'s one line.

    SQLAlchemy wraps the driver's error (as .orig); it is looked up by attribute, so that the
    standard-library paths (reads, daily writes) need not import SQLAlchemy for this.
    """
    try:
        yield
    except Exception as error:
        cause = error if isinstance(error, driver_error) else getattr(error, "orig", None)
        if not isinstance(cause, driver_error):
            raise
        raise translate(cause) from None


def database_errors(database: Path) -> AbstractContextManager[None]:
    """SQLite's errors in one line saying what to do: the one place that tells them apart, by
    their result code (the message text differs between SQLite versions)."""
    return driver_errors(sqlite3.Error, lambda error: _translate(error, database))


def _translate(error: BaseException, database: Path) -> LlmpathError:
    detail = str(error)
    code = getattr(error, "sqlite_errorcode", None)
    name = getattr(error, "sqlite_errorname", None) or type(error).__name__
    primary = code & 0xFF if code is not None else None  # extended codes (SQLITE_IOERR_WRITE, ...) refine these
    if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return DamagedStoreError(f"{database} cannot be read ({detail}); {RECOVERY_HINT}")
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return StoreError(
            f"{database} is busy: another process (another llmpath, or a program that has it open) kept it "
            "locked; try again once it is done"
        )
    if primary == sqlite3.SQLITE_FULL:
        return StoreError(f"the disk holding {database} is full; nothing was saved; free some space and try again")
    if primary == sqlite3.SQLITE_IOERR:
        return StoreError(
            f"the disk holding {database} reported an I/O error ({name}); nothing was saved; check the disk and try again"
        )
    if primary == sqlite3.SQLITE_READONLY:
        return StoreError(
            f"{database} cannot be written: the file, its directory or its disk is read-only ({name}); nothing was "
            "saved; fix the permissions or set LLMPATH_HOME to a writable directory"
        )
    if primary == sqlite3.SQLITE_CANTOPEN:
        return StoreError(
            f"cannot open {database} or the -wal and -shm files SQLite keeps beside it; make the directory and "
            "these files readable and writable, or set LLMPATH_HOME to another directory"
        )
    if primary == sqlite3.SQLITE_CONSTRAINT:  # the schema caught llmpath writing something it must not
        return InternalError(
            f"internal error: {detail} ({name}); a bug in llmpath, not damage to {database}, and nothing was "
            "saved; please report this"
        )
    return InternalError(f"unexpected SQLite error on {database}: {detail} ({name}); please report this")
