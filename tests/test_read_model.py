"""The database as its own read model: what is in force, kept in tables by every write, agrees with
the domain's rules over the whole history, whatever the history; and one damaged record never
takes the rest hostage."""

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import samples
from llmpath.app import access, caches, changes, readmodel, transfer
from llmpath.domain.badge import badge_fields
from llmpath.domain.dates import local_day, week_start
from llmpath.domain.state import State
from llmpath.errors import UsageError
from llmpath.exchange import validate
from llmpath.paths import resolve

TOPICS = ("alpha", "beta", "gamma", "delta")
TODAY = local_day(datetime.now(UTC))


def summary(state):
    """What a learner sees of a state, in terms that survive an export (no change ids)."""
    log = state.paper_log
    monday = week_start(TODAY)
    undoable = next(
        (
            c
            for c in state.records.changes_newest_first()
            if c.id not in state.records.taken_back() and c.kind != "sync"
        ),
        None,
    )
    return {
        "statuses": {t: state.status(t) for t in TOPICS},
        "history": {t: [(e.status, e.happened_on, e.reverted) for e in state.history(t)] for t in TOPICS},
        "settings": state.settings,
        "reads": log.read_counts(),
        "readings": sorted(
            (r.paper, r.read_on, r.note, r.pass_number)
            for r in state.records.reads().between(TODAY - timedelta(days=30), TODAY)
        ),
        "notes": {t: [n.note for n in state.records.topic_notes(t)] for t in TOPICS},
        "links": {t: [(link.url, link.title) for link in state.records.topic_links(t)] for t in TOPICS},
        "study": state.records.study_minutes(TODAY - timedelta(days=30), TODAY),
        "study targets": [(t.target_minutes, t.set_on) for t in state.records.study_targets()],
        "studied on": {t: sum(s.minutes for s in state.records.topic_sessions(t)) for t in TOPICS},
        "timer": (timer.topic,) if (timer := state.records.running_timer()) else None,
        "weeks": [(w.count, w.target) for w in (log.week(monday - timedelta(weeks=k)) for k in range(3))],
        "streak": log.streak(monday, TODAY),
        "own": sorted(p.title for p in state.own_papers),
        "latest in force": (undoable.kind, undoable.summary) if undoable else None,
    }


def whole_history_state(paths):
    """The state the domain's rules give over every stored record, read model set aside."""
    state = access.read_state(paths)
    history, damaged = readmodel.whole_history(state.records.connection)
    assert damaged == []
    return State(state.roadmap, history)


def in_the_write_path(paths):
    """The state a write sees inside its own transaction (a write that records nothing)."""
    return changes.write(paths, lambda _connection, state: summary(state))[0]


STEPS = st.one_of(
    # (kind, what, a number of days ago; for a status change, the status)
    st.tuples(st.just("status"), st.sampled_from(TOPICS), st.sampled_from(["todo", "in_progress", "done", "skipped"])),
    st.tuples(st.just("read"), st.sampled_from(["paper", "own"]), st.integers(0, 20)),
    st.tuples(st.just("target"), st.integers(1, 5), st.integers(0, 20)),
    # a reading of that day amended with a pass (or logged with it), or removed
    st.tuples(st.just("amend"), st.integers(1, 3), st.integers(0, 3)),
    st.tuples(st.just("unlog"), st.sampled_from([None, 0, 1, 2]), st.just(0)),
    st.tuples(st.sampled_from(["note", "link"]), st.sampled_from(TOPICS), st.integers(0, 2)),
    st.tuples(st.just("study"), st.sampled_from([None, *TOPICS]), st.integers(0, 2)),
    st.tuples(st.sampled_from(["timer start", "timer stop"]), st.sampled_from([None, *TOPICS]), st.just(0)),
    st.tuples(st.just("study target"), st.integers(1, 120), st.integers(0, 2)),
    st.tuples(st.just("track"), st.sampled_from([None, "main", "levels"]), st.just(0)),
    st.tuples(st.just("undo"), st.just(None), st.just(0)),
    st.tuples(st.just("reimport"), st.just(None), st.just(0)),
)


