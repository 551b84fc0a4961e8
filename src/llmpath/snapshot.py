"""The read snapshot: one JSON file holding the dataset and the user's records.

Every write refreshes it atomically; the read commands (and the prompt badge) read it instead of
the database, so they import neither SQLAlchemy nor YAML. It is trusted only while the database
and the roadmap file are exactly as they were when it was written; otherwise it is rebuilt.
Standard library only.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from . import __version__
from .files import MAX_ROADMAP_BYTES, MAX_SNAPSHOT_BYTES, read_regular, write_atomically
from .paths import Paths

FORMAT = 2
# The store's latest migration. A test keeps it equal to store.migrations.latest(); it lives here
# so that checking a snapshot does not import SQLAlchemy.
SCHEMA = "0004_setting_times"


def file_signature(path: Path) -> list[int] | None:
    """Size and modification time: what changes when SQLite writes a file."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def database_signature(paths: Paths) -> list[Any]:
    database = paths.database
    wal = file_signature(database.with_name(database.name + "-wal"))
    # An empty write-ahead log holds nothing: one that a reader merely opened changes nothing.
    return [file_signature(database), wal if wal and wal[0] else None]


def roadmap_digest(path: Path) -> str:
    """The roadmap file's SHA-256; an OSError (files.Refused among them) when it cannot be read."""
    return hashlib.sha256(read_regular(path, MAX_ROADMAP_BYTES)).hexdigest()


def read_valid(paths: Paths) -> dict[str, Any] | None:
    """The snapshot if it is current, else None: missing, damaged, written by another llmpath
    version or schema, older than the store, or made from a roadmap file that has changed since.
    A snapshot that is not a regular file (a FIFO, say) is stale too: the next write replaces it."""
    try:
        data = json.loads(read_regular(paths.snapshot, MAX_SNAPSHOT_BYTES))
        current = (
            data.get("format") == FORMAT
            and data["llmpath"] == __version__
            and data["schema"] == SCHEMA
            and data["database"]["signature"] == database_signature(paths)
            and data["roadmap_file"]["path"] == str(paths.roadmap)
            # Hashing the file costs well under a millisecond, and unlike its size and mtime it
            # cannot miss an edit.
            and data["roadmap_file"]["digest"] == roadmap_digest(paths.roadmap)
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    return data if current else None


def write(paths: Paths, data: dict[str, Any]) -> None:
    write_atomically(paths.snapshot, json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def load(paths: Paths) -> dict[str, Any]:
    """The current snapshot, rebuilt from the store (the slow path) when it is not current."""
    data = read_valid(paths)
    if data is None:
        from .store import service

        data = service.refresh(paths)
    return data
