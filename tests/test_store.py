"""The store follows the roadmap and the releases: a changed roadmap is synced (retired topics keep
their records, renamed ones their progress), older stores are upgraded in place after a backup with
every record kept, and every write brings the read model along. Stores that cannot be used are in
test_store_errors.py; the pinned schema is in test_schema.py."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest
from sqlalchemy import create_engine

import samples
from llmpath.store import migrations

pytestmark = pytest.mark.stores


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


def statuses(cli_json):
    return {t["id"]: t["status"] for t in cli_json("list")["topics"]}


def recorded_statuses(cli_json):
    """The statuses of the topics that are not to do."""
    return {t["id"]: t["status"] for t in cli_json("list")["topics"] if t["status"] != "todo"}


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


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(cli, cli_json, custom_roadmap):
    cli("next")
    path = custom_roadmap()
    before = path.stat()
    text = path.read_text().replace("title: Alpha", "title: Alfa!")
    path.write_text(text)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert cli_json("list")["topics"][0]["title"] == "Alfa!"


def test_a_retired_topic_id_does_not_hide_a_module_of_that_name(cli, cli_json, custom_roadmap):
    cli("done", "gamma")

    def gamma_becomes_a_module(d):
        d["topics"][2].update(id="eps", module="gamma")
        d["modules"].append({"id": "gamma", "title": "Gamma module"})
        d["tracks"][0]["stages"][1]["modules"] = ["mod", "gamma"]
        d["topics"].append({"id": "zeta", "title": "Zeta", "module": "gamma"})
        d["topics"].append({"id": "gamma-keeper", "title": "Keeper", "module": "mod"})

    custom_roadmap(gamma_becomes_a_module)
    cli("done", "gamma")
    marked = statuses(cli_json)
    assert (marked["eps"], marked["zeta"]) == ("done", "done")


def test_show_a_retired_topic_whose_module_is_gone(cli, custom_roadmap):
    cli("done", "gamma")

    def drop_module(d):
        d["topics"].pop(2)
        d["modules"] = []
        d["tracks"][0]["stages"][1] = {"id": "second", "title": "Second", "topics": ["delta"]}

    custom_roadmap(drop_module)
    assert "Retired" in cli("show", "gamma").stdout


def _rename(old, new, aliases):
    def change(d):
        for topic in d["topics"]:
            if topic["id"] == old:
                topic.update(id=new, aliases=aliases)
        for track in d["tracks"]:
            for stage in track["stages"]:
                stage["topics"] = [new if t == old else t for t in stage.get("topics", [])]
        for topic in d["topics"]:
            topic["prerequisites"] = [new if p == old else p for p in topic.get("prerequisites", [])]
        for paper in d["papers"]:
            paper["topics"] = [new if t == old else t for t in paper["topics"]]

    return change


def test_progress_survives_an_alias_dropped_later_and_chained_renames(cli, cli_json, custom_roadmap):
    cli("done", "alpha")
    custom_roadmap(_rename("alpha", "alpha-2", ["alpha"]))
    assert statuses(cli_json)["alpha-2"] == "done"
    custom_roadmap(_rename("alpha", "alpha-3", ["alpha-2"]))  # the first alias is gone from the file
    assert statuses(cli_json)["alpha-3"] == "done"
    assert cli_json("show", "alpha")["id"] == "alpha-3"  # the oldest id still finds it


def test_show_follows_an_old_id(cli, cli_json, custom_roadmap):
    custom_roadmap(_rename("alpha", "alpha-2", ["alpha"]))
    assert cli_json("show", "alpha")["id"] == "alpha-2"


@pytest.mark.sqlite_only  # the SQLite file itself, or a fixture of one
def test_a_store_synced_by_a_release_that_stored_the_roadmap_differently_is_synced_again(cli, cli_json, llmpath_home):
    cli("done", "programming-foundations")
    with sqlite3.connect(llmpath_home / "llmpath.db") as db:
        db.execute("UPDATE meta SET value = '1' WHERE key = 'dataset_storage'")
        db.execute("UPDATE topic SET title = 'laid out by an older release' WHERE id = 'math-foundations'")
    db.close()
    assert cli_json("show", "math-foundations")["title"] == "Mathematical foundations"
    assert cli_json("show", "programming-foundations")["status"] == "done"


def test_the_roadmap_option_wins(cli, cli_json, tmp_path):
    path = samples.write(tmp_path / "mine.yaml", samples.tiny())
    assert cli_json("--roadmap", str(path), "next")["track"] == "main"
    assert cli_json("--roadmap", str(path), "where")["roadmap"] == str(path)
    assert cli("--roadmap", str(tmp_path / "missing.yaml"), "next", code=1).stderr.startswith("error: ")


# --- upgrades ------------------------------------------------------------------------------------


@pytest.mark.sqlite_only  # the SQLite file itself, or a fixture of one
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


@pytest.mark.sqlite_only  # the SQLite file itself, or a fixture of one
def test_a_store_from_the_first_schema_is_upgraded_and_keeps_every_record(cli, cli_json, llmpath_home):
    samples.older_store(llmpath_home, "store-0001.sql")
    data = cli_json("progress")
    assert data["track"] == "complete" and data["done"] == 1  # math done; classical ML was undone
    history = cli_json("show", "math-foundations")["history"]
    assert [h["status"] for h in history] == ["in_progress", "done"] and history[1]["note"] == "finished 3Blue1Brown"
    retired = cli_json("show", "prompt-design")
    assert retired["retired"] is True and retired["history"][0]["note"].startswith("a topic later removed")
    assert cli_json("show", "classical-ml")["history"][0]["undone"] is True
    (backup,) = llmpath_home.glob("llmpath.db.pre-migration-*.bak")
    with sqlite3.connect(backup) as old:
        assert old.execute("SELECT count(*) FROM status_event").fetchone() == (4,)
    old.close()
    assert "schema is current" in " ".join(cli("doctor").stdout.split())


@pytest.mark.sqlite_only  # the SQLite file itself, or a fixture of one
def test_an_upgrade_from_the_last_schema_keeps_every_record(cli, cli_json, llmpath_home):
    samples.older_store(llmpath_home, "store-0004.sql")
    assert recorded_statuses(cli_json) == {
        "programming-foundations": "done",
        "math-foundations": "done",
        "nn-foundations-neural-network-fundamentals": "in_progress",
    }
    assert cli_json("track")["active"] == "developer"
    week = cli_json("papers", "--week", "--of", "2026-11-28")
    assert week["target"] == 3
    assert cli_json("papers", "show", "lora")["history"][0]["note"] == "good"
    assert any(p["id"] == "own-my-own-preprint" for p in cli_json("papers")["papers"])
    history = cli_json("show", "ml-foundations")["history"]
    assert [h["undone"] for h in history] == [True]
    # The old history is walked back in its order: the latest change was a track switch.
    assert "start_stage" in cli("undo").stdout or "developer" in cli("undo").stdout


@pytest.mark.sqlite_only  # the SQLite file itself, or a fixture of one
def test_an_upgrade_from_the_read_model_schema_keeps_every_record_and_its_place(cli, cli_json, llmpath_home):
    with sqlite3.connect(samples.older_store(llmpath_home, "store-0006.sql")) as conn:
        stored = {
            "changes": conn.execute("SELECT uid FROM change ORDER BY id").fetchall(),
            "status_events": conn.execute("SELECT uid FROM status_event ORDER BY id").fetchall(),
            "paper_reads": conn.execute("SELECT uid FROM paper_read ORDER BY id").fetchall(),
            "own_papers": conn.execute("SELECT id FROM own_paper").fetchall(),
            "paper_targets": conn.execute("SELECT uid FROM paper_target").fetchall(),
        }
    conn.close()
    exported = json.loads(cli("export").stdout)
    for section, rows in stored.items():
        key = "id" if section == "own_papers" else "uid"
        # The upgrade syncs the bundled roadmap, one change more at the end of the history.
        assert [e[key] for e in exported[section]][: len(rows)] == [row[0] for row in rows], section
    assert exported["changes"][-1]["kind"] == "sync"
    assert cli_json("track")["active"] == "researcher"
    assert recorded_statuses(cli_json) == {"math-foundations": "done", "classical-ml": "in_progress"}
    assert cli_json("show", "programming-foundations")["status"] == "done"  # on another track
    assert cli_json("papers", "--week", "--of", "2026-11-28")["target"] == 3
    assert "schema is current" in " ".join(cli("doctor").stdout.split())


# --- the read model ------------------------------------------------------------------------------


def stamp_read_model(home, value):
    connection = sqlite3.connect(home / "llmpath.db")
    with connection:
        if value is None:
            connection.execute("UPDATE learner SET read_model = NULL")
        else:
            connection.execute("UPDATE learner SET read_model = ?", (value,))
    connection.close()


@pytest.mark.sqlite_only  # the SQLite file itself, or a fixture of one
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


@pytest.mark.sqlite_only  # the SQLite file itself, or a fixture of one
def test_writes_bring_the_read_model_along_in_their_own_transaction(cli, llmpath_home):
    cli("done", "math-foundations")
    cli("start", "classical-ml")
    cli("undo")
    connection = sqlite3.connect(llmpath_home / "llmpath.db")
    try:
        (generation,) = connection.execute("SELECT max(id) FROM change").fetchone()
        assert connection.execute("SELECT read_model FROM learner").fetchone() == (generation,)
        rows = connection.execute(
            "SELECT s.topic_id, e.status FROM topic_status s JOIN status_event e ON e.uid = s.event_uid"
        ).fetchall()
        assert rows == [("math-foundations", "done")]
    finally:
        connection.close()