def apply(paths, step, exported):
    kind, what, days = step
    try:
        if kind == "status":
            changes.record_status(paths, [what], days, TODAY, None)
        elif kind == "read":
            paper, title = ("paper", None) if what == "paper" else (None, "My own notes")
            changes.log_read(paths, paper, title, TODAY - timedelta(days=days), None, None)
        elif kind == "target":
            changes.set_target(paths, what, TODAY - timedelta(days=days))
        elif kind == "amend":
            changes.log_read(paths, "paper", None, TODAY - timedelta(days=days), f"pass {what}", what)
        elif kind == "unlog":
            changes.unlog_read(paths, "paper", None if what is None else TODAY - timedelta(days=what))
        elif kind == "note":
            changes.record_status(paths, [what], "todo", TODAY - timedelta(days=days), f"note {days}")
        elif kind == "link":
            changes.add_link(paths, what, f"https://example.org/{days}", f"title {days}" if days else None)
        elif kind == "study":
            changes.log_study(paths, 25 + days, what, TODAY - timedelta(days=days), None)
        elif kind == "timer start":
            changes.start_timer(paths, what)
        elif kind == "timer stop":
            changes.stop_timer(paths, 15, None)
        elif kind == "study target":
            changes.set_study_target(paths, what, TODAY - timedelta(days=days))
        elif kind == "track":
            changes.set_settings(paths, {"active_track": what}, f"track {what}")
        elif kind == "undo":
            changes.undo(paths)
        elif exported:  # an export of this store taken earlier, imported back
            transfer.import_records(paths, validate(exported[-1]), "earlier.json")
    except UsageError:
        pass  # nothing to undo: a learner sees the same message
    readmodel.close_reads()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEPS, min_size=1, max_size=10))
def test_any_history_gives_one_state_through_every_path(tmp_path_factory, monkeypatch, steps):
    home = tmp_path_factory.mktemp("home")
    roadmap = samples.write(tmp_path_factory.mktemp("roadmap") / "roadmap.yaml", samples.tiny())
    monkeypatch.setenv("LLMPATH_HOME", str(home))
    monkeypatch.setenv("LLMPATH_ROADMAP", str(roadmap))
    paths = resolve()
    exported = []
    for i, step in enumerate(steps):
        apply(paths, step, exported)
        if i == len(steps) // 2:
            exported.append(transfer.export_document(paths))

    read = summary(access.read_state(paths))
    assert read == summary(whole_history_state(paths))  # the read model: the rules over the whole history
    assert read == in_the_write_path(paths)
    state = access.read_state(paths)
    fields = {name: str(value) for name, value in badge_fields(state, TODAY).items()}
    generation = readmodel.generation_of(state)
    readmodel.close_reads()
    from llmpath.badge import read_cache

    cached = read_cache(str(paths.badge))  # written by the last write, from its own read
    assert {name: cached[name] for name in fields} == fields and cached["generation"] == str(generation)
    paths.badge.unlink()
    assert caches.badge_for_prompt(paths) == {**fields, "generation": str(generation)}

    document = transfer.export_document(paths)
    other = tmp_path_factory.mktemp("other")
    monkeypatch.setenv("LLMPATH_HOME", str(other))
    transfer.import_records(resolve(), validate(json.loads(json.dumps(document))), "backup.json")
    assert summary(access.read_state(resolve()))["statuses"] == read["statuses"]
    copied = summary(access.read_state(resolve()))
    readmodel.close_reads()
    # The import is one more change in the history there: everything else is the same.
    assert {k: v for k, v in copied.items() if k != "latest in force"} == {
        k: v for k, v in read.items() if k != "latest in force"
    }


# --- one damaged record ------------------------------------------------------------------------------------

DAMAGES = {
    "event date": ("status_event", "happened_on", "2026-13-45"),
    "event time": ("status_event", "recorded_at", "yesterday"),
    "event status": ("status_event", "status", "finished"),
    "event note": ("status_event", "note", b"\xff\xfe"),  # a blob: a number would become text
    "read date": ("paper_read", "read_on", "someday"),
    "read pass": ("paper_read", "pass_number", "twice"),
    "target": ("paper_target", "target", 9999),
    "target date": ("paper_target", "set_on", 20261101),
    "setting value": ("setting_change", "value", b"\x00"),
    "change kind": ("change", "kind", "magic"),
    "change time": ("change", "recorded_at", "2026-02-30 10:00:00"),
    "own paper title": ("own_paper", "title", b"title"),
    "event's change": ("status_event", "change_id", "7x"),
    "read's change": ("paper_read", "change_id", "x"),
    "change linking forward": ("change", "reverts", 10**6),
}


@pytest.fixture
def recorded(cli, llmpath_home):
    cli("done", "math-foundations", "--note", "kept")
    cli("start", "classical-ml")
    cli("papers", "log", "bert")
    cli("papers", "log", "My own preprint", "--new")
    cli("papers", "target", "3")
    cli("track", "use", "complete")
    return llmpath_home / "llmpath.db"


def edit_store(database, *statements):
    """Change the store behind llmpath's back, as a hand edit would, in one transaction."""
    connection = sqlite3.connect(database)
    with connection:
        for statement in statements:
            connection.execute(statement)
    connection.close()


def damage(database, table, column, value):
    """Scribble one value of the table's latest row, as a disk or a hand edit might."""
    connection = sqlite3.connect(database)
    with connection:
        (row_id, record_id) = connection.execute(f"SELECT rowid, id FROM {table} ORDER BY rowid DESC").fetchone()
        connection.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (value, row_id))
    connection.close()
    return record_id


