"""The daily habit read from a learner's state: today's study against its target, the streak, the
calendar, time per topic and per week. The rules themselves are domain/study.py's; this module
asks the records for what each view needs, and no more."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .dates import week_start
from .state import State
from .study import Streak, StudySession, StudyTimer, against_target, study_streak

WEEKS_OF_HOURS = 5  # this week and the four before it, as `progress` shows them


def streak_of(state: State, today: date) -> Streak:
    first = state.records.first_study_day()
    if first is None or first > today:
        return Streak(0, 0)
    return study_streak(state.records.study_minutes(first, today), state.study_target, today)


@dataclass(frozen=True)
class Today:
    """`llmpath study`: today's sessions, their total against the day's target, the running timer
    and the streak."""

    day: date
    sessions: tuple[StudySession, ...]
    target: int
    timer: StudyTimer | None
    streak: Streak

    @property
    def minutes(self) -> int:
        return sum(s.minutes for s in self.sessions)

    def to_json(self) -> dict[str, Any]:
        return {
            "on": self.day.isoformat(),
            "minutes": self.minutes,
            "target": self.target,
            "met": self.minutes >= self.target,
            "sessions": [s.to_json() for s in self.sessions],
            "timer": None
            if self.timer is None
            else {"topic": self.timer.topic, "started_at": self.timer.started_at.isoformat()},
            "streak": self.streak.to_json(),
        }


def today_of(state: State, today: date) -> Today:
    return Today(
        today,
        tuple(state.records.study_sessions(today, today)),
        state.study_target(today),
        state.records.running_timer(),
        streak_of(state, today),
    )


def minutes_today(state: State, today: date) -> str:
    """The badge's `{today}`: minutes studied today against the day's target, `25/30m`."""
    return against_target(sum(state.records.study_minutes(today, today).values()), state.study_target(today))


def topic_minutes(state: State, topic_id: str) -> int:
    """Minutes studied on a topic (under its old ids too)."""
    return sum(s.minutes for s in state.records.topic_sessions(topic_id))


def weekly_minutes(state: State, today: date, weeks: int = WEEKS_OF_HOURS) -> list[tuple[date, int]]:
    """(Monday, minutes) of this week and the weeks before it, oldest first."""
    monday = week_start(today)
    first = monday - timedelta(weeks=weeks - 1)
    by_day = state.records.study_minutes(first, today)
    totals = Counter({first + timedelta(weeks=k): 0 for k in range(weeks)})
    for day, minutes in by_day.items():
        totals[week_start(day)] += minutes
    return sorted(totals.items())
