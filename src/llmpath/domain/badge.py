"""What the prompt badge shows, computed on every write so the badge itself only reads it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from .dates import week_label, week_start
from .planner import plan
from .progress import tally
from .state import State

if TYPE_CHECKING:
    from ..roadmap.schema import Track


def badge_fields(state: State, today: date) -> dict[str, str | int]:
    """The active track's figures and today's study. `{today}` is true only on `day`: from the
    next local day on, the badge shows `next_day` until a command writes the file again."""
    from .habit import minutes_today  # after a write only: reads never load the study rules for it

    return {
        **track_figures(state, state.active_track(), today),
        "today": minutes_today(state, today),
        "day": today.isoformat(),
        "next_day": minutes_today(state, today + timedelta(days=1)),  # the next day's: none studied, its target
    }


def track_figures(state: State, track: Track, today: date) -> dict[str, str | int]:
    """The badge's figures for one track: what the prompt shows, and a cohort row too."""
    counts = tally(state, track.topic_ids())
    week = state.paper_log.week(week_start(today))
    suggestion = plan(state, track, 1).suggestions
    return {
        "track": track.id,
        "percent": counts.whole_percent,
        "done": counts.done,
        "total": counts.counted,
        "papers": week.count,
        "target": week.target,
        "next": state.roadmap.display_title(suggestion[0].topic, track) if suggestion else "",
        "week": week_label(today),
    }
