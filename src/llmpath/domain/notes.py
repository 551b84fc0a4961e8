"""The learner's own words and resources on a topic: dated notes, and links beside the roadmap's.

Both are records of the one history, like status events: `note` and `link` each add a change that
`undo` takes back, and a topic renamed by the roadmap keeps them under its new id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class TopicNote:
    uid: str
    change: int
    topic: str
    note: str
    noted_on: date  # the learner's local day
    recorded_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"note": self.note, "on": self.noted_on.isoformat(), "at": self.recorded_at.isoformat()}


@dataclass(frozen=True)
class TopicLink:
    uid: str
    change: int
    topic: str
    url: str
    title: str | None
    recorded_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "title": self.title, "at": self.recorded_at.isoformat()}


def note_summary(topics: list[str]) -> str:
    return f"noted on {', '.join(topics)}"


def link_summary(topic: str, url: str) -> str:
    return f"linked {url} to {topic}"
