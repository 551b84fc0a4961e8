"""The store as its own read model: the learner's state read from the database, and the derived
tables kept in step with the history.

Reads (`try_open`) run in one read transaction on a standard-library connection and touch only
what the command shows; they trust the derived tables (`taken_back`, `topic_status`) only when
they are stamped with the store's generation, the roadmap file is the one synced and the schema is
this release's. Otherwise the store is brought up to date under the write lock and read again
(app/access.py: read_state). Every write brings the derived tables to its own generation in its transaction
(`bring_up_to_date`), with the domain's rules: this module is their only writer.

The codec of each record kind, from its stored row to the domain's record, is here too, with the
stored form of times and days that writes use. A row that
cannot be decoded (damaged by hand or by a disk) is left out and counted, never fatal: `doctor`
names it, views and `export` go on without it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from ..domain.history import KINDS, SYNC, UNDO, Change, reverted, reverted_after
from ..domain.papers import MAX_TARGET, MIN_TARGET, Read, ReadCorrection, TargetChange, corrected
from ..domain.records import MemoryRecords, OwnPaper, as_recorded, resolve_alias
from ..domain.state import STATUSES, Event, SettingRecord, Standing, State, current_settings, latest_events
from ..errors import LlmpathError
from ..paths import Paths
from ..roadmap.digest import roadmap_digest
from ..roadmap.schema import Paper
from ..store import queries
from ..store.queries import Row

if TYPE_CHECKING:  # their codecs import them when a command reads such records
    from ..domain.notes import TopicLink, TopicNote
    from ..domain.study import DailyTargetChange, StudySession, StudyTimer

T = TypeVar("T")


class Damaged(ValueError):
    """A stored row whose values are not what its kind holds."""


# --- the codec: stored rows to records and back ---------------------------------------------------


def stored_time(value: Any) -> datetime:
    """A stored UTC time: SQLite keeps 'YYYY-MM-DD HH:MM:SS[.ffffff]', without a zone; psycopg
    hands back a datetime."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        moment = datetime.fromisoformat(value)
    else:
        raise Damaged(f"time {value!r}")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@lru_cache(maxsize=4096)  # a store holds few distinct days, and views decode thousands of them
def stored_day(value: Any) -> date:
    """A stored day: 'YYYY-MM-DD' in SQLite, a date from psycopg."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or len(value) != 10:
        raise Damaged(f"date {value!r}")
    return date.fromisoformat(value)


def time_to_store(moment: datetime) -> str:
    """A time as stored: in UTC, without a zone, to the microsecond (as SQLAlchemy writes one too)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def day_to_store(day: date) -> str:
    return day.isoformat()


