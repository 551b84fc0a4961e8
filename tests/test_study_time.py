"""Daily study time through the CLI: logging it, the timer, the daily target, the calendar; each a
change of the one history (undoable, exported, imported), on SQLite and PostgreSQL."""

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest

from llmpath.app import changes
from llmpath.domain.dates import local_day
from llmpath.paths import resolve

pytestmark = pytest.mark.stores


def today_json(cli_json):
    return cli_json("study")


def test_study_logs_time_to_the_topic_in_progress_or_none(cli, cli_json):
    out = cli("study", "30m").stdout
    assert "30m" in out and "Today: 30/30m" in out
    cli("start", "math-foundations")
    cli("study", "1h30m", "--note", "eigenvectors")
    cli("study", "log", "45", "rag-retrieval-methods")
    sessions = today_json(cli_json)["sessions"]
    assert [(s["topic"], s["minutes"], s["note"]) for s in sessions] == [
        (None, 30, None),
        ("math-foundations", 90, "eigenvectors"),
        ("rag-retrieval-methods", 45, None),
    ]
    now = today_json(cli_json)
    assert (now["minutes"], now["target"], now["met"]) == (165, 30, True)
    assert cli_json("show", "math-foundations")["minutes"] == 90


@pytest.mark.parametrize(
    ("typed", "minutes"), [("45m", 45), ("1h30m", 90), ("1.5h", 90), ("90", 90), ("2h", 120), ("1h 5m", 65)]
)
def test_every_duration_form_logs_its_minutes(cli, cli_json, typed, minutes):
    cli("study", typed)
    assert today_json(cli_json)["minutes"] == minutes


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["0m"], "under a minute"),
        (["-5m"], "negative"),
        (["25h"], "more than a day"),
        (["abc"], "is not a duration"),
        (["30m", "--on", "2999-01-01"], "in the future"),
        (["30m", "no-such-topic-at-all"], "no topic matches"),
    ],
)
def test_a_bad_duration_or_day_is_one_line_and_changes_nothing(cli, store_contents, args, message):
    cli("next")
    before = store_contents()
    error = cli("study", *args, code=2).stderr
    assert message in error and len(error.strip().splitlines()) == 1 and "Traceback" not in error
    assert store_contents() == before


def test_a_day_never_holds_more_than_24_hours(cli, cli_json, store_contents):
    cli("study", "20h", "--on", "2026-11-20")
    before = store_contents()
    error = cli("study", "5h", "--on", "2026-11-20", code=2).stderr
    assert "more than 24h in one day" in error
    assert store_contents() == before
    cli("study", "4h", "--on", "2026-11-20")  # exactly a day is allowed


def test_undo_takes_back_study_time_and_the_target(cli, cli_json):
    cli("study", "30m")
    cli("study", "target", "45m")
    assert today_json(cli_json)["target"] == 45
    cli("undo")
    assert today_json(cli_json)["target"] == 30
    cli("undo")
    assert today_json(cli_json)["minutes"] == 0


def test_a_past_day_keeps_the_target_it_had(cli, cli_json):
    cli("study", "35m", "--on", "yesterday")
    cli("study", "target", "1h")
    days = {d["on"]: d for d in cli_json("calendar", "--weeks", "2")["days"]}
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    assert days[yesterday]["target"] == 30 and days[yesterday]["level"] == 3
    assert today_json(cli_json)["target"] == 60


# --- the timer ---------------------------------------------------------------------------------------


def test_a_timer_runs_across_commands_and_stop_logs_it(cli, cli_json):
    cli("start", "math-foundations")
    assert "timer started on" in cli("study", "start").stdout
    assert today_json(cli_json)["timer"]["topic"] == "math-foundations"
    error = cli("study", "start", code=2).stderr
    assert "already" in error
    assert "nothing counted" in cli("study", "stop").stdout  # stopped at once: under a minute
    assert today_json(cli_json)["timer"] is None
    assert "no study timer is running" in cli("study", "stop", code=2).stderr


def test_undo_of_a_start_cancels_the_timer(cli, cli_json):
    cli("study", "start")
    cli("undo")
    assert today_json(cli_json)["timer"] is None


def started_earlier(store, llmpath_home, store_sql, started_at):
    """Move the running timer's start back, as if started then (the machine slept meanwhile)."""
    stamp = started_at.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    if store == "sqlite":
        connection = sqlite3.connect(llmpath_home / "llmpath.db")
        with connection:
            connection.execute("UPDATE study_timer SET started_at = ?", (stamp,))
        connection.close()
    else:
        store_sql("UPDATE study_timer SET started_at = ?", (started_at,))


