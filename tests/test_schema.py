"""The migrated schema, pinned exactly: a fresh store and one upgraded from each older release are
the same, column for column and index for index, and the SQLModel tables describe it."""

import sqlite3

import pytest
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import samples
from llmpath.store import migrations, queries
from llmpath.store.tables import StatusEvent  # noqa: F401  (registers every table on SQLModel.metadata)

SCHEMA = {
    "change": {
        "columns": (
            ("id", "INTEGER", True, 1),
            ("uid", "VARCHAR", True, 0),
            ("kind", "VARCHAR", True, 0),
            ("summary", "TEXT", True, 0),
            ("recorded_at", "DATETIME", True, 0),
            ("reverts", "INTEGER", False, 0),
            ("imported_by", "INTEGER", False, 0),
            ("owner", "VARCHAR", True, 0),
        ),
        "indexes": ((False, ("imported_by",)), (True, ("reverts",)), (True, ("uid",))),
    },
    "meta": {
        "columns": (("key", "VARCHAR", True, 1), ("value", "TEXT", True, 0)),
        "indexes": ((True, ("key",)),),
    },
    "migration": {
        "columns": (("name", "VARCHAR", True, 1), ("applied_at", "DATETIME", True, 0)),
        "indexes": ((True, ("name",)),),
    },
    "module": {
        "columns": (
            ("id", "VARCHAR", True, 1),
            ("position", "INTEGER", True, 0),
            ("title", "TEXT", True, 0),
            ("data", "JSON", True, 0),
        ),
        "indexes": ((True, ("id",)),),
    },
    "own_paper": {
        "columns": (
            ("owner", "VARCHAR", True, 1),
            ("id", "VARCHAR", True, 2),
            ("change_id", "INTEGER", True, 0),
            ("title", "VARCHAR", True, 0),
            ("created_at", "DATETIME", True, 0),
        ),
        "indexes": ((False, ("change_id",)), (True, ("owner", "id"))),
    },
    "paper": {
        "columns": (
            ("id", "VARCHAR", True, 1),
            ("position", "INTEGER", True, 0),
            ("title", "TEXT", True, 0),
            ("data", "JSON", True, 0),
        ),
        "indexes": ((True, ("id",)),),
    },
    "paper_read": {
        "columns": (
            ("id", "INTEGER", True, 1),
            ("uid", "VARCHAR", True, 0),
            ("change_id", "INTEGER", True, 0),
            ("paper_id", "VARCHAR", True, 0),
            ("read_on", "DATE", True, 0),
            ("recorded_at", "DATETIME", True, 0),
            ("note", "TEXT", False, 0),
            ("pass_number", "INTEGER", False, 0),
            ("owner", "VARCHAR", True, 0),
        ),
        "indexes": (
            (False, ("change_id",)),
            (False, ("paper_id",)),
            (False, ("paper_id", "change_id", "read_on", "uid")),
            (False, ("read_on",)),
            (True, ("uid",)),
        ),
    },
    "paper_target": {
        "columns": (
            ("id", "INTEGER", True, 1),
            ("uid", "VARCHAR", True, 0),
            ("change_id", "INTEGER", True, 0),
            ("target", "INTEGER", True, 0),
            ("set_on", "DATE", True, 0),
            ("recorded_at", "DATETIME", True, 0),
            ("owner", "VARCHAR", True, 0),
        ),
        "indexes": ((False, ("change_id",)), (True, ("uid",))),
    },
    "paper_topic": {
        "columns": (("paper_id", "VARCHAR", True, 1), ("topic_id", "VARCHAR", True, 2)),
        "indexes": ((True, ("paper_id", "topic_id")),),
    },
    "prerequisite": {
        "columns": (
            ("unit_id", "VARCHAR", True, 1),
            ("requires_id", "VARCHAR", True, 2),
            ("position", "INTEGER", True, 0),
        ),
        "indexes": ((True, ("unit_id", "requires_id")),),
    },
    "setting_change": {
        "columns": (
            ("id", "INTEGER", True, 1),
            ("change_id", "INTEGER", True, 0),
            ("key", "VARCHAR", True, 0),
            ("value", "TEXT", True, 0),
            ("owner", "VARCHAR", True, 0),
        ),
        "indexes": ((False, ("change_id",)),),
    },
    "stage": {
        "columns": (
            ("id", "VARCHAR", True, 1),
            ("position", "INTEGER", True, 0),
            ("title", "TEXT", True, 0),
            ("track_id", "VARCHAR", True, 0),
            ("data", "JSON", True, 0),
        ),
        "indexes": ((False, ("track_id",)), (True, ("id",))),
    },
    "stage_topic": {
        "columns": (
            ("stage_id", "VARCHAR", True, 1),
            ("topic_id", "VARCHAR", True, 2),
            ("position", "INTEGER", True, 0),
        ),
        "indexes": ((True, ("stage_id", "topic_id")),),
    },
    "status_event": {
        "columns": (
            ("id", "INTEGER", True, 1),
            ("uid", "VARCHAR", True, 0),
            ("change_id", "INTEGER", True, 0),
            ("topic_id", "VARCHAR", True, 0),
            ("status", "VARCHAR", True, 0),
            ("happened_on", "DATE", True, 0),
            ("recorded_at", "DATETIME", True, 0),
            ("note", "TEXT", False, 0),
            ("owner", "VARCHAR", True, 0),
        ),
        "indexes": ((False, ("change_id",)), (False, ("topic_id",)), (True, ("uid",))),
    },
    "taken_back": {
        "columns": (("change_id", "INTEGER", True, 1), ("owner", "VARCHAR", True, 0)),
        "indexes": (),
    },
    "topic_status": {
        "columns": (
            ("owner", "VARCHAR", True, 1),
            ("topic_id", "VARCHAR", True, 2),
            ("event_uid", "VARCHAR", True, 0),
            ("status", "VARCHAR", True, 0),
            ("since", "DATE", True, 0),
        ),
        "indexes": ((True, ("owner", "topic_id")),),
    },
    "topic": {
        "columns": (
            ("id", "VARCHAR", True, 1),
            ("position", "INTEGER", True, 0),
            ("title", "TEXT", True, 0),
            ("module_id", "VARCHAR", False, 0),
            ("retired", "BOOLEAN", True, 0),
            ("data", "JSON", True, 0),
        ),
        "indexes": ((True, ("id",)),),
    },
    "topic_alias": {
        "columns": (("alias", "VARCHAR", True, 1), ("topic_id", "VARCHAR", True, 0)),
        "indexes": ((True, ("alias",)),),
    },
    "track": {
        "columns": (
            ("id", "VARCHAR", True, 1),
            ("position", "INTEGER", True, 0),
            ("title", "TEXT", True, 0),
            ("data", "JSON", True, 0),
        ),
        "indexes": ((True, ("id",)),),
    },
    "read_correction": {
        "columns": (
            ("id", "INTEGER", True, 1),
            ("uid", "VARCHAR", True, 0),
            ("change_id", "INTEGER", True, 0),
            ("read_uid", "VARCHAR", True, 0),
            ("withdrawn", "BOOLEAN", True, 0),
            ("note", "TEXT", False, 0),
            ("pass_number", "INTEGER", False, 0),
            ("recorded_at", "DATETIME", True, 0),
            ("owner", "VARCHAR", True, 0),
        ),
        "indexes": ((False, ("change_id",)), (False, ("read_uid",)), (True, ("uid",))),
    },
    "topic_note": {
        "columns": (
            ("id", "INTEGER", True, 1),
            ("uid", "VARCHAR", True, 0),
            ("change_id", "INTEGER", True, 0),
            ("topic_id", "VARCHAR", True, 0),
            ("note", "TEXT", True, 0),
            ("noted_on", "DATE", True, 0),
            ("recorded_at", "DATETIME", True, 0),
            ("owner", "VARCHAR", True, 0),
        ),
        "indexes": ((False, ("change_id",)), (False, ("topic_id",)), (True, ("uid",))),
    },
    "topic_link": {
        "columns": (
            ("id", "INTEGER", True, 1),
            ("uid", "VARCHAR", True, 0),
            ("change_id", "INTEGER", True, 0),
            ("topic_id", "VARCHAR", True, 0),
            ("url", "VARCHAR", True, 0),
            ("title", "VARCHAR", False, 0),
            ("recorded_at", "DATETIME", True, 0),
            ("owner", "VARCHAR", True, 0),
        ),
        "indexes": ((False, ("change_id",)), (False, ("topic_id",)), (True, ("uid",))),
    },
    "study_session": {
        "columns": (
            ("id", "INTEGER", True, 1),
            ("uid", "VARCHAR", True, 0),
            ("change_id", "INTEGER", True, 0),
            ("topic_id", "VARCHAR", False, 0),
            ("minutes", "INTEGER", True, 0),
            ("studied_on", "DATE", True, 0),
            ("note", "TEXT", False, 0),
            ("timer_uid", "VARCHAR", False, 0),
            ("recorded_at", "DATETIME", True, 0),
            ("owner", "VARCHAR", True, 0),
        ),
        "indexes": ((False, ("change_id",)), (False, ("studied_on",)), (False, ("topic_id",)), (True, ("uid",))),
    },
    "study_timer": {
        "columns": (
            ("id", "INTEGER", True, 1),
            ("uid", "VARCHAR", True, 0),
            ("change_id", "INTEGER", True, 0),
            ("topic_id", "VARCHAR", False, 0),
            ("started_at", "DATETIME", True, 0),
            ("recorded_at", "DATETIME", True, 0),
            ("owner", "VARCHAR", True, 0),
        ),
        "indexes": ((False, ("change_id",)), (True, ("uid",))),
    },
    "study_target": {
        "columns": (
            ("id", "INTEGER", True, 1),
            ("uid", "VARCHAR", True, 0),
            ("change_id", "INTEGER", True, 0),
            ("target", "INTEGER", True, 0),
            ("set_on", "DATE", True, 0),
            ("recorded_at", "DATETIME", True, 0),
            ("owner", "VARCHAR", True, 0),
        ),
        "indexes": ((False, ("change_id",)), (True, ("uid",))),
    },
    "learner": {
        "columns": (("owner", "VARCHAR", True, 1), ("read_model", "INTEGER", False, 0), ("shared", "BOOLEAN", True, 0)),
        "indexes": ((True, ("owner",)),),
    },
}


