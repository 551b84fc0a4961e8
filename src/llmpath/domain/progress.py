"""Progress figures for a track: per stage and overall, pace, time left, level reached.

Skipped topics are counted apart and leave the denominator: percent = done / counted, where the
counted topics are the track's (or stage's) required topics less the skipped ones. The counted
topics are what every view shows as the total (`3/134 ↷1` in text, `total` in JSON, the badge's
{total}). Optional topics (the roadmap marks them) are counted apart too, done of all, and never
in the total: a track is finished when its required topics are.

Pace is topics done a week over the whole weeks since the learner's first status change, the last
PACE_WEEKS at most: a learner who began ten days ago is measured over the last week, not divided by
four. In the first week (fewer than 7 days since that change) there is no pace yet. A finished
track has no time left.

Study time has a pace by the same rule, from the first day study was logged: minutes studied a
week over those whole weeks. It is the learner's, whatever the track. The roadmap's stage
estimates are in weeks or months and say nothing of hours a week, so study time is never turned
into time left: the time left comes from the topic pace, and the estimates of the stages not
finished are given beside it as the roadmap states them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from ..roadmap.schema import Stage, Track
from .dates import same_week
from .state import State

PACE_WEEKS = 4
NOT_ENOUGH_HISTORY = "not enough history yet"


@dataclass(frozen=True)
class Tally:
    total: int  # every required topic, skipped ones included
    done: int  # required topics done
    skipped: int  # required topics skipped
    in_progress: int  # topics started, optional ones included
    optional: int = 0  # the optional topics, apart from all the figures above
    optional_done: int = 0
    optional_skipped: int = 0

    @property
    def counted(self) -> int:
        """The topics that count toward the percent: required ones, skipped ones left out."""
        return self.total - self.skipped

    @property
    def remaining(self) -> int:
        return self.counted - self.done

    def fraction(self, with_optional: bool = False) -> str:
        """How every view writes the counts: `3/10 ↷1`, done of the counted topics with the skipped
        beside them; `0/6 optional` for a group of optional topics only; `with_optional`, the
        optional ones after a group's required ones, `3/10 +1/6 optional`."""
        optional = f"{self.optional_done}/{self.optional} optional"
        if not self.total and self.optional:
            return optional
        skipped = f" ↷{self.skipped}" if self.skipped else ""
        shown = f"{self.done}/{self.counted}{skipped}"
        return f"{shown} +{optional}" if with_optional and self.optional else shown

    def as_dict(self) -> dict[str, object]:
        return {
            "done": self.done,
            "skipped": self.skipped,
            "in_progress": self.in_progress,
            "total": self.counted,  # as the text shows it: done/total, the skipped beside it
            "percent": self.percent,
            "optional": {"done": self.optional_done, "skipped": self.optional_skipped, "total": self.optional},
        }

    @property
    def percent(self) -> float:
        """Done of counted, to a tenth: 100 for a group with nothing left to count (its required
        topics all skipped, or none but optional ones), 0 for an empty one."""
        if self.counted <= 0:
            return 100.0 if self.total or self.optional else 0.0
        return round(100.0 * self.done / self.counted, 1)

    @property
    def whole_percent(self) -> int:
        """Done of counted in whole percent, from the counts (not from `percent`, already rounded)."""
        if self.counted <= 0:
            return 100 if self.total or self.optional else 0
        return round(100 * self.done / self.counted)


@dataclass(frozen=True)
class StageProgress:
    stage: Stage
    tally: Tally


@dataclass(frozen=True)
class Level:
    reached: str | None  # the highest level whose stage, and every one before it, is complete
    working_on: str | None


@dataclass(frozen=True)
class Pace:
    weeks: int  # the whole weeks measured, 0 to PACE_WEEKS: 0 in the first week
    done: int  # topics done in them

    @property
    def per_week(self) -> float | None:
        """Topics done a week; None when no week has passed to measure."""
        return round(self.done / self.weeks, 2) if self.weeks else None

    @property
    def reason(self) -> str | None:
        """Why there is no pace, or None when there is one."""
        return NOT_ENOUGH_HISTORY if self.per_week is None else None


@dataclass(frozen=True)
class StudyPace:
    weeks: int  # the whole weeks measured, as for Pace, from the first day study was logged
    minutes: int  # studied in them

    @property
    def per_week(self) -> int | None:
        """Whole minutes studied a week; None when no week has passed to measure."""
        return round(self.minutes / self.weeks) if self.weeks else None

    @property
    def reason(self) -> str | None:
        return NOT_ENOUGH_HISTORY if self.per_week is None else None


