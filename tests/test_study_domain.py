"""Daily study time, the rules alone: durations as typed, the daily target, timers, the streak with
its grace day, and the calendar's weeks."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from llmpath.domain.calendar import DayActivity, build_calendar, calendar_weeks, shade, week_goal, week_total
from llmpath.domain.dates import week_start
from llmpath.domain.study import (
    DEFAULT_DAILY_TARGET,
    GRACE_NOTE,
    TIMER_LIMIT_HOURS,
    DailyTargetChange,
    Streak,
    StudySession,
    check_room_in_day,
    format_duration,
    minutes_by_day,
    parse_duration,
    read_timer,
    study_streak,
    target_for,
)
from llmpath.errors import UsageError

PARIS = ZoneInfo("Europe/Paris")
EXAMPLES = "write it like 45m, 1h30m, 1.5h or 90 (minutes)"


def flat(target: int):
    return lambda day: target


# Durations as typed


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("45m", 45),
        ("1h30m", 90),
        ("1h 30m", 90),
        ("1.5h", 90),
        ("90", 90),
        ("2h", 120),
        ("  2H\t", 120),
        ("1H30M", 90),
        ("1 hour 30 minutes", 90),
        ("2 hours", 120),
        ("30min", 30),
        ("1hr 5mins", 65),
        (".5h", 30),
        ("1.25m", 1),
        ("0.5m", 1),  # halves round up
        ("1.5", 2),
        ("1.999h", 120),
        ("24h", 1440),
        ("1440", 1440),
    ],
)
def test_every_duration_form_reads_as_minutes(typed, minutes):
    assert parse_duration(typed) == minutes


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0m", "'0m' is under a minute; give at least 1m"),
        ("0.4m", "'0.4m' is under a minute; give at least 1m"),
        ("0", "'0' is under a minute; give at least 1m"),
        ("-5m", "'-5m' is negative; give the time you studied, like 45m"),
        ("25h", "'25h' is more than a day; give at most 24h"),
        ("1441", "'1441' is more than a day; give at most 24h"),
        ("23h61m", "'23h61m' is more than a day; give at most 24h"),
        ("99999999999999999999h", "'99999999999999999999h' is more than a day; give at most 24h"),
        ("abc", f"'abc' is not a duration; {EXAMPLES}"),
        ("1.2.3h", f"'1.2.3h' is not a duration; {EXAMPLES}"),
        ("m", f"'m' is not a duration; {EXAMPLES}"),
        ("1h30", f"'1h30' is not a duration; {EXAMPLES}"),
        ("30m1h", f"'30m1h' is not a duration; {EXAMPLES}"),
        ("-abc", f"'-abc' is not a duration; {EXAMPLES}"),
        ("", f"no duration given; {EXAMPLES}"),
        ("   ", f"no duration given; {EXAMPLES}"),
        ("9" * 5000 + "m", f"'999999999999'… is too long to be a duration; {EXAMPLES}"),
        ("\x1b[2J", f"'\\x1b[2J' is not a duration; {EXAMPLES}"),
    ],
)
def test_a_bad_duration_is_refused_with_one_clear_line(typed, message):
    with pytest.raises(UsageError) as refused:
        parse_duration(typed)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("minutes", "shown"), [(0, "0m"), (25, "25m"), (60, "1h"), (65, "1h05m"), (90, "1h30m"), (1440, "24h")]
)
def test_durations_are_shown_the_way_they_are_typed(minutes, shown):
    assert format_duration(minutes) == shown


def test_a_negative_duration_is_not_shown():
    with pytest.raises(ValueError):
        format_duration(-1)


@given(st.integers(1, 1440))
def test_a_shown_duration_reads_back_the_same(minutes):
    assert parse_duration(format_duration(minutes)) == minutes


@given(
    hours=st.integers(0, 23),
    minutes=st.integers(0, 59),
    between=st.sampled_from(["", " ", "  "]),
    units=st.sampled_from([("h", "m"), ("H", "M"), ("hours", "minutes"), ("hr", "min")]),
    blanks=st.sampled_from(["", " ", "\t"]),
)
def test_hours_and_minutes_in_any_spelling(hours, minutes, between, units, blanks):
    typed = f"{blanks}{hours}{units[0]}{between}{minutes}{units[1]}{blanks}"
    if hours == minutes == 0:
        with pytest.raises(UsageError, match="under a minute"):
            parse_duration(typed)
    else:
        assert parse_duration(typed) == hours * 60 + minutes


@given(hundredths=st.integers(1, 2400))
def test_decimal_hours_round_to_the_nearest_minute(hundredths):
    typed = f"{hundredths // 100}.{hundredths % 100:02d}h"
    tenths_of_a_minute = hundredths * 6  # an hour's hundredth is 0.6 minutes
    nearest = tenths_of_a_minute // 10 + (1 if tenths_of_a_minute % 10 >= 5 else 0)
    assert parse_duration(typed) == nearest


@given(
    st.one_of(
        st.text(),
        st.text(alphabet="0123456789.hHmM -+e\t", max_size=12),
        st.from_regex(r"-?[0-9]{0,30}(\.[0-9]{0,3})?\s?[hm]?\s?[0-9]{0,4}[hm]?", fullmatch=True),
    )
)
@example("1e3m")
@example("١٢m")  # digits of another script are not durations
def test_whatever_is_typed_gives_minutes_or_one_clear_line(typed):
    try:
        minutes = parse_duration(typed)
    except UsageError as refused:
        message = str(refused)
        assert message.isprintable() and message.endswith(("(minutes)", "at least 1m", "at most 24h", "like 45m"))
    else:
        assert 1 <= minutes <= 1440


# The daily target


def test_the_default_target_holds_before_any_is_set():
    assert target_for(date(2026, 5, 1), []) == DEFAULT_DAILY_TARGET == 30
    later = [DailyTargetChange(45, date(2026, 6, 1))]
    assert target_for(date(2026, 5, 31), later) == 30


def test_past_days_keep_the_target_they_had():
    changes = [DailyTargetChange(60, date(2026, 5, 10), 7), DailyTargetChange(45, date(2026, 5, 1), 3)]
    assert target_for(date(2026, 5, 1), changes) == 45
    assert target_for(date(2026, 5, 9), changes) == 45
    assert target_for(date(2026, 5, 10), changes) == 60
    assert target_for(date(2027, 1, 1), changes) == 60


def test_the_later_of_two_targets_set_the_same_day_holds():
    day = date(2026, 5, 1)
    changes = [DailyTargetChange(20, day, 9), DailyTargetChange(90, day, 4)]
    assert target_for(day, changes) == 20


# Sessions


def test_a_session_in_json_names_its_day_on():
    at = datetime(2026, 5, 2, 8, 15, tzinfo=UTC)
    session = StudySession("s1", 12, "attention", 45, date(2026, 5, 1), at, "late night")
    assert session.to_json() == {
        "uid": "s1",
        "topic": "attention",
        "minutes": 45,
        "on": "2026-05-01",
        "at": "2026-05-02T08:15:00+00:00",
        "note": "late night",
    }


def test_minutes_add_up_by_day():
    at = datetime(2026, 5, 2, tzinfo=UTC)
    sessions = [
        StudySession("a", 1, None, 30, date(2026, 5, 1), at),
        StudySession("b", 2, "rlhf", 45, date(2026, 5, 1), at),
        StudySession("c", 3, None, 10, date(2026, 5, 2), at),
    ]
    assert minutes_by_day(sessions) == {date(2026, 5, 1): 75, date(2026, 5, 2): 10}


def test_a_day_holds_at_most_24_hours():
    day = date(2026, 5, 1)
    check_room_in_day(day, 1400, 40)
    with pytest.raises(UsageError) as refused:
        check_room_in_day(day, 1400, 41)
    assert str(refused.value) == (
        "2026-05-01 already has 23h20m of study; adding 41m would make more than 24h in one day"
    )


# Timers


def paris(*parts: int, fold: int = 0) -> datetime:
    return datetime(*parts, tzinfo=PARIS, fold=fold)


def test_a_timer_across_midnight_counts_to_the_day_it_started():
    reading = read_timer(paris(2026, 3, 10, 23, 40), paris(2026, 3, 11, 0, 25), PARIS)
    assert (reading.studied_on, reading.minutes, reading.ask_because) == (date(2026, 3, 10), 45, None)


def test_the_day_is_the_learners_local_day_not_utc():
    started = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # already 11 March in Paris
    assert read_timer(started, started + timedelta(minutes=20), PARIS).studied_on == date(2026, 3, 11)
    assert read_timer(started, started + timedelta(minutes=20), UTC).studied_on == date(2026, 3, 10)


def test_summer_time_starting_does_not_add_an_hour():
    # 29 March 2026, 02:00 in Paris becomes 03:00: from 01:30 to 03:30 on the wall is one hour.
    assert read_timer(paris(2026, 3, 29, 1, 30), paris(2026, 3, 29, 3, 30), PARIS).minutes == 60


def test_summer_time_ending_does_not_lose_an_hour():
    # 25 October 2026, 03:00 in Paris goes back to 02:00: 02:30 comes twice, an hour apart.
    reading = read_timer(paris(2026, 10, 25, 2, 30), paris(2026, 10, 25, 2, 30, fold=1), PARIS)
    assert reading.minutes == 60


def test_a_clock_set_back_asks_for_the_real_length():
    started = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    reading = read_timer(started, started - timedelta(minutes=5))
    assert reading.minutes is None
    assert reading.ask_because == "the clock was set back while the timer ran"


def test_a_timer_over_twelve_hours_asks_for_the_real_length():
    started = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    limit = timedelta(hours=TIMER_LIMIT_HOURS)
    assert read_timer(started, started + limit).minutes == 720
    forgotten = read_timer(started, started + limit + timedelta(minutes=1))
    assert forgotten.minutes is None
    assert forgotten.ask_because == "the timer ran 12h01m, over 12h"


def test_a_timer_rounds_to_the_nearest_minute():
    started = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    assert read_timer(started, started + timedelta(seconds=29, microseconds=999_999)).minutes == 0
    assert read_timer(started, started + timedelta(seconds=30)).minutes == 1
    assert read_timer(started, started + timedelta(minutes=44, seconds=31)).minutes == 45


def test_a_timer_needs_instants_with_their_zone():
    with pytest.raises(ValueError):
        read_timer(datetime(2026, 5, 1, 9), datetime(2026, 5, 1, 10, tzinfo=UTC))


# The streak


TODAY = date(2026, 5, 20)


def streak_of(pattern: str, today_minutes: int | None = None, target: int = 30) -> Streak:
    """The streak on TODAY of days before it written oldest first, '#' met and '.' missed; today
    studied `today_minutes` (nothing yet by default)."""
    first = TODAY - timedelta(days=len(pattern))
    minutes = {first + timedelta(days=i): target if mark == "#" else 0 for i, mark in enumerate(pattern)}
    if today_minutes is not None:
        minutes[TODAY] = today_minutes
    return study_streak(minutes, flat(target), TODAY)


@pytest.mark.parametrize(
    ("pattern", "current", "longest"),
    [
        ("#####", 5, 5),
        ("##.##", 4, 4),  # a missed day is forgiven, and adds nothing
        ("##..##", 2, 2),  # two missed days in a row break it
        ("###.###.##", 5, 6),  # missed days four apart: the later one breaks the stretch before it
        ("#.######.#", 8, 8),  # missed days seven apart: each forgiven
        ("#.#####.#", 6, 6),  # six apart: broken
        ("####.", 4, 4),  # yesterday missed, today still open: forgiven for now
        ("###..", 0, 3),
        (".##.##", 4, 4),  # a missed day breaks off only the met days before it
        ("#..##.##", 4, 4),
        ("", 0, 0),
    ],
)
def test_one_missed_day_in_seven_is_forgiven(pattern, current, longest):
    assert streak_of(pattern) == Streak(current, longest)


def test_today_counts_once_it_meets_the_target_and_never_breaks_it_before():
    assert streak_of("###") == Streak(3, 3)
    assert streak_of("###", today_minutes=29) == Streak(3, 3)
    assert streak_of("###", today_minutes=30) == Streak(4, 4)
    assert streak_of("##.", today_minutes=30) == Streak(3, 3)


def test_days_before_the_first_study_are_never_missed():
    minutes = {TODAY - timedelta(days=d): 30 for d in range(1, 4)}
    assert study_streak(minutes, flat(30), TODAY) == Streak(3, 3)
    assert study_streak({TODAY - timedelta(days=1): 0}, flat(30), TODAY) == Streak(0, 0)
    assert study_streak({}, flat(30), TODAY) == Streak(0, 0)


def test_study_after_today_is_left_out():
    minutes = {TODAY + timedelta(days=1): 60, TODAY - timedelta(days=1): 60}
    assert study_streak(minutes, flat(30), TODAY) == Streak(1, 1)
    assert study_streak({TODAY + timedelta(days=1): 60}, flat(30), TODAY) == Streak(0, 0)


def test_each_day_meets_the_target_it_had():
    changes = [DailyTargetChange(60, TODAY - timedelta(days=2))]
    minutes = {TODAY - timedelta(days=d): 45 for d in range(1, 6)}
    streak = study_streak(minutes, lambda day: target_for(day, changes), TODAY)
    # 45 minutes met the 30-minute target for three days, then not the 60-minute one, twice.
    assert streak == Streak(0, 3)


def test_the_streak_runs_across_iso_week_53_and_the_new_year():
    first, today = date(2026, 12, 28), date(2027, 1, 4)  # 2026-W53 Monday to 2027-W01 Monday
    minutes = {first + timedelta(days=d): 30 for d in range(8)}
    assert study_streak(minutes, flat(30), today) == Streak(8, 8)
    del minutes[date(2026, 12, 31)]
    assert study_streak(minutes, flat(30), today) == Streak(7, 7)
    del minutes[date(2027, 1, 3)]  # three days after the first missed one
    assert study_streak(minutes, flat(30), today) == Streak(3, 5)  # 1, 2 and 4 January


def test_the_streak_starts_on_the_first_day_there_is():
    today = date.min + timedelta(days=2)
    minutes = {date.min + timedelta(days=d): 30 for d in range(3)}
    assert study_streak(minutes, flat(30), today) == Streak(3, 3)


def counted_by_hand(minutes: dict, target_on, today: date) -> Streak:
    """The streak rule told another way: every stretch of days, checked window by window, from well
    before the first study (those days missed: they must make no difference)."""
    start = min([day for day, m in minutes.items() if m > 0 and day <= today], default=today) - timedelta(days=10)
    days = [start + timedelta(days=n) for n in range((today - start).days + 1)]
    met = [minutes.get(day, 0) >= target_on(day) for day in days]
    if not met[-1]:
        days, met = days[:-1], met[:-1]  # today is still open

    def unbroken(first: int, last: int) -> bool:
        for window in range(first - 6, last + 1):
            inside = range(max(first, window), min(last, window + 6) + 1)
            if sum(1 for k in inside if not met[k]) > 1:
                return False
        return True

    lengths = []
    for last in range(len(days)):
        first = next(first for first in range(last + 1) if unbroken(first, last))
        lengths.append(sum(met[first : last + 1]))
    return Streak(lengths[-1] if lengths else 0, max(lengths, default=0))


def runs_of_study():
    """Days of study, oldest first: runs of days long enough for most targets, each ended by a short one,
    so that short days fall near, at and past a week apart."""
    run = st.tuples(st.integers(0, 9), st.sampled_from([30, 45, 60]), st.sampled_from([0, 10, 29]))
    return st.lists(run, max_size=6).map(lambda runs: [m for n, long, short in runs for m in [long] * n + [short]])


@given(
    minutes=runs_of_study(),
    targets=st.lists(st.tuples(st.integers(0, 50), st.sampled_from([10, 30, 45])), max_size=3),
    today_from_last=st.one_of(st.integers(-2, 2), st.integers(-60, 10)),  # often just before or after the last study
    start=st.dates(date(2000, 1, 1), date(2100, 1, 1)),
)
def test_the_streak_matches_a_count_by_hand(minutes, targets, today_from_last, start):
    by_day = {start + timedelta(days=n): m for n, m in enumerate(minutes)}
    changes = [DailyTargetChange(t, start + timedelta(days=offset), n) for n, (offset, t) in enumerate(targets)]

    def target_on(day: date) -> int:
        return target_for(day, changes)

    today = start + timedelta(days=max(0, len(minutes) - 1 + today_from_last))
    assert study_streak(by_day, target_on, today) == counted_by_hand(by_day, target_on, today)


def test_the_grace_rule_is_said_in_plain_words():
    assert GRACE_NOTE == "one missed day in seven is forgiven"


# The calendar


@pytest.mark.parametrize(
    ("minutes", "active", "level"),
    [(0, False, 0), (0, True, 1), (1, False, 1), (14, False, 1), (15, False, 2), (29, True, 2)]
    + [(30, False, 3), (59, False, 3), (60, False, 4), (1440, False, 4)],
)
def test_a_day_is_shaded_by_its_minutes_against_its_target(minutes, active, level):
    assert shade(minutes, 30, active) == level


def test_the_calendar_is_weeks_of_monday_to_sunday_ending_this_week():
    today = date(2026, 5, 6)  # a Wednesday
    weeks = calendar_weeks(today, 52, {}, {}, flat(30))
    assert len(weeks) == 52
    assert weeks[-1].monday == date(2026, 5, 4)
    assert weeks[0].monday == date(2026, 5, 4) - timedelta(weeks=51)
    for week in weeks:
        assert [day.on for day in week.days] == [week.monday + timedelta(days=d) for d in range(7)]
        assert week.monday.weekday() == 0
    assert [day.future for day in weeks[-1].days] == [False, False, False, True, True, True, True]
    assert not any(day.future for week in weeks[:-1] for day in week.days)


def test_calendar_days_carry_minutes_activity_and_the_target_of_their_day():
    today = date(2026, 5, 6)
    changes = [DailyTargetChange(60, date(2026, 5, 5))]
    minutes = {date(2026, 5, 4): 45, date(2026, 5, 5): 45, date(2026, 5, 7): 90}
    activity = {date(2026, 5, 6): DayActivity(topics=2, papers=1)}
    (week,) = calendar_weeks(today, 1, minutes, activity, lambda day: target_for(day, changes))
    monday, tuesday, wednesday, thursday = week.days[:4]
    assert (monday.minutes, monday.target, monday.level) == (45, 30, 3)
    assert (tuesday.minutes, tuesday.target, tuesday.level) == (45, 60, 2)
    assert (wednesday.minutes, wednesday.activity, wednesday.level) == (0, DayActivity(2, 1), 1)
    assert (thursday.future, thursday.minutes, thursday.level) == (True, 0, 0)  # tomorrow shows nothing yet
    assert wednesday.to_json() == {"on": "2026-05-06", "minutes": 0, "target": 60, "topics": 2, "papers": 1, "level": 1}


def test_iso_week_53_is_a_column_of_its_own():
    weeks = calendar_weeks(date(2027, 1, 4), 3, {}, {}, flat(30))
    assert [week.label for week in weeks] == ["2026-W52", "2026-W53", "2027-W01"]
    assert [day.on for day in weeks[1].days][3:5] == [date(2026, 12, 31), date(2027, 1, 1)]


def test_a_calendar_begins_no_earlier_than_the_first_week_there_is():
    weeks = calendar_weeks(date.min + timedelta(days=10), 52, {}, {}, flat(30))
    assert [week.monday for week in weeks] == [date.min, date.min + timedelta(weeks=1)]


def test_the_week_total_counts_monday_to_sunday_across_the_new_year():
    minutes = {date(2026, 12, 27): 100, date(2026, 12, 28): 30, date(2027, 1, 3): 45, date(2027, 1, 4): 100}
    assert week_total(minutes, date(2026, 12, 28)) == 75


def test_the_weekly_goal_is_seven_days_of_the_target_each_day_had():
    assert week_goal(date(2026, 5, 4), flat(30)) == 7 * 30
    changes = [DailyTargetChange(60, date(2026, 5, 6))]
    assert week_goal(date(2026, 5, 4), lambda day: target_for(day, changes)) == 2 * 30 + 5 * 60


def test_topics_and_papers_shade_the_calendar_but_only_minutes_meet_the_target():
    today = date(2026, 5, 6)
    activity = {today - timedelta(days=d): DayActivity(topics=1, papers=1) for d in range(1, 4)}
    calendar = build_calendar(today, 4, {today: 30}, activity, [])
    assert calendar.streak == Streak(1, 1)
    shaded = {day.on: day.level for week in calendar.weeks for day in week.days if day.level}
    assert shaded == {**{day: 1 for day in activity}, today: 3}


def test_the_calendar_gathers_the_streak_and_this_week_against_its_goal():
    today = date(2026, 5, 6)
    first = today - timedelta(days=9)
    minutes = {first + timedelta(days=d): 45 for d in range(10) if d != 4}
    changes = [DailyTargetChange(40, today - timedelta(days=1))]
    calendar = build_calendar(today, 52, minutes, {}, changes)
    assert calendar.target == 40
    assert calendar.streak == Streak(9, 9)  # ten days, one missed on 1 May
    assert calendar.week_total == 45 * 3  # Monday 4 May to today
    assert calendar.week_goal == 30 + 6 * 40
    assert calendar.weeks[-1].monday == week_start(today)
