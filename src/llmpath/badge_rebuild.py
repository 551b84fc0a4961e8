"""The store's generation, read with the standard library, and the badge's slow path.

The badge file exists only while the store is at the generation it was made from: every writer
removes it before committing and writes a new one after, holding the cache lock throughout. So
`llmpath badge` trusts the file when it is there; when it is missing or damaged, it is rebuilt here
from the read snapshot, if that is of the store's current generation (the id of the latest change,
read with sqlite3), with the same domain rules every command uses. Otherwise the badge prints
nothing until the next command refreshes both.
"""

import os
import sqlite3


def connect_read_only(database):
    """A connection that cannot change the database and leaves no files behind.

    `immutable` keeps SQLite from creating -wal and -shm files, which is safe only while no
    write-ahead log holds data; otherwise the log must be read, in plain read-only mode.
    """
    # In a file: URI only these end or escape the path; urllib.parse costs the prompt ~2 ms to import.
    path = os.path.abspath(database).replace("%", "%25").replace("?", "%3f").replace("#", "%23")
    uri = "file:" + path + "?mode=ro"
    try:
        wal_has_data = os.path.getsize(database + "-wal") > 0
    except OSError:
        wal_has_data = False
    return sqlite3.connect(uri if wal_has_data else uri + "&immutable=1", uri=True)


def stored_generation(database):
    """The id of the store's latest change (0 before the first), or None when it cannot be read."""
    if not os.path.isfile(database):  # sqlite3 would wait for good on a FIFO in its place
        return None
    try:
        connection = connect_read_only(database)
        try:
            return connection.execute("SELECT coalesce(max(id), 0) FROM change").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error:
        return None


def rebuild(paths):
    """The badge's fields from the current read snapshot, cached when possible; None without one."""
    from datetime import UTC, datetime

    from . import snapshot
    from .app.caches import write_badge
    from .domain.badge import badge_fields
    from .domain.dates import local_day
    from .domain.state import from_snapshot
    from .files import held_lock

    database = str(paths.database)
    generation = stored_generation(database)
    data = None if generation is None else snapshot.read_valid(paths, generation)
    if data is None:
        return None
    fields = badge_fields(from_snapshot(data), local_day(datetime.now(UTC)))
    try:
        # Never wait at a prompt: a writer holding the lock writes the file itself.
        with held_lock(paths.cache_lock, wait=False):
            if stored_generation(database) == generation:
                write_badge(paths, fields, generation)
    except OSError:
        pass  # busy, or a read-only data directory: the badge is shown, just not cached
    return {**{name: str(value) for name, value in fields.items()}, "generation": str(generation)}
