"""Study time in the other views: `show` gives a topic's time, `log` tells study entries, `progress`
gives this week's and the four before's, the study pace and the roadmap's estimate for the stages
left, `status` today's minutes and the streak. The rules over given sessions, then through the real
CLI on both stores."""

from datetime import UTC, date, datetime, timedelta

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import samples
from llmpath.domain.dates import local_day, week_label, week_start
from llmpath.domain.progress import NOT_ENOUGH_HISTORY, pace, study_pace
from llmpath.domain.records import MemoryRecords
from llmpath.domain.state import State
from llmpath.domain.study import GRACE_NOTE, StudySession
from llmpath.roadmap.loader import parse_roadmap

pytestmark = pytest.mark.stores

TODAY = date(2026, 11, 25)  # a Wednesday
AT = datetime(2026, 11, 25, tzinfo=UTC)


def state_with(*sessions: tuple[int, int]) -> State:
    """The tiny roadmap and study sessions of (days before TODAY, minutes), none of them undone."""
    roadmap = parse_roadmap(yaml.safe_dump(samples.tiny(), sort_keys=False))
    studied = [
        StudySession(f"s{n}", n, None, minutes, TODAY - timedelta(days=ago), AT)
        for n, (ago, minutes) in enumerate(sessions, 1)
    ]
    return State(roadmap, MemoryRecords(sessions=studied))


# --- the study pace over given sessions ------------------------------------------------------------


def test_no_study_pace_in_the_first_week_since_study_was_first_logged():
    assert study_pace(state_with(), TODAY).per_week is None
    measured = study_pace(state_with((6, 600), (0, 30)), TODAY)
    assert (measured.per_week, measured.reason) == (None, NOT_ENOUGH_HISTORY)


def test_the_study_pace_is_the_minutes_of_the_last_whole_weeks():
    # First logged ten days ago: one whole week is measured, the six days before today and today.
    measured = study_pace(state_with((10, 60), (7, 500), (6, 30), (0, 45)), TODAY)
    assert (measured.weeks, measured.minutes, measured.per_week) == (1, 75, 75)
    # Months of it: the last four weeks only.
    measured = study_pace(state_with((90, 1000), (28, 1000), (27, 100), (1, 20)), TODAY)
    assert (measured.weeks, measured.minutes, measured.per_week) == (4, 120, 30)


@given(sessions=st.lists(st.tuples(st.integers(0, 60), st.integers(1, 600)), min_size=1, max_size=12))
def test_the_study_pace_measures_the_weeks_the_topic_pace_would(sessions):
    measured = study_pace(state_with(*sessions), TODAY)
    first = TODAY - timedelta(days=max(ago for ago, _minutes in sessions))
    assert measured.weeks == pace([], first, TODAY).weeks
    assert measured.minutes <= sum(minutes for _ago, minutes in sessions)
    if measured.weeks:
        assert abs(measured.per_week * measured.weeks - measured.minutes) <= measured.weeks / 2


# --- through the CLI -------------------------------------------------------------------------------


def today() -> date:
    return local_day(datetime.now(UTC))


def study(cli, duration: str, *args: str, days_ago: int = 0):
    cli("study", "log", duration, *args, "--on", (today() - timedelta(days=days_ago)).isoformat())


def test_show_gives_the_time_studied_on_the_topic(cli, cli_json):
    assert "Studied: no time logged yet" in cli("show", "math-foundations").stdout
    study(cli, "1h30m", "math-foundations", days_ago=1)
    study(cli, "45m", "math-foundations")
    study(cli, "20m", "rag-retrieval-methods")
    study(cli, "15m", "math-foundations")
    cli("undo")  # taken back: it no longer counts
    assert "Studied: 2h15m" in cli("show", "math-foundations").stdout
    assert cli_json("show", "math-foundations")["minutes"] == 135
    assert cli_json("show", "rag-retrieval-methods")["minutes"] == 20


