"""SQLModel tables: what the dataset holds, and what the user records.

The user's records are append-only: a topic's status is derived from its StatusEvent rows, and
`undo` appends an Undo row naming the batch it reverts. Dataset rows are replaced by sync, except
that a topic which leaves the dataset is kept with `retired` set, so its history stays readable.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel


class Meta(SQLModel, table=True):
    """Store bookkeeping: dataset hash and path."""

    key: str = Field(primary_key=True)
    value: str


class Setting(SQLModel, table=True):
    """User settings: active track, entry stage per track."""

    key: str = Field(primary_key=True)
    value: str
    updated_at: datetime | None = None  # None for values set before this was recorded


class TrackRow(SQLModel, table=True):
    __tablename__ = "track"
    id: str = Field(primary_key=True)
    position: int
    title: str
    data: dict[str, Any] = Field(sa_type=JSON)  # description, source, estimate, entry points...


class StageRow(SQLModel, table=True):
    __tablename__ = "stage"
    id: str = Field(primary_key=True)
    track_id: str = Field(index=True)
    position: int
    title: str
    data: dict[str, Any] = Field(sa_type=JSON)


class StageTopic(SQLModel, table=True):
    __tablename__ = "stage_topic"
    stage_id: str = Field(primary_key=True)
    topic_id: str = Field(primary_key=True)
    position: int


class ModuleRow(SQLModel, table=True):
    __tablename__ = "module"
    id: str = Field(primary_key=True)
    position: int
    title: str
    data: dict[str, Any] = Field(sa_type=JSON)


class TopicRow(SQLModel, table=True):
    __tablename__ = "topic"
    id: str = Field(primary_key=True)
    position: int
    title: str
    module_id: str | None = None
    retired: bool = False
    data: dict[str, Any] = Field(sa_type=JSON)  # body, checklist, resources, sources...


class Prerequisite(SQLModel, table=True):
    """A declared prerequisite: `unit_id` (topic, module or stage) needs `requires_id` first."""

    unit_id: str = Field(primary_key=True)
    requires_id: str = Field(primary_key=True)
    position: int


class TopicAlias(SQLModel, table=True):
    __tablename__ = "topic_alias"
    alias: str = Field(primary_key=True)
    topic_id: str


class PaperRow(SQLModel, table=True):
    __tablename__ = "paper"
    id: str = Field(primary_key=True)
    position: int
    title: str
    data: dict[str, Any] = Field(sa_type=JSON)


class PaperTopic(SQLModel, table=True):
    __tablename__ = "paper_topic"
    paper_id: str = Field(primary_key=True)
    topic_id: str = Field(primary_key=True)


class StatusEvent(SQLModel, table=True):
    """One status change of one topic. Never updated, never deleted."""

    __tablename__ = "status_event"
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)  # stable across export/import
    batch: str = Field(index=True)  # one command's changes, undone together
    topic_id: str = Field(index=True)
    status: str  # todo | in_progress | done | skipped
    happened_on: date  # the learner's local date (--on backfills it)
    recorded_at: datetime  # UTC
    note: str | None = None


class Undo(SQLModel, table=True):
    """`llmpath undo`: the batch it reverts. Reverted events stay, marked as such in history."""

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    batch: str = Field(unique=True)
    recorded_at: datetime


class PaperRead(SQLModel, table=True):
    """One reading of a paper."""

    __tablename__ = "paper_read"
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    paper_id: str = Field(index=True)
    read_on: date
    recorded_at: datetime
    note: str | None = None
    pass_number: int | None = None  # 1 skim, 2 careful read, 3 re-derive


class OwnPaper(SQLModel, table=True):
    """A paper the learner added with `papers log --new`; sync never touches it."""

    __tablename__ = "own_paper"
    id: str = Field(primary_key=True)
    title: str
    created_at: datetime


class PaperTarget(SQLModel, table=True):
    """Each change of the weekly paper target, so past weeks keep the target they had."""

    __tablename__ = "paper_target"
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    target: int
    set_on: date
    recorded_at: datetime
