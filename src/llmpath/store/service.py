"""The store's operations, each one transaction followed by a fresh read snapshot.

Callers (the CLI) pass Paths and plain values; they get plain values back. Problems a user can
cause arrive as LlmpathError subclasses.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlmodel import Session

from .. import __version__, badge, snapshot
from ..domain.badge import badge_fields
from ..domain.dates import local_day
from ..domain.state import Event, State, from_snapshot
from ..errors import UsageError
from ..paths import Paths
from . import migrations
from .engine import database_errors, open_engine
from .reader import records_json, roadmap_json
from .sync import stored_digest, sync
from .tables import OwnPaper, PaperRead, PaperTarget, Setting, StatusEvent, Undo

T = TypeVar("T")
SIGNATURE_ATTEMPTS = 5


def new_uid() -> str:
    return uuid.uuid4().hex


def utc_now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def _open(paths: Paths) -> Iterator[Engine]:
    engine = open_engine(paths.data_dir, paths.database)
    try:
        with database_errors(paths.database):
            _ensure_synced(engine, paths)
            yield engine
    finally:
        engine.dispose()


def _ensure_synced(engine: Engine, paths: Paths) -> None:
    from ..loader import load_roadmap  # YAML is parsed only when the roadmap file changed

    try:
        digest = snapshot.roadmap_digest(paths.roadmap)
    except (OSError, ValueError):
        load_roadmap(paths.roadmap)  # raises the clear error for a missing or unreadable file
        raise
    with Session(engine) as session:
        if stored_digest(session) == digest:
            return
    roadmap = load_roadmap(paths.roadmap)  # a broken file fails here, before anything changes
    with Session(engine) as session, session.begin():
        sync(session, roadmap, digest, str(paths.roadmap))


def _snapshot_data(engine: Engine) -> dict[str, Any]:
    with Session(engine) as session, session.begin():
        return {"roadmap": roadmap_json(session), **records_json(session), "synced_digest": stored_digest(session)}


def _rebuild_snapshot(engine: Engine, paths: Paths) -> dict[str, Any]:
    """Read the store and write the snapshot, stamped with the database's file signature.

    The signature is taken with every connection closed, before and after reading; if another
    process wrote in between, read again, so a snapshot never claims a newer store than it holds.
    """
    data: dict[str, Any] = {}
    for _ in range(SIGNATURE_ATTEMPTS):
        engine.dispose()
        before = snapshot.database_signature(paths)
        badge_signature = badge.database_signature(str(paths.database))
        data = _snapshot_data(engine)
        engine.dispose()
        if snapshot.database_signature(paths) == before:
            break
    else:
        # A busy store: write what we have, unstamped, so the next read rebuilds it.
        before, badge_signature = None, "unstamped"
    data.update(
        format=snapshot.FORMAT,
        llmpath=__version__,
        written_at=utc_now().isoformat(),
        schema=migrations.latest(),
        database={"path": str(paths.database), "signature": before},
        # The digest the store was synced from, not the file's digest now: if the file changed
        # since the sync, the next read sees the difference and syncs.
        roadmap_file={"path": str(paths.roadmap), "digest": data.pop("synced_digest")},
    )
    try:
        snapshot.write(paths, data)
        fields = badge_fields(from_snapshot(data), local_day(datetime.now(UTC)))
        badge.write_cache(str(paths.badge), fields, badge_signature)
    except OSError as error:
        # The change is committed; only the fast paths suffer. Say so rather than fail.
        print(
            f"warning: saved, but {error.filename or 'a cache file'} could not be written ({error.strerror}); "
            "reads will be slower until it can",
            file=sys.stderr,
        )
    return data


def refresh(paths: Paths) -> dict[str, Any]:
    """Create, migrate and sync the store as needed, and return a fresh snapshot."""
    with _open(paths) as engine:
        return _rebuild_snapshot(engine, paths)


def _write(paths: Paths, change: Callable[[Session, State], T]) -> tuple[T, dict[str, Any]]:
    """Run `change` in one write transaction, given the state as it is inside that transaction."""
    with _open(paths) as engine:
        with Session(engine) as session, session.begin():
            state = from_snapshot({"roadmap": roadmap_json(session), **records_json(session)})
            result = change(session, state)
        return result, _rebuild_snapshot(engine, paths)


def record_status(
    paths: Paths, topic_ids: list[str], status: str, happened_on: date, note: str | None
) -> tuple[list[str], dict[str, Any]]:
    """Append a status event for each topic whose status differs; returns the topics changed."""

    def change(session: Session, state: State) -> list[str]:
        batch = new_uid()
        now = utc_now()
        changed = [t for t in topic_ids if state.status(t) != status]
        for topic_id in changed:
            session.add(
                StatusEvent(
                    uid=new_uid(),
                    batch=batch,
                    topic_id=topic_id,
                    status=status,
                    happened_on=happened_on,
                    recorded_at=now,
                    note=note,
                )
            )
        return changed

    return _write(paths, change)


def undo(paths: Paths) -> tuple[list[Event], dict[str, Any]]:
    """Revert the latest status change that is not yet reverted; returns its events."""

    def change(session: Session, state: State) -> list[Event]:
        live = [e for e in state.events if not e.reverted]
        if not live:
            raise UsageError("nothing to undo: no status change is recorded")
        batch = live[-1].batch
        session.add(Undo(uid=new_uid(), batch=batch, recorded_at=utc_now()))
        return [e for e in live if e.batch == batch]

    return _write(paths, change)


def log_read(
    paths: Paths, paper_id: str | None, new_title: str | None, read_on: date, note: str | None, pass_number: int | None
) -> tuple[str, dict[str, Any]]:
    """Record one reading of a known paper, or of a new paper of the learner's own (`new_title`)."""

    def change(session: Session, state: State) -> str:
        chosen = paper_id
        if chosen is None:
            chosen = own_paper_id(new_title, set(state.papers))
            session.add(OwnPaper(id=chosen, title=new_title, created_at=utc_now()))
        session.add(
            PaperRead(
                uid=new_uid(),
                paper_id=chosen,
                read_on=read_on,
                recorded_at=utc_now(),
                note=note,
                pass_number=pass_number,
            )
        )
        return chosen

    return _write(paths, change)


