"""Exporting the learner's records, and importing an export (see llmpath.exchange for the format)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from .. import __version__
from ..paths import Paths
from .changes import write
from .session import open_store, utc_now


def export_document(paths: Paths) -> dict[str, Any]:
    """Everything the learner recorded, in the export format of llmpath.exchange."""
    from ..exchange import document
    from ..store.transfer import export_records

    with open_store(paths) as engine, Session(engine) as session, session.begin():
        records = export_records(session)
    return document(records, utc_now().isoformat(), __version__)


def import_records(
    paths: Paths, records: dict[str, list[dict[str, Any]]], source: str
) -> tuple[dict[str, int], dict[str, Any]]:
    """Merge validated export records as one change; returns how many of each kind were new."""
    from ..store.transfer import import_records as merge

    return write(paths, lambda session, _state: dict(merge(session, records, f"imported {source}")))
