"""A study group's cohort, one row per learner, from each learner's state by the same rules as
their own views (the badge's figures: domain/badge.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..roadmap.schema import Track  # noqa: TC001 - a dataclass field's type, read at run time
from .badge import track_figures
from .dates import week_start
from .state import State


@dataclass(frozen=True)
class CohortRow:
    learner: str
    track: str
    percent: int
    on: str  # the topic they are on: in progress, else the next one
    done_this_week: int
    papers: int
    target: int
    last_active: date | None

    def to_json(self) -> dict[str, Any]:
        return {
            "learner": self.learner,
            "track": self.track,
            "percent": self.percent,
            "on": self.on,
            "done_this_week": self.done_this_week,
            "papers": self.papers,
            "target": self.target,
            "last_active": self.last_active.isoformat() if self.last_active else None,
        }


def cohort_row(learner: str, state: State, track: Track, today: date, last_active: date | None) -> CohortRow:
    figures = track_figures(state, track, today)
    monday = week_start(today)
    done = sum(
        1
        for topic in track.topic_ids()
        if state.status(topic) == "done" and (since := state.since(topic)) and monday <= since <= monday + timedelta(6)
    )
    in_progress = next((t for t in track.topic_ids() if state.status(t) == "in_progress"), None)
    on = state.roadmap.display_title(in_progress) if in_progress else str(figures["next"])
    return CohortRow(
        learner,
        track.id,
        int(figures["percent"]),
        on,
        done,
        int(figures["papers"]),
        int(figures["target"]),
        last_active,
    )
