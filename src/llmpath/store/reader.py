"""Read the store back: the dataset as the schema's Roadmap, and the user's records, as snapshot JSON."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, func, select

from .tables import (
    Change,
    Meta,
    ModuleRow,
    OwnPaper,
    PaperRead,
    PaperRow,
    PaperTarget,
    PaperTopic,
    Prerequisite,
    SettingChange,
    StageRow,
    StageTopic,
    StatusEvent,
    TopicAlias,
    TopicRow,
    TrackRow,
    utc_text,
)


def roadmap_json(session: Session) -> dict[str, Any]:
    """The stored dataset in the shape of Roadmap.to_json(), retired topics included."""
    requires: dict[str, list[str]] = {}
    for row in session.exec(select(Prerequisite).order_by(Prerequisite.unit_id, Prerequisite.position)):
        requires.setdefault(row.unit_id, []).append(row.requires_id)
    stage_topics: dict[str, list[str]] = {}
    for row in session.exec(select(StageTopic).order_by(StageTopic.stage_id, StageTopic.position)):
        stage_topics.setdefault(row.stage_id, []).append(row.topic_id)
    aliases = set(session.exec(select(TopicAlias.alias)))
    paper_topics: dict[str, list[str]] = {}
    for row in session.exec(select(PaperTopic)):
        paper_topics.setdefault(row.paper_id, []).append(row.topic_id)

    stages_of: dict[str, list[dict[str, Any]]] = {}
    for row in session.exec(select(StageRow).order_by(StageRow.track_id, StageRow.position)):
        stages_of.setdefault(row.track_id, []).append(
            {
                "id": row.id,
                "title": row.title,
                **row.data,
                "topics": stage_topics.get(row.id, []),
                "prerequisites": requires.get(row.id, []),
            }
        )
    tracks = [
        {"id": row.id, "title": row.title, **row.data, "stages": stages_of.get(row.id, [])}
        for row in session.exec(select(TrackRow).order_by(TrackRow.position))
    ]
    modules = [
        {"id": row.id, "title": row.title, **row.data, "prerequisites": requires.get(row.id, [])}
        for row in session.exec(select(ModuleRow).order_by(ModuleRow.position))
    ]
    topics = [
        {
            "id": row.id,
            "title": row.title,
            **row.data,
            "module": row.module_id,
            "retired": row.retired,
            "prerequisites": requires.get(row.id, []),
            "aliases": [],
        }
        for row in session.exec(select(TopicRow).order_by(TopicRow.retired, TopicRow.position))
        if row.id not in aliases
    ]
    papers = [
        {"id": row.id, "title": row.title, **row.data, "topics": paper_topics.get(row.id, [])}
        for row in session.exec(select(PaperRow).order_by(PaperRow.position))
    ]
    default = session.get(Meta, "default_track")
    version = session.get(Meta, "dataset_version")
    return {
        "version": int(version.value) if version else 1,
        "default_track": default.value if default else (tracks[0]["id"] if tracks else ""),
        "tracks": tracks,
        "modules": modules,
        "topics": topics,
        "papers": papers,
    }


def records_json(session: Session) -> dict[str, Any]:
    """The whole history and every record, each with the id of the change that made it, plus the
    alias map that resolves renamed topics. What is in force is the domain's to decide."""
    return {
        "generation": generation(session),
        "aliases": _flatten(dict(session.exec(select(TopicAlias.alias, TopicAlias.topic_id)).all())),
        "changes": [
            {
                "id": c.id,
                "uid": c.uid,
                "kind": c.kind,
                "summary": c.summary,
                "at": utc_text(c.recorded_at),
                "reverts": c.reverts,
                "imported_by": c.imported_by,
            }
            for c in session.exec(select(Change).order_by(Change.id))
        ],
        "events": [
            {
                "uid": e.uid,
                "change": e.change_id,
                "topic": e.topic_id,
                "status": e.status,
                "on": e.happened_on.isoformat(),
                "at": utc_text(e.recorded_at),
                "note": e.note,
            }
            for e in session.exec(select(StatusEvent).order_by(StatusEvent.change_id, StatusEvent.id))
        ],
        "reads": [
            {
                "uid": r.uid,
                "change": r.change_id,
                "paper": r.paper_id,
                "on": r.read_on.isoformat(),
                "at": utc_text(r.recorded_at),
                "note": r.note,
                "pass": r.pass_number,
            }
            for r in session.exec(select(PaperRead).order_by(PaperRead.change_id, PaperRead.id))
        ],
        "own_papers": [
            {"id": p.id, "change": p.change_id, "title": p.title}
            for p in session.exec(select(OwnPaper).order_by(OwnPaper.change_id))
        ],
        "targets": [
            {"change": t.change_id, "target": t.target, "on": t.set_on.isoformat()}
            for t in session.exec(select(PaperTarget).order_by(PaperTarget.change_id))
        ],
        "settings": [
            {"change": s.change_id, "key": s.key, "value": s.value}
            for s in session.exec(select(SettingChange).order_by(SettingChange.change_id, SettingChange.id))
        ],
    }


def generation(session: Session) -> int:
    """The store's generation: the id of the latest change, 0 for a store with no history yet."""
    return session.exec(select(func.max(Change.id))).one() or 0


def _flatten(aliases: dict[str, str]) -> dict[str, str]:
    """Follow renames to the end of their chain (a -> b -> c gives a -> c)."""

    def final(topic_id: str) -> str:
        seen = set()
        while topic_id in aliases and topic_id not in seen:
            seen.add(topic_id)
            topic_id = aliases[topic_id]
        return topic_id

    return {alias: final(alias) for alias in aliases}