def _text(value: Any, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise Damaged(f"text {value!r}")
    return value


def _number(value: Any, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise Damaged(f"number {value!r}")
    return value


def event_of(row: Row) -> Event:
    """A status_event row (queries.EVENT_COLUMNS)."""
    _id, uid, change, topic, status, on, at, note = row
    if status not in STATUSES:
        raise Damaged(f"status {status!r}")
    return Event(_text(uid), _number(change), _text(topic), status, stored_day(on), stored_time(at), _text(note, True))


def standing_of(row: Row) -> tuple[str, Standing]:
    """A topic_status row (queries.current_standings)."""
    topic, status, on = row
    if status not in STATUSES:
        raise Damaged(f"status {status!r}")
    return topic, Standing(status, stored_day(on))


def read_of(row: Row) -> Read:
    """A paper_read row (queries.READ_COLUMNS)."""
    _id, uid, change, paper, on, at, note, pass_number = row
    _number(change)
    return Read(
        _text(uid), _text(paper), stored_day(on), stored_time(at), _text(note, True), _number(pass_number, True)
    )


def _flag(value: Any) -> bool:
    # SQLite keeps a boolean as 0 or 1; psycopg hands back a bool.
    if value not in (0, 1) or not isinstance(value, int):
        raise Damaged(f"flag {value!r}")
    return bool(value)


def _pass(value: Any) -> int | None:
    if value is not None and value not in (1, 2, 3):
        raise Damaged(f"pass {value!r}")
    return _number(value, True)


def correction_of(row: Row) -> ReadCorrection:
    """A read_correction row (queries.CORRECTION_FIELDS)."""
    _id, uid, change, read, withdrawn, note, pass_number = row
    return ReadCorrection(
        _text(uid), _number(change), _text(read), _flag(withdrawn), _text(note, True), _pass(pass_number)
    )


def note_of(row: Row) -> TopicNote:
    """A topic_note row (queries.NOTE_FIELDS)."""
    from ..domain.notes import TopicNote

    _id, uid, change, topic, note, on, at = row
    return TopicNote(_text(uid), _number(change), _text(topic), _text(note), stored_day(on), stored_time(at))


def link_of(row: Row) -> TopicLink:
    """A topic_link row (queries.LINK_FIELDS)."""
    from ..domain.notes import TopicLink

    _id, uid, change, topic, url, title, at = row
    return TopicLink(_text(uid), _number(change), _text(topic), _text(url), _text(title, True), stored_time(at))


def _minutes(value: Any) -> int:
    from ..domain.study import DAY_MINUTES

    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= DAY_MINUTES:
        raise Damaged(f"minutes {value!r}")
    return value


def session_of(row: Row) -> StudySession:
    """A study_session row (queries.SESSION_FIELDS)."""
    from ..domain.study import StudySession

    _id, uid, change, topic, minutes, on, at, note, timer = row
    return StudySession(
        _text(uid), _number(change), _text(topic, True), _minutes(minutes), stored_day(on), stored_time(at),
        _text(note, True), _text(timer, True),
    )  # fmt: skip


def timer_of(row: Row) -> StudyTimer:
    """A study_timer row (queries.TIMER_FIELDS)."""
    from ..domain.study import StudyTimer

    _id, uid, change, topic, started = row
    return StudyTimer(_text(uid), _number(change), _text(topic, True), stored_time(started))


def study_target_of(row: Row) -> DailyTargetChange:
    from ..domain.study import DailyTargetChange

    _id, change, target, on = row
    if _minutes(target) == 0:
        raise Damaged("target 0")
    return DailyTargetChange(target, stored_day(on), _number(change))


def change_of(row: Row) -> Change:
    """A change row (queries.CHANGE_COLUMNS)."""
    change_id, uid, kind, summary, at, reverts, imported_by = row
    if kind not in KINDS:
        raise Damaged(f"kind {kind!r}")
    for link in (reverts, imported_by):
        if link is not None and (not isinstance(link, int) or not isinstance(change_id, int) or link >= change_id):
            raise Damaged(f"link to change {link!r}: a change only points back in the history")
    return Change(
        _number(change_id), _text(uid), kind, _text(summary), stored_time(at), _number(reverts, True),
        _number(imported_by, True),
    )  # fmt: skip


def target_of(row: Row) -> TargetChange:
    _id, change, target, on = row
    if not isinstance(target, int) or not MIN_TARGET <= target <= MAX_TARGET:
        raise Damaged(f"target {target!r}")
    return TargetChange(target, stored_day(on), _number(change))


def setting_of(row: Row) -> SettingRecord:
    _id, change, key, value = row
    return SettingRecord(_number(change), _text(key), _text(value))


def own_paper_of(row: Row) -> Paper:
    paper_id, _change, title = row
    return Paper(id=_text(paper_id), title=_text(title), own=True)


class Decoder:
    """Decodes rows, leaving out (and counting) the ones that are damaged."""

    def __init__(self) -> None:
        self.damaged: list[tuple[str, Any, str]] = []  # (table, row id, what is wrong)

    def each(self, table: str, rows: Iterable[Row], decode: Callable[[Row], T], key: int = 0) -> Iterator[T]:
        for row in rows:
            try:
                yield decode(row)
            except (ValueError, TypeError) as problem:  # Damaged, or a value fromisoformat refuses
                self.damaged.append((table, row[key], str(problem)))

    def all(self, table: str, rows: Iterable[Row], decode: Callable[[Row], T], key: int = 0) -> list[T]:
        return list(self.each(table, rows, decode, key))


# --- reading ---------------------------------------------------------------------------------------


# The read connections this process opened, kept until close_reads: a state that is no longer
# used does not close its connection by itself (a connection lives in a reference cycle with its
# statement cache until the garbage collector runs, possibly never before the process exits).
_open: list[Any] = []


class StoredRecords:
    """The learner's records as the store's read model holds them (implements domain.state.Records)."""

    def __init__(self, connection: Any, generation: int | None = None) -> None:
        self.connection = connection
        self.decoder = Decoder()
        self._taken_back: set[int] | None = None
        self._aliases: dict[str, str] | None = None
        self.generation = generation  # the store's, as try_open read it with the stamp

    def taken_back(self) -> set[int]:
        if self._taken_back is None:
            self._taken_back = queries.taken_back(self.connection)
        return self._taken_back

    def aliases(self) -> dict[str, str]:
        if self._aliases is None:
            raw = queries.aliases(self.connection)
            self._aliases = {alias: resolve_alias(raw, alias) for alias in raw}
        return self._aliases

    def current_events(self) -> dict[str, Event]:
        out = {}
        for row in queries.current_events(self.connection):
            try:
                out[row[0]] = _under(event_of(row[1:]), row[0])
            except (ValueError, TypeError) as problem:
                self.decoder.damaged.append(("status_event", row[1], str(problem)))
        return out

    def current_standings(self) -> dict[str, Standing]:
        return dict(self.decoder.each("topic_status", queries.current_standings(self.connection), standing_of))

    def first_event_on(self) -> date | None:
        for (day,) in queries.event_days(self.connection):  # a damaged day is passed over, as views leave it out
            try:
                return stored_day(day)
            except (ValueError, TypeError):
                continue
        return None

    def _names(self, topic_id: str) -> list[str]:
        """The ids a topic's records are stored under: its own and the old ids it replaced; none for
        an old id itself, whose records count for the topic it became."""
        if topic_id in self.aliases():
            return []
        return [topic_id, *(alias for alias, target in self.aliases().items() if target == topic_id)]

    def topic_history(self, topic_id: str) -> list[Event]:
        names = self._names(topic_id)
        events = self.decoder.all("status_event", queries.events_of_topics(self.connection, names), event_of)
        return as_recorded(events, self.aliases(), self.taken_back())

    def change_events(self, change_id: int) -> list[Event]:
        events = self.decoder.all("status_event", queries.events_of_changes(self.connection, [change_id]), event_of)
        return as_recorded(events, self.aliases(), self.taken_back())

    def change_reads(self, change_id: int) -> list[Read]:
        return self.decoder.all("paper_read", queries.reads_of_change(self.connection, change_id), read_of)

    def topic_notes(self, topic_id: str) -> list[TopicNote]:
        return self._of_topic(topic_id, "topic_note", note_of)

    def topic_links(self, topic_id: str) -> list[TopicLink]:
        return self._of_topic(topic_id, "topic_link", link_of)

    def _of_topic(self, topic_id: str, table: str, decode: Callable[[Row], T]) -> list[T]:
        rows = queries.notes_of_topics(self.connection, self._names(topic_id), table)
        return self.decoder.all(table, rows, decode)

    def change_notes(self, change_id: int) -> list[TopicNote]:
        return self.decoder.all(
            "topic_note", queries.notes_of_change(self.connection, change_id, "topic_note"), note_of
        )

    def change_links(self, change_id: int) -> list[TopicLink]:
        return self.decoder.all(
            "topic_link", queries.notes_of_change(self.connection, change_id, "topic_link"), link_of
        )

    def settings(self) -> dict[str, str]:
        # The query leaves out what was taken back already; the rule still decides the latest.
        return current_settings(
            self.decoder.all("setting_change", queries.settings(self.connection), setting_of), set()
        )

    def own_papers(self) -> list[Paper]:
        return self.decoder.all("own_paper", queries.own_papers(self.connection), own_paper_of)

    def reads(self) -> StoredReads:
        return StoredReads(self.connection, self.decoder)

    def corrections(self) -> list[ReadCorrection]:
        return self.decoder.all("read_correction", queries.corrections(self.connection), correction_of)

    def study_minutes(self, first: date, last: date) -> dict[date, int]:
        rows = queries.study_minutes_by_day(self.connection, first.isoformat(), last.isoformat())
        return dict(self.decoder.each("study_session", rows, lambda row: (stored_day(row[0]), _minutes(row[1]))))

    def study_sessions(self, first: date, last: date) -> list[StudySession]:
        rows = queries.study_sessions_between(self.connection, first.isoformat(), last.isoformat())
        return self.decoder.all("study_session", rows, session_of)

    def topic_sessions(self, topic_id: str) -> list[StudySession]:
        rows = queries.study_sessions_of_topics(self.connection, self._names(topic_id))
        return self.decoder.all("study_session", rows, session_of)

    def change_sessions(self, change_id: int) -> list[StudySession]:
        return self.decoder.all(
            "study_session", queries.study_sessions_of_change(self.connection, change_id), session_of
        )

    def first_study_day(self) -> date | None:
        return _day_or_none(queries.first_study_day(self.connection))

    def study_targets(self) -> list[DailyTargetChange]:
        return self.decoder.all("study_target", queries.study_targets(self.connection), study_target_of)

    def running_timer(self) -> StudyTimer | None:
        timers = self.decoder.all("study_timer", queries.running_timers(self.connection), timer_of)
        return timers[0] if timers else None

    def targets(self) -> list[TargetChange]:
        return self.decoder.all("paper_target", queries.targets(self.connection), target_of)

    def changes_newest_first(self) -> Iterator[Change]:
        return self.decoder.each("change", queries.changes_newest_first(self.connection), change_of)

    def change(self, change_id: int) -> Change | None:
        row = queries.change(self.connection, change_id)
        found = self.decoder.all("change", [row] if row else [], change_of)
        return found[0] if found else None


def _under(event: Event, topic_id: str) -> Event:
    """The event as it counts for the topic it now belongs to (after a rename)."""
    return event if event.topic == topic_id else replace(event, topic=topic_id)


class StoredReads:
    """The readings in force, queried by what a view shows (implements domain.papers.Reads)."""

    def __init__(self, connection: Any, decoder: Decoder) -> None:
        self.connection, self.decoder = connection, decoder
        self._corrections: list[ReadCorrection] | None = None

    def _corrected(self, rows: list[Row]) -> list[Read]:
        reads = self.decoder.all("paper_read", rows, read_of)
        if not reads:
            return reads
        if self._corrections is None:
            self._corrections = self.decoder.all("read_correction", queries.corrections(self.connection), correction_of)
        return corrected(reads, self._corrections)

    def between(self, first: date, last: date) -> list[Read]:
        return self._corrected(queries.reads_between(self.connection, first.isoformat(), last.isoformat()))

    def of_paper(self, paper_id: str) -> list[Read]:
        return self._corrected(queries.reads_of_paper(self.connection, paper_id))

    def counts(self) -> dict[str, int]:
        return queries.read_counts(self.connection)

    def papers_by_day(self, first: date, last: date) -> list[tuple[date, str]]:
        rows = queries.papers_read_between(self.connection, first.isoformat(), last.isoformat())
        return self.decoder.all("paper_read", rows, lambda row: (stored_day(row[1]), _text(row[2])))

    def first_day(self) -> date | None:
        return _day_or_none(queries.first_read_on(self.connection))


def _day_or_none(value: Any) -> date | None:
    """A stored first day; None when there is none, or it cannot be read (doctor names that row)."""
    try:
        return stored_day(value) if value is not None else None
    except (ValueError, TypeError):
        return None


def state_on(connection: Any, generation: int | None = None) -> State:
    """The learner's state read through `connection`: a read one, or a write transaction's own."""
    return State(queries.roadmap(connection), StoredRecords(connection, generation))


def is_current(found: queries.Stamp, digest: str) -> bool:
    """Whether the read model may be trusted: made for this generation, this schema, this roadmap."""
    return (
        found.read_model == found.generation
        and found.schema == queries.SCHEMA
        and found.dataset_storage == str(queries.STORAGE_VERSION)
        and found.dataset_hash == digest
    )


def try_open(paths: Paths) -> State | None:
    """The state from a current read model, in one read transaction; None when the store must be
    created, migrated, synced or brought up to date first (or cannot be read: the slow path says
    why). See app.access.read_state."""
    from ..store.database import database_of

    try:
        digest = roadmap_digest(paths.roadmap)
    except (OSError, ValueError):
        return None
    database = database_of(paths)
    connection = database.begin_reading()
    if connection is None:
        return None
    try:
        with database.errors():
            found = queries.stamp(connection)
    except LlmpathError:
        found = None
    if found is None or not is_current(found, digest):
        connection.close()  # at once: the slow path looks at the file next (see close_reads)
        return None
    _open.append(connection)
    return state_on(connection, found.generation)


def close_reads() -> None:
    """Close this process's read connections: when a command ends, and as the store is opened
    for writing. A reader holding an older state keeps SQLite from copying the write-ahead log
    back into the database file; worse, opening the store looks at the file itself
    (engine.check_store), and on POSIX closing any descriptor of a file drops every lock the
    process holds on it, those of open SQLite connections included, which lets another process
    take the store for unused and reset its shared memory. What a command read before its write
    was for parsing the command; it is not read again."""
    while _open:
        _open.pop().close()


def stored(state: State) -> StoredRecords:
    """The store's records behind a state from try_open (or state_on)."""
    assert isinstance(state.records, StoredRecords)
    return state.records


def generation_of(state: State) -> int:
    """The generation a state from try_open was read at."""
    generation = stored(state).generation
    assert generation is not None
    return generation


def close(state: State) -> None:
    stored(state).connection.close()


# --- writing the derived tables --------------------------------------------------------------------


def bring_up_to_date(connection: Any) -> None:
    """Bring the derived tables to the store's generation, inside the caller's write transaction.

    From the generation they were stamped with: only the topics the newer changes touched are
    decided again, and what is taken back only when an undo or an import came in. A sync (which
    may rename topics) or a missing stamp decides everything again.
    """
    found = queries.stamp(connection)
    if found.read_model == found.generation:
        return
    since = found.read_model
    decoder = Decoder()
    newer = decoder.all("change", queries.changes_after(connection, since or 0), change_of)
    whole = since is None or since > found.generation or any(c.kind == SYNC for c in newer)
    before = queries.taken_back(connection)
    now: set[int] | None = before
    if not whole and any(c.imported_by is not None for c in newer):
        now = None  # an import: what it brings may take back, or bring back, anything
    elif not whole and any(c.kind == UNDO for c in newer):
        undos = [c for c in newer if c.kind == UNDO]

        # Only changes that can be read, as for `reverted` over the whole history.
        def kind_of(change_id: int) -> str | None:
            found = decoder.all("change", [row] if (row := queries.change(connection, change_id)) else [], change_of)
            return found[0].kind if found else None

        def brought(change_id: int) -> list[int]:
            return [c.id for c in decoder.each("change", queries.brought_by(connection, change_id), change_of)]

        now = reverted_after(before, undos, kind_of, brought)
    if whole or now is None:
        now = reverted(decoder.all("change", queries.linked_changes(connection), change_of))
    if now != before:
        queries.replace_taken_back(connection, before, now)
    aliases = queries.aliases(connection)
    if whole:
        queries.clear_topic_status(connection)
        events = decoder.all("status_event", queries.all_events(connection), event_of)
        touched: set[str] = set()
    else:
        flipped = before ^ now
        raw = queries.topics_changed_after(connection, since or 0)
        raw |= {row[3] for row in queries.events_of_changes(connection, flipped)}
        touched = {resolve_alias(aliases, t) for t in raw}
        names = touched | {alias for alias in aliases if resolve_alias(aliases, alias) in touched}
        events = decoder.all("status_event", queries.events_of_topics(connection, names), event_of)
    current = latest_events(as_recorded(events, aliases, now))
    rows = [(topic, e.uid, e.status, e.happened_on.isoformat()) for topic, e in current.items()]
    queries.set_topic_status(connection, touched, rows)
    queries.stamp_read_model(connection, found.generation)


def whole_history(connection: Any) -> tuple[MemoryRecords, list[tuple[str, Any, str]]]:
    """Every stored record, decoded, with what is in force left for the domain to decide over the
    whole history; and the records that cannot be read, as (table, row id, what is wrong). The read
    model must agree with it: `doctor` checks that, and so do the tests."""
    decoder = Decoder()

    def rows(table: str, columns: str, decode: Callable[[Row], T]) -> list[T]:
        return decoder.all(table, queries.all_rows(connection, table, columns), decode)

    history = MemoryRecords(
        changes=rows("change", queries.CHANGE_COLUMNS, change_of),
        events=rows("status_event", ", ".join(queries.EVENT_FIELDS), event_of),
        paper_reads=rows("paper_read", ", ".join(queries.READ_FIELDS), lambda r: (_number(r[2]), read_of(r))),
        paper_targets=rows("paper_target", "id, change_id, target, set_on", target_of),
        setting_changes=rows("setting_change", "id, change_id, key, value", setting_of),
        papers_of_own=rows("own_paper", "id, change_id, title", lambda r: OwnPaper(_number(r[1]), own_paper_of(r))),
        read_corrections=rows("read_correction", ", ".join(queries.CORRECTION_FIELDS), correction_of),
        notes=rows("topic_note", ", ".join(queries.NOTE_FIELDS), note_of),
        links=rows("topic_link", ", ".join(queries.LINK_FIELDS), link_of),
        sessions=rows("study_session", ", ".join(queries.SESSION_FIELDS), session_of),
        timers=rows("study_timer", ", ".join(queries.TIMER_FIELDS), timer_of),
        study_target_changes=rows("study_target", "id, change_id, target, set_on", study_target_of),
        topic_aliases=queries.aliases(connection),
    )
    return history, decoder.damaged


# Fields of the export holding a stored time, and the id of a change (its uid in the file).
TIME_FIELDS = ("at", "created_at", "started_at")
DAY_FIELDS = ("on",)
FLAG_FIELDS = ("withdrawn",)
CHANGE_LINKS = ("change", "reverts", "imported_by")


def export_records(connection: Any, sections: dict[str, dict[str, str]]) -> dict[str, list[dict[str, Any]]]:
    """Every stored record, section by section of the export layout `sections`, with stored times
    in ISO 8601 and change ids as the changes' uids. A record that is not sound by the layout's own
    rule (exchange.problem_in, which imports apply too) is left out, and so is one whose change is."""
    from ..exchange import problem_in

    uids: dict[int, str] = {}
    records: dict[str, list[dict[str, Any]]] = {}
    for section, fields in sections.items():
        kept = records[section] = []
        for row_id, record in queries.exported_rows(connection, section):
            try:
                for name in TIME_FIELDS:
                    if name in record:
                        record[name] = stored_time(record[name]).isoformat()
                for name in DAY_FIELDS:
                    if name in record:
                        record[name] = stored_day(record[name]).isoformat()
                for name in FLAG_FIELDS:
                    if name in record:
                        record[name] = _flag(record[name])
                for name in CHANGE_LINKS:
                    if record.get(name) is not None:
                        record[name] = uids[record[name]]
            except (ValueError, TypeError, KeyError):
                continue  # a damaged time, or a change that is not there or was left out
            if problem_in(fields, record) is None:
                kept.append(record)
                if section == "changes":
                    uids[row_id] = record["uid"]
    return records
