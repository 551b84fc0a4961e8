"""Exporting the learner's records, and importing an export (see llmpath.exchange for the format)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from .. import __version__
from ..domain.history import IMPORT, UNDO
from ..domain.state import State
from ..paths import Paths
from ..store import queries
from .changes import now_stored, write
from .readmodel import day_to_store, time_to_store


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


def _time(text: str) -> str:
    return time_to_store(datetime.fromisoformat(text))


def _day(text: str) -> str:
    return day_to_store(date.fromisoformat(text))


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
            _time(entry["at"]),
            reverts=reverts,
            # Changes an import of the file's own brought keep pointing at it, so undoing that
            # import there still takes them back here.
            imported_by=local.get(entry["imported_by"], batch),
            uid=entry["uid"],
        )
        added["changes"] += 1
    fresh_uids = {c["uid"] for c in fresh}

    def put(section: str, table: str, row: Callable[[dict[str, Any]], tuple[Any, ...]], known: bool = True) -> None:
        """Add the section's records of the changes this import brings; `known`: skip those the
        store holds already (by uid, an own paper by id)."""
        stored = queries.stored_keys(connection, table) if known else set()
        key = "id" if table == "own_paper" else "uid"
        rows = [
            row(e)
            for e in records[section]
            if e["change"] in fresh_uids and e["change"] in local and not (known and e[key] in stored)
        ]
        queries.add_records(connection, table, rows)
        added[section] += len(rows)

    put(
        "status_events",
        "status_event",
        lambda e: (e["uid"], local[e["change"]], e["topic"], e["status"], _day(e["on"]), _time(e["at"]), e["note"]),
    )
    put(
        "paper_reads",
        "paper_read",
        lambda r: (r["uid"], local[r["change"]], r["paper"], _day(r["on"]), _time(r["at"]), r["note"], r["pass"]),
    )
    put("own_papers", "own_paper", lambda p: (p["id"], local[p["change"]], p["title"], _time(p["created_at"])))
    put(
        "paper_targets",
        "paper_target",
        lambda t: (t["uid"], local[t["change"]], t["target"], _day(t["on"]), _time(t["at"])),
    )
    put("setting_changes", "setting_change", lambda s: (local[s["change"]], s["key"], s["value"]), known=False)
    return +added