def test_a_timer_counts_to_the_day_it_started(cli, cli_json, store, llmpath_home, store_sql):
    cli("study", "start")
    started = datetime.now(UTC) - timedelta(hours=2)
    started_earlier(store, llmpath_home, store_sql, started)
    cli("study", "stop")
    session = cli_json("log", "--json")["entries"][0]
    assert session["kind"] == "study"
    minutes = cli_json("calendar", "--weeks", "2")["days"]
    day = local_day(started).isoformat()
    assert {d["on"]: d["minutes"] for d in minutes}[day] == 120


def test_a_timer_left_over_12_hours_asks_for_the_real_length(cli, cli_json, store, llmpath_home, store_sql):
    cli("study", "start")
    started_earlier(store, llmpath_home, store_sql, datetime.now(UTC) - timedelta(hours=13))
    error = cli("study", "stop", code=2).stderr
    assert "over 12h" in error and "--length" in error
    assert today_json(cli_json)["timer"] is not None  # still running, nothing logged
    cli("study", "stop", "--length", "50m")
    day = local_day(datetime.now(UTC) - timedelta(hours=13)).isoformat()
    assert {d["on"]: d["minutes"] for d in cli_json("calendar", "--weeks", "2")["days"]}[day] == 50


def test_a_clock_set_back_never_gives_a_negative_duration(llmpath_home, cli):
    cli("next")
    paths = resolve()
    changes.start_timer(paths, None)
    reading, session, _ = changes.stop_timer(paths, 20, None, stopped_at=datetime.now(UTC) - timedelta(hours=1))
    assert reading.minutes is None and session.minutes == 20  # asked, and given
    changes.start_timer(paths, None)
    with pytest.raises(Exception, match="clock was set back"):
        changes.stop_timer(paths, None, None, stopped_at=datetime.now(UTC) - timedelta(hours=1))


# --- the calendar ----------------------------------------------------------------------------------------


def test_the_calendar_counts_study_topics_and_papers_and_fits_80_columns(cli, cli_json, monkeypatch):
    cli("study", "1h", "--on", "yesterday")
    cli("done", "math-foundations")
    cli("papers", "log", "lora")
    data = cli_json("calendar")
    days = {d["on"]: d for d in data["days"]}
    today = date.today().isoformat()
    assert days[today]["topics"] == 1 and days[today]["papers"] == 1 and days[today]["level"] == 1
    assert data["streak"]["current"] == 1 and "missed day" in data["streak"]["grace"]
    text = cli("calendar").stdout
    assert "one missed day in seven is forgiven" in text
    assert all(len(line) <= 80 for line in text.splitlines())
    assert {"█", "░"} <= set(text)  # without colour, the shades are characters of their own


# --- exported and imported ----------------------------------------------------------------------------


def test_study_time_travels_in_the_export(cli, cli_json, tmp_path, another_store):
    cli("study", "45m", "math-foundations", "--on", "2026-11-20", "--note", "proofs")
    cli("study", "target", "40m")
    cli("study", "start")
    cli("study", "stop")
    backup = tmp_path / "backup.json"
    cli("export", "-o", str(backup))
    data = json.loads(backup.read_text())
    assert [s["minutes"] for s in data["study_sessions"]] == [45, 0]
    assert data["study_sessions"][1]["timer"] == data["study_timers"][0]["uid"]
    assert data["study_targets"][0]["target"] == 40
    before = cli_json("calendar", "--weeks", "4")
    another_store()
    cli("import", str(backup))
    after = cli_json("calendar", "--weeks", "4")
    assert after["days"] == before["days"] and after["target"] == 40
    assert today_json(cli_json)["timer"] is None  # the stopped timer stays stopped


def test_an_import_whose_session_names_no_timer_is_refused(cli, tmp_path, store_contents):
    cli("study", "start")
    cli("study", "stop")
    data = json.loads(cli("export").stdout)
    data["study_sessions"][0]["timer"] = "no-such-timer"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    before = store_contents()
    assert "study_sessions[0].timer" in cli("import", str(bad), code=2).stderr
    data["study_sessions"][0]["timer"] = None
    data["study_sessions"][0]["minutes"] = 5000
    bad.write_text(json.dumps(data))
    assert "study_sessions[0].minutes" in cli("import", str(bad), code=2).stderr
    data["study_sessions"][0]["minutes"] = 30
    data["study_targets"] = [{**data["study_sessions"][0], "target": 0}]  # a daily target of no time at all
    data["study_targets"][0] = {k: data["study_targets"][0][k] for k in ("uid", "change", "target", "on", "at")}
    bad.write_text(json.dumps(data))
    assert "study_targets[0].target" in cli("import", str(bad), code=2).stderr
    assert store_contents() == before
