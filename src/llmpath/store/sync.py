"""Keep the store's copy of the dataset in step with the roadmap file.

Runs in one transaction. Dataset rows are replaced wholesale, except topics: a topic that left the
dataset stays as a retired row so the user's records about it remain readable, and a topic renamed
with `aliases: [old-id]` keeps its progress because events are read through the alias table.
"""

from __future__ import annotations

import copy
from dataclasses import fields
from typing import Any

from sqlalchemy import insert, update
from sqlmodel import Session, SQLModel, delete, select

from ..roadmap.schema import Roadmap
from .queries import STORAGE_VERSION
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


def _fields(obj: object, *leave_out: str) -> dict[str, Any]:
    """dataclasses.asdict(obj) without the `leave_out` fields, at a fraction of its cost."""
    return {f.name: _plain(getattr(obj, f.name)) for f in fields(obj) if f.name not in leave_out}


def _plain(value: Any) -> Any:
    """What asdict makes of a field's value: dataclasses become dicts, containers are copied."""
    if isinstance(value, (str, int, float, type(None))):
        return value
    if isinstance(value, (tuple, list)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if hasattr(type(value), "__dataclass_fields__"):
        return _fields(value)
    return copy.deepcopy(value)


def is_synced(session: Session, digest: str) -> bool:
    """True when the store holds the roadmap with this digest, laid out by this release's sync."""
    storage = session.get(Meta, "dataset_storage")
    return stored_digest(session) == digest and storage is not None and storage.value == str(STORAGE_VERSION)


def stored_digest(session: Session) -> str | None:
    row = session.get(Meta, "dataset_hash")
    return row.value if row else None


def sync(session: Session, roadmap: Roadmap, digest: str, source: str) -> None:
    """Write `roadmap` into the store; the caller owns the transaction."""
    with session.no_autoflush:
        _sync(session, roadmap, digest, source)


def _sync(session: Session, roadmap: Roadmap, digest: str, source: str) -> None:
    # Rows are written in bulk (one executemany per table), not as ORM objects one by one: a
    # roadmap of 50,000 topics makes hundreds of thousands of rows.
    for table in REPLACED_TABLES:
        session.exec(delete(table))
    tracks, stages, stage_topics, modules, prerequisites = [], [], [], [], []
    for position, track in enumerate(roadmap.tracks):
        tracks.append(
            {
                "id": track.id,
                "position": position,
                "title": track.title,
                "data": _fields(track, "id", "title", "stages"),
            }
        )
        for stage_position, stage in enumerate(track.stages):
            stages.append(
                {
                    "id": stage.id,
                    "track_id": track.id,
                    "position": stage_position,
                    "title": stage.title,
                    "data": _fields(stage, "id", "title", "topics", "prerequisites"),
                }
            )
            stage_topics += [
                {"stage_id": stage.id, "topic_id": topic_id, "position": topic_position}
                for topic_position, topic_id in enumerate(stage.topics)
            ]
            _add_prerequisites(prerequisites, stage.id, stage.prerequisites)
    for position, module in enumerate(roadmap.modules.values()):
        modules.append(
            {
                "id": module.id,
                "position": position,
                "title": module.title,
                "data": _fields(module, "id", "title", "prerequisites"),
            }
        )
        _add_prerequisites(prerequisites, module.id, module.prerequisites)

    # A live topic's id is never an alias, even if it once was one.
    for alias in session.exec(select(TopicAlias)):
        if alias.alias in roadmap.topics:
            session.delete(alias)
    stored = set(session.exec(select(TopicRow.id)))
    new_topics, listed_again = [], []
    for position, topic in enumerate(roadmap.topics.values()):
        row = {
            "id": topic.id,
            "position": position,
            "title": topic.title,
            "module_id": topic.module,
            "retired": False,
            "data": _fields(topic, "id", "title", "module", "retired", "prerequisites", "aliases"),
        }
        (listed_again if topic.id in stored else new_topics).append(row)
        _add_prerequisites(prerequisites, topic.id, topic.prerequisites)
        for alias in topic.aliases:
            session.merge(TopicAlias(alias=alias, topic_id=topic.id))
    retiring = [{"id": topic_id, "retired": True} for topic_id in stored if topic_id not in roadmap.topics]

    papers, paper_topics = [], []
    for position, paper in enumerate(roadmap.papers.values()):
        papers.append(
            {
                "id": paper.id,
                "position": position,
                "title": paper.title,
                "data": _fields(paper, "id", "title", "topics"),
            }
        )
        paper_topics += [{"paper_id": paper.id, "topic_id": topic_id} for topic_id in paper.topics]

    for table, rows in (
        (TrackRow, tracks),
        (StageRow, stages),
        (StageTopic, stage_topics),
        (ModuleRow, modules),
        (TopicRow, new_topics),
        (Prerequisite, prerequisites),
        (PaperRow, papers),
        (PaperTopic, paper_topics),
    ):
        _insert(session, table, rows)
    # Stored topics are updated by primary key: those listed again take the roadmap's fields, the
    # others are retired.
    for rows in (listed_again, retiring):
        if rows:
            session.execute(update(TopicRow), rows)

    session.merge(Meta(key="dataset_hash", value=digest))
    session.merge(Meta(key="dataset_storage", value=str(STORAGE_VERSION)))
    session.merge(Meta(key="dataset_path", value=source))
    session.merge(Meta(key="default_track", value=roadmap.default_track))
    session.merge(Meta(key="dataset_version", value=str(roadmap.version)))


def _insert(session: Session, table: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(table), rows)


def _add_prerequisites(rows: list[dict[str, Any]], unit_id: str, requires: tuple[str, ...]) -> None:
    rows += [
        {"unit_id": unit_id, "requires_id": required, "position": position}
        for position, required in enumerate(requires)
    ]