def describe(database):
    """Each table's columns (name, type, not null, primary key position) and indexes (unique, columns)."""
    connection = sqlite3.connect(database)
    try:
        out = {}
        tables = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        for (name,) in tables.fetchall():
            columns = tuple((r[1], r[2], bool(r[3]), r[5]) for r in connection.execute(f"PRAGMA table_info('{name}')"))
            indexes = sorted(
                (bool(r[2]), tuple(i[2] for i in connection.execute(f"PRAGMA index_info('{r[1]}')")))
                for r in connection.execute(f"PRAGMA index_list('{name}')")
            )
            out[name] = {"columns": columns, "indexes": tuple(indexes)}
        return out
    finally:
        connection.close()


def test_a_fresh_store_has_exactly_the_pinned_schema(cli, llmpath_home):
    cli("next")
    assert describe(llmpath_home / "llmpath.db") == SCHEMA


@pytest.mark.parametrize("fixture", ["store-0001.sql", "store-0004.sql", "store-0006.sql"])
def test_an_upgraded_store_has_exactly_the_pinned_schema(cli, llmpath_home, fixture):
    samples.older_store(llmpath_home, fixture)
    cli("next")
    assert describe(llmpath_home / "llmpath.db") == SCHEMA


def test_the_sqlmodel_tables_describe_the_migrated_schema():
    from sqlmodel import SQLModel

    import llmpath.store.tables  # noqa: F401 - registers the tables

    for name, table in SQLModel.metadata.tables.items():
        pinned = {column[0]: column[2] for column in SCHEMA[name]["columns"]}
        declared = {c.name: not c.nullable or c.primary_key for c in table.columns}
        assert declared == pinned, name
    assert set(SQLModel.metadata.tables) == set(SCHEMA) - {"migration"}


def test_migrations_build_the_schema_the_tables_describe(cli, llmpath_home):
    cli("next")
    engine = create_engine(f"sqlite:///{llmpath_home / 'llmpath.db'}")
    found = inspect(engine)
    for table in SQLModel.metadata.sorted_tables:
        columns = {c["name"] for c in found.get_columns(table.name)}
        assert columns == {c.name for c in table.columns}, table.name
    assert migrations.applied(engine) == [name for name, _ in migrations.MIGRATIONS]


def test_the_schema_readers_trust_is_the_latest_migration():
    assert queries.SCHEMA == migrations.latest()
