"""Keep the store's copy of the dataset in step with the roadmap file.

Runs in one transaction. Dataset rows are replaced wholesale, except topics: a topic that left the
dataset stays as a retired row so the user's records about it remain readable, and a topic renamed
with `aliases: [old-id]` keeps its progress because events are read through the alias table.
"""

from __future__ import annotations

from dataclasses import asdict

from sqlmodel import Session, delete, select

from ..schema import Roadmap
from .tables import (
    Meta,
    ModuleRow,
    PaperRow,
    PaperTopic,
    Prerequisite,
    StageRow,
    StageTopic,
    TopicAlias,
    TopicRow,
    TrackRow,
)

# Aliases are not replaced: an old id must keep leading to its topic after the roadmap stops listing
# it, and through later renames (a -> b -> c).
REPLACED_TABLES = (TrackRow, StageRow, StageTopic, ModuleRow, Prerequisite, PaperRow, PaperTopic)


def _fields(obj: object, *leave_out: str) -> dict:
    return {k: v for k, v in asdict(obj).items() if k not in leave_out}


def stored_digest(session: Session) -> str | None:
    row = session.get(Meta, "dataset_hash")
    return row.value if row else None


def sync(session: Session, roadmap: Roadmap, digest: str, source: str) -> None:
    """Write `roadmap` into the store; the caller owns the transaction."""
    with session.no_autoflush:
        _sync(session, roadmap, digest, source)


def _sync(session: Session, roadmap: Roadmap, digest: str, source: str) -> None:
    for table in REPLACED_TABLES:
        session.exec(delete(table))
    for position, track in enumerate(roadmap.tracks):
        session.add(
            TrackRow(id=track.id, position=position, title=track.title, data=_fields(track, "id", "title", "stages"))
        )
        for stage_position, stage in enumerate(track.stages):
            session.add(
                StageRow(
                    id=stage.id,
                    track_id=track.id,
                    position=stage_position,
                    title=stage.title,
                    data=_fields(stage, "id", "title", "topics", "prerequisites"),
                )
            )
            for topic_position, topic_id in enumerate(stage.topics):
                session.add(StageTopic(stage_id=stage.id, topic_id=topic_id, position=topic_position))
            _add_prerequisites(session, stage.id, stage.prerequisites)
    for position, module in enumerate(roadmap.modules.values()):
        session.add(
            ModuleRow(
                id=module.id,
                position=position,
                title=module.title,
                data=_fields(module, "id", "title", "prerequisites"),
            )
        )
        _add_prerequisites(session, module.id, module.prerequisites)

    # A live topic's id is never an alias, even if it once was one.
    for alias in session.exec(select(TopicAlias)):
        if alias.alias in roadmap.topics:
            session.delete(alias)
    stored = {row.id: row for row in session.exec(select(TopicRow))}
    for position, topic in enumerate(roadmap.topics.values()):
        fields = {
            "position": position,
            "title": topic.title,
            "module_id": topic.module,
            "retired": False,
            "data": _fields(topic, "id", "title", "module", "retired", "prerequisites", "aliases"),
        }
        row = stored.get(topic.id)
        if row is None:
            session.add(TopicRow(id=topic.id, **fields))
        else:
            for name, value in fields.items():
                setattr(row, name, value)
        _add_prerequisites(session, topic.id, topic.prerequisites)
        for alias in topic.aliases:
            session.merge(TopicAlias(alias=alias, topic_id=topic.id))
    for row in stored.values():
        if row.id not in roadmap.topics:
            row.retired = True

    for position, paper in enumerate(roadmap.papers.values()):
        session.add(
            PaperRow(id=paper.id, position=position, title=paper.title, data=_fields(paper, "id", "title", "topics"))
        )
        for topic_id in paper.topics:
            session.add(PaperTopic(paper_id=paper.id, topic_id=topic_id))

    session.merge(Meta(key="dataset_hash", value=digest))
    session.merge(Meta(key="dataset_path", value=source))
    session.merge(Meta(key="default_track", value=roadmap.default_track))
    session.merge(Meta(key="dataset_version", value=str(roadmap.version)))


def _add_prerequisites(session: Session, unit_id: str, requires: tuple[str, ...]) -> None:
    for position, required in enumerate(requires):
        session.add(Prerequisite(unit_id=unit_id, requires_id=required, position=position))
