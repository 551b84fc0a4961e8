"""Exporting the learner's records, and importing an export (see llmpath.exchange for the format)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, select

from .. import __version__
from ..domain.history import IMPORT, UNDO
from ..domain.state import State
from ..paths import Paths
from ..store.tables import Change, OwnPaper, PaperRead, PaperTarget, SettingChange, StatusEvent, new_uid
from .changes import write
from .session import utc_now


def export_document(paths: Paths) -> dict[str, Any]:
    """Everything the learner recorded, in the export format of llmpath.exchange, read in one
    transaction. A stored record that is damaged (or names a change that is) is left out, so the
    rest can still be rescued; `doctor` names it."""
    from ..exchange import SECTIONS, document
    from . import caches
    from .readmodel import export_records, stored

    state = caches.read_state(paths)  # the store brought up to date, and one read transaction on it
    records = export_records(stored(state).connection, SECTIONS)
    return document(records, utc_now().isoformat(), __version__)


def import_records(paths: Paths, records: dict[str, list[dict[str, Any]]], source: str) -> tuple[dict[str, int], State]:
    """Merge validated export records as one change; returns how many of each kind were new."""
    return write(paths, lambda session, _state: dict(merge(session, records, f"imported {source}")))


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def merge(session: Session, records: dict[str, list[dict[str, Any]]], summary: str) -> Counter[str]:
    """Merge validated records; returns how many of each kind were new. The caller owns the transaction.

    The file's changes that the store lacks join the end of the history, in the file's order, behind
    one change of kind "import" that they point at; records already stored (by uid) are skipped.
    Rows go in with plain INSERTs, not ORM objects: an import may hold a hundred thousand records.
    """
    added: Counter[str] = Counter()
    local = dict(session.exec(select(Change.uid, Change.id)).all())
    fresh = [c for c in records["changes"] if c["uid"] not in local]
    if not fresh:
        return added
    batch = Change(uid=new_uid(), kind=IMPORT, summary=summary, recorded_at=datetime.now(UTC))
    session.add(batch)
    session.flush()
    connection = session.connection()
    for entry in fresh:
        reverts = local.get(entry["reverts"])
        if entry["kind"] == UNDO and reverts is None:
            continue  # it reverts nothing this store knows
        inserted = connection.execute(
            insert(Change).values(
                uid=entry["uid"],
                kind=entry["kind"],
                summary=entry["summary"],
                recorded_at=_utc(entry["at"]),
                reverts=reverts,
                # Changes an import of the file's own brought keep pointing at it, so undoing
                # that import there still takes them back here.
                imported_by=local.get(entry["imported_by"], batch.id),
            )
        )
        local[entry["uid"]] = inserted.inserted_primary_key[0]
        added["changes"] += 1
    fresh_uids = {c["uid"] for c in fresh}

    def new(section: str, key: str, column: Any) -> list[dict[str, Any]]:
        stored = set(session.exec(select(column)))
        return [
            e for e in records[section] if e["change"] in fresh_uids and e["change"] in local and e[key] not in stored
        ]

    def put(table: Any, section: str, rows: list[dict[str, Any]]) -> None:
        if rows:
            connection.execute(insert(table), rows)
        added[section] += len(rows)

    put(StatusEvent, "status_events", [
        {"uid": e["uid"], "change_id": local[e["change"]], "topic_id": e["topic"], "status": e["status"],
         "happened_on": date.fromisoformat(e["on"]), "recorded_at": _utc(e["at"]), "note": e["note"]}
        for e in new("status_events", "uid", StatusEvent.uid)
    ])  # fmt: skip
    put(PaperRead, "paper_reads", [
        {"uid": r["uid"], "change_id": local[r["change"]], "paper_id": r["paper"], "read_on": date.fromisoformat(r["on"]),
         "recorded_at": _utc(r["at"]), "note": r["note"], "pass_number": r["pass"]}
        for r in new("paper_reads", "uid", PaperRead.uid)
    ])  # fmt: skip
    put(OwnPaper, "own_papers", [
        {"id": p["id"], "change_id": local[p["change"]], "title": p["title"], "created_at": _utc(p["created_at"])}
        for p in new("own_papers", "id", OwnPaper.id)
    ])  # fmt: skip
    put(PaperTarget, "paper_targets", [
        {"uid": t["uid"], "change_id": local[t["change"]], "target": t["target"], "set_on": date.fromisoformat(t["on"]),
         "recorded_at": _utc(t["at"])}
        for t in new("paper_targets", "uid", PaperTarget.uid)
    ])  # fmt: skip
    put(SettingChange, "setting_changes", [
        {"change_id": local[s["change"]], "key": s["key"], "value": s["value"]}
        for s in records["setting_changes"]
        if s["change"] in fresh_uids and s["change"] in local
    ])  # fmt: skip
    return +added
