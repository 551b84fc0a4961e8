"""Export the history, and merge an exported one in (see llmpath.exchange for the format)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, select

from ..domain.history import IMPORT, UNDO
from .tables import Change, OwnPaper, PaperRead, PaperTarget, SettingChange, StatusEvent, new_uid, utc_text


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def export_records(session: Session) -> dict[str, list[dict[str, Any]]]:
    changes = list(session.exec(select(Change).order_by(Change.id)))
    uid = {c.id: c.uid for c in changes}
    return {
        "changes": [
            {
                "uid": c.uid,
                "kind": c.kind,
                "summary": c.summary,
                "at": utc_text(c.recorded_at),
                "reverts": uid.get(c.reverts),
                "imported_by": uid.get(c.imported_by),
            }
            for c in changes
        ],
        "status_events": [
            {
                "uid": e.uid,
                "change": uid[e.change_id],
                "topic": e.topic_id,
                "status": e.status,
                "on": e.happened_on.isoformat(),
                "at": utc_text(e.recorded_at),
                "note": e.note,
            }
            for e in session.exec(select(StatusEvent).order_by(StatusEvent.change_id, StatusEvent.id))
        ],
        "paper_reads": [
            {
                "uid": r.uid,
                "change": uid[r.change_id],
                "paper": r.paper_id,
                "on": r.read_on.isoformat(),
                "at": utc_text(r.recorded_at),
                "note": r.note,
                "pass": r.pass_number,
            }
            for r in session.exec(select(PaperRead).order_by(PaperRead.change_id, PaperRead.id))
        ],
        "own_papers": [
            {"id": p.id, "change": uid[p.change_id], "title": p.title, "created_at": utc_text(p.created_at)}
            for p in session.exec(select(OwnPaper).order_by(OwnPaper.change_id, OwnPaper.id))
        ],
        "paper_targets": [
            {
                "uid": t.uid,
                "change": uid[t.change_id],
                "target": t.target,
                "on": t.set_on.isoformat(),
                "at": utc_text(t.recorded_at),
            }
            for t in session.exec(select(PaperTarget).order_by(PaperTarget.change_id, PaperTarget.id))
        ],
        "setting_changes": [
            {"change": uid[s.change_id], "key": s.key, "value": s.value}
            for s in session.exec(select(SettingChange).order_by(SettingChange.change_id, SettingChange.id))
        ],
    }


def import_records(session: Session, records: dict[str, list[dict[str, Any]]], summary: str) -> Counter[str]:
    """Merge validated records; returns how many of each kind were new. The caller owns the transaction.

    The file's changes that the store lacks join the end of the history, in the file's order, behind
    one change of kind "import" that they point at; records already stored (by uid) are skipped.
    """
    added: Counter[str] = Counter()
    local = dict(session.exec(select(Change.uid, Change.id)).all())
    fresh = [c for c in records["changes"] if c["uid"] not in local]
    if not fresh:
        return added
    batch = Change(uid=new_uid(), kind=IMPORT, summary=summary, recorded_at=datetime.now(UTC))
    session.add(batch)
    session.flush()
    for entry in fresh:
        change = Change(
            uid=entry["uid"],
            kind=entry["kind"],
            summary=entry["summary"],
            recorded_at=_utc(entry["at"]),
            reverts=local.get(entry["reverts"]),
            # Changes an import of the file's own brought keep pointing at it, so undoing that
            # import there still takes them back here.
            imported_by=local.get(entry["imported_by"], batch.id),
        )
        if entry["kind"] == UNDO and change.reverts is None:
            continue  # it reverts nothing this store knows
        session.add(change)
        session.flush()
        local[entry["uid"]] = change.id
        added["changes"] += 1
    fresh_uids = {c["uid"] for c in fresh}

    def new(section: str, key: str, column: Any) -> list[dict[str, Any]]:
        stored = set(session.exec(select(column)))
        return [e for e in records[section] if e["change"] in fresh_uids and e[key] not in stored]

    for e in new("status_events", "uid", StatusEvent.uid):
        session.add(
            StatusEvent(
                uid=e["uid"],
                change_id=local[e["change"]],
                topic_id=e["topic"],
                status=e["status"],
                happened_on=date.fromisoformat(e["on"]),
                recorded_at=_utc(e["at"]),
                note=e["note"],
            )
        )
        added["status_events"] += 1
    for r in new("paper_reads", "uid", PaperRead.uid):
        session.add(
            PaperRead(
                uid=r["uid"],
                change_id=local[r["change"]],
                paper_id=r["paper"],
                read_on=date.fromisoformat(r["on"]),
                recorded_at=_utc(r["at"]),
                note=r["note"],
                pass_number=r["pass"],
            )
        )
        added["paper_reads"] += 1
    for p in new("own_papers", "id", OwnPaper.id):
        session.add(
            OwnPaper(id=p["id"], change_id=local[p["change"]], title=p["title"], created_at=_utc(p["created_at"]))
        )
        added["own_papers"] += 1
    for t in new("paper_targets", "uid", PaperTarget.uid):
        session.add(
            PaperTarget(
                uid=t["uid"],
                change_id=local[t["change"]],
                target=t["target"],
                set_on=date.fromisoformat(t["on"]),
                recorded_at=_utc(t["at"]),
            )
        )
        added["paper_targets"] += 1
    for s in records["setting_changes"]:
        if s["change"] in fresh_uids:
            session.add(SettingChange(change_id=local[s["change"]], key=s["key"], value=s["value"]))
            added["setting_changes"] += 1
    return added
