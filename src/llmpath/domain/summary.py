"""Where a learner stands on a track this week, in brief: what a cohort row shows of each learner
(domain/cohort.py), and with today's study and the streak, what `llmpath status` shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..roadmap.schema import Track  # noqa: TC001 - a dataclass field's type, read at run time
from .badge import track_figures
from .dates import days_left_in_week
from .habit import Today, today_of
from .planner import plan
from .progress import done_in_week
from .state import State


@dataclass(frozen=True)
class Summary:
    track: Track
    percent: int
    done: int
    total: int  # the topics that count: skipped ones left out
    in_progress: tuple[str, ...]  # in track order
    next_topic: str | None  # what `next` suggests first
    done_this_week: int
    papers: int
    target: int
    days_left: int

    @property
    def on(self) -> str | None:
        """The topic the learner is on: the first in progress, else the next one."""
        return self.in_progress[0] if self.in_progress else self.next_topic

    def to_json(self, state: State) -> dict[str, Any]:
        def topic(topic_id: str | None) -> dict[str, str] | None:
            return {"id": topic_id, "title": state.roadmap.display_title(topic_id, self.track)} if topic_id else None

        return {
            "track": self.track.id,
            "track_title": self.track.title,
            "percent": self.percent,
            "done": self.done,
            "total": self.total,
            "in_progress": [topic(t) for t in self.in_progress],
            "next": topic(self.next_topic),
            "done_this_week": self.done_this_week,
            "papers": self.papers,
            "target": self.target,
            "days_left": self.days_left,
        }


def summary(state: State, track: Track, today: date) -> Summary:
    figures = track_figures(state, track, today)
    topics = track.topic_ids()
    suggestions = plan(state, track, 1).suggestions
    return Summary(
        track=track,
        percent=int(figures["percent"]),
        done=int(figures["done"]),
        total=int(figures["total"]),
        in_progress=tuple(t for t in topics if state.status(t) == "in_progress"),
        next_topic=suggestions[0].topic if suggestions else None,
        done_this_week=done_in_week(state, topics, today),
        papers=int(figures["papers"]),
        target=int(figures["target"]),
        days_left=days_left_in_week(today),
    )


@dataclass(frozen=True)
class Status:
    """`llmpath status`: the summary, and today's study with the streak; those are the learner's
    own, never in a cohort row."""

    brief: Summary
    study: Today

    def to_json(self, state: State) -> dict[str, Any]:
        return {**self.brief.to_json(state), "study": self.study.to_json()}


def status(state: State, track: Track, today: date) -> Status:
    return Status(summary(state, track, today), today_of(state, today))
