"""Days and ISO weeks (Monday first) on the learner's local date, and parsing what users type."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, tzinfo

from ..errors import UsageError

RELATIVE_DAYS = {"today": 0, "yesterday": 1}
ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def local_day(moment: datetime, zone: tzinfo | None = None) -> date:
    """The calendar day of an aware moment where the learner is (the system's zone by default)."""
    return moment.astimezone(zone).date()


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def same_week(a: date, b: date) -> bool:
    return week_start(a) == week_start(b)


def week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _real_day(iso: str) -> date:
    try:
        return date.fromisoformat(iso)
    except ValueError:
        raise UsageError(f"{iso} is not a real day; check the month and the day") from None


def parse_day(text: str, today: date) -> date:
    """A past or present day: YYYY-MM-DD, `today` or `yesterday`. Future days are refused."""
    cleaned = text.strip().lower()
    if cleaned in RELATIVE_DAYS:
        return today - timedelta(days=RELATIVE_DAYS[cleaned])
    if not ISO_DAY.match(cleaned):
        raise UsageError(f"{text!r} is not a date; use YYYY-MM-DD (like {today.isoformat()}), today or yesterday")
    day = _real_day(cleaned)
    if day > today:
        raise UsageError(f"{day.isoformat()} is in the future; give today or an earlier date")
    return day


ISO_WEEK = re.compile(r"^([0-9]{4})-?w([0-9]{1,2})$")
RELATIVE_WEEKS = {"this": 0, "last": 1}


def monday_of(year: int, week: int) -> date:
    """The Monday of ISO week `week` of `year`; a UsageError for a week that year does not have."""
    if not 1 <= year <= 9999:
        raise UsageError(f"year {year} is out of range; give a year from 0001 to 9999")
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError:
        weeks = date(year, 12, 28).isocalendar()[1]  # 28 December always falls in the year's last week
        raise UsageError(f"{year} has no ISO week {week}; its weeks run from W01 to W{weeks:02d}") from None


def parse_week(text: str, today: date) -> date:
    """The Monday of a week given as 2026-W47, a day inside it, `this` or `last`; not a future week."""
    cleaned = text.strip().lower()
    if cleaned in RELATIVE_WEEKS:
        try:
            return week_start(today) - timedelta(weeks=RELATIVE_WEEKS[cleaned])
        except OverflowError:
            raise UsageError("there is no week before the first week of year 1") from None
    found = ISO_WEEK.match(cleaned)
    if found:
        monday = monday_of(int(found.group(1)), int(found.group(2)))
    elif ISO_DAY.match(cleaned):
        monday = week_start(_real_day(cleaned))  # any day of this week names this week
    else:
        raise UsageError(f"{text!r} is not a week; use 2026-W47, a date inside the week (YYYY-MM-DD), this or last")
    if monday > week_start(today):
        raise UsageError(f"{week_label(monday)} has not started yet; give this week or an earlier one")
    return monday


def days_left_in_week(today: date) -> int:
    """Days left in this ISO week, today included: 7 on Monday, 1 on Sunday."""
    return 7 - today.weekday()