@dataclass(frozen=True)
class EstimateLeft:
    """The roadmap's estimates of the stages not finished, each whole, added up in weeks."""

    low: float
    high: float | None  # None when a stage's estimate is open-ended ("12+ months")
    stages: int  # the stages not finished that have an estimate
    unestimated: int  # the stages not finished that have none: left out of the figures


@dataclass(frozen=True)
class TrackProgress:
    track: Track
    tally: Tally
    stages: list[StageProgress]
    done_this_week: int
    pace: Pace
    weeks_left: float | None  # at that pace: 0 for a finished track, None while there is no pace to go by
    level: Level | None
    estimate_left: EstimateLeft | None  # None when no stage left has an estimate
    study_weeks: list[tuple[date, int]]  # (Monday, minutes studied) of this week and the four before, oldest first
    study_pace: StudyPace

    @property
    def finished(self) -> bool:
        return self.tally.remaining == 0


def tally(state: State, topics: list[str] | tuple[str, ...]) -> Tally:
    required: list[str] = []
    optional: list[str] = []
    for topic in topics:
        (optional if state.roadmap.is_optional(topic) else required).append(state.status(topic))
    return Tally(
        total=len(required),
        done=required.count("done"),
        skipped=required.count("skipped"),
        in_progress=required.count("in_progress") + optional.count("in_progress"),
        optional=len(optional),
        optional_done=optional.count("done"),
        optional_skipped=optional.count("skipped"),
    )


def done_in_week(state: State, topics: Iterable[str], today: date) -> int:
    """The topics done in the week of `today`, up to today."""
    return sum(1 for day in _done_dates(state, topics) if same_week(day, today) and day <= today)


def _done_dates(state: State, topics: Iterable[str]) -> list[date]:
    """The days the required topics among `topics` were done: what this week's count and the pace
    go by, as the totals do."""
    dates = []
    for topic in topics:
        since = state.since(topic)
        if since is not None and state.status(topic) == "done" and not state.roadmap.is_optional(topic):
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


def pace_weeks(first: date | None, today: date) -> int:
    """The whole weeks a pace is measured over: those since `first`, PACE_WEEKS at most; the days
    after `today` minus that many weeks, up to today. 0 before a whole week has passed."""
    days = (today - first).days if first else 0
    return min(max(days, 0) // 7, PACE_WEEKS)


def pace(done_days: Iterable[date], first_change: date | None, today: date) -> Pace:
    """Topics done a week over the last whole weeks since `first_change` (pace_weeks)."""
    weeks = pace_weeks(first_change, today)
    start = today - timedelta(weeks=weeks)
    return Pace(weeks, sum(1 for day in done_days if start < day <= today))


def study_pace(state: State, today: date) -> StudyPace:
    """Minutes studied a week over the last whole weeks since study was first logged (pace_weeks)."""
    weeks = pace_weeks(state.records.first_study_day(), today)
    if not weeks:
        return StudyPace(0, 0)
    first = today - timedelta(weeks=weeks) + timedelta(days=1)
    return StudyPace(weeks, sum(state.records.study_minutes(first, today).values()))


def estimate_left(stages: Iterable[StageProgress]) -> EstimateLeft | None:
    """The estimates of the stages with a topic still to do, added up; None when none has one."""
    low, high, counted, unestimated = 0.0, 0.0, 0, 0
    open_ended = False
    for stage_progress in stages:
        if stage_progress.tally.remaining <= 0:
            continue
        estimate = stage_progress.stage.estimate
        if estimate is None:
            unestimated += 1
            continue
        least, most = estimate.weeks()
        low, counted = low + least, counted + 1
        open_ended = open_ended or most is None
        high += most or 0.0
    if not counted:
        return None
    return EstimateLeft(round(low, 1), None if open_ended else round(high, 1), counted, unestimated)


def weeks_left(remaining: int, at: Pace) -> float | None:
    """Weeks to finish `remaining` topics at a pace: 0 when none remain, None without a pace above 0."""
    if remaining <= 0:
        return 0.0
    if not at.done:
        return None
    return round(remaining * at.weeks / at.done, 1)


def track_progress(state: State, track: Track, today: date) -> TrackProgress:
    from .habit import weekly_minutes  # the study rules load with the views that show them

    stages = [StageProgress(stage, tally(state, stage.topics)) for stage in track.stages]
    topics = track.topic_ids()
    overall = tally(state, topics)
    dates = _done_dates(state, topics)
    measured = pace(dates, state.first_change_day(), today)
    return TrackProgress(
        track=track,
        tally=overall,
        stages=stages,
        done_this_week=done_in_week(state, topics, today),
        pace=measured,
        weeks_left=weeks_left(overall.remaining, measured),
        level=_level(state, stages),
        estimate_left=estimate_left(stages),
        study_weeks=weekly_minutes(state, today),
        study_pace=study_pace(state, today),
    )
