"""`llmpath doctor`: look at everything the store depends on, change nothing, say what to do."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ..errors import DamagedStoreError, LlmpathError
from ..paths import Paths
from ..roadmap.digest import roadmap_digest
from ..store import migrations
from ..store.engine import check_database_file, read_only_check


@dataclass(frozen=True)
class Finding:
    ok: bool
    what: str
    advice: str | None = None


def diagnose(paths: Paths) -> list[Finding]:
    # The caches before the database is opened, so that the check sees them as commands left them.
    findings = [_data_dir(paths), _roadmap(paths), _badge(paths)]
    return findings + _database(paths) + _records(paths)


def _data_dir(paths: Paths) -> Finding:
    where = paths.data_dir
    if not where.exists():
        return Finding(True, f"data directory {where} does not exist yet", "it is created on the first command")
    if not where.is_dir():
        return Finding(False, f"{where} is not a directory", "point LLMPATH_HOME at a directory")
    if not os.access(where, os.W_OK | os.X_OK):
        return Finding(False, f"data directory {where} is not writable", "fix its permissions or set LLMPATH_HOME")
    return Finding(True, f"data directory {where} is writable")


def _roadmap(paths: Paths) -> Finding:
    from ..roadmap.loader import load_roadmap

    try:
        roadmap = load_roadmap(paths.roadmap)
    except LlmpathError as error:
        return Finding(False, f"roadmap: {error}", "fix the file, or unset LLMPATH_ROADMAP to use the bundled roadmap")
    origin = "bundled" if paths.roadmap_is_bundled else "custom"
    return Finding(
        True, f"roadmap {paths.roadmap} ({origin}) is valid: {len(roadmap.tracks)} tracks, {len(roadmap.topics)} topics"
    )


def _database(paths: Paths) -> list[Finding]:
    from ..store.database import database_of

    if database_of(paths).is_server:
        return _server(paths)
    database = paths.database
    if not database.exists():
        return [Finding(True, f"no database yet at {database}", "it is created on the first command")]
    try:
        check_database_file(database)
        report = read_only_check(database)
    except DamagedStoreError as error:
        return [
            Finding(False, str(error), "restore it from a copy, or move it aside and `llmpath import` your last export")
        ]
    except LlmpathError as error:  # busy, unreadable or a bug: the message says what to do
        return [Finding(False, str(error))]
    found = []
    if report.problems:
        found.append(
            Finding(
                False,
                f"integrity check of {database} found: {'; '.join(report.problems[:3])}",
                "export what you can with `llmpath export -o FILE`, move the file aside and import it",
            )
        )
    else:
        found.append(Finding(True, f"database {database} passes SQLite's integrity check"))
    found.append(_schema(report.applied, "the next command upgrades it, after writing a backup copy"))
    found.append(_dataset(paths, report.dataset_hash))
    return found


def _server(paths: Paths) -> list[Finding]:
    """The server answers, and its schema and roadmap are this release's."""
    from ..store.database import database_of

    database = database_of(paths)
    try:
        connection = database.begin_reading()
        try:
            with database.errors():
                tables = connection.execute(
                    "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('migration', 'meta')"
                ).fetchone()[0]
                applied, digest, security = [], None, None
                if tables == 2:
                    applied = [row[0] for row in connection.execute("SELECT name FROM migration ORDER BY name")]
                    row = connection.execute("SELECT value FROM meta WHERE key = 'dataset_hash'").fetchone()
                    digest = row[0] if row else None
                    security = _row_security(connection)
        finally:
            connection.close()
    except LlmpathError as error:
        return [Finding(False, str(error))]
    found = [Finding(True, f"the PostgreSQL server {database.label} answers")]
    if not applied:
        return [*found, Finding(True, "the database holds no llmpath store yet", "it is created on the first command")]
    found.append(_schema(applied, "the next command upgrades it, once, under a lock"))
    found.append(_dataset(paths, digest))
    if security is not None:
        found.append(security)
    return found


def _row_security(connection: Any) -> Finding | None:
    """A study group's privacy: row-level security on, with llmpath's policies, on every table of
    records. None when the database holds no group (one learner's own server)."""
    from ..store import group

    if not group.is_initialised(connection):
        return None
    policies = group.policies(connection)
    missing = [
        table
        for table in (*group.RECORD_TABLES, *group.DERIVED_TABLES)
        if not {"llmpath_own", "llmpath_cohort"} <= policies.get(table, set())
    ]
    if missing:
        return Finding(
            False,
            f"row-level security policies are missing on {', '.join(missing)}",
            "the database's owner runs `llmpath group init` again to restore them",
        )
    return Finding(True, "row-level security keeps each learner's records their own (every table has its policies)")


