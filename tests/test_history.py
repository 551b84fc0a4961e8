"""History and undo: every change is one entry, undo takes back the latest of any kind (one step at a
time, the undone records kept), and order is the history's, never the clock's. Export and import of
the history are in test_exchange.py; many undos at once in test_concurrency.py."""

import json

import pytest

import samples

pytestmark = pytest.mark.stores


def statuses(cli_json):
    return {t["id"]: t["status"] for t in cli_json("list")["topics"] if t["status"] != "todo"}


def all_statuses(cli_json, track="developer"):
    return {t["id"]: t["status"] for t in cli_json("list", "--track", track)["topics"]}


def history(cli_json, topic):
    return cli_json("show", topic)["history"]


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


def test_undo_walks_back_one_change_at_a_time(cli, cli_json):
    cli("start", "math-foundations")
    cli("done", "math-foundations")
    cli("done", "embeddings")
    out = cli("undo").stdout
    assert "undone" in out and out.count("undone") == 6
    assert all_statuses(cli_json)["embeddings-applications"] == "todo"
    cli("undo")
    assert all_statuses(cli_json)["math-foundations"] == "in_progress"
    cli("undo")
    assert all_statuses(cli_json)["math-foundations"] == "todo"
    result = cli("undo", code=2)
    assert "nothing to undo" in result.stderr


def test_undone_changes_stay_in_history(cli, cli_json):
    cli("done", "math-foundations", "--note", "oops")
    cli("undo")
    (event,) = history(cli_json, "math-foundations")
    assert event["undone"] is True and event["note"] == "oops"
    assert "(undone) oops" in cli("show", "math-foundations").stdout


def test_an_undo_is_itself_recorded_and_nothing_is_deleted(cli, store_sql):
    cli("done", "programming-foundations")
    cli("undo")
    kinds = [row[0] for row in store_sql("SELECT kind FROM change ORDER BY id")]
    events = store_sql("SELECT count(*) FROM status_event")[0][0]
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


@pytest.mark.parametrize("kind", ["status", "paper_read", "paper_target", "setting"])
def test_every_write_is_one_change_in_one_transaction(cli, store_sql, kind):
    commands = {
        "status": ("done", "programming-foundations", "math-foundations"),
        "paper_read": ("papers", "log", "lora"),
        "paper_target": ("papers", "target", "4"),
        "setting": ("track", "use", "developer", "--from", "Part 2"),
    }
    cli(*commands[kind])
    assert store_sql("SELECT kind FROM change WHERE kind != 'sync'") == [(kind,)]


# --- correcting -----------------------------------------------------------------------------------


def test_reset_puts_topics_back_to_do_as_a_change_undo_takes_back(cli, cli_json):
    cli("skip", "programming-foundations")
    cli("done", "math-foundations")
    cli("papers", "log", "lora")
    out = cli("reset", "programming-foundations", "ml-foundations").stdout
    assert "to do" in out and "already to do, nothing changed" in out  # ml-foundations was never touched
    assert statuses(cli_json) == {"math-foundations": "done"}
    assert cli_json("undo", "--list")["changes"][0]["summary"] == "reset to to do: programming-foundations"
    assert "skipped" in cli("undo").stdout
    assert statuses(cli_json) == {"programming-foundations": "skipped", "math-foundations": "done"}


def test_undo_list_shows_what_undo_would_walk_back_through_and_changes_nothing(cli, cli_json, store_contents, tmp_path):
    cli("done", "math-foundations")
    path = samples.elsewhere_export(tmp_path / "elsewhere.json", "classical-ml", "lora")
    cli("import", str(path))
    cli("papers", "target", "3")
    cli("undo")  # the target: the list starts behind it
    before = store_contents()
    listed = cli_json("undo", "--list")["changes"]
    text = cli("undo", "--list").stdout
    assert store_contents() == before
    assert [c["kind"] for c in listed] == ["import", "status"]  # an import's own changes go with it
    assert text.lstrip().startswith("1.") and "".join(listed[0]["summary"].split()) in "".join(text.split())
    for change in listed:  # undo takes them back in that very order
        assert "".join(change["summary"].split()) in "".join(cli("undo").stdout.split()) or change["kind"] == "status"
    assert cli_json("undo", "--list")["changes"] == []
    assert "Nothing to undo" in cli("undo", "--list").stdout


# --- the log ------------------------------------------------------------------------------------------


def test_log_tells_the_history_newest_first_with_notes_and_what_was_undone(cli, cli_json, monkeypatch):
    cli("done", "math-foundations", "--note", "3b1b videos", "--on", "2026-11-02")
    cli("papers", "log", "lora", "--note", "rank trick", "--pass", "2")
    cli("skip", "ml-foundations")
    cli("undo")
    entries = cli_json("log")["entries"]
    assert [e["kind"] for e in entries] == ["undo", "status", "paper_read", "status"]  # the sync is the roadmap's
    assert entries[1]["undone"] is True and entries[1]["topics"] == [
        {"topic": "ml-foundations", "status": "skipped", "note": None}
    ]
    assert entries[2]["papers"] == [{"paper": "lora", "note": "rank trick", "pass": 2}]
    assert entries[3]["on"] == "2026-11-02" and entries[3]["topics"][0]["note"] == "3b1b videos"
    fields = {"change", "kind", "on", "summary", "undone", "topics", "papers", "notes", "links", "sessions"}
    assert set(entries[0]) == fields
    assert [e["kind"] for e in cli_json("log", "--limit", "2")["entries"]] == ["undo", "status"]
    assert "2026-11-02" not in {e["on"] for e in cli_json("log", "--since", "2026-11-03")["entries"]}
    text = cli("log").stdout
    assert "Mathematical foundations" in text and "3b1b videos" in text and "(undone)" in text
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "--limit" in cli("log", "--limit", "0", code=2).stderr
