"""Pace and time left: topics done a week over the whole weeks since the learner's first status change
(the last four at most), nothing in the first week, no time left on a finished track. The rule over
given days and histories, then through the real CLI with backdated changes, on both stores."""

import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import samples
from llmpath.domain.dates import local_day
from llmpath.domain.history import UNDO, Change
from llmpath.domain.progress import NOT_ENOUGH_HISTORY, PACE_WEEKS, Pace, pace, track_progress, weeks_left
from llmpath.domain.records import MemoryRecords
from llmpath.domain.state import Event, State
from llmpath.roadmap.loader import parse_roadmap

pytestmark = pytest.mark.stores

TODAY = date(2026, 11, 25)  # a Wednesday


def days_ago(*days):
    return [TODAY - timedelta(days=d) for d in days]


# --- the rule over given days ----------------------------------------------------------------------


def test_no_change_yet_means_no_pace():
    measured = pace([], None, TODAY)
    assert measured == Pace(weeks=0, done=0)
    assert measured.per_week is None and measured.reason == NOT_ENOUGH_HISTORY


@pytest.mark.parametrize("first", [0, 1, 6])
def test_the_first_week_has_not_enough_history(first):
    measured = pace(days_ago(0, 1, first), TODAY - timedelta(days=first), TODAY)
    assert measured.weeks == 0 and measured.per_week is None and measured.reason == NOT_ENOUGH_HISTORY


def test_a_week_after_the_first_change_the_last_week_is_measured():
    measured = pace(days_ago(7, 6, 0), TODAY - timedelta(days=7), TODAY)
    assert (measured.weeks, measured.done, measured.per_week, measured.reason) == (1, 2, 2.0, None)


def test_a_learner_who_began_ten_days_ago_is_measured_over_one_week_not_four():
    measured = pace(days_ago(10, 9, 3, 0), TODAY - timedelta(days=10), TODAY)
    assert measured.weeks == 1
    assert measured.per_week == 2.0  # the last 7 days: 3 and 0 days ago; divided by four it would be 0.5


@pytest.mark.parametrize(("first", "weeks"), [(13, 1), (14, 2), (20, 2), (21, 3), (27, 3), (28, 4), (400, 4)])
def test_whole_weeks_since_the_first_change_up_to_four(first, weeks):
    assert pace([], TODAY - timedelta(days=first), TODAY).weeks == weeks


def test_only_the_measured_weeks_count():
    measured = pace(days_ago(100, 40, 28, 27, 1, 0), TODAY - timedelta(days=100), TODAY)
    assert (measured.weeks, measured.done, measured.per_week) == (4, 3, 0.75)  # 28 days ago is outside


def test_weeks_left_at_the_pace():
    assert weeks_left(10, Pace(weeks=2, done=4)) == 5.0
    assert weeks_left(1, Pace(weeks=3, done=1)) == 3.0  # not from the pace rounded to 0.33
    assert weeks_left(10, Pace(weeks=4, done=0)) is None  # nothing done lately: no estimate
    assert weeks_left(10, Pace(weeks=0, done=0)) is None  # the first week
    assert weeks_left(0, Pace(weeks=0, done=0)) == 0.0  # finished, whatever the pace
    assert weeks_left(0, Pace(weeks=4, done=9)) == 0.0


@given(
    days_since_first=st.integers(-3, 200),
    done_offsets=st.lists(st.integers(0, 200), max_size=30),
    remaining=st.integers(0, 200),
)
def test_pace_is_never_negative_and_never_divides_by_more_weeks_than_have_passed(
    days_since_first, done_offsets, remaining
):
    first = TODAY - timedelta(days=days_since_first)
    done = [first + timedelta(days=offset) for offset in done_offsets]  # done on or after the first change
    measured = pace(done, first, TODAY)
    assert 0 <= measured.weeks <= PACE_WEEKS
    assert measured.weeks * 7 <= max(days_since_first, 0)
    assert 0 <= measured.done <= sum(1 for day in done if day <= TODAY)
    if measured.weeks:
        assert measured.per_week is not None and measured.per_week >= 0 and measured.reason is None
    else:
        assert measured.per_week is None and measured.reason == NOT_ENOUGH_HISTORY
    left = weeks_left(remaining, measured)
    assert left is None or left >= 0
    assert (left == 0) == (remaining == 0)


# --- over a learner's history ----------------------------------------------------------------------


AT = datetime(2026, 11, 25, tzinfo=UTC)


def event(number, topic, status, on):
    return Event(f"u{number}", number, topic, status, on, AT, None)


def progress_of(*events, undone=()):
    """Progress on the tiny roadmap's main track: one change per event, and an undo of each in `undone`."""
    roadmap = parse_roadmap(yaml.safe_dump(samples.tiny(), sort_keys=False))
    changes = [Change(e.change, f"c{e.change}", "status", "marked", AT) for e in events]
    changes += [Change(100 + n, f"undo{n}", UNDO, "undid", AT, reverts=n) for n in undone]
    state = State(roadmap, MemoryRecords(changes=changes, events=list(events)))
    return track_progress(state, roadmap.track("main"), TODAY)


