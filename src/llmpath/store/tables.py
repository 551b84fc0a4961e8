"""SQLModel tables: what the dataset holds, and what the user records.

Everything the user records is one history of changes, append-only: each command that changes
something adds one Change row, and the records it made (status events, paper reads, targets,
settings) point at it. A Change's id is its place in the history and the store's generation.
`undo` adds a Change that reverts an earlier one; nothing is ever deleted or updated. Dataset rows
are replaced by sync, except that a topic which leaves the dataset is kept with `retired` set, so
its history stays readable.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel


class Meta(SQLModel, table=True):
    """Store bookkeeping: dataset hash and path."""

    key: str = Field(primary_key=True)
    value: str


class Change(SQLModel, table=True):
    """One change in the learner's history: what one command did, committed in one transaction.

    The id orders the history (times are shown, never used to order) and is the store's
    generation: anything derived from the store is trusted only for the generation it was made
    from. An import adds one Change of kind "import" and the imported file's changes after it,
    each pointing back at it, so that undoing the import undoes them all.
    """

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)  # stable across export/import
    kind: str  # status | paper_read | paper_target | setting | import | sync | undo
    summary: str  # what it did, as `undo` and `log` tell it
    recorded_at: datetime  # UTC
    reverts: int | None = Field(default=None, unique=True)  # for an undo: the change it reverts
    imported_by: int | None = Field(default=None, index=True)  # the import that brought it
    owner: str = ""  # who wrote it: the database user; '' on SQLite (migration 0008)


class SettingChange(SQLModel, table=True):
    """A setting given a value (empty: cleared): active track, entry stage per track."""

    __tablename__ = "setting_change"
    id: int | None = Field(default=None, primary_key=True)
    change_id: int = Field(index=True)
    key: str
    value: str
    owner: str = ""  # who wrote it: the database user; '' on SQLite (migration 0008)


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
    change_id: int = Field(index=True)
    topic_id: str = Field(index=True)
    status: str  # todo | in_progress | done | skipped
    happened_on: date  # the learner's local date (--on backfills it)
    recorded_at: datetime  # UTC
    note: str | None = None
    owner: str = ""  # who wrote it: the database user; '' on SQLite (migration 0008)


class PaperRead(SQLModel, table=True):
    """One reading of a paper."""

    __tablename__ = "paper_read"
    __table_args__ = (Index("ix_paper_read_counted", "paper_id", "change_id", "read_on", "uid"),)
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    change_id: int = Field(index=True)
    paper_id: str = Field(index=True)
    read_on: date = Field(index=True)
    recorded_at: datetime
    note: str | None = None
    pass_number: int | None = None  # 1 skim, 2 careful read, 3 re-derive
    owner: str = ""  # who wrote it: the database user; '' on SQLite (migration 0008)


class ReadCorrection(SQLModel, table=True):
    """A reading removed (`withdrawn`) or amended (the note or pass given; null where unchanged)."""

    __tablename__ = "read_correction"
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    change_id: int = Field(index=True)
    read_uid: str = Field(index=True)  # the paper_read it corrects, by uid: stable across export/import
    withdrawn: bool = False
    note: str | None = None
    pass_number: int | None = None
    recorded_at: datetime
    owner: str = ""


class TopicNote(SQLModel, table=True):
    """A dated note on a topic (`llmpath note`, or --note given with a status the topic has)."""

    __tablename__ = "topic_note"
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    change_id: int = Field(index=True)
    topic_id: str = Field(index=True)
    note: str
    noted_on: date  # the learner's local date
    recorded_at: datetime
    owner: str = ""


class TopicLink(SQLModel, table=True):
    """A resource of the learner's own on a topic (`llmpath link`)."""

    __tablename__ = "topic_link"
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    change_id: int = Field(index=True)
    topic_id: str = Field(index=True)
    url: str
    title: str | None = None
    recorded_at: datetime
    owner: str = ""


class StudySession(SQLModel, table=True):
    """Time studied on one of the learner's local days (`llmpath study 30m`, or a stopped timer)."""

    __tablename__ = "study_session"
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    change_id: int = Field(index=True)
    topic_id: str | None = Field(default=None, index=True)
    minutes: int
    studied_on: date = Field(index=True)
    recorded_at: datetime
    note: str | None = None
    timer_uid: str | None = None  # the timer this session stopped
    owner: str = ""


class StudyTimer(SQLModel, table=True):
    """A timer started (`llmpath study start`): running until a session in force names it."""

    __tablename__ = "study_timer"
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    change_id: int = Field(index=True)
    topic_id: str | None = None
    started_at: datetime  # UTC
    recorded_at: datetime
    owner: str = ""


class StudyTarget(SQLModel, table=True):
    """Each change of the daily study target in minutes, so past days keep the target they had."""

    __tablename__ = "study_target"
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    change_id: int = Field(index=True)
    target: int
    set_on: date
    recorded_at: datetime
    owner: str = ""


class OwnPaper(SQLModel, table=True):
    """A paper the learner added with `papers log --new`; sync never touches it."""

    __tablename__ = "own_paper"
    owner: str = Field(default="", primary_key=True)  # two learners may give their papers one id
    id: str = Field(primary_key=True)
    change_id: int = Field(index=True)
    title: str
    created_at: datetime


class PaperTarget(SQLModel, table=True):
    """Each change of the weekly paper target, so past weeks keep the target they had."""

    __tablename__ = "paper_target"
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    change_id: int = Field(index=True)
    target: int
    set_on: date
    recorded_at: datetime
    owner: str = ""  # who wrote it: the database user; '' on SQLite (migration 0008)


class TakenBack(SQLModel, table=True):
    """Read model: a change an undo in force took back. Derived from the history; see app/readmodel.py."""

    __tablename__ = "taken_back"
    change_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    owner: str = ""  # who wrote it: the database user; '' on SQLite (migration 0008)


class TopicStatus(SQLModel, table=True):
    """Read model: the event that gives a topic (by its current id) its status. Derived, like TakenBack."""

    __tablename__ = "topic_status"
    owner: str = Field(default="", primary_key=True)
    topic_id: str = Field(primary_key=True)
    event_uid: str
    status: str
    since: date


class Learner(SQLModel, table=True):
    """Each learner's own facts (migration 0008): the generation their read model was brought to,
    and whether they share their progress with their group (`llmpath group share`)."""

    owner: str = Field(default="", primary_key=True)
    read_model: int | None = None
    shared: bool = False
