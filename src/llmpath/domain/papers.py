"""The paper log: reads against a weekly target, streaks of weeks that met it, what to read next.

A paper read twice in one week stays twice in the history but counts once toward that week.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from ..roadmap.schema import PRIORITIES, Paper
from .dates import days_left_in_week, week_label, week_start

if TYPE_CHECKING:
    from ..roadmap.schema import Track
    from .state import State

DEFAULT_TARGET = 2
MIN_TARGET, MAX_TARGET = 1, 50
CHART_WEEKS = 8
PASSES = {1: "skim", 2: "careful read", 3: "re-derive"}
WEEK = timedelta(weeks=1)


@dataclass(frozen=True)
class Read:
    uid: str
    paper: str
    read_on: date
    recorded_at: datetime
    note: str | None = None
    pass_number: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "paper": self.paper,
            "on": self.read_on.isoformat(),
            "at": self.recorded_at.isoformat(),
            "note": self.note,
            "pass": self.pass_number,
        }


@dataclass(frozen=True)
class ReadCorrection:
    """A reading removed (`papers unlog`: withdrawn) or amended (`papers log` on the same paper and
    day with --note or --pass: the values given, None where unchanged). The reading stays in the
    history; undoing the correction's change brings it back as it was."""

    uid: str
    change: int
    read: str  # the reading's uid
    withdrawn: bool
    note: str | None = None
    pass_number: int | None = None


def corrected(reads: Iterable[Read], corrections: Iterable[ReadCorrection]) -> list[Read]:
    """The readings as the corrections in force leave them: amended in history order, withdrawn ones left out."""
    by_read: dict[str, list[ReadCorrection]] = {}
    for correction in sorted(corrections, key=lambda c: c.change):
        by_read.setdefault(correction.read, []).append(correction)
    kept = []
    for read in reads:
        for correction in by_read.get(read.uid, ()):
            if correction.withdrawn:
                break
            read = replace(
                read,
                note=read.note if correction.note is None else correction.note,
                pass_number=read.pass_number if correction.pass_number is None else correction.pass_number,
            )
        else:
            kept.append(read)
    return kept


@dataclass(frozen=True)
class TargetChange:
    target: int
    set_on: date
    change: int = 0  # its place in the history: orders two targets set on the same day


@dataclass(frozen=True)
class WeekTally:
    monday: date
    target: int
    reads: tuple[Read, ...]  # every read that week, by day
    papers: tuple[str, ...]  # the papers that count, each once, in the order first read

    @property
    def label(self) -> str:
        return week_label(self.monday)

    @property
    def count(self) -> int:
        return len(self.papers)

    @property
    def met(self) -> bool:
        return self.count >= self.target


@dataclass(frozen=True)
class WeekView:
    tally: WeekTally
    is_current: bool
    days_left: int
    streak: int
    history: tuple[WeekTally, ...]  # the CHART_WEEKS weeks ending with this one, oldest first


class Reads(Protocol):
    """The readings in force, asked for by what a view shows (see ReadList, and the store's)."""

    def between(self, first: date, last: date) -> list[Read]: ...

    def of_paper(self, paper_id: str) -> list[Read]: ...

    def counts(self) -> dict[str, int]: ...  # readings per paper read at least once

    def first_day(self) -> date | None: ...

    def papers_by_day(self, first: date, last: date) -> Iterable[tuple[date, str]]: ...  # (day, paper) read


class ReadList:
    """Readings held in memory."""

    def __init__(self, reads: Iterable[Read]) -> None:
        self.reads = list(reads)

    def between(self, first: date, last: date) -> list[Read]:
        return [r for r in self.reads if first <= r.read_on <= last]

    def of_paper(self, paper_id: str) -> list[Read]:
        return [r for r in self.reads if r.paper == paper_id]

    def counts(self) -> dict[str, int]:
        return dict(Counter(r.paper for r in self.reads))

    def first_day(self) -> date | None:
        return min((r.read_on for r in self.reads), default=None)

    def papers_by_day(self, first: date, last: date) -> Iterable[tuple[date, str]]:
        return [(r.read_on, r.paper) for r in self.between(first, last)]


def counted(papers: Iterable[str]) -> tuple[str, ...]:
    """The papers that count toward a week, from those read in it: each once, first read first."""
    return tuple(dict.fromkeys(papers))


def in_reading_order(reads: Iterable[Read]) -> list[Read]:
    return sorted(reads, key=lambda r: (r.read_on, r.recorded_at))


