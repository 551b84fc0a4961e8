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


def _history_tables(meta: MetaData) -> None:
    """The history as 0005 leaves it: one `change` row per command, records pointing at theirs."""
    Table(
        "change",
        meta,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("uid", String, nullable=False, unique=True),
        Column("kind", String, nullable=False),
        Column("summary", Text, nullable=False),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
        Column("reverts", Integer, unique=True),
        Column("imported_by", Integer, index=True),
    )
    Table(
        "setting_change",
        meta,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("change_id", Integer, nullable=False, index=True),
        Column("key", String, nullable=False),
        Column("value", Text, nullable=False),
    )
    Table(
        "status_event",
        meta,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("uid", String, nullable=False, unique=True),
        Column("change_id", Integer, nullable=False, index=True),
        Column("topic_id", String, nullable=False, index=True),
        Column("status", String, nullable=False),
        Column("happened_on", Date, nullable=False),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
        Column("note", Text),
    )
    Table(
        "paper_read",
        meta,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("uid", String, nullable=False, unique=True),
        Column("change_id", Integer, nullable=False, index=True),
        Column("paper_id", String, nullable=False, index=True),
        Column("read_on", Date, nullable=False),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
        Column("note", Text),
        Column("pass_number", Integer),
    )
    Table(
        "own_paper",
        meta,
        Column("id", String, primary_key=True),
        Column("change_id", Integer, nullable=False, index=True),
        Column("title", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
    )
    Table(
        "paper_target",
        meta,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("uid", String, nullable=False, unique=True),
        Column("change_id", Integer, nullable=False, index=True),
        Column("target", Integer, nullable=False),
        Column("set_on", Date, nullable=False),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
    )


# --- the one place where a migration's SQL differs between SQLite and PostgreSQL ------------------


def _joined(conn: Connection, column: str) -> str:
    """An aggregate joining a column's texts with ', '."""
    return f"group_concat({column}, ', ')" if conn.dialect.name == "sqlite" else f"string_agg({column}, ', ')"


def _owner_default(conn: Connection) -> str:
    """Who owns a new row: on PostgreSQL the database user who writes it; SQLite has one learner."""
    return "''" if conn.dialect.name == "sqlite" else "current_user"


# -------------------------------------------------------------------------------------------------

LEGACY_EPOCH = "1970-01-01 00:00:00"  # settings saved before their times were recorded come first


@migration("0005_history")
def _history(conn: Connection) -> None:
    """One history: every earlier command becomes a change, in the order its records were made.

    Before this, status events were grouped by a batch id, undos named a batch, and settings were
    overwritten in place. Each batch, paper read, target and setting becomes one change; each undo
    becomes a change reverting its batch's. Records keep their uids, so exports still merge.
    """
    rows = lambda sql: conn.execute(text(sql)).all()  # noqa: E731 - read-only helper for this migration
    changes: list[tuple[str, str, str, str]] = []  # (recorded_at, uid, kind, summary)
    for batch, at, status, topics in rows(
        f"SELECT batch, min(recorded_at), min(status), {_joined(conn, 'topic_id')} FROM status_event GROUP BY batch"
    ):
        changes.append((at, f"batch:{batch}", "status", f"marked {status.replace('_', ' ')}: {topics}"))
    for uid, at, paper in rows("SELECT uid, recorded_at, paper_id FROM paper_read"):
        changes.append((at, f"read:{uid}", "paper_read", f"logged a reading of {paper}"))
    for uid, at, target in rows("SELECT uid, recorded_at, target FROM paper_target"):
        changes.append((at, f"target:{uid}", "paper_target", f"set the weekly paper target to {target}"))
    settings = rows("SELECT key, value, updated_at FROM setting")
    for key, value, at in settings:
        changes.append(
            (at or LEGACY_EPOCH, f"setting:{key}", "setting", f"{key} = {value}" if value else f"{key} cleared")
        )
    own = rows("SELECT id, title, created_at FROM own_paper")
    for paper_id, _title, at in own:
        changes.append((at, f"own-paper:{paper_id}", "paper_read", f"added {paper_id}"))
    undos = rows("SELECT uid, batch, recorded_at FROM undo ORDER BY recorded_at, id")

    for name in ("status_event", "paper_read", "paper_target", "own_paper"):
        conn.execute(text(f"CREATE TEMP TABLE legacy_{name} AS SELECT * FROM {name}"))
        conn.execute(text(f"DROP TABLE {name}"))
    conn.execute(text("DROP TABLE undo"))
    conn.execute(text("DROP TABLE setting"))
    meta = MetaData()
    _history_tables(meta)
    meta.create_all(conn)

    change_ids: dict[str, int] = {}
    insert_change = text(
        "INSERT INTO change (uid, kind, summary, recorded_at, reverts) VALUES (:uid, :kind, :summary, :at, :reverts)"
    )
    for at, uid, kind, summary in sorted(changes):
        conn.execute(insert_change, {"uid": uid, "kind": kind, "summary": summary, "at": at, "reverts": None})
        change_ids[uid] = conn.execute(text("SELECT id FROM change WHERE uid = :uid"), {"uid": uid}).scalar_one()
    for uid, batch, at in undos:
        if f"batch:{batch}" in change_ids:
            reverted = change_ids[f"batch:{batch}"]
            summary = "undid an earlier change"
            conn.execute(insert_change, {"uid": uid, "kind": "undo", "summary": summary, "at": at, "reverts": reverted})
    conn.execute(
        text(
            "INSERT INTO status_event (id, uid, change_id, topic_id, status, happened_on, recorded_at, note) "
            "SELECT e.id, e.uid, c.id, e.topic_id, e.status, e.happened_on, e.recorded_at, e.note "
            "FROM legacy_status_event e JOIN change c ON c.uid = 'batch:' || e.batch"
        )
    )
    conn.execute(
        text(
            "INSERT INTO paper_read (id, uid, change_id, paper_id, read_on, recorded_at, note, pass_number) "
            "SELECT r.id, r.uid, c.id, r.paper_id, r.read_on, r.recorded_at, r.note, r.pass_number "
            "FROM legacy_paper_read r JOIN change c ON c.uid = 'read:' || r.uid"
        )
    )
    conn.execute(
        text(
            "INSERT INTO paper_target (id, uid, change_id, target, set_on, recorded_at) "
            "SELECT t.id, t.uid, c.id, t.target, t.set_on, t.recorded_at "
            "FROM legacy_paper_target t JOIN change c ON c.uid = 'target:' || t.uid"
        )
    )
    conn.execute(
        text(
            "INSERT INTO own_paper (id, change_id, title, created_at) "
            "SELECT p.id, c.id, p.title, p.created_at FROM legacy_own_paper p JOIN change c ON c.uid = 'own-paper:' || p.id"
        )
    )
    for key, value, _at in settings:
        conn.execute(
            text("INSERT INTO setting_change (change_id, key, value) VALUES (:change, :key, :value)"),
            {"change": change_ids[f"setting:{key}"], "key": key, "value": value},
        )
    for name in ("status_event", "paper_read", "paper_target", "own_paper"):
        conn.execute(text(f"DROP TABLE legacy_{name}"))


@migration("0006_read_model")
def _read_model(conn: Connection) -> None:
    """The read model: what is in force, kept in tables so reads query it instead of replaying
    the history. Created empty and unstamped: the application fills it from the history, with the
    domain's rules, the first time the store is opened (app/readmodel.py)."""
    meta = MetaData()
    Table("taken_back", meta, Column("change_id", Integer, primary_key=True, autoincrement=False))
    Table(
        "topic_status",
        meta,
        Column("topic_id", String, primary_key=True),
        Column("event_uid", String, nullable=False),
        Column("status", String, nullable=False),  # the event's, so views need no join
        Column("since", Date, nullable=False),
    )
    meta.create_all(conn)
    conn.execute(text("CREATE INDEX ix_paper_read_read_on ON paper_read (read_on)"))
    # Reads in force per paper from the index alone.
    conn.execute(text("CREATE INDEX ix_paper_read_paper_id_change_id ON paper_read (paper_id, change_id)"))
    conn.execute(text("DELETE FROM meta WHERE key = 'read_model'"))


@migration("0007_read_counts_index")
def _read_counts_index(conn: Connection) -> None:
    """Reads counted per paper from the index alone, their day included: a count leaves out a
    reading whose day is damaged (queries.SOUND_READ), which otherwise meant reading every row."""
    conn.execute(text("DROP INDEX ix_paper_read_paper_id_change_id"))
    conn.execute(
        text("CREATE INDEX ix_paper_read_paper_id_change_id_read_on ON paper_read (paper_id, change_id, read_on)")
    )


OWNED_TABLES = ("change", "status_event", "paper_read", "paper_target", "setting_change", "taken_back")


@migration("0008_learners")
def _learners(conn: Connection) -> None:
    """Every record belongs to the database user who wrote it, its owner: on PostgreSQL the learner
    is the database user, and row-level security (`llmpath group init`) keeps each learner's records
    their own; on SQLite the one learner is ''. The read model's stamp moves from `meta` (which
    holds the shared roadmap's facts) to the learner's own row, beside whether they share their
    progress with their group."""
    owner = _owner_default(conn)
    for table in OWNED_TABLES:
        conn.execute(text(f"ALTER TABLE {table} ADD COLUMN owner VARCHAR NOT NULL DEFAULT {owner}"))
    # Two learners may give their own papers the same id, and each has a status for every topic.
    conn.execute(text("CREATE TEMP TABLE own_paper_before_owners AS SELECT * FROM own_paper"))
    conn.execute(text("DROP TABLE own_paper"))
    conn.execute(text("DROP TABLE topic_status"))  # derived: decided again from the history
    meta = MetaData()
    Table(
        "own_paper",
        meta,
        Column("owner", String, primary_key=True, server_default=text(owner)),
        Column("id", String, primary_key=True),
        Column("change_id", Integer, nullable=False, index=True),
        Column("title", String, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
    )
    Table(
        "topic_status",
        meta,
        Column("owner", String, primary_key=True, server_default=text(owner)),
        Column("topic_id", String, primary_key=True),
        Column("event_uid", String, nullable=False),
        Column("status", String, nullable=False),
        Column("since", Date, nullable=False),
    )
    Table(
        "learner",
        meta,
        Column("owner", String, primary_key=True, server_default=text(owner)),
        Column("read_model", Integer, nullable=True),  # the generation the read model was brought to
        Column("shared", Boolean, nullable=False, server_default=text("false")),
    )
    meta.create_all(conn)
    conn.execute(
        text(
            "INSERT INTO own_paper (id, change_id, title, created_at)"
            " SELECT id, change_id, title, created_at FROM own_paper_before_owners"
        )
    )
    conn.execute(text("DROP TABLE own_paper_before_owners"))
    conn.execute(text("DELETE FROM meta WHERE key = 'read_model'"))


def _record_table(conn: Connection, meta: MetaData, name: str, *columns: Column) -> Table:
    """A table of records as every migration since 0009 makes one: a row id, a uid stable across
    export and import, the change that made it, its own columns, when it was recorded, its owner."""
    return Table(
        name,
        meta,
        Column("id", Integer, primary_key=True),
        Column("uid", String, nullable=False, unique=True),
        Column("change_id", Integer, nullable=False, index=True),
        *columns,
        Column("recorded_at", DateTime(timezone=True), nullable=False),
        Column("owner", String, nullable=False, server_default=text(_owner_default(conn))),
    )


def _protect_new_tables(conn: Connection) -> None:
    """On a server whose study group is set up, the tables migrations made get the group's
    row-level security as soon as they are all there, not at the next `group init`. (Until then a
    learner cannot read them at all: the group's grants name them.)"""
    if conn.dialect.name != "postgresql":
        return
    from . import group
    from .postgres import Connection as Wrapped

    wrapped = Wrapped(conn.connection.driver_connection)
    if group.is_initialised(wrapped):
        group.init(wrapped)


@migration("0009_notes_links_corrections")
def _notes_links_corrections(conn: Connection) -> None:
    """Three more kinds of record: a reading's correction (removed, or its note or pass changed),
    a dated note on a topic, and a link of the learner's own on a topic."""
    meta = MetaData()
    _record_table(
        conn,
        meta,
        "read_correction",
        Column("read_uid", String, nullable=False, index=True),
        Column("withdrawn", Boolean, nullable=False),
        Column("note", Text, nullable=True),
        Column("pass_number", Integer, nullable=True),
    )
    _record_table(
        conn,
        meta,
        "topic_note",
        Column("topic_id", String, nullable=False, index=True),
        Column("note", Text, nullable=False),
        Column("noted_on", Date, nullable=False),
    )
    _record_table(
        conn,
        meta,
        "topic_link",
        Column("topic_id", String, nullable=False, index=True),
        Column("url", String, nullable=False),
        Column("title", String, nullable=True),
    )
    meta.create_all(conn)
    # Reads are counted in force from the index alone: with the uid a correction names them by.
    conn.execute(text("DROP INDEX ix_paper_read_paper_id_change_id_read_on"))
    conn.execute(text("CREATE INDEX ix_paper_read_counted ON paper_read (paper_id, change_id, read_on, uid)"))


@migration("0010_study_time")
def _study_time(conn: Connection) -> None:
    """Daily study time: sessions (typed or from a timer), timers started, the daily target."""
    meta = MetaData()
    _record_table(
        conn,
        meta,
        "study_session",
        Column("topic_id", String, nullable=True, index=True),
        Column("minutes", Integer, nullable=False),
        Column("studied_on", Date, nullable=False, index=True),
        Column("note", Text, nullable=True),
        Column("timer_uid", String, nullable=True),
    )
    _record_table(
        conn,
        meta,
        "study_timer",
        Column("topic_id", String, nullable=True),
        Column("started_at", DateTime(timezone=True), nullable=False),
    )
    _record_table(
        conn, meta, "study_target", Column("target", Integer, nullable=False), Column("set_on", Date, nullable=False)
    )
    meta.create_all(conn)


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
    with engine.begin() as conn:
        _protect_new_tables(conn)
    return todo


def latest() -> str:
    return MIGRATIONS[-1][0]
