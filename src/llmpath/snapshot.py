"""The read snapshot: one JSON file holding the dataset and the user's records.

Every write refreshes it atomically; the read commands (and the prompt badge) read it instead of
the database, so they import neither SQLAlchemy nor YAML. It is trusted only while the database
and the roadmap file are exactly as they were when it was written; otherwise it is rebuilt.
Standard library only.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .paths import Paths

FORMAT = 1


def file_signature(path: Path) -> list[int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def database_signature(paths: Paths) -> list[Any]:
    database = paths.database
    return [file_signature(database), file_signature(database.with_name(database.name + "-wal"))]


def roadmap_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_valid(paths: Paths) -> dict[str, Any] | None:
    """The snapshot if it is current, else None (missing, damaged, or older than the store)."""
    try:
        data = json.loads(paths.snapshot.read_bytes())
        if data.get("format") != FORMAT or data["database"]["signature"] != database_signature(paths):
            return None
        source = data["roadmap_file"]
        if source["path"] != str(paths.roadmap):
            return None
        if source["signature"] != file_signature(paths.roadmap) and source["digest"] != roadmap_digest(paths.roadmap):
            return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return data


def write_atomically(path: Path, text: str) -> None:
    """Write through a temporary file and os.replace, so readers never see half a file."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write(paths: Paths, data: dict[str, Any]) -> None:
    write_atomically(paths.snapshot, json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def load(paths: Paths) -> dict[str, Any]:
    """The current snapshot, rebuilt from the store (the slow path) when it is not current."""
    data = read_valid(paths)
    if data is None:
        from .store import service

        data = service.refresh(paths)
    return data
