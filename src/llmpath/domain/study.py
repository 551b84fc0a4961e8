"""Daily study time: durations as typed, the daily target, timers, the streak of days that met the
target (with a grace day) and the calendar heatmap's days, all on the learner's local days.

Only study minutes meet the target and count toward the streak. Topics done and papers read are
counted on the calendar (a day with either is shaded, never left blank) but do not meet the target:
the target is a promise of time, and a day's topic marked done may have been studied on others.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from ..errors import UsageError

if TYPE_CHECKING:
    from fractions import Fraction

from .dates import local_day

DEFAULT_DAILY_TARGET = 30  # minutes
DAY_MINUTES = 24 * 60  # the most a day holds, and so the longest duration and daily total accepted
TIMER_LIMIT_HOURS = 12  # a timer that ran longer was most likely forgotten: the learner gives the real length
GRACE_WINDOW = 7  # days: one missed day in any GRACE_WINDOW consecutive days is forgiven
GRACE_NOTE = "one missed day in seven is forgiven"

DURATION_EXAMPLES = "write it like 45m, 1h30m, 1.5h or 90 (minutes)"
LONGEST_TYPED = 32  # characters: "1 hours 30 minutes" is 18; anything longer is a slip, not a duration
_NUMBER = r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_HOURS = rf"{_NUMBER}\s*(?:h|hrs?|hours?)"
_MINUTES = rf"{_NUMBER}\s*(?:m|mins?|minutes?)"
_DURATION = re.compile(rf"(?:{_HOURS})?\s*(?:{_MINUTES})?|{_NUMBER}", re.ASCII | re.IGNORECASE)


def parse_duration(text: str) -> int:
    """Whole minutes from a duration as typed: 45m, 1h30m, 1h 30m, 1.5h, 2h, or a bare number of
    minutes (90); any case, blanks around. Fractions of a minute round to the nearest minute, halves
    up. Refused with a UsageError naming the problem: empty, not a duration, negative, under a minute
    (0m, or 0.2m rounding to 0), or more than a day (over 24h)."""
    cleaned = text.strip()
    if not cleaned:
        raise UsageError(f"no duration given; {DURATION_EXAMPLES}")
    if len(cleaned) > LONGEST_TYPED:
        raise UsageError(f"{cleaned[:12]!r}… is too long to be a duration; {DURATION_EXAMPLES}")
    found = _DURATION.fullmatch(cleaned.removeprefix("-").lstrip())
    if not found:
        raise UsageError(f"{cleaned!r} is not a duration; {DURATION_EXAMPLES}")
    if cleaned.startswith("-"):
        raise UsageError(f"{cleaned!r} is negative; give the time you studied, like 45m")
    from fractions import Fraction  # exact halves of a minute; only what a typed duration needs

    hours, minutes, bare = (Fraction(part) if part else Fraction(0) for part in found.groups())
    total = _nearest(hours * 60 + minutes + bare)
    if total < 1:
        raise UsageError(f"{cleaned!r} is under a minute; give at least 1m")
    if total > DAY_MINUTES:
        raise UsageError(f"{cleaned!r} is more than a day; give at most 24h")
    return total


def _nearest(minutes: Fraction) -> int:
    """To the nearest whole minute, halves up (round() would take halves to the even minute)."""
    from fractions import Fraction

    return math.floor(minutes + Fraction(1, 2))


def format_duration(minutes: int) -> str:
    """The way parse_duration reads it back: 25m, 2h, 1h30m, 1h05m; 0m for nothing."""
    if minutes < 0:
        raise ValueError(f"a duration cannot be negative: {minutes}")
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}m"
    return f"{hours}h{rest:02d}m" if rest else f"{hours}h"


@dataclass(frozen=True)
class DailyTargetChange:
    target_minutes: int
    set_on: date
    change: int = 0  # its place in the history: orders two targets set on the same day


def target_for(day: date, changes: Iterable[DailyTargetChange]) -> int:
    """The last target set on or before `day` (the later change of two set the same day); the
    default before any was set. A past day keeps the target it had when a new one is set."""
    in_force = [c for c in changes if c.set_on <= day]
    if not in_force:
        return DEFAULT_DAILY_TARGET
    return max(in_force, key=lambda c: (c.set_on, c.change)).target_minutes


@dataclass(frozen=True)
class StudySession:
    uid: str
    change: int
    topic: str | None
    minutes: int
    studied_on: date
    recorded_at: datetime
    note: str | None = None
    timer: str | None = None  # the uid of the timer it stopped

    def to_json(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "topic": self.topic,
            "minutes": self.minutes,
            "on": self.studied_on.isoformat(),
            "at": self.recorded_at.isoformat(),
            "note": self.note,
        }


def minutes_by_day(sessions: Iterable[StudySession]) -> dict[date, int]:
    """Minutes studied each day, from every session that day."""
    totals: dict[date, int] = {}
    for session in sessions:
        totals[session.studied_on] = totals.get(session.studied_on, 0) + session.minutes
    return totals


def check_room_in_day(day: date, logged: int, adding: int) -> None:
    """Refuse a session that would take a day's study past 24 hours."""
    if logged + adding > DAY_MINUTES:
        raise UsageError(
            f"{day.isoformat()} already has {format_duration(logged)} of study; adding {format_duration(adding)}"
            f" would make more than 24h in one day"
        )


