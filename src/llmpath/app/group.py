"""A study group on a PostgreSQL store: set it up, add and remove learners, share, see the cohort.

The database enforces who sees what (store/group.py); this layer only asks, and turns what the
caller may see into rows by the domain's rules (domain/cohort.py).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from ..domain.cohort import CohortRow, cohort_row
from ..domain.dates import week_start
from ..domain.history import Change
from ..domain.papers import Read, ReadList, TargetChange
from ..domain.state import Event, SettingRecord, Standing, State, current_settings
from ..errors import UsageError
from ..paths import Paths
from ..roadmap.schema import Paper
from ..store import group, queries
from ..store.database import database_of
from .access import read_state, write_transaction
from .readmodel import stored, stored_day, stored_time

NOT_A_SERVER = (
    "a study group lives on a PostgreSQL store; set LLMPATH_DATABASE_URL to the group's database "
    "(postgresql://USER:PASSWORD@HOST/DATABASE) and try again"
)


def _require_server(paths: Paths) -> None:
    if not database_of(paths).is_server:
        raise UsageError(NOT_A_SERVER)


def init(paths: Paths) -> None:
    """Roles, row-level security and the cohort's functions; the caller owns the database."""
    _require_server(paths)
    with write_transaction(paths) as connection:
        group.init(connection)


def add(paths: Paths, name: str, instructor: bool) -> str:
    """A login for a new learner; returns the URL to hand them, with a password made here and
    shown this once: the server keeps only its SCRAM verifier."""
    _require_server(paths)
    if not group.NAME.fullmatch(name):
        raise UsageError(
            f"{name!r} cannot be a learner's name: use lower-case letters, digits and _, starting with a letter"
        )
    password = secrets.token_urlsafe(24)
    with write_transaction(paths) as connection:
        if not group.is_initialised(connection):
            raise UsageError("this database has no study group yet; run `llmpath group init` first")
        if group.role_exists(connection, name):
            raise UsageError(f"a database user named {name!r} exists already; choose another name")
        group.add_learner(connection, name, password, instructor)
    parts = urlsplit(paths.database_url or "")
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, f"{name}:{password}@{host}", parts.path, parts.query, ""))


def remove(paths: Paths, name: str) -> None:
    _require_server(paths)
    with write_transaction(paths) as connection:
        if not group.remove_learner(connection, name):
            raise UsageError(f"no learner named {name!r} in this group; `llmpath group` lists them")


def share(paths: Paths, shared: bool) -> None:
    _require_server(paths)
    with write_transaction(paths) as connection:
        if not group.is_initialised(connection):
            raise UsageError("this database has no study group yet; its owner runs `llmpath group init`")
        group.set_shared(connection, shared)


class CohortRecords:
    """What the cohort's functions give of one learner, in force already, as domain.state.Records
    asks for it; their history itself (notes included) stays theirs."""

    def __init__(self, standings: dict[str, Standing], settings: list[SettingRecord], reads: list[Read],
                 targets: list[TargetChange], aliases: dict[str, str]) -> None:  # fmt: skip
        self._standings, self._settings, self._reads, self._targets = standings, settings, reads, targets
        self._aliases = aliases

    def current_standings(self) -> dict[str, Standing]:
        return self._standings

    def current_events(self) -> dict[str, Event]:
        return {}

    def topic_history(self, topic_id: str) -> list[Event]:
        return []

    def change_events(self, change_id: int) -> list[Event]:
        return []

    def change_reads(self, change_id: int) -> list[Read]:
        return []

    def aliases(self) -> dict[str, str]:
        return self._aliases

    def settings(self) -> dict[str, str]:
        return current_settings(self._settings, set())

    def own_papers(self) -> list[Paper]:
        return []

    def reads(self) -> ReadList:
        return ReadList(self._reads)

    def targets(self) -> list[TargetChange]:
        return self._targets

    def taken_back(self) -> set[int]:
        return set()

    def changes_newest_first(self) -> Iterable[Change]:
        return []

    def change(self, change_id: int) -> Change | None:
        return None


def cohort(paths: Paths, track_name: str | None, today: date) -> list[CohortRow]:
    """One row per learner the caller may see, read in one transaction."""
    _require_server(paths)
    state = read_state(paths)
    connection = stored(state).connection
    monday = week_start(today)
    with database_of(paths).errors():
        if not group.is_initialised(connection):
            raise UsageError("this database has no study group yet; its owner runs `llmpath group init`")
        seen = group.cohort(connection, monday.isoformat(), (monday + timedelta(days=6)).isoformat())
        aliases = queries.aliases(connection)
    rows = []
    for owner, last_active in sorted(seen["learners"]):
        mine = [r for r in seen["standings"] if r[0] == owner]
        records = CohortRecords(
            {topic: Standing(status, stored_day(since)) for _, topic, status, since in mine},
            [
                SettingRecord(change, key, value)
                for who, _, change, key, value in sorted(seen["settings"])
                if who == owner
            ],
            [Read("", paper, stored_day(on), EPOCH) for who, paper, on in seen["reads"] if who == owner],
            [
                TargetChange(target, stored_day(on), change)
                for who, change, target, on in seen["targets"]
                if who == owner
            ],
            aliases,
        )
        learner = State(state.roadmap, records)
        track = learner.track(track_name) if track_name else learner.active_track()
        active = stored_time(last_active).date() if last_active is not None else None
        rows.append(cohort_row(owner, learner, track, today, active))
    return rows


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # a reading's time is not the cohort's to see; its day is
