"""The only writer of the caches: the read snapshot (snapshot.json) and the prompt's badge file.

This module imports no SQLAlchemy at load time, so the prompt's slow path (llmpath.badge_rebuild)
can write the badge file through it; the store is imported only by the functions that read it.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .. import __version__, badge, snapshot
from ..domain.badge import badge_fields
from ..domain.dates import local_day
from ..domain.state import from_snapshot
from ..paths import Paths

if TYPE_CHECKING:
    from sqlalchemy import Engine


def write_badge(paths: Paths, fields: dict[str, Any], generation: int) -> None:
    """Write the badge file; the caller holds the cache lock and has checked the generation."""
    badge.write_cache(str(paths.badge), fields, generation)


def rebuild_snapshot(engine: Engine, paths: Paths) -> dict[str, Any]:
    """Read the store in one transaction and write the snapshot and the badge file, each stamped
    with the generation read in that transaction: a cache never claims a newer store than it holds.
    A writer that commits later writes its own; a reader finding another generation rebuilds."""
    from sqlmodel import Session

    from ..store import migrations
    from ..store.engine import reading
    from ..store.reader import records_json, roadmap_json
    from ..store.sync import stored_digest
    from .session import utc_now

    with Session(reading(engine)) as session:
        data = {"roadmap": roadmap_json(session), **records_json(session), "synced_digest": stored_digest(session)}
    data.update(
        format=snapshot.FORMAT,
        llmpath=__version__,
        written_at=utc_now().isoformat(),
        schema=migrations.latest(),
        database={"path": str(paths.database)},
        # The digest the store was synced from, not the file's digest now: if the file changed
        # since the sync, the next read sees the difference and syncs.
        roadmap_file={"path": str(paths.roadmap), "digest": data.pop("synced_digest")},
    )
    try:
        snapshot.write(paths, data)
        fields = badge_fields(from_snapshot(data), local_day(datetime.now(UTC)))
        write_badge(paths, fields, data["generation"])
    except OSError as error:
        # The change is committed; only the fast paths suffer. Say so rather than fail.
        print(
            f"warning: saved, but {error.filename or 'a cache file'} could not be written ({error.strerror}); "
            "reads will be slower until it can",
            file=sys.stderr,
        )
    return data


def refresh(paths: Paths) -> dict[str, Any]:
    """Create, migrate and sync the store as needed, and return a fresh snapshot: the one another
    process wrote while this one waited for the lock, or a new one."""
    from .session import open_store

    with open_store(paths) as engine:
        return snapshot.read_valid(paths) or rebuild_snapshot(engine, paths)
