"""A study group's cohort, one row per learner, from each learner's state by the same rules as
their own views (the badge's figures: domain/badge.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..roadmap.schema import Track  # noqa: TC001 - a dataclass field's type, read at run time
from .state import State
from .summary import summary


@dataclass(frozen=True)
class CohortRow:
    learner: str
    track: str
    percent: int
    topic: str | None  # the topic they are on: in progress, else the next one (none: finished)
    topic_title: str  # its display title
    done_this_week: int
    papers: int
    target: int
    last_active: date | None

    def to_json(self) -> dict[str, Any]:
        return {
            "learner": self.learner,
            "track": self.track,
            "percent": self.percent,
            "topic": self.topic,
            "topic_title": self.topic_title,
            "done_this_week": self.done_this_week,
            "papers": self.papers,
            "target": self.target,
            "last_active": self.last_active.isoformat() if self.last_active else None,
        }


def cohort_row(learner: str, state: State, track: Track, today: date, last_active: date | None) -> CohortRow:
    brief = summary(state, track, today)
    title = state.roadmap.display_title(brief.on, track) if brief.on else ""
    return CohortRow(
        learner, track.id, brief.percent, brief.on, title, brief.done_this_week, brief.papers, brief.target, last_active
    )
