"""The roadmap file's fingerprint: what the store records as synced, and every reader compares."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..files import MAX_ROADMAP_BYTES, read_regular


def roadmap_digest(path: Path) -> str:
    """The file's SHA-256; an OSError (files.Refused among them) when it cannot be read.

    Hashing costs well under a millisecond for the bundled roadmap, and unlike a size and an mtime
    it cannot miss an edit.
    """
    return hashlib.sha256(read_regular(path, MAX_ROADMAP_BYTES)).hexdigest()
