"""The learner's history: which changes are in force, and which one `undo` takes back next.

Every command that records something is one change; its id is its place in the history. Order is
the history's, never the clock's: a change stamped in the future (a clock set back, an imported
file) is still only as late as its place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

STATUS = "status"
PAPER_READ = "paper_read"
PAPER_TARGET = "paper_target"
SETTING = "setting"
NOTE = "note"
LINK = "link"
READ_CORRECTION = "read_correction"
STUDY = "study"
STUDY_TIMER = "study_timer"
STUDY_TARGET = "study_target"
UNDO = "undo"
IMPORT = "import"
SYNC = "sync"
KINDS = (
    STATUS, PAPER_READ, PAPER_TARGET, SETTING, NOTE, LINK, READ_CORRECTION, STUDY, STUDY_TIMER, STUDY_TARGET, IMPORT,
    SYNC, UNDO,
)  # fmt: skip
# What `undo` walks back through: what the learner did, not undos themselves or roadmap syncs.
NOT_UNDOABLE = (UNDO, SYNC)


@dataclass(frozen=True)
class Change:
    id: int
    uid: str
    kind: str
    summary: str
    recorded_at: datetime
    reverts: int | None = None
    imported_by: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uid": self.uid,
            "kind": self.kind,
            "summary": self.summary,
            "at": self.recorded_at.isoformat(),
            "reverts": self.reverts,
            "imported_by": self.imported_by,
        }


def status_summary(status: str, topics: Iterable[str]) -> str:
    if status == "todo":
        return f"reset to to do: {', '.join(topics)}"
    return f"marked {status.replace('_', ' ')}: {', '.join(topics)}"


def read_summary(paper: str) -> str:
    return f"logged a reading of {paper}"


def unlog_summary(paper: str, day: date) -> str:
    return f"removed the reading of {paper} on {day.isoformat()}"


def amend_summary(paper: str, day: date, fields: Iterable[str]) -> str:
    return f"changed the {' and '.join(fields)} of the reading of {paper} on {day.isoformat()}"


def target_summary(target: int) -> str:
    return f"set the weekly paper target to {target}"


def reverted(changes: Iterable[Change]) -> set[int]:
    """The ids of changes taken back by an undo that is itself in force.

    Walked newest first, since an undo only reverts something earlier: by the time an undo is
    met, every later undo (including one that reverted the import it came with) has been applied.
    Undoing an import takes back every change it brought, and what those brought in turn.
    """
    ordered = sorted(changes, key=lambda c: c.id, reverse=True)
    brought: dict[int, list[int]] = {}
    for change in ordered:
        if change.imported_by is not None:
            brought.setdefault(change.imported_by, []).append(change.id)
    out: set[int] = set()
    for change in ordered:
        if change.kind != UNDO or change.id in out or change.reverts is None:
            continue
        out.update(_taken_with(change.reverts, lambda taken: brought.get(taken, ())))
    return out


def _taken_with(first: int, brought: Callable[[int], Iterable[int]]) -> list[int]:
    """A change and everything it brought, and what those brought in turn."""
    taken, pending = [], [first]
    while pending:
        change_id = pending.pop()
        if change_id not in taken:  # a store edited by hand may link in a circle
            taken.append(change_id)
            pending.extend(brought(change_id))
    return taken


def reverted_after(
    before: set[int],
    undos: Iterable[Change],
    kind_of: Callable[[int], str | None],
    brought: Callable[[int], Iterable[int]],
) -> set[int] | None:
    """`reverted` once `undos`, newer than every change it was decided over (`before`), join the
    history; without walking the whole of it. None when an undo takes back another undo (or
    brings one back with an import): what that one took back returns, and only `reverted` over the
    whole history can tell what then holds."""
    out = set(before)
    for undo in sorted(undos, key=lambda c: c.id):
        if undo.reverts is None or undo.id in out:
            continue
        taken = _taken_with(undo.reverts, brought)
        if any(kind_of(change_id) == UNDO for change_id in taken):
            return None
        out.update(taken)
    return out


def next_to_undo(
    newest_first: Iterable[Change], taken_back: set[int], change: Callable[[int], Change | None]
) -> Change | None:
    """The latest change in force that `undo` can take back; an imported one means the import
    this store made, which is undone as a whole. `change` finds a change by id."""
    for candidate in newest_first:
        if candidate.id in taken_back or candidate.kind in NOT_UNDOABLE:
            continue
        return _import_root(candidate, change)
    return None


def _import_root(candidate: Change, change: Callable[[int], Change | None]) -> Change:
    """The change that stands for `candidate` in the history: the import that brought it, if any."""
    seen = {candidate.id}
    while candidate.imported_by is not None and (parent := change(candidate.imported_by)) is not None:
        if parent.id in seen:  # a store edited by hand may link in a circle
            break
        seen.add(parent.id)
        candidate = parent
    return candidate


def undo_walk(
    newest_first: list[Change], taken_back: set[int], change: Callable[[int], Change | None], limit: int
) -> list[Change]:
    """What `undo` would take back, run `limit` times in a row, in that order (`undo --list`)."""
    taken, walk = set(taken_back), []
    while len(walk) < limit:
        target = next_to_undo(newest_first, taken, change)
        if target is None:
            break
        walk.append(target)
        # Undoing an import takes back every change it brought.
        taken.update(c.id for c in newest_first if c.id == target.id or _import_root(c, change).id == target.id)
    return walk


@dataclass(frozen=True)
class LogEntry:
    """One change as `llmpath log` tells it: its day, whether it was taken back, what it recorded."""

    change: Change
    day: date
    undone: bool
    events: tuple[Any, ...] = ()  # domain.state.Event: the statuses it set
    reads: tuple[Any, ...] = ()  # domain.papers.Read: the readings it logged
    notes: tuple[Any, ...] = ()  # domain.notes.TopicNote: the notes it added
    links: tuple[Any, ...] = ()  # domain.notes.TopicLink: the links it added
    sessions: tuple[Any, ...] = ()  # domain.study.StudySession: the study time it logged

    def to_json(self) -> dict[str, Any]:
        return {
            "change": self.change.id,
            "kind": self.change.kind,
            "on": self.day.isoformat(),
            "summary": self.change.summary,
            "undone": self.undone,
            "topics": [{"topic": e.topic, "status": e.status, "note": e.note} for e in self.events],
            "papers": [{"paper": r.paper, "note": r.note, "pass": r.pass_number} for r in self.reads],
            "notes": [{"topic": n.topic, "note": n.note} for n in self.notes],
            "links": [{"topic": link.topic, "url": link.url, "title": link.title} for link in self.links],
            "sessions": [{"topic": s.topic, "minutes": s.minutes, "note": s.note} for s in self.sessions],
        }


def log_entries(
    records: Any, day_of: Callable[[datetime], date], since: date | None, limit: int | None
) -> list[LogEntry]:
    """The history as a learner reads it, newest first (the roadmap's syncs left out). `day_of`
    gives the local day of a stored time; `since` keeps what happened on that day or after."""
    taken = records.taken_back()
    entries: list[LogEntry] = []
    for change in records.changes_newest_first():
        if since is not None and day_of(change.recorded_at) < since - timedelta(days=1):
            break  # recorded before the day asked for (a day's margin for zones): the rest is older
        if change.kind == SYNC:
            continue
        events = tuple(records.change_events(change.id)) if change.kind == STATUS else ()
        reads = tuple(records.change_reads(change.id)) if change.kind == PAPER_READ else ()
        notes = tuple(records.change_notes(change.id)) if change.kind in (STATUS, NOTE) else ()
        links = tuple(records.change_links(change.id)) if change.kind == LINK else ()
        sessions = tuple(records.change_sessions(change.id)) if change.kind == STUDY else ()
        # The day it is about (a backfilled --on, the day a timer started), else the day it was recorded.
        days = [e.happened_on for e in events] + [r.read_on for r in reads] + [n.noted_on for n in notes]
        days += [s.studied_on for s in sessions]
        day = days[0] if days else day_of(change.recorded_at)
        if since is not None and day < since:
            continue
        entries.append(LogEntry(change, day, change.id in taken, events, reads, notes, links, sessions))
        if limit is not None and len(entries) >= limit:
            break
    return entries
