"""One history: every change is one entry, undo takes back the latest of any kind, and order is the
history's, never the clock's."""

import json
import sqlite3
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def statuses(cli_json):
    return {t["id"]: t["status"] for t in cli_json("list")["topics"] if t["status"] != "todo"}


def test_undo_walks_back_every_kind_of_change_and_says_what_it_took_back(cli, cli_json):
    cli("done", "programming-foundations")
    cli("papers", "log", "lora")
    cli("papers", "target", "3")
    cli("track", "use", "specialist")

    assert "switched to track specialist" in cli("undo").stdout
    assert cli_json("track")["active"] == "developer"
    assert "weekly paper target to 3" in cli("undo").stdout
    assert cli_json("papers", "--week")["target"] == 2
    assert "reading of lora" in cli("undo").stdout
    assert cli_json("papers", "--week")["count"] == 0
    out = cli("undo").stdout
    assert "done → to do" in out and "Programming foundations" in out
    assert statuses(cli_json) == {}
    assert "undone already" in cli("undo", code=2).stderr


def test_an_undo_is_itself_recorded_and_nothing_is_deleted(cli, llmpath_home):
    cli("done", "programming-foundations")
    cli("undo")
    with sqlite3.connect(llmpath_home / "llmpath.db") as db:
        kinds = [row[0] for row in db.execute("SELECT kind FROM change ORDER BY id")]
        events = db.execute("SELECT count(*) FROM status_event").fetchone()[0]
    assert kinds == ["sync", "status", "undo"]
    assert events == 1


def test_undoing_an_own_paper_frees_nothing_and_logging_it_again_works(cli, cli_json):
    cli("papers", "log", "My lab's preprint", "--new")
    cli("undo")
    cli("papers", "log", "My lab's preprint", "--new")
    own = [p for p in cli_json("papers")["papers"] if p.get("own")]
    assert len(own) == 1


def future_export(topic, status):
    """A version 2 export whose one change is stamped far in the future."""
    change = {"uid": "c-future", "kind": "status", "summary": "from the future", "at": "9999-01-01T00:00:00+00:00"}
    return {
        "format": "llmpath-export",
        "version": 2,
        "changes": [{**change, "reverts": None, "imported_by": None}],
        "status_events": [
            {
                "uid": "e-future",
                "change": "c-future",
                "topic": topic,
                "status": status,
                "on": "2026-01-01",
                "at": "9999-01-01T00:00:00+00:00",
                "note": None,
            }
        ],
    }


def test_a_change_stamped_in_the_future_does_not_win_over_later_ones(cli, cli_json, tmp_path):
    path = tmp_path / "future.json"
    path.write_text(json.dumps(future_export("programming-foundations", "done")))
    cli("import", str(path))
    assert statuses(cli_json) == {"programming-foundations": "done"}
    cli("start", "programming-foundations")
    assert statuses(cli_json) == {"programming-foundations": "in_progress"}
    assert "done" in cli("undo").stdout  # the start just run, back to done
    assert statuses(cli_json) == {"programming-foundations": "done"}


def test_undo_takes_back_a_whole_import(cli, cli_json, tmp_path):
    path = tmp_path / "future.json"
    path.write_text(json.dumps(future_export("programming-foundations", "done")))
    cli("done", "math-foundations")
    cli("import", str(path))
    assert "imported" in cli("undo").stdout
    assert statuses(cli_json) == {"math-foundations": "done"}
    cli("import", str(path))  # the undone import's changes are known: nothing new
    assert statuses(cli_json) == {"math-foundations": "done"}


