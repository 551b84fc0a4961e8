"""The store read back with the standard library: each query touches what a command shows.

Read commands and the prompt's slow path use these through `connect` (sqlite3, no SQLAlchemy); a
write runs the very same queries on the connection of its own transaction, so it sees the state it
changes exactly as a read would. Rows come back as tuples of stored values; turning them into the
domain's records (and deciding what is in force) is the application layer's job.

The derived tables (`taken_back`, `topic_status`, migration 0006) and their stamp, the generation
they were brought to (meta `read_model`), are written here too, by the application layer only.
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..roadmap.schema import (
    Catalog,
    Module,
    Paper,
    Roadmap,
    Topic,
    Track,
    module_from_json,
    paper_from_json,
    topic_from_json,
    track_from_json,
)

Row = tuple[Any, ...]

# The latest migration (a test keeps it equal to store.migrations.latest()): a reader trusts the
# store only at this schema, and otherwise lets the write path migrate it.
SCHEMA = "0010_study_time"
# How sync lays the roadmap out in the tables. Raise it whenever that changes: a store synced by an
# older release is then synced again, even from the same roadmap file, instead of being misread.
STORAGE_VERSION = 4

# The columns every reader of a record kind gets, in this order (see app/readmodel.py for the codec).
EVENT_FIELDS = ("id", "uid", "change_id", "topic_id", "status", "happened_on", "recorded_at", "note")
READ_FIELDS = ("id", "uid", "change_id", "paper_id", "read_on", "recorded_at", "note", "pass_number")
EVENT_COLUMNS = ", ".join("e." + name for name in EVENT_FIELDS)
READ_COLUMNS = ", ".join("r." + name for name in READ_FIELDS)
CHANGE_COLUMNS = "id, uid, kind, summary, recorded_at, reverts, imported_by"
IN_FORCE = "NOT IN (SELECT change_id FROM taken_back)"
# A reading counts when its change is in force and no correction in force withdrew it
# (domain.papers.corrected is the rule; this is it in SQL, for the counts views make in the store).
READ_IN_FORCE = (
    f"r.change_id {IN_FORCE} AND r.uid NOT IN"
    f" (SELECT c.read_uid FROM read_correction c WHERE c.withdrawn AND c.change_id {IN_FORCE})"
)
CORRECTION_FIELDS = ("id", "uid", "change_id", "read_uid", "withdrawn", "note", "pass_number")
NOTE_FIELDS = ("id", "uid", "change_id", "topic_id", "note", "noted_on", "recorded_at")
LINK_FIELDS = ("id", "uid", "change_id", "topic_id", "url", "title", "recorded_at")
SESSION_FIELDS = ("id", "uid", "change_id", "topic_id", "minutes", "studied_on", "recorded_at", "note", "timer_uid")
TIMER_FIELDS = ("id", "uid", "change_id", "topic_id", "started_at")
# --- the one place where the SQL differs between SQLite and PostgreSQL ----------------------------
#
# A connection says which it is: postgres.Connection has `dialect`, sqlite3's has none.
#
# SOUND_READ: a reading the codec can read (app.readmodel.read_of) at least as far as counting
# goes, so that a damaged one is left out of counts and first days too, not only of the lists of
# readings. SQLite keeps any value in any column; PostgreSQL's column types keep only sound ones.
# ROW_ORDER: the order rows were written in, for a table whose rows have no number of their own.
# PAPER_PRIORITY: a catalog paper's priority, kept in its JSON data column.
DIALECTS = {
    "sqlite": {
        "SOUND_READ": "typeof(r.change_id) = 'integer' AND typeof(r.paper_id) = 'text'"
        " AND r.read_on GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'",
        "ROW_ORDER": "rowid",
        "PAPER_PRIORITY": "json_extract(data, '$.priority')",
    },
    "postgresql": {
        "SOUND_READ": "TRUE",
        "ROW_ORDER": "ctid",
        "LEARNER": "current_user",
        "PAPER_PRIORITY": "data->>'priority'",
    },
}
DIALECTS["sqlite"]["LEARNER"] = "''"  # who the learner is: SQLite's store has one, the database user on a server


def _sql(connection: Any, name: str) -> str:
    return DIALECTS[getattr(connection, "dialect", "sqlite")][name]


# Parameters per statement: SQLite before 3.32 allows 999.
CHUNK = 900


BUSY_TIMEOUT_MS = 30_000


def configure_for_writing(connection: sqlite3.Connection) -> None:
    """Settings of every connection that may write (SQLAlchemy's engine and `begin_writing`); the
    store's WAL mode is kept in the file, set once by the engine that creates or migrates it."""
    # Transactions are begun explicitly (BEGIN IMMEDIATE by writers), so DDL in migrations is
    # transactional and a writer never fails half-way for want of the write lock.
    connection.isolation_level = None
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA synchronous = NORMAL")  # what SQLite advises with WAL


def begin_writing(database: str) -> sqlite3.Connection:
    """A connection in a write transaction (BEGIN IMMEDIATE: the write lock taken up front, so a
    transaction never fails half-way with "database is locked"); the caller commits and closes."""
    connection = sqlite3.connect(_uri(database, "rw"), uri=True, isolation_level=None)
    try:
        configure_for_writing(connection)
        connection.execute("BEGIN IMMEDIATE")
    except BaseException:
        connection.close()
        raise
    return connection


def connect(database: str) -> sqlite3.Connection:
    """A connection for a command's reads, which sees other processes' commits.

    Opened for reading and writing though it only reads: as the last connection to close, it lets
    SQLite copy the write-ahead log into the database file and remove it, as every llmpath
    connection does, so a store at rest is one file. Read-only when that is all the file allows.
    In autocommit mode: the caller opens a transaction (BEGIN) when its queries should see one
    state of the store, as the read path does.
    """
    try:
        return sqlite3.connect(_uri(database, "rw"), uri=True, isolation_level=None)
    except sqlite3.OperationalError:
        return connect_locked_read_only(database)


def _uri(database: str, mode: str) -> str:
    # In a file: URI only these end or escape the path.
    path = os.path.abspath(database).replace("%", "%25").replace("?", "%3f").replace("#", "%23")
    return "file:" + path + "?mode=" + mode


def connect_read_only(database: str) -> sqlite3.Connection:
    """A connection that cannot change the database and leaves no files behind, for a look at a
    file that may not be llmpath's (the check before opening it, `doctor`, the prompt).

    `immutable` keeps SQLite from creating -wal and -shm files, which is safe only while no
    write-ahead log holds data; otherwise the log must be read, in plain read-only mode. Without
    locks, a page another process is copying back from its log at that moment can look damaged:
    what looks damaged this way is looked at again with locks (store.engine).
    """
    try:
        wal_has_data = os.path.getsize(database + "-wal") > 0
    except OSError:
        wal_has_data = False
    return sqlite3.connect(_uri(database, "ro" if wal_has_data else "ro&immutable=1"), uri=True, isolation_level=None)


def connect_locked_read_only(database: str) -> sqlite3.Connection:
    return sqlite3.connect(_uri(database, "ro"), uri=True, isolation_level=None)


def stored_generation(database: str) -> int | None:
    """The id of the store's latest change (0 before the first), or None when it cannot be read."""
    if not os.path.isfile(database):  # sqlite3 would wait for good on a FIFO in its place
        return None
    try:
        connection = connect_read_only(database)
        try:
            return generation(connection)
        finally:
            connection.close()
    except sqlite3.Error:
        return None


@dataclass(frozen=True)
class Stamp:
    """What a reader checks before trusting the read model, read in one statement."""

    generation: int
    read_model: int | None  # the generation the derived tables were brought to
    dataset_hash: str | None
    dataset_storage: str | None
    schema: str | None  # the latest migration applied


def stamp(connection: Any) -> Stamp:
    row = connection.execute(
        "SELECT (SELECT coalesce(max(id), 0) FROM change),"
        f" (SELECT read_model FROM learner WHERE owner = {_sql(connection, 'LEARNER')}),"
        " (SELECT value FROM meta WHERE key = 'dataset_hash'),"
        " (SELECT value FROM meta WHERE key = 'dataset_storage'),"
        " (SELECT max(name) FROM migration)"
    ).fetchone()
    read_model = row[1]
    return Stamp(row[0], read_model if isinstance(read_model, int) else None, row[2], row[3], row[4])


def generation(connection: Any) -> int:
    return connection.execute("SELECT coalesce(max(id), 0) FROM change").fetchone()[0]


# --- the roadmap -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredRoadmap(Roadmap):
    """The synced roadmap, its tracks read whole and its topics, modules and papers on demand."""

    connection: Any = None

    def module_members(self, module_id: str) -> Sequence[str]:
        if module_id not in self._module_members:
            self._module_members[module_id] = [
                row[0]
                for row in self.connection.execute(
                    "SELECT id FROM topic WHERE module_id = ? AND NOT retired ORDER BY position", (module_id,)
                )
            ]
        return self._module_members[module_id]

    def papers_about(self, topic_id: str) -> list[Paper]:
        ids = [
            row[0]
            for row in self.connection.execute(
                "SELECT p.id FROM paper_topic t JOIN paper p ON p.id = t.paper_id WHERE t.topic_id = ? ORDER BY p.position",
                (topic_id,),
            )
        ]
        return [self.papers[i] for i in ids if i in self.papers]

    def papers_of_priority(self, priority: str) -> list[Paper]:
        return list(
            _papers(self.connection, f"WHERE {_sql(self.connection, 'PAPER_PRIORITY')} = ?", (priority,)).values()
        )


# The tracks read in this process, by the synced roadmap's digest and storage version: the one
# dataset they were read from. A write reads them up to three times (parsing the command, inside its
# transaction, after it), and at 10,000 topics each reading costs as much as the write itself.
_tracks_read: dict[tuple[str, str], tuple[Track, ...]] = {}


def roadmap(connection: Any) -> StoredRoadmap:
    meta = dict(
        connection.execute(
            "SELECT key, value FROM meta"
            " WHERE key IN ('default_track', 'dataset_version', 'dataset_hash', 'dataset_storage')"
        )
    )
    synced = (meta.get("dataset_hash"), meta.get("dataset_storage"))
    if None in synced:
        tracks = _tracks(connection)
    else:
        tracks = _tracks_read.get(synced) or _tracks_read.setdefault(synced, _tracks(connection))
    return StoredRoadmap(
        version=int(meta.get("dataset_version") or 1),
        default_track=meta.get("default_track") or (tracks[0].id if tracks else ""),
        tracks=tracks,
        modules=Catalog(lambda i: _one_module(connection, i), lambda: _all_modules(connection)),
        topics=Catalog(lambda i: _one_topic(connection, i), lambda: _all_topics(connection)),
        papers=Catalog(lambda i: _one_paper(connection, i), lambda: _all_papers(connection)),
        connection=connection,
    )


def _json(data: Any) -> dict[str, Any]:
    """A JSON column: text from SQLite, already decoded by psycopg."""
    return json.loads(data) if isinstance(data, (str, bytes)) else data


def _one(connection: Any, sql: str, key: str) -> Row | None:
    """The row with this id; None when there is none, or when the id (typed by the learner) is
    not text SQLite can hold, such as a lone surrogate: no stored id is."""
    if "\x00" in key:  # no stored id holds one, and PostgreSQL's text cannot
        return None
    try:
        return connection.execute(sql, (key,)).fetchone()
    except UnicodeEncodeError:
        return None


def _requirements(connection: Any, table: str, where: str = "", params: Sequence[Any] = ()) -> dict[str, list[str]]:
    """Prerequisites of the units in `table` (optionally only those matching `where`)."""
    requires: dict[str, list[str]] = {}
    rows = connection.execute(
        f"SELECT q.unit_id, q.requires_id FROM prerequisite q JOIN {table} u ON u.id = q.unit_id {where}"
        " ORDER BY q.unit_id, q.position",
        params,
    )
    for unit_id, requires_id in rows:
        requires.setdefault(unit_id, []).append(requires_id)
    return requires


def _tracks(connection: Any) -> tuple[Track, ...]:
    topics_of: dict[str, list[str]] = {}
    for stage_id, topic_id in connection.execute(
        "SELECT stage_id, topic_id FROM stage_topic ORDER BY stage_id, position"
    ):
        topics_of.setdefault(stage_id, []).append(topic_id)
    requires = _requirements(connection, "stage")
    stages_of: dict[str, list[dict[str, Any]]] = {}
    for stage_id, track_id, title, data in connection.execute(
        "SELECT id, track_id, title, data FROM stage ORDER BY track_id, position"
    ):
        stages_of.setdefault(track_id, []).append(
            {
                "id": stage_id,
                "title": title,
                **_json(data),
                "topics": topics_of.get(stage_id, []),
                "prerequisites": requires.get(stage_id, []),
            }
        )
    return tuple(
        track_from_json({"id": track_id, "title": title, **_json(data), "stages": stages_of.get(track_id, [])})
        for track_id, title, data in connection.execute("SELECT id, title, data FROM track ORDER BY position")
    )


def _topic(row: Row, prerequisites: list[str], aliases: list[str]) -> Topic:
    topic_id, title, module_id, retired, data = row
    return topic_from_json(
        {
            "id": topic_id,
            "title": title,
            **_json(data),
            "module": module_id,
            "retired": bool(retired),
            "prerequisites": prerequisites,
            "aliases": aliases,
        }
    )


def _aliases_by_topic(connection: Any, where: str = "", params: tuple = ()) -> dict[str, list[str]]:
    """Each topic's former ids: every one the roadmap ever gave it, as sync keeps them."""
    found: dict[str, list[str]] = {}
    for topic_id, alias in connection.execute(
        f"SELECT topic_id, alias FROM topic_alias {where} ORDER BY alias", params
    ):
        found.setdefault(topic_id, []).append(alias)
    return found


TOPIC_ROW = "SELECT id, title, module_id, retired, data FROM topic"
# A renamed topic's old id stays as an alias, never as a topic of its own.
NOT_ALIAS = "id NOT IN (SELECT alias FROM topic_alias)"


def _one_topic(connection: Any, topic_id: str) -> Topic | None:
    row = _one(connection, f"{TOPIC_ROW} WHERE id = ? AND {NOT_ALIAS}", topic_id)
    if row is None:
        return None
    requires = _requirements(connection, "topic", "WHERE u.id = ?", (topic_id,))
    aliases = _aliases_by_topic(connection, "WHERE topic_id = ?", (topic_id,))
    return _topic(row, requires.get(topic_id, []), aliases.get(topic_id, []))


def _all_topics(connection: Any) -> dict[str, Topic]:
    requires = _requirements(connection, "topic")
    aliases = _aliases_by_topic(connection)
    rows = connection.execute(f"{TOPIC_ROW} WHERE {NOT_ALIAS} ORDER BY retired, position")
    return {row[0]: _topic(row, requires.get(row[0], []), aliases.get(row[0], [])) for row in rows}


MODULE_ROW = "SELECT id, title, data FROM module"


def _module(row: Row, prerequisites: list[str]) -> Module:
    module_id, title, data = row
    return module_from_json({"id": module_id, "title": title, **_json(data), "prerequisites": prerequisites})


def _one_module(connection: Any, module_id: str) -> Module | None:
    row = _one(connection, f"{MODULE_ROW} WHERE id = ?", module_id)
    if row is None:
        return None
    return _module(row, _requirements(connection, "module", "WHERE u.id = ?", (module_id,)).get(module_id, []))


def _all_modules(connection: Any) -> dict[str, Module]:
    requires = _requirements(connection, "module")
    return {
        row[0]: _module(row, requires.get(row[0], [])) for row in connection.execute(f"{MODULE_ROW} ORDER BY position")
    }


PAPER_ROW = "SELECT id, title, data FROM paper"


def _paper(row: Row, topics: list[str]) -> Paper:
    paper_id, title, data = row
    return paper_from_json({"id": paper_id, "title": title, **_json(data), "topics": topics})


def _paper_topics(connection: Any, where: str = "", params: Sequence[Any] = ()) -> dict[str, list[str]]:
    topics: dict[str, list[str]] = {}
    for paper_id, topic_id in connection.execute(
        f"SELECT paper_id, topic_id FROM paper_topic {where} ORDER BY {_sql(connection, 'ROW_ORDER')}", params
    ):
        topics.setdefault(paper_id, []).append(topic_id)
    return topics


def _one_paper(connection: Any, paper_id: str) -> Paper | None:
    row = _one(connection, f"{PAPER_ROW} WHERE id = ?", paper_id)
    if row is None:
        return None
    return _paper(row, _paper_topics(connection, "WHERE paper_id = ?", (paper_id,)).get(paper_id, []))


def _all_papers(connection: Any) -> dict[str, Paper]:
    return _papers(connection)


def _papers(connection: Any, where: str = "", params: tuple = ()) -> dict[str, Paper]:
    """The catalog's papers (those `where` picks), in catalog order."""
    topics = _paper_topics(connection, f"WHERE paper_id IN (SELECT id FROM paper {where})" if where else "", params)
    rows = connection.execute(f"{PAPER_ROW} {where} ORDER BY position", params)
    return {row[0]: _paper(row, topics.get(row[0], [])) for row in rows}


# --- the learner's records -------------------------------------------------------------------------


def aliases(connection: Any) -> dict[str, str]:
    return dict(connection.execute("SELECT alias, topic_id FROM topic_alias"))


def taken_back(connection: Any) -> set[int]:
    return {row[0] for row in connection.execute("SELECT change_id FROM taken_back")}


def current_events(connection: Any) -> list[Row]:
    """Each topic's event in force (topic_status), keyed by the topic it now counts for."""
    return connection.execute(
        f"SELECT s.topic_id, {EVENT_COLUMNS} FROM topic_status s JOIN status_event e ON e.uid = s.event_uid"
    ).fetchall()


def current_standings(connection: Any) -> list[Row]:
    """Each topic's status in force and the day it was set: (topic, status, day)."""
    return connection.execute("SELECT topic_id, status, since FROM topic_status").fetchall()


def event_days(connection: Any) -> Iterator[Row]:
    """The days status changes not undone happened on, earliest first, read as far as the caller goes."""
    return connection.execute(
        f"SELECT DISTINCT e.happened_on FROM status_event e WHERE e.change_id {IN_FORCE} ORDER BY e.happened_on"
    )


def events_of_topics(connection: Any, topic_ids: Iterable[str]) -> list[Row]:
    """Every event recorded under these ids, in history order for each id."""
    return _chunked(
        connection,
        f"SELECT {EVENT_COLUMNS} FROM status_event e WHERE e.topic_id IN ({{}}) ORDER BY e.change_id, e.id",
        list(topic_ids),
    )


def events_of_changes(connection: Any, change_ids: Iterable[int]) -> list[Row]:
    return _chunked(
        connection,
        f"SELECT {EVENT_COLUMNS} FROM status_event e WHERE e.change_id IN ({{}}) ORDER BY e.change_id, e.id",
        list(change_ids),
    )


def all_rows(connection: Any, table: str, columns: str) -> Iterator[Row]:
    """Every row of a record table, in history order (for a check of the whole history)."""
    return connection.execute(
        f"SELECT {columns} FROM {table} ORDER BY {'id' if table == 'change' else 'change_id, id'}"
    )


def all_events(connection: Any) -> Iterator[Row]:
    return connection.execute(f"SELECT {EVENT_COLUMNS} FROM status_event e ORDER BY e.change_id, e.id")


def topics_changed_after(connection: Any, generation: int) -> set[str]:
    # Not DISTINCT: SQLite would then walk the topic index instead of the change index's few rows.
    rows = connection.execute("SELECT topic_id FROM status_event WHERE change_id > ?", (generation,))
    return {row[0] for row in rows}


def changes_newest_first(connection: Any) -> Iterator[Row]:
    """The history from its latest change back, read as far as the caller goes."""
    return connection.execute(f"SELECT {CHANGE_COLUMNS} FROM change ORDER BY id DESC")


def change(connection: Any, change_id: int) -> Row | None:
    return connection.execute(f"SELECT {CHANGE_COLUMNS} FROM change WHERE id = ?", (change_id,)).fetchone()


def changes_after(connection: Any, generation: int) -> list[Row]:
    return connection.execute(f"SELECT {CHANGE_COLUMNS} FROM change WHERE id > ? ORDER BY id", (generation,)).fetchall()


def brought_by(connection: Any, change_id: int) -> list[Row]:
    """The changes an import brought."""
    return connection.execute(f"SELECT {CHANGE_COLUMNS} FROM change WHERE imported_by = ?", (change_id,)).fetchall()


def linked_changes(connection: Any) -> list[Row]:
    """The changes that decide what is taken back: undos and the changes imports brought."""
    return connection.execute(
        f"SELECT {CHANGE_COLUMNS} FROM change WHERE kind = 'undo' OR imported_by IS NOT NULL ORDER BY id"
    ).fetchall()


def settings(connection: Any) -> list[Row]:
    return connection.execute(
        f"SELECT id, change_id, key, value FROM setting_change WHERE change_id {IN_FORCE} ORDER BY change_id, id"
    ).fetchall()


def targets(connection: Any) -> list[Row]:
    return connection.execute(
        f"SELECT id, change_id, target, set_on FROM paper_target WHERE change_id {IN_FORCE} ORDER BY change_id"
    ).fetchall()


def own_papers(connection: Any) -> list[Row]:
    return connection.execute(
        f"SELECT id, change_id, title FROM own_paper WHERE change_id {IN_FORCE} ORDER BY change_id"
    ).fetchall()


def reads_between(connection: Any, first: str, last: str) -> list[Row]:
    return connection.execute(
        f"SELECT {READ_COLUMNS} FROM paper_read r WHERE r.read_on BETWEEN ? AND ? AND {READ_IN_FORCE}",
        (first, last),
    ).fetchall()


def papers_read_between(connection: Any, first: str, last: str) -> list[Row]:
    """(row id, day, paper) of each day a paper was read: what a week's count needs, and no more."""
    return connection.execute(
        "SELECT min(r.id), r.read_on, r.paper_id FROM paper_read r WHERE r.read_on BETWEEN ? AND ?"
        f" AND {READ_IN_FORCE} AND {_sql(connection, 'SOUND_READ')} GROUP BY r.read_on, r.paper_id",
        (first, last),
    ).fetchall()


def reads_of_change(connection: Any, change_id: int) -> list[Row]:
    """The readings a change recorded, whether or not it was taken back since."""
    return connection.execute(
        f"SELECT {READ_COLUMNS} FROM paper_read r WHERE r.change_id = ? ORDER BY r.id", (change_id,)
    ).fetchall()


def reads_of_paper(connection: Any, paper_id: str) -> list[Row]:
    return connection.execute(
        f"SELECT {READ_COLUMNS} FROM paper_read r WHERE r.paper_id = ? AND {READ_IN_FORCE}", (paper_id,)
    ).fetchall()


def read_counts(connection: Any) -> dict[str, int]:
    rows = connection.execute(
        f"SELECT r.paper_id, count(*) FROM paper_read r WHERE {READ_IN_FORCE}"
        f" AND {_sql(connection, 'SOUND_READ')} GROUP BY r.paper_id"
    )
    return dict(rows)


def first_read_on(connection: Any) -> str | None:
    return connection.execute(
        f"SELECT min(r.read_on) FROM paper_read r WHERE {READ_IN_FORCE} AND {_sql(connection, 'SOUND_READ')}"
    ).fetchone()[0]


def corrections(connection: Any) -> list[Row]:
    """The corrections of readings in force (CORRECTION_FIELDS), in history order: few, read whole."""
    return connection.execute(
        f"SELECT {', '.join(CORRECTION_FIELDS)} FROM read_correction WHERE change_id {IN_FORCE} ORDER BY change_id, id"
    ).fetchall()


def notes_of_topics(connection: Any, topic_ids: Iterable[str], table: str) -> list[Row]:
    """The notes (table topic_note, NOTE_FIELDS) or links (topic_link, LINK_FIELDS) in force
    recorded under these ids, in history order."""
    fields = NOTE_FIELDS if table == "topic_note" else LINK_FIELDS
    return _chunked(
        connection,
        f"SELECT {', '.join(fields)} FROM {table} WHERE topic_id IN ({{}}) AND change_id {IN_FORCE}"
        " ORDER BY change_id, id",
        list(topic_ids),
    )


def notes_of_change(connection: Any, change_id: int, table: str) -> list[Row]:
    """The notes or links a change recorded, whether or not it was taken back since."""
    fields = NOTE_FIELDS if table == "topic_note" else LINK_FIELDS
    return connection.execute(
        f"SELECT {', '.join(fields)} FROM {table} WHERE change_id = ? ORDER BY id", (change_id,)
    ).fetchall()


def study_minutes_by_day(connection: Any, first: str, last: str) -> list[Row]:
    """(day, minutes) of each day from `first` to `last` with study in force."""
    return connection.execute(
        f"SELECT studied_on, sum(minutes) FROM study_session WHERE studied_on BETWEEN ? AND ? AND change_id {IN_FORCE}"
        " GROUP BY studied_on",
        (first, last),
    ).fetchall()


def study_sessions_between(connection: Any, first: str, last: str) -> list[Row]:
    return connection.execute(
        f"SELECT {', '.join(SESSION_FIELDS)} FROM study_session WHERE studied_on BETWEEN ? AND ?"
        f" AND change_id {IN_FORCE} ORDER BY change_id, id",
        (first, last),
    ).fetchall()


def study_sessions_of_topics(connection: Any, topic_ids: Iterable[str]) -> list[Row]:
    return _chunked(
        connection,
        f"SELECT {', '.join(SESSION_FIELDS)} FROM study_session WHERE topic_id IN ({{}}) AND change_id {IN_FORCE}"
        " ORDER BY change_id, id",
        list(topic_ids),
    )


def study_sessions_of_change(connection: Any, change_id: int) -> list[Row]:
    """The sessions a change recorded, whether or not it was taken back since."""
    return connection.execute(
        f"SELECT {', '.join(SESSION_FIELDS)} FROM study_session WHERE change_id = ? ORDER BY id", (change_id,)
    ).fetchall()


def first_study_day(connection: Any) -> str | None:
    return connection.execute(f"SELECT min(studied_on) FROM study_session WHERE change_id {IN_FORCE}").fetchone()[0]


def study_targets(connection: Any) -> list[Row]:
    return connection.execute(
        f"SELECT id, change_id, target, set_on FROM study_target WHERE change_id {IN_FORCE} ORDER BY change_id"
    ).fetchall()


def running_timers(connection: Any) -> list[Row]:
    """The timers in force that no session in force stopped, latest first."""
    return connection.execute(
        f"SELECT {', '.join(TIMER_FIELDS)} FROM study_timer WHERE change_id {IN_FORCE} AND uid NOT IN"
        f" (SELECT timer_uid FROM study_session WHERE timer_uid IS NOT NULL AND change_id {IN_FORCE})"
        " ORDER BY change_id DESC"
    ).fetchall()


# --- everything, for the export ---------------------------------------------------------------------

# Each export section (llmpath.exchange) with the table it comes from and, per field, its column:
# the one place where the export's names meet the store's.
EXPORTED = {
    "changes": ("change", {"uid": "uid", "kind": "kind", "summary": "summary", "at": "recorded_at",
                           "reverts": "reverts", "imported_by": "imported_by"}),
    "status_events": ("status_event", {"uid": "uid", "change": "change_id", "topic": "topic_id", "status": "status",
                                       "on": "happened_on", "at": "recorded_at", "note": "note"}),
    "paper_reads": ("paper_read", {"uid": "uid", "change": "change_id", "paper": "paper_id", "on": "read_on",
                                   "at": "recorded_at", "note": "note", "pass": "pass_number"}),
    "read_corrections": ("read_correction", {"uid": "uid", "change": "change_id", "read": "read_uid",
                                             "withdrawn": "withdrawn", "note": "note", "pass": "pass_number",
                                             "at": "recorded_at"}),
    "topic_notes": ("topic_note", {"uid": "uid", "change": "change_id", "topic": "topic_id", "note": "note",
                                   "on": "noted_on", "at": "recorded_at"}),
    "topic_links": ("topic_link", {"uid": "uid", "change": "change_id", "topic": "topic_id", "url": "url",
                                   "title": "title", "at": "recorded_at"}),
    "study_sessions": ("study_session", {"uid": "uid", "change": "change_id", "topic": "topic_id",
                                         "minutes": "minutes", "on": "studied_on", "at": "recorded_at",
                                         "note": "note", "timer": "timer_uid"}),
    "study_timers": ("study_timer", {"uid": "uid", "change": "change_id", "topic": "topic_id",
                                     "started_at": "started_at", "at": "recorded_at"}),
    "study_targets": ("study_target", {"uid": "uid", "change": "change_id", "target": "target", "on": "set_on",
                                       "at": "recorded_at"}),
    "own_papers": ("own_paper", {"id": "id", "change": "change_id", "title": "title", "created_at": "created_at"}),
    "paper_targets": ("paper_target", {"uid": "uid", "change": "change_id", "target": "target", "on": "set_on",
                                       "at": "recorded_at"}),
    "setting_changes": ("setting_change", {"change": "change_id", "key": "key", "value": "value"}),
}  # fmt: skip


def exported_rows(connection: Any, section: str) -> Iterator[tuple[Any, dict[str, Any]]]:
    """Every stored record of an export section, in history order: (its row id, field -> value)."""
    table, columns = EXPORTED[section]
    order = "id" if table == "change" else f"change_id, {_sql(connection, 'ROW_ORDER')}"
    fields = list(columns)
    row_id = "id" if table != "own_paper" else _sql(connection, "ROW_ORDER")
    sql = f"SELECT {row_id}, {', '.join(columns.values())} FROM {table} ORDER BY {order}"
    for row in connection.execute(sql):
        yield row[0], dict(zip(fields, row[1:], strict=True))


# --- appending to the history (the application layer only) ----------------------------------------


def new_uid() -> str:
    """A uid for a change or a record: stable across export and import."""
    return uuid.uuid4().hex


def add_change(
    connection: Any,
    kind: str,
    summary: str,
    recorded_at: str,
    reverts: int | None = None,
    imported_by: int | None = None,
    uid: str | None = None,
) -> int:
    """Append one change to the history; returns its id, the store's new generation."""
    return connection.execute(
        "INSERT INTO change (uid, kind, summary, recorded_at, reverts, imported_by) VALUES (?, ?, ?, ?, ?, ?)"
        " RETURNING id",
        (uid or new_uid(), kind, summary, recorded_at, reverts, imported_by),
    ).fetchone()[0]


# The record tables a change adds rows to, with their columns in order: the export's, one per field.
RECORD_COLUMNS = {table: tuple(columns.values()) for table, columns in EXPORTED.values() if table != "change"}


def add_records(connection: Any, table: str, rows: Sequence[Sequence[Any]]) -> None:
    """Add rows (values in RECORD_COLUMNS order) to a record table."""
    columns = RECORD_COLUMNS[table]
    connection.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)


