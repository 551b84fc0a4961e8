"""The pure domain: statuses from events, the next-step choice, progress figures, dates."""

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
import yaml

import samples
from llmpath.domain.dates import parse_day, same_week, week_label, week_start
from llmpath.domain.history import UNDO, Change
from llmpath.domain.planner import plan
from llmpath.domain.progress import track_progress
from llmpath.domain.records import MemoryRecords
from llmpath.domain.state import Event, SettingRecord, State, latest_events
from llmpath.errors import UsageError
from llmpath.roadmap.loader import parse_roadmap

TODAY = date(2026, 11, 25)  # a Wednesday


def roadmap(change=None):
    return parse_roadmap(yaml.safe_dump(samples.tiny(change), sort_keys=False))


SEQUENCE = itertools.count(1)


def event(topic, status, on=TODAY, reverted=False):
    n = next(SEQUENCE)
    return Event(f"u{n}", n, topic, status, on, datetime(2026, 11, 25, tzinfo=UTC), None, reverted)


def records(events=(), settings=None, **more):
    """A history in memory: one change per event, and an undo for each event marked reverted."""
    at = datetime(2026, 11, 25, tzinfo=UTC)
    changes = [Change(e.change, f"c{e.change}", "status", "marked", at) for e in events]
    changes += [
        Change(10_000 + e.change, f"undo{e.change}", UNDO, "undid", at, reverts=e.change) for e in events if e.reverted
    ]
    kept = [SettingRecord(0, key, value) for key, value in (settings or {}).items()]
    return MemoryRecords(changes=changes, events=list(events), setting_changes=kept, **more)


def state(*events, settings=None, change=None):
    return State(roadmap(change), records(events, settings))


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
    assert progress.pace.per_week == 0.5  # over the 2 whole weeks since alpha: beta alone
    assert progress.weeks_left == 2.0
    assert progress.done_this_week == 1  # Monday 23rd counts, the 5th does not


def test_no_pace_yet_means_no_estimate():
    progress = track_progress(state(), roadmap().track("main"), TODAY)
    assert progress.pace.per_week is None and progress.weeks_left is None


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


# --- stage lookup, status filters, the paper line, the ahead notice ------------------------------


def test_find_stage_by_id_number_entry_point_title_and_prefix():
    from llmpath.domain.stages import find_stage

    track = roadmap().track("main")
    assert [find_stage(track, q).id for q in ("second", "2", " 1 ", "late", "First", "sec", "SECOND")] == [
        "second",
        "second",
        "first",
        "second",
        "first",
        "second",
        "second",
    ]


def test_find_stage_refuses_an_ambiguous_prefix():
    from llmpath.domain.stages import find_stage

    def rename(data):
        data["tracks"][0]["stages"][0]["title"] = "Part One"
        data["tracks"][0]["stages"][1]["title"] = "Part Two"

    track = roadmap(rename).track("main")
    assert find_stage(track, "part two").id == "second"
    with pytest.raises(UsageError) as caught:
        find_stage(track, "part")
    assert str(caught.value) == (
        "'part' matches several stages of main: first (Part One), second (Part Two); name one by its id"
    )


@pytest.mark.parametrize("query", ["third", "3", "0", ""])
def test_find_stage_names_the_stages_when_none_matches(query):
    from llmpath.domain.stages import find_stage

    with pytest.raises(UsageError) as caught:
        find_stage(roadmap().track("main"), query)
    assert str(caught.value) == f"main has no stage {query!r}; its stages are 1: first, 2: second"


def test_parse_statuses():
    from llmpath.domain.state import parse_statuses

    assert parse_statuses(None) is None
    assert parse_statuses([]) is None
    assert parse_statuses(["In-Progress", " done ", "in progress", "TODO"]) == {"in_progress", "done", "todo"}
    with pytest.raises(UsageError) as caught:
        parse_statuses(["done", "finished"])
    assert str(caught.value) == "'finished' is not a status; use todo, in_progress, done or skipped"


def paper_state(reads=(), targets=(), settings=None, change=None):
    from llmpath.domain.papers import Read

    logged = [(0, Read(f"r{i}", paper, on, datetime(2026, 11, 1, tzinfo=UTC))) for i, (paper, on) in enumerate(reads)]
    return State(roadmap(change), records((), settings, paper_reads=logged, paper_targets=list(targets)))


