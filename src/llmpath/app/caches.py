"""The only writer of the prompt's badge file and of shell completion's names for a server's store;
the read model's tables have theirs in readmodel.py.

This module imports no SQLAlchemy, so the prompt's slow path (llmpath.badge) uses it too.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from .. import badge
from ..domain.badge import badge_fields
from ..domain.dates import local_day
from ..domain.state import State
from ..errors import StoreError
from ..files import held_lock
from ..paths import Paths
from ..store import queries
from . import readmodel


def write_badge(paths: Paths, fields: dict[str, Any], generation: int) -> None:
    """Write the badge file; the caller holds the cache lock and has checked the generation."""
    badge.write_cache(str(paths.badge), fields, generation)


def forget_badge(paths: Paths) -> None:
    """Called inside a write transaction, before it commits (see access.write_transaction)."""
    try:
        paths.badge.unlink(missing_ok=True)
    except OSError:
        pass  # not a file llmpath could have written: the badge never trusts it


def after_write(paths: Paths) -> State:
    """Called after a commit, under the cache lock: the state as every read now sees it, and the
    badge file made from it, stamped with its generation."""
    state = readmodel.try_open(paths)
    if state is None:  # under the lock, just brought up to date: only a damaged store gets here
        from ..store.database import database_of

        label = database_of(paths).label
        raise StoreError(f"cannot read {label} after writing it; run `llmpath doctor` to see why")
    try:
        write_badge(paths, fields_now(state), readmodel.generation_of(state))
    except OSError as error:
        # The change is committed; only the prompt's fast path suffers. Say so rather than fail.
        print(
            f"warning: saved, but {error.filename or 'the badge file'} could not be written ({error.strerror}); "
            "the prompt badge will be slower until it can",
            file=sys.stderr,
        )
    write_completion_names(paths, state)
    return state


def write_completion_names(paths: Paths, state: State) -> None:
    """The names shell completion offers, for a server's store, which a TAB never asks: the cache
    file llmpath.completion reads. A TAB reads an SQLite store itself, as it stands."""
    from ..store.database import database_of

    database = database_of(paths)
    if not database.is_server:
        return
    from .. import completion
    from ..files import write_atomically
    from ..roadmap.digest import roadmap_digest

    path = paths.data_dir / completion.INDEX_NAME
    try:
        stamp = completion.index_stamp(state, database.label, roadmap_digest(paths.roadmap))
        found = completion.read_index(path)
        if found is None or found[0] != stamp:  # most changes leave every name as it was
            write_atomically(path, completion.index_text(state, stamp))
    except OSError:
        pass  # a TAB then offers no names; the change is saved, and the badge's warning names the directory


def badge_for_prompt(paths: Paths) -> dict[str, str] | None:
    """The badge's fields read from the store, cached when the store allows; None when its read
    model is not current (the next command brings it up to date, and the badge back)."""
    state = readmodel.try_open(paths)
    if state is None:
        return None
    try:
        generation = readmodel.generation_of(state)
        fields = fields_now(state)
    finally:
        readmodel.close(state)
    cache_unless_busy(paths, fields, generation, lambda: queries.stored_generation(str(paths.database)) == generation)
    return {**{name: str(value) for name, value in fields.items()}, "generation": str(generation)}


def fields_now(state: State) -> dict[str, Any]:
    return badge_fields(state, local_day(datetime.now(UTC)))


def cache_unless_busy(
    paths: Paths, fields: dict[str, Any], generation: int, current: Callable[[], bool] = lambda: True
) -> None:
    """Write the badge file without waiting, if the store is still `current`: a writer holding the
    lock writes the file itself, and a read-only data directory leaves the badge uncached."""
    try:
        with held_lock(paths.cache_lock, wait=False):
            if current():
                write_badge(paths, fields, generation)
    except OSError:
        pass
