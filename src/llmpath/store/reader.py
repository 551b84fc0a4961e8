"""Read the store back: the dataset as the schema's Roadmap, and the user's records, as snapshot JSON."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from .tables import (
    Meta,
    ModuleRow,
    OwnPaper,
    PaperRead,
    PaperRow,
    PaperTarget,
    PaperTopic,
    Prerequisite,
    Setting,
    StageRow,
    StageTopic,
    StatusEvent,
    TopicAlias,
    TopicRow,
    TrackRow,
    Undo,
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
    """Everything the user recorded, plus the alias map that resolves renamed topics."""
    events = [
        {
            "uid": e.uid,
            "batch": e.batch,
            "topic": e.topic_id,
            "status": e.status,
            "on": e.happened_on.isoformat(),
            "at": e.recorded_at.isoformat(),
            "note": e.note,
        }
        # Record time, not row id: an imported history slots in where it happened.
        for e in session.exec(select(StatusEvent).order_by(StatusEvent.recorded_at, StatusEvent.id))
    ]
    reads = [
        {
            "uid": r.uid,
            "paper": r.paper_id,
            "on": r.read_on.isoformat(),
            "at": r.recorded_at.isoformat(),
            "note": r.note,
            "pass": r.pass_number,
        }
        for r in session.exec(select(PaperRead).order_by(PaperRead.id))
    ]
    return {
        "aliases": _flatten(dict(session.exec(select(TopicAlias.alias, TopicAlias.topic_id)).all())),
        "events": events,
        "undone": list(session.exec(select(Undo.batch).order_by(Undo.id))),
        "settings": {s.key: s.value for s in session.exec(select(Setting))},
        "reads": reads,
        "own_papers": [
            {"id": p.id, "title": p.title} for p in session.exec(select(OwnPaper).order_by(OwnPaper.created_at))
        ],
        "targets": [
            {"target": t.target, "on": t.set_on.isoformat()}
            for t in session.exec(select(PaperTarget).order_by(PaperTarget.id))
        ],
    }


def _flatten(aliases: dict[str, str]) -> dict[str, str]:
    """Follow renames to the end of their chain (a -> b -> c gives a -> c)."""

    def final(topic_id: str) -> str:
        seen = set()
        while topic_id in aliases and topic_id not in seen:
            seen.add(topic_id)
            topic_id = aliases[topic_id]
        return topic_id

    return {alias: final(alias) for alias in aliases}
