"""Export and import: a backup holds everything recorded, importing it merges (twice equals once,
nothing newer overwritten, an undone import stays undone), any history round-trips into a new store,
files of earlier releases still import, and a malformed file is refused with its reason and changes
nothing. Also the Markdown checklist."""

import json
import shutil
import sqlite3
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import samples
from llmpath.paths import bundled_roadmap
from llmpath.roadmap.loader import load_roadmap
from samples import views

pytestmark = pytest.mark.stores

TOPICS = samples.RESEARCHER_STEPS
PAPERS = samples.CATALOG_PAPERS


def export(cli):
    return json.loads(cli("export").stdout)


def records(document):
    return {k: v for k, v in document.items() if k not in ("exported_at",)}


def statuses(cli_json):
    return {t["id"]: t["status"] for t in cli_json("list")["topics"] if t["status"] != "todo"}


# --- export --------------------------------------------------------------------------------------


def test_export_holds_everything_recorded(cli):
    cli("done", "math-foundations", "--note", "n1")
    cli("undo")
    cli("papers", "log", "My own preprint", "--new", "--pass", "2")
    cli("papers", "target", "4")
    cli("track", "use", "specialist")
    data = export(cli)
    assert data["format"] == "llmpath-export" and data["version"] == 3
    kinds = [c["kind"] for c in data["changes"]]
    assert kinds == ["sync", "status", "undo", "paper_read", "paper_target", "setting"]
    undo = data["changes"][2]
    assert undo["reverts"] == data["changes"][1]["uid"]
    assert [e["note"] for e in data["status_events"]] == ["n1"]
    assert data["paper_reads"][0]["pass"] == 2 and data["own_papers"][0]["title"] == "My own preprint"
    assert data["paper_targets"][0]["target"] == 4
    assert {s["key"]: s["value"] for s in data["setting_changes"]}["active_track"] == "specialist"


# --- import --------------------------------------------------------------------------------------


def test_import_into_an_empty_store_and_twice_equals_once(cli, cli_json, tmp_path, another_store):
    cli("done", "math-foundations", "classical-ml", "--on", "2026-11-01")
    cli("papers", "log", "lora", "--note", "rank")
    cli("export", "-o", str(tmp_path / "backup.json"))
    original = export(cli)
    another_store()
    assert "Imported 3 changes" in cli("import", str(tmp_path / "backup.json")).stdout
    assert "nothing new" in cli("import", str(tmp_path / "backup.json")).stdout
    again = export(cli)
    for section in ("status_events", "paper_reads"):
        assert again[section] == original[section]
    assert cli_json("progress", "--track", "complete")["done"] == 2


def test_an_older_backup_of_the_same_store_changes_nothing(cli, cli_json, tmp_path):
    cli("track", "use", "complete")
    older = export(cli)
    cli("track", "use", "researcher")
    (tmp_path / "older.json").write_text(json.dumps(older))
    assert "nothing new" in cli("import", str(tmp_path / "older.json")).stdout
    assert cli_json("track")["active"] == "researcher"


def test_export_then_import_into_a_new_store_gives_the_same_state(cli, cli_json, tmp_path, another_store):
    cli("done", "programming-foundations", "--note", "easy")
    cli("skip", "math-foundations")
    cli("undo")
    cli("papers", "log", "lora", "--pass", "2")
    cli("papers", "target", "4")
    cli("track", "use", "developer", "--from", "Part 2")
    before = (statuses(cli_json), cli_json("papers", "--week"), cli_json("next")["next"][0]["id"])
    backup = tmp_path / "backup.json"
    cli("export", "-o", str(backup))
    assert json.loads(backup.read_text())["version"] == 3

    another_store("elsewhere")
    cli("import", str(backup))
    after = (statuses(cli_json), cli_json("papers", "--week"), cli_json("next")["next"][0]["id"])
    assert after == before
    assert "nothing new" in cli("import", str(backup)).stdout  # twice is once


def test_a_cleared_setting_stays_cleared_after_importing_an_older_export(cli, cli_json, tmp_path):
    cli("track", "use", "developer", "--from", "Part 2")
    cli("export", "-o", str(tmp_path / "old.json"))
    cli("track", "use", "developer", "--from", "prerequisites")
    cli("import", str(tmp_path / "old.json"))
    assert cli_json("next")["next"][0]["stage"] == "developer-prerequisites"


def test_an_undone_import_stays_undone_through_export_and_import(cli, cli_json, tmp_path, another_store):
    """An import keeps the links of the imports it carries, so an undo made before the export still
    takes back what it took back."""
    roadmap = load_roadmap(bundled_roadmap())
    topics, papers = list(roadmap.track("complete").topic_ids()), list(roadmap.papers)
    cli("done", topics[0])
    cli("import", str(samples.elsewhere_export(tmp_path / "elsewhere.json", topics[1], papers[0])))
    cli("undo")
    before = views(cli_json)
    assert before["statuses"][topics[1]] == "todo" and before["week"]["count"] == 0
    cli("export", "-o", str(tmp_path / "all.json"))
    another_store()
    cli("import", str(tmp_path / "all.json"))
    assert views(cli_json) == before


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


