"""Export what the learner recorded, and merge an export back in (see llmpath.exchange for the format)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, select

from .tables import OwnPaper, PaperRead, PaperTarget, Setting, StatusEvent, Undo


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def _utc(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).astimezone(UTC) if text else None


def export_records(session: Session) -> dict[str, list[dict[str, Any]]]:
    return {
        "status_events": [
            {
                "uid": e.uid,
                "batch": e.batch,
                "topic": e.topic_id,
                "status": e.status,
                "on": e.happened_on.isoformat(),
                "at": _time(e.recorded_at),
                "note": e.note,
            }
            for e in session.exec(select(StatusEvent).order_by(StatusEvent.recorded_at, StatusEvent.id))
        ],
        "undos": [
            {"uid": u.uid, "batch": u.batch, "at": _time(u.recorded_at)}
            for u in session.exec(select(Undo).order_by(Undo.recorded_at, Undo.id))
        ],
        "paper_reads": [
            {
                "uid": r.uid,
                "paper": r.paper_id,
                "on": r.read_on.isoformat(),
                "at": _time(r.recorded_at),
                "note": r.note,
                "pass": r.pass_number,
            }
            for r in session.exec(select(PaperRead).order_by(PaperRead.recorded_at, PaperRead.id))
        ],
        "own_papers": [
            {"id": p.id, "title": p.title, "created_at": _time(p.created_at)}
            for p in session.exec(select(OwnPaper).order_by(OwnPaper.created_at, OwnPaper.id))
        ],
        "paper_targets": [
            {"uid": t.uid, "target": t.target, "on": t.set_on.isoformat(), "at": _time(t.recorded_at)}
            for t in session.exec(select(PaperTarget).order_by(PaperTarget.recorded_at, PaperTarget.id))
        ],
        "settings": [
            {"key": s.key, "value": s.value, "updated_at": _time(s.updated_at)}
            for s in session.exec(select(Setting).order_by(Setting.key))
        ],
    }


def _append_new(
    session: Session, entries: list[dict[str, Any]], key: str, column: Any, build: Callable[[dict[str, Any]], Any]
) -> int:
    """Add the entries whose `key` is not stored yet; records with a key never change once written."""
    stored = set(session.exec(select(column)))
    added = 0
    for entry in entries:
        if entry[key] not in stored:
            stored.add(entry[key])
            session.add(build(entry))
            added += 1
    return added


def import_records(session: Session, records: dict[str, list[dict[str, Any]]]) -> Counter[str]:
    """Merge validated records; returns how many of each kind were new. The caller owns the transaction."""
    added: Counter[str] = Counter()
    added["status_events"] = _append_new(
        session,
        records["status_events"],
        "uid",
        StatusEvent.uid,
        lambda e: StatusEvent(
            uid=e["uid"],
            batch=e["batch"],
            topic_id=e["topic"],
            status=e["status"],
            happened_on=date.fromisoformat(e["on"]),
            recorded_at=_utc(e["at"]),
            note=e["note"],
        ),
    )
    # The same change undone on two machines is one undo: its batch decides, not its uid.
    undo_uids = set(session.exec(select(Undo.uid)))
    fresh_undos = [u for u in records["undos"] if u["uid"] not in undo_uids]
    added["undos"] = _append_new(
        session,
        fresh_undos,
        "batch",
        Undo.batch,
        lambda u: Undo(uid=u["uid"], batch=u["batch"], recorded_at=_utc(u["at"])),
    )
    added["paper_reads"] = _append_new(
        session,
        records["paper_reads"],
        "uid",
        PaperRead.uid,
        lambda r: PaperRead(
            uid=r["uid"],
            paper_id=r["paper"],
            read_on=date.fromisoformat(r["on"]),
            recorded_at=_utc(r["at"]),
            note=r["note"],
            pass_number=r["pass"],
        ),
    )
    added["own_papers"] = _append_new(
        session,
        records["own_papers"],
        "id",
        OwnPaper.id,
        lambda p: OwnPaper(id=p["id"], title=p["title"], created_at=_utc(p["created_at"])),
    )
    added["paper_targets"] = _append_new(
        session,
        records["paper_targets"],
        "uid",
        PaperTarget.uid,
        lambda t: PaperTarget(
            uid=t["uid"],
            target=t["target"],
            set_on=date.fromisoformat(t["on"]),
            recorded_at=_utc(t["at"]),
        ),
    )

    for s in records["settings"]:
        row = session.get(Setting, s["key"])
        incoming = _utc(s["updated_at"])
        if row is None:
            session.add(Setting(key=s["key"], value=s["value"], updated_at=incoming))
            added["settings"] += 1
        elif (
            incoming is not None
            and (row.updated_at is None or _as_utc(row.updated_at) < incoming)
            and row.value != s["value"]
        ):
            row.value, row.updated_at = s["value"], incoming
            added["settings"] += 1
    return added


def _as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