def _schema(applied: list[str], upgrade: str) -> Finding:
    known = [name for name, _ in migrations.MIGRATIONS]
    newer = [name for name in applied if name not in known]
    if newer:
        return Finding(False, f"schema {newer[-1]} comes from a newer llmpath", "upgrade llmpath")
    if len(applied) < len(known):
        return Finding(True, f"schema is at {applied[-1] if applied else 'nothing'}; {known[-1]} is current", upgrade)
    return Finding(True, f"schema is current ({known[-1]})")


def _dataset(paths: Paths, stored: str | None) -> Finding:
    try:
        current = roadmap_digest(paths.roadmap)
    except (OSError, ValueError):
        return Finding(False, "the roadmap file cannot be read, so the store's copy cannot be compared")
    if stored is None:
        return Finding(True, "the store holds no roadmap yet", "the next command loads it")
    if stored != current:
        return Finding(
            True,
            "the roadmap file changed since the store last loaded it",
            "the next command syncs it, keeping all your records",
        )
    return Finding(True, "the store's roadmap matches the roadmap file")


SHOWN_DAMAGED = 20


def _records(paths: Paths) -> list[Finding]:
    """The read model's stamp, and every record that cannot be read, by table and id."""
    from ..store import queries
    from ..store.database import database_of
    from .readmodel import StoredRecords, whole_history

    database = database_of(paths)
    try:
        with database.errors():
            # The stamp, the history and the read model of one moment. On SQLite, looked at
            # read-only, so that the check changes nothing, not even the -wal file.
            connection = database.begin_reading() if database.is_server else _read_only(paths)
            if connection is None:
                return []
            try:
                found = queries.stamp(connection)
                history, damaged = whole_history(connection)
                agrees = found.read_model != found.generation or _same_in_force(StoredRecords(connection), history)
            finally:
                connection.close()
    except LlmpathError:
        return []  # not a store this release can read: the findings above say why
    if found.read_model == found.generation and agrees:
        findings = [Finding(True, f"the read model is current (generation {found.generation})")]
    elif not agrees:
        findings = [
            Finding(
                False,
                "the read model disagrees with the history (edited by hand?)",
                "run `llmpath doctor --repair` to decide it again from the history; no record changes",
            )
        ]
    else:
        findings = [Finding(True, "the read model is behind the history", "the next command brings it up to date")]
    for table, row_id, problem in damaged[:SHOWN_DAMAGED]:
        findings.append(
            Finding(
                False,
                f"{table} record {row_id} cannot be read ({problem}); views and export leave it out",
                "restore it from an export or a backup copy, or leave it: everything else still works",
            )
        )
    if len(damaged) > SHOWN_DAMAGED:
        findings.append(Finding(False, f"and {len(damaged) - SHOWN_DAMAGED} more damaged records"))
    return findings


def _read_only(paths: Paths) -> Any:
    from ..store import queries

    if not paths.database.is_file():
        return None
    connection = queries.connect_read_only(str(paths.database))
    connection.execute("BEGIN")
    return connection


def _same_in_force(stored: Any, history: Any) -> bool:
    """Whether the read model's tables say what the domain's rules say over the whole history."""
    return (
        stored.taken_back() == history.taken_back()
        and {topic: event.uid for topic, event in stored.current_events().items()}
        == {topic: event.uid for topic, event in history.current_events().items()}
        and stored.current_standings() == history.current_standings()  # what the views read
    )


def _badge(paths: Paths) -> Finding:
    from .. import badge
    from ..store.queries import stored_generation

    if not paths.badge.exists():
        return Finding(True, "no prompt badge cache yet", "any command that changes progress writes it")
    fields = badge.read_cache(str(paths.badge))
    if fields is None:
        return Finding(
            True, f"the prompt badge cache {paths.badge} is damaged", "`llmpath badge` or the next change rebuilds it"
        )
    if fields["generation"] != str(stored_generation(str(paths.database))):
        return Finding(
            True, "the prompt badge cache is older than the database", "`llmpath badge` or the next change rebuilds it"
        )
    return Finding(True, f"prompt badge cache {paths.badge} is current")


def repair_read_model(paths: Paths) -> None:
    """Decide what is in force again from the whole history: the read model is only derived."""
    from ..store.queries import forget_read_model
    from .access import write_transaction
    from .caches import after_write, forget_badge
    from .readmodel import bring_up_to_date

    with write_transaction(paths) as connection:
        forget_read_model(connection)
        bring_up_to_date(connection)
        forget_badge(paths)
    after_write(paths)
