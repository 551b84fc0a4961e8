"""Exporting the learner's records, and importing an export (see llmpath.exchange for the format)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from .. import __version__
from ..domain.history import IMPORT, UNDO
from ..domain.state import State
from ..exchange import KEYS
from ..paths import Paths
from ..store import queries
from .changes import now_stored, write
from .readmodel import DAY_FIELDS, TIME_FIELDS, day_to_store, time_to_store


def export_document(paths: Paths) -> dict[str, Any]:
    """Everything the learner recorded, in the export format of llmpath.exchange, read in one
    transaction. A stored record that is damaged (or names a change that is) is left out, so the
    rest can still be rescued; `doctor` names it."""
    from ..exchange import SECTIONS, document
    from . import access
    from .readmodel import export_records, stored

    state = access.read_state(paths)  # the store brought up to date, and one read transaction on it
    records = export_records(stored(state).connection, SECTIONS)
    return document(records, datetime.now(UTC).isoformat(), __version__)


def import_records(paths: Paths, records: dict[str, list[dict[str, Any]]], source: str) -> tuple[dict[str, int], State]:
    """Merge validated export records as one change; returns how many of each kind were new."""
    return write(paths, lambda connection, _state: dict(merge(connection, records, f"imported {source}")))


def _stored_value(field: str, value: Any, local: dict[str, int]) -> Any:
    """An export field's value as the store keeps it: a change by its id here, times and days in
    their stored form (the codec's), the rest as it is."""
    if field == "change":
        return local[value]
    if field in TIME_FIELDS:
        return time_to_store(datetime.fromisoformat(value))
    if field in DAY_FIELDS:
        return day_to_store(date.fromisoformat(value))
    return value


def merge(connection: Any, records: dict[str, list[dict[str, Any]]], summary: str) -> Counter[str]:
    """Merge validated records; returns how many of each kind were new. The caller owns the transaction.

    The file's changes that the store lacks join the end of the history, in the file's order, behind
    one change of kind "import" that they point at; records already stored (by uid) are skipped.
    """
    added: Counter[str] = Counter()
    local = queries.change_ids_by_uid(connection)
    fresh = [c for c in records["changes"] if c["uid"] not in local]
    if not fresh:
        return added
    batch = queries.add_change(connection, IMPORT, summary, now_stored())
    for entry in fresh:
        reverts = local.get(entry["reverts"])
        if entry["kind"] == UNDO and reverts is None:
            continue  # it reverts nothing this store knows
        local[entry["uid"]] = queries.add_change(
            connection,
            entry["kind"],
            entry["summary"],
            _stored_value("at", entry["at"], local),
            reverts=reverts,
            # Changes an import of the file's own brought keep pointing at it, so undoing that
            # import there still takes them back here.
            imported_by=local.get(entry["imported_by"], batch),
            uid=entry["uid"],
        )
        added["changes"] += 1
    fresh_uids = {c["uid"] for c in fresh}
    for section, (table, columns) in queries.EXPORTED.items():
        if section == "changes":
            continue
        # The records of the changes this import brings, less those the store holds already (by
        # uid, an own paper by id; a setting has no key of its own and comes only with its change).
        key = KEYS.get(section, "uid")
        stored = queries.stored_keys(connection, table) if key else set()
        rows = [
            tuple(_stored_value(field, entry[field], local) for field in columns)
            for entry in records[section]
            if entry["change"] in fresh_uids and entry["change"] in local and not (key and entry[key] in stored)
        ]
        queries.add_records(connection, table, rows)
        added[section] += len(rows)
    return +added
