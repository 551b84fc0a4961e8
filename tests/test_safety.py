"""Nothing lost: concurrent shells, crashes, upgrades, damaged stores, backups and bad input."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FIXTURES = Path(__file__).parent / "fixtures"
LLMPATH = [sys.executable, "-m", "llmpath"]


def env_for(home, **extra):
    return os.environ | {"LLMPATH_HOME": str(home), "NO_COLOR": "1"} | extra


def spawn(home, *args, **extra):
    return subprocess.Popen(
        [*LLMPATH, *args], env=env_for(home, **extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(processes):
    results = [(p.args, *p.communicate(timeout=120), p.returncode) for p in processes]
    for args, _out, err, code in results:
        assert code == 0, (args, err)
        assert "locked" not in err and "Traceback" not in err, (args, err)
    return results


# --- concurrent shells -----------------------------------------------------------------------------

TOPICS = [
    "math-foundations",
    "classical-ml",
    "deep-learning",
    "transformer-basics",
    "llm-architectures",
    "fine-tuning-peft",
    "rlhf-alignment",
    "production-rag",
    "multimodal-models",
    "reading-papers",
]
PAPERS = [
    "attention-is-all-you-need",
    "bert",
    "gpt-3",
    "instructgpt",
    "llama",
    "lora",
    "rag",
    "constitutional-ai",
    "scaling-laws-kaplan",
    "llama-3",
]


def test_twenty_shells_writing_at_once_on_a_new_store_lose_nothing(cli_json, llmpath_home):
    processes = [spawn(llmpath_home, "done", topic, "--note", f"shell {i}") for i, topic in enumerate(TOPICS)]
    processes += [spawn(llmpath_home, "papers", "log", paper) for paper in PAPERS]
    finish(processes)
    marked = {t["id"]: t["status"] for t in cli_json("list", "--track", "researcher")["topics"]}
    assert all(marked[t] == "done" for t in TOPICS)
    papers = cli_json("papers")["papers"]
    assert {p["id"] for p in papers if p["reads"]} == set(PAPERS)
    assert all(cli_json("show", t)["history"][0]["note"].startswith("shell ") for t in TOPICS)


def test_twenty_undos_at_once_each_revert_one_change(cli, cli_json, llmpath_home):
    topics = [t["id"] for t in cli_json("list")["topics"]][:20]
    for topic in topics:
        cli("done", topic)
    finish([spawn(llmpath_home, "undo") for _ in topics])
    assert {t["status"] for t in cli_json("list")["topics"]} == {"todo"}
    assert cli("undo", code=2).stderr.startswith("error: nothing to undo")


# --- crashes ---------------------------------------------------------------------------------------


def big_roadmap(path, size):
    topics = [
        {"id": f"t{i}", "title": f"Topic {i}", "body": "words " * 40, "checklist": ["a", "b", "c"]} for i in range(size)
    ]
    stages = [
        {"id": f"s{k}", "title": f"Stage {k}", "topics": [f"t{i}" for i in range(k * 500, min(size, (k + 1) * 500))]}
        for k in range(size // 500)
    ]
    path.write_text(
        yaml.safe_dump({"version": 1, "tracks": [{"id": "big", "title": "Big", "stages": stages}], "topics": topics})
    )
    return path


def test_a_process_killed_mid_sync_leaves_a_whole_store(cli, cli_json, llmpath_home, tmp_path):
    cli("done", "math-foundations", "--note", "before the crash")
    roadmap = big_roadmap(tmp_path / "big.yaml", 8000)
    process = spawn(llmpath_home, "next", LLMPATH_ROADMAP=str(roadmap))
    wal = llmpath_home / "llmpath.db-wal"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (wal.exists() and wal.stat().st_size > 200_000):
        time.sleep(0.01)  # wait until the sync transaction is writing
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL
    with sqlite3.connect(llmpath_home / "llmpath.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM topic WHERE id LIKE 't%' AND id GLOB 't[0-9]*'").fetchone() == (0,)
    conn.close()
    assert cli_json("show", "math-foundations")["history"][0]["note"] == "before the crash"
    run = subprocess.run(
        [*LLMPATH, "progress", "--json"],
        env=env_for(llmpath_home, LLMPATH_ROADMAP=str(roadmap)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0 and json.loads(run.stdout)["total"] == 8000


# --- upgrades --------------------------------------------------------------------------------------


def test_a_store_from_the_first_schema_is_upgraded_and_keeps_every_record(cli, cli_json, llmpath_home):
    llmpath_home.mkdir(parents=True)
    with sqlite3.connect(llmpath_home / "llmpath.db") as conn:
        conn.executescript((FIXTURES / "store-0001.sql").read_text())
    conn.close()
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


# --- damaged stores ---------------------------------------------------------------------------------


def test_a_database_of_another_program_is_refused_and_untouched(cli, llmpath_home):
    llmpath_home.mkdir(parents=True)
    database = llmpath_home / "llmpath.db"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
        conn.execute("INSERT INTO recipes VALUES ('soup')")
    conn.close()
    before = database.read_bytes()
    result = cli("next", code=1)
    assert "database of another program" in result.stderr and len(result.stderr.splitlines()) == 1
    assert database.read_bytes() == before and not list(llmpath_home.glob("*.bak"))


def test_a_corrupted_database_gives_one_line_and_is_untouched(cli, llmpath_home):
    cli("done", "math-foundations")
    database = llmpath_home / "llmpath.db"
    data = bytearray(database.read_bytes())
    data[4096:12288] = b"\xff" * 8192  # scribble over pages after the header
    database.write_bytes(bytes(data))
    result = cli("next", code=1)
    assert result.stderr.startswith(f"error: {database}") and len(result.stderr.splitlines()) == 1
    assert database.read_bytes() == bytes(data)
    doctor = cli("doctor", code=1).stdout
    assert "BAD" in doctor


# --- backups -----------------------------------------------------------------------------------------


def export(cli):
    return json.loads(cli("export").stdout)


def records(document):
    return {k: v for k, v in document.items() if k not in ("exported_at",)}


def test_export_holds_everything_recorded(cli):
    cli("done", "math-foundations", "--note", "n1")
    cli("undo")
    cli("papers", "log", "My own preprint", "--new", "--pass", "2")
    cli("papers", "target", "4")
    cli("track", "use", "specialist")
    data = export(cli)
    assert data["format"] == "llmpath-export" and data["version"] == 2
    kinds = [c["kind"] for c in data["changes"]]
    assert kinds == ["sync", "status", "undo", "paper_read", "paper_target", "setting"]
    undo = data["changes"][2]
    assert undo["reverts"] == data["changes"][1]["uid"]
    assert [e["note"] for e in data["status_events"]] == ["n1"]
    assert data["paper_reads"][0]["pass"] == 2 and data["own_papers"][0]["title"] == "My own preprint"
    assert data["paper_targets"][0]["target"] == 4
    assert {s["key"]: s["value"] for s in data["setting_changes"]}["active_track"] == "specialist"


def test_import_into_an_empty_store_and_twice_equals_once(cli, cli_json, tmp_path, monkeypatch):
    cli("done", "math-foundations", "classical-ml", "--on", "2026-11-01")
    cli("papers", "log", "lora", "--note", "rank")
    cli("export", "-o", str(tmp_path / "backup.json"))
    original = export(cli)
    monkeypatch.setenv("LLMPATH_HOME", str(tmp_path / "other"))
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


def test_import_of_a_missing_or_binary_file(cli, tmp_path):
    assert "no such file" in cli("import", str(tmp_path / "none.json"), code=2).stderr
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00")
    assert "not UTF-8" in cli("import", str(tmp_path / "bin.json"), code=2).stderr


UID = st.text(alphabet="abcdef0123456789", min_size=1, max_size=12)
DAY = st.dates(min_value=__import__("datetime").date(2020, 1, 1), max_value=__import__("datetime").date(2026, 11, 1))
MOMENT = st.datetimes(
    min_value=__import__("datetime").datetime(2020, 1, 1), max_value=__import__("datetime").datetime(2026, 11, 1)
).map(lambda d: d.replace(tzinfo=__import__("datetime").UTC).isoformat())
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
    from datetime import datetime

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


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=HISTORY)
def test_any_history_round_trips_through_export_and_import(cli, cli_json, tmp_path_factory, monkeypatch, history):
    home = tmp_path_factory.mktemp("roundtrip")
    monkeypatch.setenv("LLMPATH_HOME", str(home / "first"))
    path = home / "in.json"
    path.write_text(json.dumps({"format": "llmpath-export", "version": 1, **history}))
    cli("import", str(path))
    first = export(cli)
    assert _canonical(first) == _canonical(history)
    (home / "out.json").write_text(json.dumps(first))
    state = _state(cli_json)
    monkeypatch.setenv("LLMPATH_HOME", str(home / "second"))
    cli("import", str(home / "out.json"))
    assert _state(cli_json) == state
    second = export(cli)
    for section in (*RECORD_SECTIONS, "setting_changes"):
        assert second[section] == first[section], section


# --- markdown ---------------------------------------------------------------------------------------


def test_markdown_checklist(cli):
    cli("done", "math-foundations")
    cli("skip", "ml-foundations")
    cli("start", "tokenization-preprocessing")
    text = cli("export", "--markdown").stdout
    assert text.startswith("# LLM development roadmap\n")
    assert "- [x] Mathematical foundations\n" in text
    assert "- [x] ~~Machine learning foundations~~ *(skipped)*\n" in text
    assert "- [ ] Preprocessing *(in progress)*\n" in text
    assert "### Tokenization\n" in text and "## Part 1: The Foundations (0/30)" in text


def test_export_to_a_file_is_atomic_and_reports_errors(cli, tmp_path):
    target = tmp_path / "out.md"
    cli("export", "--markdown", "-o", str(target))
    assert target.read_text().startswith("# LLM development roadmap")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert "cannot write" in cli("export", "-o", str(tmp_path / "missing-dir" / "x.json"), code=1).stderr


# --- doctor -----------------------------------------------------------------------------------------


def test_doctor_on_a_healthy_store(cli):
    cli("done", "math-foundations")
    out = " ".join(cli("doctor").stdout.split())  # findings wrap to the terminal
    for expected in (
        "passes SQLite's integrity check",
        "schema is current",
        "matches the roadmap file",
        "read model is current",
        "is writable",
    ):
        assert expected in out
    assert "BAD" not in out


def test_doctor_before_anything_exists(cli):
    out = " ".join(cli("doctor").stdout.split())
    assert "created on the first command" in out


def test_doctor_changes_nothing(cli, llmpath_home):
    cli("done", "math-foundations")
    before = {p.name: p.read_bytes() for p in llmpath_home.iterdir() if p.is_file()}
    cli("doctor")
    after = {p.name: p.read_bytes() for p in llmpath_home.iterdir() if p.is_file() and p.name in before}
    assert after == before


def test_doctor_reports_a_broken_roadmap(cli, tmp_path, monkeypatch):
    (tmp_path / "r.yaml").write_text("version: 1\ntracks: [")
    monkeypatch.setenv("LLMPATH_ROADMAP", str(tmp_path / "r.yaml"))
    out = cli("doctor", code=1).stdout
    assert "BAD  roadmap: r.yaml: line" in out  # the start of a line: never wrapped


# --- bad input anywhere -----------------------------------------------------------------------------


@pytest.mark.parametrize("home", ["a-file", "/proc/llmpath/nope"])
def test_unusable_data_dirs_give_one_line(cli, tmp_path, monkeypatch, home):
    if home == "a-file":
        (tmp_path / "a-file").write_text("x")
        home = str(tmp_path / "a-file")
    monkeypatch.setenv("LLMPATH_HOME", home)
    for command in (["next"], ["done", "math-foundations"], ["papers", "--week"], ["export"]):
        result = cli(*command, code=1)
        assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("roadmap", ["missing.yaml", "dir", "broken.yaml"])
def test_missing_or_broken_roadmaps_give_one_line(cli, tmp_path, monkeypatch, roadmap):
    (tmp_path / "dir").mkdir()
    (tmp_path / "broken.yaml").write_text("version: 1\ntopics: {")
    monkeypatch.setenv("LLMPATH_ROADMAP", str(tmp_path / roadmap))
    result = cli("next", code=1)
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1


TYPED = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FF), max_size=10),
    st.sampled_from(
        [
            "",
            " ",
            "-",
            "--",
            "0",
            "-1",
            "2026-02-30",
            "9999-12-31",
            "2026-W53",
            "\x1b[2J",
            "a" * 300,
            "\udcff",
            "%s",
            "{}",
            "../../etc/passwd",
        ]
    ),
)
COMMANDS = [
    lambda t: ["done", t],
    lambda t: ["start", "math-foundations", "--note", t],
    lambda t: ["skip", "math-foundations", "--on", t],
    lambda t: ["show", t],
    lambda t: ["list", "--stage", t],
    lambda t: ["roadmap", "--status", t],
    lambda t: ["next", "--track", t],
    lambda t: ["track", "use", t],
    lambda t: ["track", "use", "developer", "--from", t],
    lambda t: ["papers", "log", t],
    lambda t: ["papers", "log", t, "--new"],
    lambda t: ["papers", "log", "lora", "--on", t, "--note", t],
    lambda t: ["papers", "--week", "--of", t],
    lambda t: ["papers", "target", t],
    lambda t: ["papers", "--topic", t],
    lambda t: ["papers", "show", t],
    lambda t: ["import", t],
    lambda t: ["--roadmap", t, "next"],
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(COMMANDS), text=TYPED)
def test_random_text_in_any_argument_never_gives_a_traceback(cli, command, text):
    """`cli` fails the test on any exception; every outcome must be a clean exit."""
    from typer.testing import CliRunner

    from llmpath.cli import app

    result = CliRunner().invoke(app, command(text), catch_exceptions=False)
    assert result.exit_code in (0, 1, 2)
    if result.exit_code:
        assert "Traceback" not in result.stderr
        assert result.stderr.strip()