@pytest.mark.parametrize("damaged", DAMAGES, ids=list(DAMAGES))
def test_one_damaged_record_is_named_by_doctor_and_left_out_of_views_and_export(cli, cli_json, recorded, damaged):
    table, column, value = DAMAGES[damaged]
    row_id = damage(recorded, table, column, value)
    for command in (
        ["next"],
        ["progress"],
        ["list"],
        ["roadmap"],
        ["papers"],
        ["papers", "--week"],
        ["papers", "show", "bert"],
        ["show", "math-foundations"],
    ):
        cli(*command)
        cli_json(*command)
    cli("undo")  # walks past the damaged change, if it is one
    doctor = cli("doctor", code=1).stdout
    assert f"BAD  {table} record {row_id} cannot be read" in doctor
    exported = json.loads(cli("export").stdout)
    validate(exported)  # still a file llmpath imports
    assert len(exported["changes"]) >= 6
    assert "math-foundations" in {e["topic"] for e in exported["status_events"]} or damaged.startswith("change")


def test_a_change_linking_to_itself_never_holds_up_undo(recorded, llmpath_home):
    import subprocess
    import sys

    edit_store(recorded, "UPDATE change SET imported_by = id WHERE kind = 'status'")
    env = {"LLMPATH_HOME": str(llmpath_home), "PATH": "/usr/bin:/bin"}
    for command in (["undo"], ["undo"], ["doctor"]):
        subprocess.run([sys.executable, "-m", "llmpath", *command], env=env, timeout=60, capture_output=True)


def test_damaged_readings_are_left_out_of_counts_too(cli, cli_json, llmpath_home):
    for day in ("2026-11-01", "2026-11-02", "2026-11-03"):
        cli("papers", "log", "bert", "--on", day)
    edit_store(
        llmpath_home / "llmpath.db",
        "UPDATE paper_read SET read_on = '0000' WHERE id = 1",
        "UPDATE paper_read SET change_id = 'x' WHERE id = 2",
    )
    shown = {p["id"]: p["reads"] for p in cli_json("papers")["papers"]}
    assert shown["bert"] == 1


def test_doctor_sees_a_read_model_edited_behind_its_back(cli, llmpath_home):
    cli("done", "math-foundations")
    cli("start", "classical-ml")
    edit_store(llmpath_home / "llmpath.db", "UPDATE topic_status SET status = 'done' WHERE topic_id = 'classical-ml'")
    assert "BAD  the read model disagrees with the history" in cli("doctor", code=1).stdout


def test_a_damaged_record_does_not_stop_a_write(cli, cli_json, recorded):
    damage(recorded, "status_event", "happened_on", "not a date")
    cli("done", "deep-learning")
    assert cli_json("show", "deep-learning")["status"] == "done"


def test_a_future_stamped_change_is_only_as_late_as_its_place(cli, cli_json, llmpath_home):
    cli("done", "math-foundations")
    edit_store(
        llmpath_home / "llmpath.db",
        "UPDATE change SET recorded_at = '9999-12-31 23:59:59.000000' WHERE kind = 'status'",
        "UPDATE status_event SET recorded_at = '9999-12-31 23:59:59.000000'",
    )
    assert "in progress" in cli("start", "math-foundations").stdout
    assert cli_json("show", "math-foundations")["status"] == "in_progress"
    assert "in progress → done" in " ".join(cli("undo").stdout.split())
    assert cli_json("show", "math-foundations")["status"] == "done"


def test_reads_query_only_the_store(cli, cli_json, llmpath_home):
    """No copy of everything beside the store: a read leaves only the database and the badge."""
    cli("done", "math-foundations")
    cli_json("progress")
    assert sorted(p.name for p in llmpath_home.iterdir()) == ["badge.txt", "cache.lock", "llmpath.db"]


def test_doctor_repair_decides_the_read_model_again(cli, cli_json, llmpath_home):
    cli("done", "math-foundations")
    edit_store(llmpath_home / "llmpath.db", "DELETE FROM topic_status")
    assert "BAD  the read model disagrees with the history" in cli("doctor", code=1).stdout
    assert "BAD" not in cli("doctor", "--repair").stdout
    assert cli_json("show", "math-foundations")["status"] == "done"


def test_reads_do_not_import_sqlalchemy_or_yaml(llmpath_home):
    import subprocess
    import sys

    code = (
        "import sys; from typer.testing import CliRunner; from llmpath.cli import app; "
        "r = CliRunner().invoke(app, ['progress']); assert r.exit_code == 0, r.output; "
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'yaml') if m in sys.modules))"
    )
    env = {"LLMPATH_HOME": str(llmpath_home), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "llmpath", "next"], env=env, check=True, capture_output=True)
    shown = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    assert shown.stdout.strip() == "[]"
