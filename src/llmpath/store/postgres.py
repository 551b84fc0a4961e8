"""The store on a PostgreSQL server: connecting with psycopg 3, and its errors in one line each.

Imported only when a database URL is set (LLMPATH_DATABASE_URL, or `database_url` in the data
directory's config.toml). The queries are the same as on SQLite (store/queries.py): a connection
here takes SQLite's `?` placeholders, and the few statements that differ are in queries.py's one
marked place. Every session runs in UTC, so stored times mean the same on every machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..errors import InternalError, LlmpathError, StoreError
from .failures import driver_errors

# Seconds to wait for the server before giving up, unless the URL says (connect_timeout=N).
CONNECT_TIMEOUT = 5
SCHEMES = ("postgresql", "postgres")
# pg_advisory_lock keys: one for preparing the store (migrations, sync), one per learner's writes.
PREPARE_LOCK = 0x6C6C6D70  # "llmp"
WRITE_LOCK = 0x6C6C6D77  # "llmw", with a second key per learner


def is_url(text: str) -> bool:
    return urlsplit(text).scheme in SCHEMES


def masked(url: str) -> str:
    """The URL with its password replaced by ***, for messages and `llmpath where`."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit((parts.scheme, f"{user}:***@{host}{port}", parts.path, parts.query, parts.fragment))


def server_of(url: str) -> str:
    """Host, port and database, as messages name the server."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.hostname or 'localhost'}{port}{parts.path or '/'}"


def _options(url: str) -> dict[str, Any]:
    query = urlsplit(url).query
    extra: dict[str, Any] = {"options": "-c TimeZone=UTC"}
    if "connect_timeout=" not in query:
        extra["connect_timeout"] = CONNECT_TIMEOUT
    return extra


class Connection:
    """A psycopg connection that runs the store's queries as written for SQLite: `?` placeholders,
    autocommit until the caller sends BEGIN, as the sqlite3 connections do."""

    dialect = "postgresql"

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        # Without parameters psycopg sends the text as it is: placeholders are translated, and a
        # literal % escaped, only when there are parameters.
        return self.raw.execute(self._sql(sql), params) if params else self.raw.execute(sql)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            with self.raw.cursor() as cursor:
                cursor.executemany(self._sql(sql), rows)

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()


def connect(url: str) -> Connection:
    import psycopg

    with server_errors(url):
        return Connection(psycopg.connect(url, autocommit=True, **_options(url)))


def engine(url: str) -> Any:
    """SQLAlchemy's engine on the server, through psycopg 3, for migrations and sync."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    parts = urlsplit(url)
    return create_engine(
        urlunsplit(("postgresql+psycopg", parts.netloc, parts.path, parts.query, "")),
        connect_args=_options(url),
        poolclass=NullPool,  # one command, a few connections: none kept open behind the caller's back
    )


def server_errors(url: str) -> AbstractContextManager[None]:
    """psycopg's errors, raw or wrapped by SQLAlchemy, in one line naming the server."""
    import psycopg

    return driver_errors(psycopg.Error, lambda error: translate(error, url))


# SQLSTATE classes and codes, as PostgreSQL documents them (Appendix A).
_LOGIN_REFUSED = ("28P01", "28000")
LOGIN_REFUSALS = ("password authentication failed", "no password supplied", "is not permitted to log in")
_NO_DATABASE = "3D000"
_NOT_ALLOWED = "42501"
_SHUTTING_DOWN = ("57P01", "57P02", "57P03")
_DISK_FULL = "53100"


def translate(error: Any, url: str) -> LlmpathError:
    server = server_of(url)
    state = getattr(error, "sqlstate", None) or ""
    detail = " ".join(str(error).split()) or type(error).__name__
    user = urlsplit(url).username or "the user in the URL"
    if not state:
        # A connection refused by the server carries no SQLSTATE, only the server's message.
        if any(refusal in detail for refusal in LOGIN_REFUSALS):
            state = _LOGIN_REFUSED[0]
        elif "does not exist" in detail and "database" in detail:
            state = _NO_DATABASE
    if state in _LOGIN_REFUSED:
        return StoreError(
            f"the PostgreSQL server {server} refused the login of {user} ({detail}); check the user and password "
            "in LLMPATH_DATABASE_URL"
        )
    if state == _NO_DATABASE:
        return StoreError(f"the PostgreSQL server {server} has no such database; create it, or fix the URL's database")
    if state == _NOT_ALLOWED:
        return StoreError(
            f"the PostgreSQL server {server} does not let {user} do this ({detail}); ask the database's owner"
        )
    if state == _DISK_FULL:
        return StoreError(f"the disk of the PostgreSQL server {server} is full; nothing was saved; try again later")
    if state in _SHUTTING_DOWN or "server closed the connection" in detail or "terminating connection" in detail:
        return StoreError(
            f"the connection to the PostgreSQL server {server} was lost ({detail}); nothing was saved; try again"
        )
    if state.startswith("08") or not state:
        # No SQLSTATE: the connection could not be made, or was lost on the way.
        return StoreError(
            f"cannot reach the PostgreSQL server {server} ({detail}); nothing was saved; check that it is running "
            "and that the database URL is right, then try again"
        )
    if state.startswith("23"):  # integrity: the schema caught llmpath writing something it must not
        return InternalError(
            f"internal error: {detail} (SQLSTATE {state}); a bug in llmpath, and nothing was saved; please report this"
        )
    return StoreError(
        f"the PostgreSQL server {server} reported an error: {detail} (SQLSTATE {state}); nothing was saved"
    )
