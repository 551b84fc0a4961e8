"""Opening files safely: the one place llmpath reads, creates and writes files.

A path llmpath reads (the roadmap, an import file, its own badge file) may name a FIFO, a device or
a directory, by mistake or on purpose: opening a FIFO waits for a writer that may never come, and
/dev/zero never ends. So every reader goes through `open_regular`, which refuses anything but a
regular file without blocking, and reads through `read_at_most`, which stops one byte past the
file's limit.

Writes go to a temporary file beside the target that is then renamed over it, so no reader ever
sees half a file. What llmpath creates for itself (the database, its backups, the badge file and
caches, a new export) is readable by its owner only: a learner's notes are nobody else's business.

Standard library only: the read commands use it.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

MiB = 1024 * 1024
# The most llmpath reads of each file; anything longer is refused, not cut. Each is far above
# what a real file needs, and bounds the memory a hostile file can make the parser take.
MAX_ROADMAP_BYTES = 8 * MiB  # the bundled roadmap is about 150 KB
MAX_IMPORT_BYTES = 32 * MiB  # years of daily notes make a few MB

PRIVATE = 0o600  # readable and writable by the owner only

_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


class Refused(OSError):
    """A file llmpath will not read or write. Its text completes a sentence that starts with the
    file's name: "is a FIFO (named pipe), not a regular file"."""


def _check_regular(mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = _KINDS.get(stat.S_IFMT(mode), "something other than a file")
        raise Refused(f"is {kind}, not a regular file")


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """`path` opened for reading, if it is a regular file; otherwise Refused, at once."""
    # Look before opening: opening some devices acts on them (a tape rewinds, a watchdog starts).
    _check_regular(os.stat(path).st_mode)
    # Should the path have become a FIFO since, O_NONBLOCK keeps the open from waiting for a
    # writer, and fstat tells what was opened.
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        _check_regular(os.fstat(handle).st_mode)
        return os.fdopen(handle, "rb")
    except BaseException:
        os.close(handle)
        raise


def read_at_most(stream: BinaryIO, limit: int) -> bytes:
    """All of `stream`, or Refused when it holds more than `limit` bytes (never reading more)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise Refused(f"is over the {limit // MiB} MiB limit")
    return data


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them (see Refused)."""
    with open_regular(path) as stream:
        return read_at_most(stream, limit)


def create_private(path: Path) -> None:
    """Create `path` as an empty file only its owner can read, unless something is already there.

    For files that SQLite then opens: it keeps the mode of a file that exists.
    """
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    except FileExistsError:
        pass  # an existing file keeps the mode its owner gave it


def write_atomically(path: Path, text: str, mode: int = PRIVATE) -> None:
    """Write `text` through a temporary file and os.replace, so readers never see half a file.

    Whatever is at `path` is replaced; the file gets `mode`.
    """
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            os.chmod(temp, mode)
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_through(path: Path, text: str) -> None:
    """Write a file the user named: a regular file (keeping its mode) or a new one (owner-only).

    A symbolic link is followed and its target written; the link stays. A directory, FIFO,
    socket or device is Refused: replacing /dev/null would break the system.
    """
    target = Path(os.path.realpath(path))
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        write_atomically(target, text)
        return
    try:
        _check_regular(mode)
    except Refused as problem:
        if str(target) == os.path.abspath(path):
            raise
        raise Refused(f"leads to {target}, which {problem}") from None
    write_atomically(target, text, mode & 0o777)  # not set-id bits: the new file may have a new owner


@contextmanager
def held_lock(path: str | os.PathLike[str], wait: bool = True) -> Iterator[None]:
    """An exclusive lock on `path` (created 0600), held for the block; a no-op where the platform
    has no flock (Windows). Without `wait`, BlockingIOError when another process holds it."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    handle = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield
    finally:
        os.close(handle)