# --- malformed files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not JSON (line 1, column 2"),
        ('{"format": "something-else"}', "not an llmpath export"),
        ('{"format": "llmpath-export", "version": 9}', "version 9 is not one this llmpath reads"),
        ('{"format": "llmpath-export", "version": 1, "status_events": {}}', "status_events: expected a list"),
        (
            '{"format": "llmpath-export", "version": 1, "status_events": [{"uid": "u"}]}',
            "status_events[0]: missing 'batch'",
        ),
        (
            '{"format": "llmpath-export", "version": 1, "paper_reads": [{"uid": "u", "paper": "p", "on": "2026-02-30", "at": "2026-01-01T00:00:00+00:00"}]}',
            "paper_reads[0].on: expected a date",
        ),
        (
            '{"format": "llmpath-export", "version": 1, "status_events": [{"uid": "u", "batch": "b", "topic": "t", "status": "finished", "on": "2026-01-01", "at": "2026-01-01T00:00:00+00:00"}]}',
            "status_events[0].status: expected one of",
        ),
        (
            '{"format": "llmpath-export", "version": 1, "undos": [{"uid": "u", "batch": "b", "at": "2026-01-01T00:00:00"}]}',
            "undos[0].at: expected a time with its UTC offset",
        ),
        (
            '{"format": "llmpath-export", "version": 1, "paper_targets": [{"uid": "u", "target": 99, "on": "2026-01-01", "at": "2026-01-01T00:00:00+00:00"}]}',
            "paper_targets[0].target",
        ),
        (
            '{"format": "llmpath-export", "version": 1, "status_events": [{"uid": "u", "batch": "b", "topic": "t", "status": "done", "on": "2026-01-01", "at": "2026-01-01T00:00:00+00:00", "note": "\\u001b[2J"}]}',
            "status_events[0].note: contains U+001B, a control or invisible character",
        ),
    ],
)
def test_a_malformed_import_is_refused_with_the_reason_and_changes_nothing(cli, cli_json, tmp_path, content, reason):
    cli("done", "math-foundations")
    before = export(cli)
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = cli("import", str(path), code=2)
    assert reason in result.stderr and "nothing was imported" in result.stderr
    assert records(export(cli)) == records(before)


def test_malformed_times_and_repeated_ids_in_an_import_are_refused(cli, tmp_path):
    base = {"format": "llmpath-export", "version": 1}
    cases = [
        (
            {"undos": [{"uid": "u", "batch": "b", "at": "0001-01-01T00:00:00+01:00"}]},
            "undos[0].at: is outside the range of times",
        ),
        (
            {
                "undos": [
                    {"uid": "u", "batch": "b1", "at": "2026-01-01T00:00:00+00:00"},
                    {"uid": "u", "batch": "b2", "at": "2026-01-01T00:00:00+00:00"},
                ]
            },
            "undos[1].uid: 'u' is already used by undos[0]",
        ),
    ]
    for extra, message in cases:
        (tmp_path / "bad.json").write_text(json.dumps({**base, **extra}))
        result = cli("import", str(tmp_path / "bad.json"), code=2)
        assert message in result.stderr and len(result.stderr.splitlines()) == 1


def test_import_of_a_missing_or_binary_file(cli, tmp_path):
    assert "no such file" in cli("import", str(tmp_path / "none.json"), code=2).stderr
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00")
    assert "not UTF-8" in cli("import", str(tmp_path / "bin.json"), code=2).stderr


# --- any history round-trips ---------------------------------------------------------------------


UID = st.text(alphabet="abcdef0123456789", min_size=1, max_size=12)
DAY = st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 11, 1))
MOMENT = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2026, 11, 1)).map(
    lambda d: d.replace(tzinfo=UTC).isoformat()
)
NOTE = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40).filter(str.strip),
)

HISTORY = st.fixed_dictionaries(
    {
        "status_events": st.lists(
            st.fixed_dictionaries(
                {
                    "uid": UID,
                    "batch": UID,
                    "topic": st.sampled_from(TOPICS),
                    "status": st.sampled_from(["todo", "in_progress", "done", "skipped"]),
                    "on": DAY.map(str),
                    "at": MOMENT,
                    "note": NOTE,
                }
            ),
            max_size=8,
            unique_by=lambda e: e["uid"],
        ),
        "undos": st.lists(
            st.fixed_dictionaries({"uid": UID, "batch": UID, "at": MOMENT}),
            max_size=3,
            unique_by=(lambda u: u["uid"], lambda u: u["batch"]),
        ),
        "paper_reads": st.lists(
            st.fixed_dictionaries(
                {
                    "uid": UID,
                    "paper": st.sampled_from(PAPERS),
                    "on": DAY.map(str),
                    "at": MOMENT,
                    "note": NOTE,
                    "pass": st.sampled_from([None, 1, 2, 3]),
                }
            ),
            max_size=5,
            unique_by=lambda r: r["uid"],
        ),
        "own_papers": st.lists(
            st.fixed_dictionaries(
                {
                    "id": UID.map(lambda u: "own-" + u),
                    "title": st.text(alphabet="abc xyz", min_size=1, max_size=20).filter(str.strip),
                    "created_at": MOMENT,
                }
            ),
            max_size=2,
            unique_by=lambda p: p["id"],
        ),
        "paper_targets": st.lists(
            st.fixed_dictionaries({"uid": UID, "target": st.integers(1, 50), "on": DAY.map(str), "at": MOMENT}),
            max_size=2,
            unique_by=lambda t: t["uid"],
        ),
        "settings": st.lists(
            st.fixed_dictionaries(
                {
                    "key": st.just("active_track"),
                    "value": st.sampled_from(["developer", "complete"]),
                    "updated_at": MOMENT,
                }
            ),
            max_size=1,
        ),
    }
)


