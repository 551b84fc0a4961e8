"""The store: sync with the dataset, migrations, the read model, and damaged or unusable stores."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import samples
from llmpath import paths
from llmpath.store import migrations
from llmpath.store.tables import StatusEvent  # noqa: F401  (registers every table on SQLModel.metadata)


@pytest.fixture
def custom_roadmap(tmp_path, monkeypatch):
    """A small roadmap file the test can rewrite; LLMPATH_ROADMAP points at it."""
    path = tmp_path / "roadmap.yaml"
    monkeypatch.setenv("LLMPATH_ROADMAP", str(path))

    def write(change=None):
        samples.write(path, samples.tiny(change))
        return path

    write()
    return write


# --- sync --------------------------------------------------------------------------------------


def test_an_unchanged_roadmap_is_not_parsed_again(cli, llmpath_home):
    cli("next")
    code = "import sys; from llmpath.cli import app; sys.argv=['llmpath','{}']\ntry: app()\nexcept SystemExit: pass\nprint(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy','sqlmodel','yaml')), file=sys.stderr)"
    for command in ("next", "list", "roadmap", "progress"):
        run = subprocess.run(
            [sys.executable, "-c", code.format(command)],
            capture_output=True,
            text=True,
            env=os.environ | {"LLMPATH_HOME": str(llmpath_home)},
        )
        assert run.stderr.strip() == "[]", (command, run.stderr)


def test_a_changed_roadmap_is_synced_and_removed_topics_are_retired(cli, cli_json, custom_roadmap):
    cli("done", "beta", "--note", "kept")
    custom_roadmap(lambda d: (d["topics"].pop(1), d["tracks"][0]["stages"][0]["topics"].remove("beta")))
    assert [t["id"] for t in cli_json("list")["topics"]] == ["alpha", "gamma"]
    data = cli_json("show", "beta")
    assert data["retired"] is True and data["history"][0]["note"] == "kept"
    assert "Retired" in cli("show", "beta").stdout


def test_a_retired_topic_that_returns_keeps_its_progress(cli, cli_json, custom_roadmap):
    cli("done", "beta")
    custom_roadmap(lambda d: (d["topics"].pop(1), d["tracks"][0]["stages"][0]["topics"].remove("beta")))
    cli("next")
    custom_roadmap()
    assert {t["id"]: t["status"] for t in cli_json("list")["topics"]}["beta"] == "done"


def test_a_renamed_topic_keeps_its_progress_through_aliases(cli, cli_json, custom_roadmap):
    cli("done", "beta", "--note", "before the rename")

    def rename(d):
        d["topics"][1].update(id="beta-renamed", aliases=["beta"])
        d["tracks"][0]["stages"][0]["topics"][1] = "beta-renamed"

    custom_roadmap(rename)
    topics = {t["id"]: t["status"] for t in cli_json("list")["topics"]}
    assert topics == {"alpha": "todo", "beta-renamed": "done", "gamma": "todo"}
    assert cli_json("show", "beta-renamed")["history"][0]["note"] == "before the rename"
    cli("undo")
    assert cli_json("show", "beta")["id"] == "beta-renamed"  # the old id still finds it


def test_a_broken_roadmap_changes_nothing(cli, cli_json, custom_roadmap, store_contents):
    cli("done", "alpha")
    before = store_contents()
    custom_roadmap(lambda d: d["topics"][1]["prerequisites"].append("nowhere"))
    result = cli("next", code=1)
    assert (
        result.stderr
        == "error: roadmap.yaml: topics[1].prerequisites[1]: 'nowhere' is not a topic, module or stage id\n"
    )
    assert store_contents() == before


def test_the_roadmap_option_wins(cli, cli_json, tmp_path):
    path = samples.write(tmp_path / "mine.yaml", samples.tiny())
    assert cli_json("--roadmap", str(path), "next")["track"] == "main"
    assert cli_json("--roadmap", str(path), "where")["roadmap"] == str(path)
    assert cli("--roadmap", str(tmp_path / "missing.yaml"), "next", code=1).stderr.startswith("error: ")


# --- migrations --------------------------------------------------------------------------------


def test_migrations_build_the_schema_the_tables_describe(cli, llmpath_home):
    cli("next")
    engine = create_engine(f"sqlite:///{llmpath_home / 'llmpath.db'}")
    found = inspect(engine)
    for table in SQLModel.metadata.sorted_tables:
        columns = {c["name"] for c in found.get_columns(table.name)}
        assert columns == {c.name for c in table.columns}, table.name
    assert migrations.applied(engine) == [name for name, _ in migrations.MIGRATIONS]


def test_an_old_schema_store_is_upgraded_in_place_after_a_backup(cli, cli_json, llmpath_home):
    llmpath_home.mkdir(parents=True)
    database = llmpath_home / "llmpath.db"
    engine = create_engine(f"sqlite:///{database}")
    name, first = migrations.MIGRATIONS[0]
    with engine.begin() as conn:
        migrations._record.create(conn)
        first(conn)
        conn.execute(migrations._record.insert().values(name=name, applied_at=__import__("datetime").datetime.now()))
    engine.dispose()
    with sqlite3.connect(database) as conn:
        conn.execute(
            "INSERT INTO status_event (uid, batch, topic_id, status, happened_on, recorded_at, note) "
            "VALUES ('u1', 'b1', 'math-foundations', 'done', '2026-11-01', '2026-11-01 10:00:00.000000', 'from v0.0')"
        )
    conn.close()
    assert cli_json("show", "math-foundations")["history"][0]["note"] == "from v0.0"
    backups = list(llmpath_home.glob("llmpath.db.pre-migration-*.bak"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as old:
        assert old.execute("SELECT name FROM migration").fetchall() == [("0001_initial",)]
    old.close()
    assert migrations.applied(create_engine(f"sqlite:///{database}"))[-1] == migrations.latest()


# --- the read model ------------------------------------------------------------------------------


def stamp_read_model(home, value):
    connection = sqlite3.connect(home / "llmpath.db")
    with connection:
        if value is None:
            connection.execute("DELETE FROM meta WHERE key = 'read_model'")
        else:
            connection.execute("UPDATE meta SET value = ? WHERE key = 'read_model'", (value,))
    connection.close()


@pytest.mark.parametrize("stamp", [None, "0", "999999", "not a number"], ids=["none", "older", "newer", "damaged"])
def test_a_read_model_not_stamped_with_the_current_generation_is_decided_again(cli, cli_json, llmpath_home, stamp):
    cli("done", "math-foundations")
    cli("done", "classical-ml")
    cli("undo")
    connection = sqlite3.connect(llmpath_home / "llmpath.db")
    with connection:
        connection.execute("DELETE FROM topic_status")  # what it held is never trusted, whatever it is
        connection.execute("INSERT INTO taken_back (change_id) VALUES (1)")
    connection.close()
    stamp_read_model(llmpath_home, stamp)
    assert cli_json("progress", "--track", "complete")["done"] == 1
    assert cli_json("show", "math-foundations")["status"] == "done"


def test_writes_bring_the_read_model_along_in_their_own_transaction(cli, llmpath_home):
    cli("done", "math-foundations")
    cli("start", "classical-ml")
    cli("undo")
    connection = sqlite3.connect(llmpath_home / "llmpath.db")
    try:
        (generation,) = connection.execute("SELECT max(id) FROM change").fetchone()
        assert connection.execute("SELECT value FROM meta WHERE key = 'read_model'").fetchone() == (str(generation),)
        rows = connection.execute(
            "SELECT s.topic_id, e.status FROM topic_status s JOIN status_event e ON e.uid = s.event_uid"
        ).fetchall()
        assert rows == [("math-foundations", "done")]
    finally:
        connection.close()


# --- unusable stores ----------------------------------------------------------------------------


def test_a_file_that_is_not_a_database_is_refused_and_kept(cli, llmpath_home):
    llmpath_home.mkdir(parents=True)
    database = llmpath_home / "llmpath.db"
    database.write_text("my shopping list\n")
    result = cli("next", code=1)
    assert result.stderr.startswith(f"error: {database} is not an llmpath database;")
    assert "move it aside" in result.stderr and len(result.stderr.splitlines()) == 1
    assert database.read_text() == "my shopping list\n"


def test_a_truncated_database_is_refused_and_kept(cli, llmpath_home):
    llmpath_home.mkdir(parents=True)
    (llmpath_home / "llmpath.db").write_bytes(b"SQLite")
    assert "is truncated" in cli("next", code=1).stderr
    assert (llmpath_home / "llmpath.db").read_bytes() == b"SQLite"


def test_a_data_dir_that_is_a_file(cli, llmpath_home):
    llmpath_home.parent.mkdir(parents=True, exist_ok=True)
    llmpath_home.write_text("x")
    assert "is not a directory" in cli("next", code=1).stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_an_unwritable_data_dir(cli, llmpath_home):
    llmpath_home.mkdir(parents=True)
    llmpath_home.chmod(0o500)
    try:
        assert "not writable" in cli("next", code=1).stderr
    finally:
        llmpath_home.chmod(0o700)


def test_a_data_dir_that_cannot_be_created(cli, monkeypatch):
    monkeypatch.setenv("LLMPATH_HOME", "/proc/llmpath-cannot-exist/data")
    result = cli("next", code=1)
    assert result.stderr.startswith("error: cannot create the data directory /proc/llmpath-cannot-exist/data")
    assert "LLMPATH_HOME" in result.stderr


def test_the_data_dir_follows_llmpath_home(llmpath_home):
    assert paths.resolve().data_dir == llmpath_home
