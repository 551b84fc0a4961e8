"""The study calendar's days: a heatmap of the last weeks (Monday first), each day shaded by the
minutes studied against the target it had, with topics done and papers read counted in; the streak
and this week against seven times the daily target (the rules of domain/study.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .dates import week_label, week_start
from .state import State
from .study import DailyTargetChange, Streak, study_streak, target_for


@dataclass(frozen=True)
class DayActivity:
    topics: int = 0  # topics marked done that day
    papers: int = 0  # papers read that day

    @property
    def any(self) -> bool:
        return bool(self.topics or self.papers)


NO_ACTIVITY = DayActivity()


def shade(minutes: int, target: int, active: bool = False) -> int:
    """The heatmap level of a day: 0 nothing; 1 some study under half the target, or a topic done or
    a paper read without study; 2 half the target; 3 the target met; 4 twice the target or more.
    Levels 3 and 4 are the days that count toward the streak."""
    if minutes >= 2 * target:
        return 4
    if minutes >= target:
        return 3
    if 2 * minutes >= target:
        return 2
    return 1 if minutes > 0 or active else 0


@dataclass(frozen=True)
class CalendarDay:
    on: date
    minutes: int
    target: int
    activity: DayActivity
    level: int
    future: bool  # after today: drawn blank, not shaded

    def to_json(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "minutes": self.minutes,
            "target": self.target,
            "topics": self.activity.topics,
            "papers": self.activity.papers,
            "level": self.level,
        }


@dataclass(frozen=True)
class CalendarWeek:
    monday: date
    days: tuple[CalendarDay, ...]  # Monday to Sunday

    @property
    def label(self) -> str:
        return week_label(self.monday)


def calendar_weeks(
    today: date,
    weeks: int,
    minutes_by_day: Mapping[date, int],
    activity_by_day: Mapping[date, DayActivity],
    target_on: Callable[[date], int],
) -> list[CalendarWeek]:
    """The last `weeks` ISO weeks (Monday first), oldest first, the last being the current week;
    its days after today are marked future. Fewer weeks when the calendar begins sooner."""
    if weeks < 1:
        raise ValueError(f"a calendar needs at least one week, not {weeks}")
    this_monday = week_start(today)
    weeks = min(weeks, (this_monday - date.min).days // 7 + 1)
    columns = []
    for back in range(weeks - 1, -1, -1):
        monday = this_monday - timedelta(weeks=back)
        days = []
        for offset in range(7):
            day = monday + timedelta(days=offset)
            if day > today:
                days.append(CalendarDay(day, 0, target_on(day), NO_ACTIVITY, 0, future=True))
                continue
            minutes, target = minutes_by_day.get(day, 0), target_on(day)
            activity = activity_by_day.get(day, NO_ACTIVITY)
            level = shade(minutes, target, active=activity.any)
            days.append(CalendarDay(day, minutes, target, activity, level, future=False))
        columns.append(CalendarWeek(monday, tuple(days)))
    return columns


def week_total(minutes_by_day: Mapping[date, int], monday: date) -> int:
    """Minutes studied in the week starting `monday`."""
    return sum(minutes_by_day.get(monday + timedelta(days=offset), 0) for offset in range(7))


def week_goal(monday: date, target_on: Callable[[date], int]) -> int:
    """Seven times the daily target, day by day: when the target changed during the week, each day
    brings the target it had (its days to come, the one in force)."""
    return sum(target_on(monday + timedelta(days=offset)) for offset in range(7))


@dataclass(frozen=True)
class Calendar:
    today: date
    weeks: tuple[CalendarWeek, ...]
    streak: Streak
    target: int  # today's daily target
    week_total: int  # this week's minutes
    week_goal: int


def build_calendar(
    today: date,
    weeks: int,
    minutes_by_day: Mapping[date, int],
    activity_by_day: Mapping[date, DayActivity],
    targets: Iterable[DailyTargetChange],
) -> Calendar:
    """Everything `calendar` shows: the heatmap's weeks, the streak and this week against its goal."""
    changes = list(targets)

    def target_on(day: date) -> int:
        return target_for(day, changes)

    monday = week_start(today)
    return Calendar(
        today=today,
        weeks=tuple(calendar_weeks(today, weeks, minutes_by_day, activity_by_day, target_on)),
        streak=study_streak(minutes_by_day, target_on, today),
        target=target_on(today),
        week_total=week_total(minutes_by_day, monday),
        week_goal=week_goal(monday, target_on),
    )


def calendar_of(state: State, today: date, weeks: int) -> Calendar:
    """The heatmap's last `weeks` weeks: minutes, and topics done and papers read, per day."""
    first = week_start(today) - timedelta(weeks=weeks - 1)
    minutes = state.records.study_minutes(first, today)
    start = state.records.first_study_day()
    if start is not None and start < first:  # the streak may reach back past the calendar's first week
        minutes = {**state.records.study_minutes(start, first - timedelta(days=1)), **minutes}
    done = Counter(
        standing.since
        for standing in state.records.current_standings().values()
        if standing.status == "done" and first <= standing.since <= today
    )
    papers = Counter(day for day, _paper in state.paper_log.source.papers_by_day(first, today))
    activity = {day: DayActivity(done.get(day, 0), papers.get(day, 0)) for day in set(done) | set(papers)}
    return build_calendar(today, weeks, minutes, activity, state.study_targets)