def test_the_first_change_of_any_status_starts_the_history():
    started_long_ago = event(1, "gamma", "in_progress", TODAY - timedelta(days=30))
    progress = progress_of(started_long_ago, event(2, "alpha", "done", TODAY))
    assert progress.pace == Pace(weeks=4, done=1)
    assert progress.weeks_left == 8.0  # beta and gamma at a quarter of a topic a week


def test_an_undone_change_is_no_history():
    long_ago = event(1, "alpha", "done", TODAY - timedelta(days=30))
    progress = progress_of(long_ago, event(2, "alpha", "done", TODAY - timedelta(days=2)), undone=[1])
    assert progress.pace.per_week is None and progress.weeks_left is None


def test_a_finished_track_has_no_time_left():
    progress = progress_of(
        event(1, "alpha", "done", TODAY - timedelta(days=3)),
        event(2, "beta", "skipped", TODAY),
        event(3, "gamma", "done", TODAY),
    )
    assert progress.finished and progress.weeks_left == 0.0
    assert progress.pace.per_week is None  # still the first week: the pace waits, the track is done


# --- through the CLI, backdated with --on ----------------------------------------------------------


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    monkeypatch.setenv("LLMPATH_ROADMAP", str(samples.write(tmp_path / "tiny.yaml", samples.tiny())))


def on(days):
    """The day `days` ago as `--on` takes it, from the same clock the CLI reads."""
    return (local_day(datetime.now(UTC)) - timedelta(days=days)).isoformat()


def test_a_new_learner_is_told_there_is_not_enough_history(cli, cli_json, tiny):
    cli("done", "alpha", "--on", on(1))
    data = cli_json("progress")
    assert data["pace_per_week"] is None and data["pace_reason"] == "not enough history yet"
    assert data["pace_weeks"] == 0 and data["weeks_left"] is None
    out = cli("progress").stdout
    assert "Pace: not enough history yet; it starts a week after your first change" in out
    assert "Time left: 2 topics to go; an estimate comes once there is a pace" in out


def test_ten_days_in_the_pace_is_over_the_last_week(cli, cli_json, tiny):
    cli("done", "alpha", "--on", on(10))
    cli("done", "beta", "--on", on(2))
    data = cli_json("progress")
    assert (data["pace_weeks"], data["pace_per_week"], data["pace_reason"]) == (1, 1.0, None)
    assert data["weeks_left"] == 1.0
    out = cli("progress").stdout
    assert "Pace: 1 topic a week (last week)" in out
    assert "Time left at this pace: 1.0 weeks for 1 topic" in out


def test_nothing_done_in_the_measured_weeks_gives_a_pace_of_zero_and_no_estimate(cli, cli_json, tiny):
    cli("start", "alpha", "--on", on(60))
    data = cli_json("progress")
    assert (data["pace_weeks"], data["pace_per_week"], data["weeks_left"]) == (4, 0.0, None)
    out = cli("progress").stdout
    assert "Pace: 0 topics a week (last 4 weeks)" in out
    assert "Time left: 3 topics to go; an estimate comes once you mark some done" in out


def test_a_finished_track_says_so_instead_of_a_time_left(cli, cli_json, tiny):
    cli("done", "alpha", "beta", "gamma", "--on", on(15))
    data = cli_json("progress")
    assert data["weeks_left"] == 0 and data["pace_weeks"] == 2 and data["pace_per_week"] == 0.0
    out = cli("progress").stdout
    assert "Time left: none, the track is finished (every required topic is done or skipped)" in out
    assert "Time left at this pace" not in out


def test_undoing_the_first_change_takes_its_history_back(cli, cli_json, tiny):
    cli("start", "gamma", "--on", on(30))
    cli("done", "alpha")
    assert cli_json("progress")["pace_weeks"] == 4
    cli("undo")  # alpha
    cli("undo")  # gamma, the first change
    cli("done", "beta", "--on", on(3))
    assert cli_json("progress")["pace_reason"] == "not enough history yet"


@pytest.mark.sqlite_only  # PostgreSQL's date column keeps only sound days
def test_a_damaged_day_in_the_store_is_passed_over(cli, cli_json, tiny, llmpath_home):
    cli("start", "gamma", "--on", on(30))
    cli("done", "alpha", "--on", on(10))
    connection = sqlite3.connect(llmpath_home / "llmpath.db")
    with connection:
        connection.execute("UPDATE status_event SET happened_on = '0000-13-45' WHERE topic_id = 'gamma'")
    connection.close()
    assert cli_json("progress")["pace_weeks"] == 1  # from alpha's day: the damaged one sorts first, unread
