"""Days and ISO weeks (Monday first) on the learner's local date, and parsing what users type."""

from __future__ import annotations

import re
from datetime import date, timedelta

from ..errors import UsageError

RELATIVE_DAYS = {"today": 0, "yesterday": 1}
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def same_week(a: date, b: date) -> bool:
    return week_start(a) == week_start(b)


def week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_day(text: str, today: date) -> date:
    """A past or present day: YYYY-MM-DD, `today` or `yesterday`. Future days are refused."""
    cleaned = text.strip().lower()
    if cleaned in RELATIVE_DAYS:
        return today - timedelta(days=RELATIVE_DAYS[cleaned])
    if not ISO_DAY.match(cleaned):
        raise UsageError(f"{text!r} is not a date; use YYYY-MM-DD (like {today.isoformat()}), today or yesterday")
    try:
        day = date.fromisoformat(cleaned)
    except ValueError:
        raise UsageError(f"{cleaned} is not a real day; check the month and the day") from None
    if day > today:
        raise UsageError(f"{day.isoformat()} is in the future; give today or an earlier date")
    return day