def _canonical(document):
    """Records by section, each sorted by its key, times compared as instants, without the
    `change` each points at (a version 1 file has batches, not changes)."""

    def norm(record):
        return {
            k: (datetime.fromisoformat(v).timestamp() if k in ("at", "created_at") and v else v)
            for k, v in record.items()
            if k not in ("change", "batch")
        }

    keys = {"own_papers": "id"}
    return {
        section: sorted((norm(r) for r in document[section]), key=lambda r: r[keys.get(section, "uid")])
        for section in RECORD_SECTIONS
    }


RECORD_SECTIONS = ("status_events", "paper_reads", "own_papers", "paper_targets")


def _state(cli_json):
    return (
        {t["id"]: t["status"] for t in cli_json("list", "--track", "complete")["topics"]},
        cli_json("papers"),
        cli_json("track")["active"],
        cli_json("papers", "--week", "--of", "2026-W45"),
    )


@pytest.fixture(scope="module")
def new_stores(tmp_path_factory):
    """Two store files as the first command leaves them: migrated and synced with the bundled roadmap,
    nothing recorded, each with a sync change of its own (as two stores made apart have). Made once;
    a copy is a new store, without the migrations and the sync that take most of a new store's time."""
    from typer.testing import CliRunner

    from llmpath.cli import app

    stores = []
    for name in ("first", "second"):
        home = tmp_path_factory.mktemp(f"new-store-{name}")
        environment = {"LLMPATH_HOME": str(home), "LLMPATH_ROADMAP": None, "NO_COLOR": "1"}
        result = CliRunner().invoke(app, ["next"], env=environment, catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        connection = sqlite3.connect(home / "llmpath.db")
        try:  # everything into the file itself, so that the file alone is the store
            assert connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
            assert connection.execute("SELECT kind FROM change").fetchall() == [("sync",)]
        finally:
            connection.close()
        stores.append(home / "llmpath.db")
    return stores


def copy_of(store, home):
    home.mkdir(parents=True)
    shutil.copy2(store, home / store.name)
    return home


@pytest.mark.sqlite_only  # copies of two new store files stand for new stores
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=HISTORY)
def test_any_history_round_trips_through_export_and_import(
    cli, cli_json, tmp_path_factory, monkeypatch, new_stores, history
):
    home = tmp_path_factory.mktemp("roundtrip")
    monkeypatch.setenv("LLMPATH_HOME", str(copy_of(new_stores[0], home / "first")))
    path = home / "in.json"
    path.write_text(json.dumps({"format": "llmpath-export", "version": 1, **history}))
    cli("import", str(path))
    first = export(cli)
    assert _canonical(first) == _canonical(history)
    (home / "out.json").write_text(json.dumps(first))
    state = _state(cli_json)
    monkeypatch.setenv("LLMPATH_HOME", str(copy_of(new_stores[1], home / "second")))
    cli("import", str(home / "out.json"))
    assert _state(cli_json) == state
    second = export(cli)
    for section in (*RECORD_SECTIONS, "setting_changes"):
        assert second[section] == first[section], section


# --- files and Markdown --------------------------------------------------------------------------


def test_export_to_a_file_is_atomic_and_reports_errors(cli, tmp_path):
    target = tmp_path / "out.md"
    cli("export", "--markdown", "-o", str(target))
    assert target.read_text().startswith("# LLM development roadmap")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert "cannot write" in cli("export", "-o", str(tmp_path / "missing-dir" / "x.json"), code=1).stderr


def test_markdown_checklist(cli):
    cli("done", "math-foundations")
    cli("skip", "ml-foundations")
    cli("start", "tokenization-preprocessing")
    text = cli("export", "--markdown").stdout
    assert text.startswith("# LLM development roadmap\n")
    assert "- [x] Mathematical foundations\n" in text
    assert "- [x] ~~Machine learning foundations~~ *(optional)* *(skipped)*\n" in text
    assert "- [ ] Preprocessing *(in progress)*\n" in text
    assert "### Tokenization\n" in text and "## Part 1: The foundations (0/30)" in text
