"""The pure domain: statuses from events, the next-step choice, progress figures, dates."""

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
import yaml

import samples
from llmpath.domain.dates import parse_day, same_week, week_label, week_start
from llmpath.domain.planner import plan
from llmpath.domain.progress import track_progress
from llmpath.domain.state import Event, State, latest_events
from llmpath.errors import UsageError
from llmpath.roadmap.loader import parse_roadmap

TODAY = date(2026, 11, 25)  # a Wednesday


def roadmap(change=None):
    return parse_roadmap(yaml.safe_dump(samples.tiny(change), sort_keys=False))


SEQUENCE = itertools.count(1)


def event(topic, status, on=TODAY, reverted=False):
    n = next(SEQUENCE)
    return Event(f"u{n}", f"b{n}", topic, status, on, datetime(2026, 11, 25, tzinfo=UTC), None, reverted)


def state(*events, settings=None, change=None):
    return State(roadmap(change), list(events), settings or {})


def test_status_is_the_latest_event_not_undone():
    s = state(event("alpha", "in_progress"), event("alpha", "done"), event("alpha", "todo", reverted=True))
    assert s.status("alpha") == "done"
    assert s.status("beta") == "todo"
    assert latest_events([]) == {}


def test_next_is_the_first_open_topic_in_order():
    result = plan(state(), roadmap().track("main"))
    assert [s.topic for s in result.suggestions] == ["alpha"]
    assert "first open topic" in result.suggestions[0].reason


def test_topics_in_progress_come_first():
    s = state(event("beta", "in_progress"))
    assert [x.topic for x in plan(s, s.roadmap.track("main"), 2).suggestions] == ["beta", "alpha"]


def test_prerequisites_hold_back_a_topic():
    s = state(event("alpha", "skipped"))
    track = s.roadmap.track("main")
    # beta needs alpha (skipped counts as met); gamma's module needs the whole first stage
    assert [x.topic for x in plan(s, track, 3).suggestions] == ["beta"]


def test_everything_blocked_says_what_blocks_it():
    s = state(
        event("alpha", "done"),
        event("beta", "in_progress"),
        event("beta", "todo"),
        change=lambda d: d["topics"][1]["prerequisites"].append("delta"),
    )
    result = plan(s, s.roadmap.track("main"))
    assert result.suggestions == []
    assert not result.finished
    assert result.blocked[0].topic == "beta" and result.blocked[0].missing == ("delta",)


def test_a_finished_track_says_so():
    s = state(event("alpha", "done"), event("beta", "done"), event("gamma", "skipped"))
    result = plan(s, s.roadmap.track("main"))
    assert result.finished and result.suggestions == []


def test_a_starting_stage_assumes_the_earlier_ones_and_keeps_them_open():
    s = state(settings={"start_stage:main": "second"})
    track = s.roadmap.track("main")
    result = plan(s, track, 3)
    assert [x.topic for x in result.suggestions] == ["gamma", "alpha"]
    assert "chose to start at Second" in result.suggestions[0].reason
    assert track_progress(s, track, TODAY).tally.total == 3


def test_percent_leaves_skipped_topics_out():
    s = state(event("alpha", "done"), event("beta", "skipped"))
    progress = track_progress(s, s.roadmap.track("main"), TODAY)
    assert (progress.tally.done, progress.tally.skipped, progress.tally.total) == (1, 1, 3)
    assert progress.tally.percent == 50.0


def test_pace_and_time_left():
    s = state(
        event("alpha", "done", on=TODAY - timedelta(days=20)), event("beta", "done", on=TODAY - timedelta(days=2))
    )
    progress = track_progress(s, s.roadmap.track("main"), TODAY)
    assert progress.pace_per_week == 0.5
    assert progress.weeks_left == 2.0
    assert progress.done_this_week == 1  # Monday 23rd counts, the 5th does not


def test_no_pace_yet_means_no_estimate():
    progress = track_progress(state(), roadmap().track("main"), TODAY)
    assert progress.pace_per_week == 0 and progress.weeks_left is None


def test_level_reached():
    s = state(event("alpha", "done"))
    level = track_progress(s, s.roadmap.track("levels"), TODAY).level
    assert (level.reached, level.working_on) == ("Practitioner", "Architect")
    assert track_progress(state(), roadmap().track("levels"), TODAY).level.reached is None
    assert track_progress(s, s.roadmap.track("main"), TODAY).level is None


def test_stage_prerequisites_apply_on_their_own_track_only():
    r = roadmap()
    assert r.requirements(r.track("levels"), "delta") == ["alpha"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-11-20", date(2026, 11, 20)), ("today", TODAY), (" Yesterday ", date(2026, 11, 24))],
)
def test_parse_day(text, expected):
    assert parse_day(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-02-30", "not a real day"),
        ("2026-11-26", "in the future"),
        ("next week", "not a date"),
        ("2026-W48-1", "not a date"),
        ("20261120", "not a date"),
    ],
)
def test_parse_day_refuses(text, message):
    with pytest.raises(UsageError, match=message):
        parse_day(text, TODAY)


def test_weeks_start_on_monday():
    sunday = date(2026, 11, 29)
    monday = date(2026, 11, 30)
    assert week_start(sunday) == date(2026, 11, 23)
    assert not same_week(sunday, monday)
    assert week_label(monday) == "2026-W49"