def own_paper_id(title: str, taken: set[str]) -> str:
    """A stable id for a learner's own paper: `own-` and a slug of its title, made unique."""
    from ..domain.matcher import normalize

    base = "own-" + (normalize(title).replace(" ", "-")[:60].strip("-") or "paper")
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def set_target(paths: Paths, target: int, set_on: date) -> dict[str, Any]:
    def change(session: Session, _state: State) -> None:
        session.add(PaperTarget(uid=new_uid(), target=target, set_on=set_on, recorded_at=utc_now()))

    return _write(paths, change)[1]


def export_document(paths: Paths) -> dict[str, Any]:
    """Everything the learner recorded, in the export format of llmpath.exchange."""
    from ..exchange import document
    from .transfer import export_records

    with _open(paths) as engine, Session(engine) as session, session.begin():
        records = export_records(session)
    return document(records, utc_now().isoformat(), __version__)


def import_records(paths: Paths, records: dict[str, list[dict[str, Any]]]) -> tuple[dict[str, int], dict[str, Any]]:
    """Merge validated export records in one transaction; returns how many of each kind were new."""
    from .transfer import import_records as merge

    return _write(paths, lambda session, _state: dict(merge(session, records)))


def set_settings(paths: Paths, values: dict[str, str | None]) -> dict[str, Any]:
    """Set settings in one transaction; None clears one.

    A cleared setting stays as an empty value with its time, so importing an older export cannot
    bring the old value back.
    """

    def change(session: Session, _state: State) -> None:
        now = utc_now()
        for key, value in values.items():
            row = session.get(Setting, key)
            if row is None:
                session.add(Setting(key=key, value=value or "", updated_at=now))
            else:
                row.value, row.updated_at = value or "", now

    return _write(paths, change)[1]