def test_export_then_import_into_a_new_store_gives_the_same_state(cli, cli_json, tmp_path, monkeypatch):
    cli("done", "programming-foundations", "--note", "easy")
    cli("skip", "math-foundations")
    cli("undo")
    cli("papers", "log", "lora", "--pass", "2")
    cli("papers", "target", "4")
    cli("track", "use", "developer", "--from", "Part 2")
    before = (statuses(cli_json), cli_json("papers", "--week"), cli_json("next")["next"][0]["id"])
    backup = tmp_path / "backup.json"
    cli("export", "-o", str(backup))
    assert json.loads(backup.read_text())["version"] == 2

    monkeypatch.setenv("LLMPATH_HOME", str(tmp_path / "elsewhere"))
    cli("import", str(backup))
    after = (statuses(cli_json), cli_json("papers", "--week"), cli_json("next")["next"][0]["id"])
    assert after == before
    assert "nothing new" in cli("import", str(backup)).stdout  # twice is once


def test_a_version_1_export_still_imports(cli, cli_json, tmp_path):
    old = {
        "format": "llmpath-export",
        "version": 1,
        "status_events": [
            {"uid": "e1", "batch": "b1", "topic": "programming-foundations", "status": "done", "on": "2026-11-02"}
            | {"at": "2026-11-02T10:00:00+00:00", "note": "v1"},
            {"uid": "e2", "batch": "b2", "topic": "math-foundations", "status": "skipped", "on": "2026-11-03"}
            | {"at": "2026-11-03T10:00:00+00:00", "note": None},
        ],
        "undos": [{"uid": "u1", "batch": "b2", "at": "2026-11-03T11:00:00+00:00"}],
        "paper_reads": [
            {"uid": "r1", "paper": "lora", "on": "2026-11-04", "at": "2026-11-04T10:00:00+00:00", "note": None}
            | {"pass": 1}
        ],
        "own_papers": [],
        "paper_targets": [{"uid": "t1", "target": 5, "on": "2026-11-01", "at": "2026-11-01T10:00:00+00:00"}],
        "settings": [{"key": "active_track", "value": "specialist", "updated_at": "2026-11-01T09:00:00+00:00"}],
    }
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(old))
    cli("import", str(path))
    assert cli_json("show", "programming-foundations")["status"] == "done"
    assert cli_json("show", "math-foundations")["status"] == "todo"  # its batch was undone
    assert cli_json("track")["active"] == "specialist"
    assert cli_json("papers", "show", "lora")["history"][0]["pass"] == 1


def test_an_upgrade_from_the_last_schema_keeps_every_record(cli, cli_json, llmpath_home):
    llmpath_home.mkdir(parents=True)
    with sqlite3.connect(llmpath_home / "llmpath.db") as conn:
        conn.executescript((FIXTURES / "store-0004.sql").read_text())
    conn.close()
    assert statuses(cli_json) == {
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


@pytest.mark.parametrize("kind", ["status", "paper_read", "paper_target", "setting"])
def test_every_write_is_one_change_in_one_transaction(cli, llmpath_home, kind):
    commands = {
        "status": ("done", "programming-foundations", "math-foundations"),
        "paper_read": ("papers", "log", "lora"),
        "paper_target": ("papers", "target", "4"),
        "setting": ("track", "use", "developer", "--from", "Part 2"),
    }
    cli(*commands[kind])
    with sqlite3.connect(llmpath_home / "llmpath.db") as db:
        rows = db.execute("SELECT kind FROM change WHERE kind != 'sync'").fetchall()
    assert rows == [(kind,)]


def test_a_store_synced_by_a_release_that_stored_the_roadmap_differently_is_synced_again(cli, cli_json, llmpath_home):
    cli("done", "programming-foundations")
    with sqlite3.connect(llmpath_home / "llmpath.db") as db:
        db.execute("UPDATE meta SET value = '1' WHERE key = 'dataset_storage'")
        db.execute("UPDATE topic SET title = 'laid out by an older release' WHERE id = 'math-foundations'")
    db.close()
    assert cli_json("show", "math-foundations")["title"] == "Mathematical foundations"
    assert cli_json("show", "programming-foundations")["status"] == "done"