@dataclass(frozen=True)
class StudyTimer:
    """A timer `llmpath study start` started; it runs until a session in force names it."""

    uid: str
    change: int
    topic: str | None
    started_at: datetime  # aware, UTC


def study_summary(minutes: int, topic: str | None, day: date) -> str:
    on = f" on {topic}" if topic else ""
    return f"studied {format_duration(minutes)}{on} ({day.isoformat()})"


def timer_summary(topic: str | None) -> str:
    return f"started a study timer{' on ' + topic if topic else ''}"


def study_target_summary(minutes: int) -> str:
    return f"set the daily study target to {format_duration(minutes)}"


@dataclass(frozen=True)
class TimerReading:
    """What a stopped timer gives. `minutes` is None when the learner must give the real length,
    `ask_because` saying why; 0 when it ran under half a minute (nothing to log)."""

    studied_on: date  # the local day it started: a session across midnight counts to that day
    minutes: int | None
    ask_because: str | None = None


def read_timer(started_at: datetime, stopped_at: datetime, zone: tzinfo | None = None) -> TimerReading:
    """The minutes between two aware instants, to the nearest minute, and the day they count to.

    The length is taken between the instants in UTC, so a change to or from summer time neither
    loses nor doubles an hour. A stop before the start (the clock was set back) or a timer that ran
    over TIMER_LIMIT_HOURS gives no length: the learner is asked for the real one."""
    if started_at.tzinfo is None or stopped_at.tzinfo is None:
        raise ValueError("timer instants must be timezone-aware")
    day = local_day(started_at, zone)
    # Subtracting two datetimes that share a tzinfo ignores their offsets (wall-clock time), so UTC first.
    elapsed = stopped_at.astimezone(UTC) - started_at.astimezone(UTC)
    if elapsed < timedelta(0):
        return TimerReading(day, None, "the clock was set back while the timer ran")
    from fractions import Fraction

    minutes = _nearest(Fraction(elapsed // timedelta(microseconds=1), 60_000_000))
    if elapsed > timedelta(hours=TIMER_LIMIT_HOURS):
        return TimerReading(day, None, f"the timer ran {format_duration(minutes)}, over {TIMER_LIMIT_HOURS}h")
    return TimerReading(day, minutes)


@dataclass(frozen=True)
class Streak:
    current: int
    longest: int

    def to_json(self) -> dict[str, Any]:
        return {"current": self.current, "longest": self.longest, "grace": GRACE_NOTE}


def against_target(minutes: int, target: int) -> str:
    """A day's study against its target as the prompt shows it: `25/30m`."""
    return f"{minutes}/{target}m"


def study_streak(minutes_by_day: Mapping[date, int], target_on: Callable[[date], int], today: date) -> Streak:
    """Days that met their target (minutes studied ≥ the target in force that day), with a grace day.

    The rule, exactly. The days looked at run from the first day with study to today. Today counts
    when it has met its target; until then it is neither met nor missed. Every other day is met or
    missed. A stretch of consecutive days is unbroken when any GRACE_WINDOW (7) consecutive
    days inside it hold at most one missed day: two missed days less than seven days apart break it.
    A streak's length is the number of met days in an unbroken stretch; a forgiven missed day adds
    nothing. `current` is the length of the longest unbroken stretch ending with the last day looked
    at (today, or yesterday while today is still open); `longest` is the most any stretch reached.

    Days before the learner's first record never count as missed: a missed day only ever breaks off
    the met days before it, and there are none before the first study, whatever else was recorded.
    """
    studied = [day for day, minutes in minutes_by_day.items() if minutes > 0 and day <= today]
    if not studied:
        return Streak(0, 0)
    first, last = min(studied).toordinal(), today.toordinal()
    if minutes_by_day.get(today, 0) < target_on(today):
        last -= 1
    met = sorted(
        day.toordinal()
        for day, minutes in minutes_by_day.items()
        if first <= day.toordinal() <= last and minutes >= target_on(day)
    )
    # Walk the met days in order, looking at the missed days between each and the one before.
    stretch = since_missed = longest = 0  # met days in the stretch, and since its last missed day
    last_missed = None
    previous = first - 1
    for day in [*met, last + 1]:  # the day after the last closes the gap that ends the days looked at
        gap = day - previous - 1
        if gap >= 2:  # two missed days in a row: the stretch starts again at the second
            stretch = since_missed = 0
            last_missed = day - 1
        elif gap == 1:
            if last_missed is not None and day - 1 - last_missed < GRACE_WINDOW:
                stretch = since_missed  # the stretch now starts the day after the earlier missed day
            since_missed = 0
            last_missed = day - 1
        if day <= last:
            stretch += 1
            since_missed += 1
            longest = max(longest, stretch)
        previous = day
    return Streak(stretch, longest)
