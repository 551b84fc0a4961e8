"""Days and ISO weeks: parsing what users type, and the week arithmetic the paper log relies on."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmpath.domain.dates import (
    days_left_in_week,
    local_day,
    monday_of,
    parse_day,
    parse_week,
    same_week,
    week_label,
    week_start,
)
from llmpath.errors import UsageError

TODAY = date(2026, 11, 25)  # Wednesday of 2026-W48
BERLIN_WINTER = timezone(timedelta(hours=1))


def test_sunday_2359_and_monday_0000_fall_in_different_weeks():
    sunday_night = datetime(2026, 11, 29, 23, 59, tzinfo=BERLIN_WINTER)
    monday_morning = datetime(2026, 11, 30, 0, 0, tzinfo=BERLIN_WINTER)
    assert week_label(local_day(sunday_night, BERLIN_WINTER)) == "2026-W48"
    assert week_label(local_day(monday_morning, BERLIN_WINTER)) == "2026-W49"
    # the same Monday-morning moment is still Sunday evening further west: the local date decides
    assert week_label(local_day(monday_morning, timezone(timedelta(hours=-5)))) == "2026-W48"
    assert local_day(datetime(2026, 11, 29, 23, 30, tzinfo=UTC), BERLIN_WINTER) == date(2026, 11, 30)


def test_a_year_whose_week_1_starts_in_december():
    assert monday_of(2026, 1) == date(2025, 12, 29)
    assert week_label(date(2025, 12, 29)) == "2026-W01"
    assert parse_week("2025-12-31", TODAY) == date(2025, 12, 29)


def test_week_53():
    assert monday_of(2026, 53) == date(2026, 12, 28)
    assert week_label(date(2027, 1, 3)) == "2026-W53"
    with pytest.raises(UsageError, match="2027 has no ISO week 53; its weeks run from W01 to W52"):
        monday_of(2027, 53)


@pytest.mark.parametrize(
    ("text", "monday"),
    [
        ("2026-W47", date(2026, 11, 16)),
        ("2026w47", date(2026, 11, 16)),
        ("2026-11-19", date(2026, 11, 16)),
        ("last", date(2026, 11, 16)),
        ("this", date(2026, 11, 23)),
        ("2026-W48", date(2026, 11, 23)),
        ("2026-11-27", date(2026, 11, 23)),  # later this week: still this week
    ],
)
def test_parse_week(text, monday):
    assert parse_week(text, TODAY) == monday


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-W60", "2026 has no ISO week 60"),
        ("2026-W00", "2026 has no ISO week 0"),
        ("2026-W49", "has not started yet"),
        ("2026-11-30", "has not started yet"),
        ("2026-02-30", "not a real day"),
        ("next", "not a week"),
        ("0000-W01", "out of range"),
        ("", "is not a week"),
    ],
)
def test_parse_week_refuses(text, message):
    with pytest.raises(UsageError, match=message):
        parse_week(text, TODAY)


def test_days_left_counts_today():
    assert days_left_in_week(date(2026, 11, 23)) == 7
    assert days_left_in_week(date(2026, 11, 29)) == 1


DAYS = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 24))


@given(st.text(max_size=30), DAYS)
def test_parse_day_returns_a_past_day_or_says_why(text, today):
    try:
        day = parse_day(text, today)
    except UsageError as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert day <= today


@given(st.text(max_size=30), DAYS)
def test_parse_week_returns_a_monday_or_says_why(text, today):
    try:
        monday = parse_week(text, today)
    except UsageError as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert monday.weekday() == 0 and monday <= week_start(today)


@given(DAYS)
def test_a_week_label_names_the_week_it_came_from(day):
    label = week_label(day)
    monday = week_start(day)
    assert parse_week(label, day) == monday
    assert parse_week(day.isoformat(), day) == monday


@given(DAYS, st.integers(min_value=0, max_value=6))
def test_week_arithmetic(day, offset):
    monday = week_start(day)
    assert monday.weekday() == 0 and timedelta(0) <= day - monday < timedelta(days=7)
    assert same_week(day, monday + timedelta(days=offset))
    if monday > date(1, 1, 7):
        assert not same_week(day, monday - timedelta(days=1))
        assert week_label(monday - timedelta(days=1)) != week_label(day)