def test_log_tells_study_time_timers_and_targets(cli, cli_json):
    study(cli, "1h30m", "math-foundations", "--note", "eigenvectors", days_ago=1)
    cli("study", "target", "45m")
    cli("study", "start", "math-foundations")
    cli("study", "stop")  # under a minute: nothing counted
    cli("study", "25m")
    cli("undo")
    rows = [" ".join(line.split()) for line in cli("log").stdout.splitlines()]
    day, yesterday = today().isoformat(), (today() - timedelta(days=1)).isoformat()
    assert rows[1:] == [
        f"{day} study 25m (undone)",
        f"{day} study stopped a study timer",
        f"{day} timer started a study timer on math-foundations",
        f"{day} target set the daily study target to 45m",
        f"{yesterday} study 1h30m Mathematical foundations eigenvectors",  # the day studied, not the day logged
    ]
    entries = cli_json("log")["entries"]
    assert [(e["kind"], e["on"], e["sessions"]) for e in entries[-4:]] == [
        ("study", day, [{"topic": "math-foundations", "minutes": 0, "note": None}]),
        ("study_timer", day, []),
        ("study_target", day, []),
        ("study", yesterday, [{"topic": "math-foundations", "minutes": 90, "note": "eigenvectors"}]),
    ]
    assert all(e["on"] == day for e in cli_json("log", "--since", "today")["entries"])


def test_progress_gives_study_time_by_week_and_its_pace(cli, cli_json):
    assert "Study time: none logged yet" in cli("progress").stdout
    assert [week["minutes"] for week in cli_json("progress")["study"]["weeks"]] == [0] * 5
    study(cli, "1h")
    first = cli_json("progress")["study"]
    assert (first["per_week"], first["pace_weeks"], first["pace_reason"]) == (None, 0, NOT_ENOUGH_HISTORY)
    assert "Study pace: not enough history yet" in cli("progress").stdout
    study(cli, "50m", days_ago=35)  # five weeks back: before the weeks shown, and the first study
    study(cli, "20m", days_ago=28)  # four weeks back: shown, but on the edge of the pace's weeks
    study(cli, "40m", "math-foundations", days_ago=7)
    shown = cli_json("progress")["study"]
    monday = week_start(today())
    assert shown["weeks"] == [
        {"week": week_label(monday - timedelta(weeks=back)), "minutes": minutes}
        for back, minutes in ((4, 20), (3, 0), (2, 0), (1, 40), (0, 60))
    ]
    assert (shown["per_week"], shown["pace_weeks"], shown["pace_reason"]) == (25, 4, None)
    text = cli("progress").stdout
    assert "Study time: 1h this week; the 4 before: 40m, 0m, 0m, 20m" in text
    assert "Study pace: 25m a week (last 4 weeks)" in text


def test_progress_puts_the_roadmaps_estimate_for_the_stages_left_beside_the_time_left(cli, cli_json):
    # Parts 1 to 4 of the developer track: 12-20, 16-28, 20-36 and 12-24 weeks; the prerequisites none.
    left = cli_json("progress")["estimate_left"]
    assert left == {"min_weeks": 60.0, "max_weeks": 108.0, "stages": 4, "unestimated": 1}
    assert "Roadmap estimate for the 5 stages left: 1.2-2.1 years (1 has none)\n" in cli("progress").stdout
    cli("skip", "developer-prerequisites", "developer-part-1")
    left = cli_json("progress")["estimate_left"]
    assert left == {"min_weeks": 48.0, "max_weeks": 88.0, "stages": 3, "unestimated": 0}
    assert "Roadmap estimate for the 3 stages left: 11.1-20.3 months\n" in cli("progress").stdout
    # The expert stage's estimate has no upper end: 12+ months.
    assert cli_json("progress", "--track", "specialist")["estimate_left"]["max_weeks"] is None
    assert "or more" in cli("progress", "--track", "specialist").stdout
    cli("skip", "developer-part-2", "developer-part-3", "developer-part-4")
    assert cli_json("progress")["estimate_left"] is None
    assert "Roadmap estimate" not in cli("progress").stdout


@pytest.mark.parametrize("columns", [80, 60])
def test_status_shows_todays_study_and_the_streak(cli, cli_json, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", str(columns))
    study(cli, "20m", days_ago=1)  # under the target: no streak from yesterday
    study(cli, "10m")
    lines = cli("status").stdout.splitlines()
    assert "today 10/30m studied, 20m to go" in [" ".join(line.split()) for line in lines]
    study(cli, "35m")
    cli("study", "start")
    text = cli("status").stdout
    lines = text.splitlines()
    assert "today 45/30m studied, target met · timer running" in [" ".join(line.split()) for line in lines]
    assert f"Streak: 1 day, longest 1 day ({GRACE_NOTE})" in " ".join(text.split())
    assert len(lines) <= 15 and max(len(line.rstrip()) for line in lines) <= columns
    status = cli_json("status")
    assert status["study"] == cli_json("study")
    assert (status["study"]["minutes"], status["study"]["met"], status["study"]["streak"]["current"]) == (45, True, 1)
