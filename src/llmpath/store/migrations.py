"""Ordered, named schema migrations, recorded in the `migration` table.

Each migration runs in its own transaction together with the row that records it, so a store is
always at a known version. Migrations describe the schema as it was when they were written (never
import the current tables here): a later migration changes it with its own statements.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection

from ..errors import StoreError

Migration = Callable[[Connection], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(name: str) -> Callable[[Migration], Migration]:
    def register(func: Migration) -> Migration:
        MIGRATIONS.append((name, func))
        return func

    return register


_record = Table(
    "migration",
    MetaData(),
    Column("name", String, primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)


def _keyed(name: str, meta: MetaData, *columns: Column) -> Table:
    return Table(name, meta, Column("key", String, primary_key=True), Column("value", Text, nullable=False), *columns)


def _dataset_table(name: str, meta: MetaData, *columns: Column) -> Table:
    return Table(
        name,
        meta,
        Column("id", String, primary_key=True),
        Column("position", Integer, nullable=False),
        Column("title", Text, nullable=False),
        *columns,
        Column("data", JSON, nullable=False),
    )


@migration("0001_initial")
def _initial(conn: Connection) -> None:
    meta = MetaData()
    _keyed("meta", meta)
    _keyed("setting", meta)
    _dataset_table("track", meta)
    _dataset_table("stage", meta, Column("track_id", String, nullable=False, index=True))
    _dataset_table("module", meta)
    _dataset_table(
        "topic",
        meta,
        Column("module_id", String),
        Column("retired", Boolean, nullable=False, default=False),
    )
    _dataset_table("paper", meta)
    Table(
        "stage_topic",
        meta,
        Column("stage_id", String, primary_key=True),
        Column("topic_id", String, primary_key=True),
        Column("position", Integer, nullable=False),
    )
    Table(
        "prerequisite",
        meta,
        Column("unit_id", String, primary_key=True),
        Column("requires_id", String, primary_key=True),
        Column("position", Integer, nullable=False),
    )
    Table("topic_alias", meta, Column("alias", String, primary_key=True), Column("topic_id", String, nullable=False))
    Table(
        "paper_topic", meta, Column("paper_id", String, primary_key=True), Column("topic_id", String, primary_key=True)
    )
    Table(
        "status_event",
        meta,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("uid", String, nullable=False, unique=True),
        Column("batch", String, nullable=False, index=True),
        Column("topic_id", String, nullable=False, index=True),
        Column("status", String, nullable=False),
        Column("happened_on", Date, nullable=False),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
        Column("note", Text),
    )
    Table(
        "undo",
        meta,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("uid", String, nullable=False, unique=True),
        Column("batch", String, nullable=False, unique=True),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
    )
    meta.create_all(conn)


@migration("0002_paper_reads")
def _paper_reads(conn: Connection) -> None:
    meta = MetaData()
    Table(
        "paper_read",
        meta,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("uid", String, nullable=False, unique=True),
        Column("paper_id", String, nullable=False, index=True),
        Column("read_on", Date, nullable=False),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
        Column("note", Text),
    )
    meta.create_all(conn)


@migration("0003_paper_log")
def _paper_log(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE paper_read ADD COLUMN pass_number INTEGER"))
    meta = MetaData()
    Table(
        "own_paper",
        meta,
        Column("id", String, primary_key=True),
        Column("title", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
    )
    Table(
        "paper_target",
        meta,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("uid", String, nullable=False, unique=True),
        Column("target", Integer, nullable=False),
        Column("set_on", Date, nullable=False),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
    )
    meta.create_all(conn)


@migration("0004_setting_times")
def _setting_times(conn: Connection) -> None:
    # When each setting was last changed, so `llmpath import` never overwrites a newer value.
    conn.execute(text("ALTER TABLE setting ADD COLUMN updated_at TIMESTAMP"))


def applied(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        if not inspect(conn).has_table("migration"):
            return []
        return list(conn.execute(select(_record.c.name).order_by(_record.c.name)).scalars())


def pending(engine: Engine) -> list[str]:
    done = set(applied(engine))
    return [name for name, _ in MIGRATIONS if name not in done]


def migrate(engine: Engine, before_first_change: Callable[[], None] | None = None) -> list[str]:
    """Apply every pending migration in order; returns their names.

    `before_first_change` runs once when there is something to apply to a store that already has
    a schema (the engine uses it to back up the file first).
    """
    known = {name for name, _ in MIGRATIONS}
    newer = [name for name in applied(engine) if name not in known]
    if newer:
        raise StoreError(f"this store was upgraded by a newer llmpath (schema {newer[-1]}); upgrade llmpath to use it")
    todo = pending(engine)
    if not todo:
        return []
    if before_first_change is not None and len(todo) < len(MIGRATIONS):
        before_first_change()
    for name, func in MIGRATIONS:
        if name not in todo:
            continue
        with engine.begin() as conn:
            _record.create(conn, checkfirst=True)
            # Another process may have applied it while this one waited for the write lock.
            if conn.execute(select(_record.c.name).where(_record.c.name == name)).first():
                continue
            func(conn)
            conn.execute(insert(_record).values(name=name, applied_at=datetime.now(UTC)))
    return todo


def latest() -> str:
    return MIGRATIONS[-1][0]
