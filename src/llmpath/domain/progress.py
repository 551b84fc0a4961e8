"""Progress figures for a track: per stage and overall, pace, time left, level reached.

Skipped topics are counted apart and leave the denominator: percent = done / (total - skipped).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..roadmap.schema import Stage, Track
from .dates import same_week
from .state import State

PACE_WEEKS = 4


@dataclass(frozen=True)
class Tally:
    total: int
    done: int
    skipped: int
    in_progress: int

    @property
    def remaining(self) -> int:
        return self.total - self.done - self.skipped

    def as_dict(self) -> dict[str, float | int]:
        return {
            "done": self.done,
            "skipped": self.skipped,
            "in_progress": self.in_progress,
            "total": self.total,
            "percent": self.percent,
        }

    @property
    def percent(self) -> float:
        counted = self.total - self.skipped
        if counted <= 0:
            return 100.0 if self.total else 0.0
        return round(100.0 * self.done / counted, 1)


@dataclass(frozen=True)
class StageProgress:
    stage: Stage
    tally: Tally


@dataclass(frozen=True)
class Level:
    reached: str | None  # the highest level whose stage, and every one before it, is complete
    working_on: str | None


@dataclass(frozen=True)
class TrackProgress:
    track: Track
    tally: Tally
    stages: list[StageProgress]
    done_this_week: int
    pace_per_week: float  # topics done a week over the last PACE_WEEKS weeks
    weeks_left: float | None  # at that pace; None when there is no pace yet
    level: Level | None


def tally(state: State, topics: list[str] | tuple[str, ...]) -> Tally:
    statuses = [state.status(t) for t in topics]
    return Tally(len(statuses), statuses.count("done"), statuses.count("skipped"), statuses.count("in_progress"))


def _done_dates(state: State, topics: list[str]) -> list[date]:
    dates = []
    for topic in topics:
        since = state.since(topic)
        if since is not None and state.status(topic) == "done":
            dates.append(since)
    return dates


def _level(state: State, stages: list[StageProgress]) -> Level | None:
    levelled = [sp for sp in stages if sp.stage.level]
    if not levelled:
        return None
    reached = None
    working_on = None
    for sp in levelled:
        if sp.tally.remaining == 0:
            reached = sp.stage.level
        else:
            working_on = sp.stage.level
            break
    return Level(reached, working_on)


def track_progress(state: State, track: Track, today: date) -> TrackProgress:
    stages = [StageProgress(stage, tally(state, stage.topics)) for stage in track.stages]
    topics = track.topic_ids()
    overall = tally(state, topics)
    dates = _done_dates(state, topics)
    window_start = today - timedelta(weeks=PACE_WEEKS)
    pace = sum(1 for d in dates if window_start < d <= today) / PACE_WEEKS
    weeks_left = overall.remaining / pace if pace > 0 else None
    return TrackProgress(
        track=track,
        tally=overall,
        stages=stages,
        done_this_week=sum(1 for d in dates if same_week(d, today) and d <= today),
        pace_per_week=round(pace, 2),
        weeks_left=round(weeks_left, 1) if weeks_left is not None else None,
        level=_level(state, stages),
    )
