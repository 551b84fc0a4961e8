"""The read snapshot: one JSON file holding the dataset and the user's records.

Every write refreshes it atomically; the read commands (and the prompt badge) read it instead of
the database, so they import neither SQLAlchemy nor YAML. It is stamped with the store generation
it was made from (the id of the latest change in the history) and trusted only while the store is
at that generation and the roadmap file is as it was; otherwise it is rebuilt. Standard library
only.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from . import __version__
from .files import MAX_ROADMAP_BYTES, MAX_SNAPSHOT_BYTES, read_regular, write_atomically
from .paths import Paths

FORMAT = 3  # 3: stamped with the store generation, records carry the id of their change
# The store's latest migration. A test keeps it equal to store.migrations.latest(); it lives here
# so that checking a snapshot does not import SQLAlchemy.
SCHEMA = "0005_history"


def roadmap_digest(path: Path) -> str:
    """The roadmap file's SHA-256; an OSError (files.Refused among them) when it cannot be read."""
    return hashlib.sha256(read_regular(path, MAX_ROADMAP_BYTES)).hexdigest()


def read_valid(paths: Paths, generation: int | None = None) -> dict[str, Any] | None:
    """The snapshot if it is current, else None: missing, damaged, written by another llmpath
    version or schema, made at another store generation (`generation`, read from the store when
    not given), or from a roadmap file that has changed since. A snapshot that is not a regular
    file (a FIFO, say) is stale too: the next write replaces it."""
    from .badge_rebuild import stored_generation

    if generation is None:
        generation = stored_generation(str(paths.database))
    if generation is None:
        return None
    try:
        data = json.loads(read_regular(paths.snapshot, MAX_SNAPSHOT_BYTES))
        current = (
            data.get("format") == FORMAT
            and data["llmpath"] == __version__
            and data["schema"] == SCHEMA
            and data["generation"] == generation
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
        from .app import caches

        data = caches.refresh(paths)
    return data