class PaperLog:
    """Reads grouped by week, with the target in force each week."""

    def __init__(self, reads: Reads | Iterable[Read], targets: Iterable[TargetChange]) -> None:
        self.source: Reads = reads if hasattr(reads, "between") else ReadList(reads)  # type: ignore[arg-type]
        self.targets = sorted(targets, key=lambda t: (t.set_on, t.change))
        self._weeks: dict[date, WeekTally] = {}

    def target_for(self, monday: date) -> int:
        """The last target set on or before the week's Sunday; the default before any was set."""
        sunday = monday + timedelta(days=6)
        chosen = DEFAULT_TARGET
        for change in self.targets:
            if change.set_on <= sunday:
                chosen = change.target
        return chosen

    def week(self, monday: date) -> WeekTally:
        if monday not in self._weeks:
            reads = tuple(in_reading_order(self.source.between(monday, monday + timedelta(days=6))))
            self._weeks[monday] = WeekTally(monday, self.target_for(monday), reads, counted(r.paper for r in reads))
        return self._weeks[monday]

    def streak(self, monday: date, today: date) -> int:
        """Consecutive weeks that met their target, ending with `monday`'s week.

        The week in progress does not break a streak before it ends: when it has not met its
        target yet, the streak is counted from the week before.
        """
        week = monday
        if not self.week(week).met:
            if week != week_start(today):
                return 0
            week -= WEEK
        first_day = self.source.first_day()
        first_read = week_start(first_day) if first_day else week
        count, span = 0, CHART_WEEKS
        while week >= first_read:
            # A long streak is told from how many papers count each week, read a stretch of weeks
            # at a time, each stretch twice as long as the one before: never every reading.
            oldest = week - WEEK * min(span - 1, (week - first_read).days // 7)
            counts = self.counts_between(oldest, week)
            while week >= oldest:
                if counts.get(week, 0) < self.target_for(week):
                    return count
                count += 1
                if week - date.min < WEEK:  # the first week there is
                    return count
                week -= WEEK
            span *= 2
        return count

    def counts_between(self, first: date, last: date) -> dict[date, int]:
        """How many papers count toward each week from `first`'s to `last`'s, by Monday; weeks
        without a reading are left out."""
        papers: dict[date, list[str]] = {}
        for day, paper in self.source.papers_by_day(first, last + timedelta(days=6)):
            papers.setdefault(week_start(day), []).append(paper)
        return {monday: len(counted(read)) for monday, read in papers.items()}

    def view(self, monday: date, today: date) -> WeekView:
        current = monday == week_start(today)
        history = tuple(
            self.week(monday - WEEK * back)
            for back in range(CHART_WEEKS - 1, -1, -1)
            if monday - date.min >= WEEK * back
        )
        return WeekView(
            tally=self.week(monday),
            is_current=current,
            days_left=days_left_in_week(today) if current else 0,
            streak=self.streak(monday, today),
            history=history,
        )

    def reads_of(self, paper_id: str) -> list[Read]:
        return in_reading_order(self.source.of_paper(paper_id))

    def read_counts(self) -> dict[str, int]:
        return self.source.counts()

    def read_ids(self) -> set[str]:
        return set(self.source.counts())


def suggest(
    papers_of_priority: Callable[[str], Iterable[Paper]],
    read: set[str],
    focus: list[str],
    track_topics: list[str],
    count: int = 1,
) -> list[Paper]:
    """Unread catalog papers: Essential first, then those tied to the topics in focus, then to the track.

    The papers come a priority at a time (`papers_of_priority`, Essential first), and a lower one is
    read only when the ones above leave fewer than `count` unread: on a large catalog, the
    suggestion reads the Essential papers and no more."""
    order = {topic: i for i, topic in enumerate(track_topics)}
    focus_set = set(focus)

    def rank(paper: Paper) -> tuple[int, int, int]:
        on_track = [order[t] for t in paper.topics if t in order]
        closeness = 0 if focus_set & set(paper.topics) else 1 if on_track else 2
        return (closeness, min(on_track, default=len(order)), paper.year or 0)

    chosen: list[Paper] = []
    for priority in PRIORITIES:
        if len(chosen) >= count:
            break
        unread = [p for p in papers_of_priority(priority) if p.id not in read and not p.own]
        chosen += sorted(unread, key=rank)[: count - len(chosen)]
    return chosen


def suggested_papers(
    state: State, count: int, track: Track | None = None, focus: list[str] | None = None
) -> list[Paper]:
    """Unread papers to read next, tied to `focus` topics (by default, what `next` would show)."""
    from .planner import learning_order, plan  # the planner builds on State, which builds on this module

    track = track or state.active_track()
    if focus is None:
        focus = [s.topic for s in plan(state, track, 3).suggestions]
    read = state.paper_log.read_ids()
    return suggest(state.roadmap.papers_of_priority, read, focus, learning_order(state, track), count)


def week_summary(state: State, track: Track, today: date, focus: list[str] | None = None) -> dict[str, Any]:
    """This week's papers against the target and one unread paper: the line `next` and `progress` add."""
    tally = state.paper_log.week(week_start(today))
    suggestion = suggested_papers(state, 1, track, focus)
    return {
        "week": tally.label,
        "count": tally.count,
        "target": tally.target,
        "met": tally.met,
        "suggestion": {"id": suggestion[0].id, "title": suggestion[0].title} if suggestion else None,
    }