def change_ids_by_uid(connection: Any) -> dict[str, int]:
    return dict(connection.execute("SELECT uid, id FROM change"))


def stored_keys(connection: Any, table: str) -> set[Any]:
    """What identifies each stored record of a table across stores: its uid (an own paper: its id)."""
    key = RECORD_COLUMNS[table][0]
    return {row[0] for row in connection.execute(f"SELECT {key} FROM {table}")}


# --- writing the derived tables (the application layer only) ---------------------------------------


def replace_taken_back(connection: Any, before: set[int], now: set[int]) -> None:
    _chunked_write(connection, "DELETE FROM taken_back WHERE change_id IN ({})", sorted(before - now))
    connection.executemany("INSERT INTO taken_back (change_id) VALUES (?)", [(i,) for i in sorted(now - before)])


def set_topic_status(connection: Any, topics: Iterable[str], current: list[tuple[str, str, str, str]]) -> None:
    """For each of `topics`: its event in force, as (topic, event uid, status, day), or no row."""
    _chunked_write(connection, "DELETE FROM topic_status WHERE topic_id IN ({})", list(topics))
    connection.executemany(
        "INSERT INTO topic_status (topic_id, event_uid, status, since) VALUES (?, ?, ?, ?)", sorted(current)
    )


def clear_topic_status(connection: Any) -> None:
    connection.execute("DELETE FROM topic_status")


def forget_read_model(connection: Any) -> None:
    """Drop the stamp: the read model is decided again from the whole history."""
    connection.execute(f"UPDATE learner SET read_model = NULL WHERE owner = {_sql(connection, 'LEARNER')}")


def stamp_read_model(connection: Any, generation: int) -> None:
    connection.execute(
        f"INSERT INTO learner (owner, read_model) VALUES ({_sql(connection, 'LEARNER')}, ?)"
        " ON CONFLICT (owner) DO UPDATE SET read_model = excluded.read_model",
        (generation,),
    )


def _chunked(connection: Any, sql: str, values: list[Any]) -> list[Row]:
    rows: list[Row] = []
    for start in range(0, len(values), CHUNK):
        part = values[start : start + CHUNK]
        rows += connection.execute(sql.format(", ".join("?" * len(part))), part).fetchall()
    return rows


def _chunked_write(connection: Any, sql: str, values: list[Any]) -> None:
    for start in range(0, len(values), CHUNK):
        part = values[start : start + CHUNK]
        connection.execute(sql.format(", ".join("?" * len(part))), part)