def more_papers(data):
    data["papers"].append({"id": "p2", "title": "Second Paper", "priority": "Important", "topics": ["beta"]})
    data["papers"].append({"id": "p3", "title": "Third Paper", "priority": "Essential", "topics": ["gamma"]})


def test_week_summary_counts_this_weeks_papers_and_suggests_one_unread():
    from llmpath.domain.papers import week_summary

    s = paper_state()
    assert week_summary(s, s.roadmap.track("main"), TODAY) == {
        "week": "2026-W48",
        "count": 0,
        "target": 2,
        "met": False,
        "suggestion": {"id": "paper", "title": "A Paper"},
    }
    last_week = TODAY - timedelta(weeks=1)
    s = paper_state(reads=[("paper", TODAY), ("paper", TODAY), ("paper", last_week)])
    assert week_summary(s, s.roadmap.track("main"), TODAY) == {
        "week": "2026-W48",
        "count": 1,
        "target": 2,
        "met": False,
        "suggestion": None,
    }
    assert week_summary(s, s.roadmap.track("main"), last_week)["week"] == "2026-W47"


def test_week_summary_follows_the_target_in_force():
    from llmpath.domain.papers import TargetChange, week_summary

    s = paper_state(reads=[("paper", TODAY)], targets=[TargetChange(1, TODAY - timedelta(days=1))])
    summary = week_summary(s, s.roadmap.track("main"), TODAY)
    assert (summary["count"], summary["target"], summary["met"]) == (1, 1, True)


def test_suggested_papers_put_essential_and_focus_first_and_skip_read_ones():
    from llmpath.domain.papers import suggested_papers, week_summary

    s = paper_state(change=more_papers)
    main = s.roadmap.track("main")
    # By default the focus is what `next` shows (alpha): its Essential paper first, then the
    # other Essential one, then the Important one.
    assert [p.id for p in suggested_papers(s, 3)] == ["paper", "p3", "p2"]
    assert [p.id for p in suggested_papers(s, 3, main, ["gamma"])] == ["p3", "paper", "p2"]
    assert [p.id for p in suggested_papers(s, 1, main, ["gamma"])] == ["p3"]
    assert week_summary(s, main, TODAY, ["gamma"])["suggestion"] == {"id": "p3", "title": "Third Paper"}
    read = paper_state(reads=[("paper", TODAY), ("p3", TODAY)], change=more_papers)
    assert [p.id for p in suggested_papers(read, 3)] == ["p2"]


def test_home_track_is_the_active_one_when_it_holds_the_topic():
    from llmpath.domain.planner import home_track

    s = state()
    assert home_track(s, "alpha").id == "main"
    assert home_track(s, "delta").id == "levels"  # only on levels
    assert home_track(state(settings={"active_track": "levels"}), "alpha").id == "levels"
    assert home_track(state(settings={"active_track": "levels"}), "beta").id == "main"


def test_ahead_of_prerequisites_lists_the_open_ones_on_the_home_track():
    from llmpath.domain.planner import ahead_of_prerequisites

    s = state(event("beta", "done"), event("gamma", "in_progress"), event("delta", "done"))
    found = ahead_of_prerequisites(s, ["delta", "beta", "gamma"], "done")
    assert [(a.topic, a.track.id, a.missing) for a in found] == [
        ("delta", "levels", ("alpha",)),  # the senior stage needs the junior one, on levels only
        ("beta", "main", ("alpha",)),
        ("gamma", "main", ("alpha",)),  # its module needs the first stage; beta is done
    ]
    assert [a.topic for a in ahead_of_prerequisites(s, ["beta"], "in_progress")] == ["beta"]


def test_ahead_of_prerequisites_is_empty_when_met_or_not_asked():
    from llmpath.domain.planner import ahead_of_prerequisites

    s = state(event("alpha", "skipped"), event("beta", "done"))
    assert ahead_of_prerequisites(s, ["alpha", "beta", "delta"], "done") == []
    blocked = state(event("beta", "skipped"))
    assert ahead_of_prerequisites(blocked, ["beta"], "skipped") == []
    assert ahead_of_prerequisites(blocked, ["beta"], "todo") == []
    assert ahead_of_prerequisites(blocked, [], "done") == []
