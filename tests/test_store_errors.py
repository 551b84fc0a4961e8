"""Stores and data directories llmpath cannot use: damaged files, databases of other programs or of a
newer llmpath, a busy store, a full disk, a read-only file, a data directory that is not one.

SQLite's errors are told apart by their result code: each gets one line saying what happened and
what to do, and only real damage is called damage. What llmpath cannot use it never touches."""

import json
import os
import random
import sqlite3
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, exc, text

from llmpath.errors import DamagedStoreError, InternalError, StoreError
from llmpath.store import engine, failures, queries

IS_ROOT = os.geteuid() == 0


def one_line_error(result):
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1, result.stderr
    return result.stderr


def files_of(home):
    """Each file in the data directory with its bytes and mode: what "untouched" compares."""
    return {p.name: (p.read_bytes(), p.stat().st_mode) for p in sorted(home.iterdir())}


# --- the classification, with the errors SQLite raises -------------------------------------------------


def sqlite_error(kind, message, name):
    """An exception as Python's sqlite3 raises it, for conditions a test cannot easily cause."""
    error = kind(message)
    error.sqlite_errorcode, error.sqlite_errorname = getattr(sqlite3, name), name
    return error


def translated(error, wrapped):
    """The error database_errors raises for `error`, raw or wrapped by SQLAlchemy as the store sees it."""
    with pytest.raises(Exception) as caught, failures.database_errors(DATABASE):
        raise exc.DBAPIError.instance("COMMIT", None, error, sqlite3.Error) if wrapped else error
    return caught.value


DATABASE = "/data/llmpath.db"
FULL = f"the disk holding {DATABASE} is full; nothing was saved; free some space and try again"
DAMAGE = "it is left untouched; move it aside"


@pytest.mark.parametrize("wrapped", [False, True], ids=["raw", "sqlalchemy"])
@pytest.mark.parametrize(
    ("kind", "message", "name", "expected", "says"),
    [
        (sqlite3.OperationalError, "database is locked", "SQLITE_BUSY", StoreError, "is busy: another process"),
        (sqlite3.OperationalError, "database is locked", "SQLITE_BUSY_SNAPSHOT", StoreError, "is busy"),
        (sqlite3.OperationalError, "database table is locked", "SQLITE_LOCKED", StoreError, "is busy"),
        (sqlite3.OperationalError, "database or disk is full", "SQLITE_FULL", StoreError, FULL),
        (sqlite3.OperationalError, "disk I/O error", "SQLITE_IOERR_WRITE", StoreError, "I/O error (SQLITE_IOERR_WRITE); nothing was saved"),
        (sqlite3.OperationalError, "attempt to write a readonly database", "SQLITE_READONLY", StoreError, "is read-only"),
        (sqlite3.OperationalError, "attempt to write a readonly database", "SQLITE_READONLY_DIRECTORY", StoreError, "LLMPATH_HOME to a writable directory"),
        (sqlite3.OperationalError, "unable to open database file", "SQLITE_CANTOPEN", StoreError, f"cannot open {DATABASE} or the -wal and -shm"),
        (sqlite3.DatabaseError, "database disk image is malformed", "SQLITE_CORRUPT", DamagedStoreError, f"{DATABASE} cannot be read (database disk image is malformed); {DAMAGE}"),
        (sqlite3.DatabaseError, "database disk image is malformed", "SQLITE_CORRUPT_INDEX", DamagedStoreError, DAMAGE),
        (sqlite3.DatabaseError, "file is not a database", "SQLITE_NOTADB", DamagedStoreError, f"{DATABASE} cannot be read (file is not a database); {DAMAGE}"),
        (sqlite3.IntegrityError, "UNIQUE constraint failed: status_event.uid", "SQLITE_CONSTRAINT_UNIQUE", InternalError, "internal error: UNIQUE constraint failed: status_event.uid (SQLITE_CONSTRAINT_UNIQUE); a bug in llmpath, not damage to"),
        (sqlite3.OperationalError, "no such table: topic", "SQLITE_ERROR", InternalError, "unexpected SQLite error on /data/llmpath.db: no such table: topic (SQLITE_ERROR); please report this"),
    ],
)  # fmt: skip
def test_each_sqlite_error_code_gets_its_own_line(wrapped, kind, message, name, expected, says):
    error = translated(sqlite_error(kind, message, name), wrapped)
    assert type(error) is expected and says in str(error) and "\n" not in str(error)
    if expected is not DamagedStoreError:  # only real damage is called damage
        assert "cannot be read" not in str(error) and "move it aside" not in str(error)


def test_the_text_of_a_message_does_not_decide():
    """A full disk whose message mentions locking is still a full disk."""
    assert str(translated(sqlite_error(sqlite3.OperationalError, "locked", "SQLITE_FULL"), True)) == FULL


def test_an_error_without_a_code_is_reported_as_a_bug():
    error = translated(sqlite3.ProgrammingError("Cannot operate on a closed database."), False)
    assert isinstance(error, InternalError) and "(ProgrammingError); please report this" in str(error)


def test_a_real_constraint_violation_is_an_internal_error_not_damage(tmp_path):
    database = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with database.begin() as conn:
        conn.execute(text("CREATE TABLE t (uid TEXT UNIQUE)"))
        conn.execute(text("INSERT INTO t VALUES ('same')"))
    with pytest.raises(InternalError) as caught, failures.database_errors(tmp_path / "x.db"), database.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES ('same')"))
    assert "UNIQUE constraint failed: t.uid (SQLITE_CONSTRAINT_UNIQUE)" in str(caught.value)
    assert "please report this" in str(caught.value)


def test_a_constraint_broken_by_a_bug_says_so_through_the_cli(cli, monkeypatch):
    cli("done", "math-foundations")
    before = json.loads(cli("export").stdout)["status_events"]
    with monkeypatch.context() as patch:  # its own undo: the fixture's LLMPATH_HOME stays set
        patch.setattr(queries, "new_uid", lambda: "same")  # the bug: every record gets one id
        message = one_line_error(cli("done", "classical-ml", "deep-learning", code=1))
    assert message.startswith("error: internal error: UNIQUE constraint failed") and "please report this" in message
    assert json.loads(cli("export").stdout)["status_events"] == before


# --- busy ------------------------------------------------------------------------------------------------


def test_a_store_held_locked_by_another_process_is_busy_not_damaged(cli, cli_json, llmpath_home, monkeypatch):
    cli("done", "math-foundations")
    monkeypatch.setattr(queries, "BUSY_TIMEOUT_MS", 100)  # the real wait is 30 seconds
    holder = sqlite3.connect(llmpath_home / "llmpath.db", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        message = one_line_error(cli("done", "classical-ml", code=1))
    finally:
        holder.close()
    assert f"{llmpath_home / 'llmpath.db'} is busy: another process" in message and "try again" in message
    assert "cannot be read" not in message
    cli("done", "classical-ml")
    assert cli_json("progress", "--track", "complete")["done"] == 2


# --- damage -------------------------------------------------------------------------------------------------


def test_a_store_with_damaged_pages_is_reported_as_damaged_and_untouched(cli, llmpath_home):
    cli("done", "math-foundations")
    database = llmpath_home / "llmpath.db"
    data = bytearray(database.read_bytes())
    data[4096:12288] = b"\xff" * 8192  # scribble over the pages after the first
    database.write_bytes(bytes(data))
    before = files_of(llmpath_home)
    message = one_line_error(cli("next", code=1))
    assert message == f"error: {database} cannot be read (database disk image is malformed); {failures.RECOVERY_HINT}\n"
    # Opening it may leave SQLite's empty log and its index beside it; nothing is written into them.
    after = files_of(llmpath_home)
    assert after.pop("llmpath.db-wal", (b"",))[0] == b""
    after.pop("llmpath.db-shm", None)
    assert after == before
    doctor = " ".join(cli("doctor", code=1).stdout.split())
    assert "database disk image is malformed" in doctor and "move it aside and `llmpath import`" in doctor


def test_random_bytes_are_not_a_database(cli, llmpath_home):
    llmpath_home.mkdir(parents=True)
    database = llmpath_home / "llmpath.db"
    database.write_bytes(random.Random(1).randbytes(8192))
    assert one_line_error(cli("next", code=1)).startswith(f"error: {database} is not an llmpath database; it is left")
    assert database.read_bytes() == random.Random(1).randbytes(8192)


def test_random_bytes_behind_an_sqlite_header_are_not_a_database(cli, llmpath_home):
    llmpath_home.mkdir(parents=True)
    database = llmpath_home / "llmpath.db"
    database.write_bytes(engine.SQLITE_HEADER + random.Random(2).randbytes(8192))
    before = files_of(llmpath_home)
    message = one_line_error(cli("next", code=1))
    assert message == f"error: {database} cannot be read (file is not a database); {failures.RECOVERY_HINT}\n"
    assert files_of(llmpath_home) == before


def test_a_corrupted_database_gives_one_line_and_is_untouched(cli, llmpath_home):
    cli("done", "math-foundations")
    database = llmpath_home / "llmpath.db"
    data = bytearray(database.read_bytes())
    data[4096:12288] = b"\xff" * 8192  # scribble over pages after the header
    database.write_bytes(bytes(data))
    result = cli("next", code=1)
    assert result.stderr.startswith(f"error: {database}") and len(result.stderr.splitlines()) == 1
    assert database.read_bytes() == bytes(data)
    doctor = cli("doctor", code=1).stdout
    assert "BAD" in doctor


def test_a_file_that_is_not_a_database_is_refused_and_kept(cli, llmpath_home):
    llmpath_home.mkdir(parents=True)
    database = llmpath_home / "llmpath.db"
    database.write_text("my shopping list\n")
    result = cli("next", code=1)
    assert result.stderr.startswith(f"error: {database} is not an llmpath database;")
    assert "move it aside" in result.stderr and len(result.stderr.splitlines()) == 1
    assert database.read_text() == "my shopping list\n"


def test_a_truncated_database_is_refused_and_kept(cli, llmpath_home):
    llmpath_home.mkdir(parents=True)
    (llmpath_home / "llmpath.db").write_bytes(b"SQLite")
    assert "is truncated" in cli("next", code=1).stderr
    assert (llmpath_home / "llmpath.db").read_bytes() == b"SQLite"


# --- databases of other programs ------------------------------------------------------------------------------

FOREIGN = {
    "a migration table of other columns": [
        "CREATE TABLE migration (id INTEGER PRIMARY KEY, version TEXT, checksum TEXT)",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",
        "INSERT INTO migration (version) VALUES ('0001_initial')",
    ],
    "our columns but other names": [
        "CREATE TABLE migration (name VARCHAR NOT NULL PRIMARY KEY, applied_at DATETIME NOT NULL)",
        "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value TEXT)",
        "INSERT INTO migration VALUES ('V1__create_users', '2024-01-01'), ('0001_initial', '2024-01-01')",
    ],
    "our migration table but no meta": [
        "CREATE TABLE migration (name VARCHAR NOT NULL PRIMARY KEY, applied_at DATETIME NOT NULL)",
        "INSERT INTO migration VALUES ('0001_initial', '2024-01-01')",
        "CREATE TABLE users (name TEXT)",
    ],
    "our tables with no migration recorded": [
        "CREATE TABLE migration (name VARCHAR NOT NULL PRIMARY KEY, applied_at DATETIME NOT NULL)",
        "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value TEXT)",
    ],
    "only a view": ["CREATE VIEW answer AS SELECT 42"],
}


@pytest.mark.parametrize("statements", FOREIGN.values(), ids=FOREIGN.keys())
def test_a_database_of_another_program_is_refused_untouched(cli, llmpath_home, statements):
    llmpath_home.mkdir(parents=True)
    database = llmpath_home / "llmpath.db"
    with sqlite3.connect(database) as conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()
    database.chmod(0o640)
    before = files_of(llmpath_home)
    for command in (["next"], ["done", "math-foundations"]):
        message = one_line_error(cli(*command, code=1))
        assert (
            message
            == f"error: {database} is an SQLite database of another program, not llmpath's; {failures.RECOVERY_HINT}\n"
        )
    doctor = " ".join(cli("doctor", code=1).stdout.split())
    assert "database of another program" in doctor
    assert files_of(llmpath_home) == before  # bytes and mode; no -wal, -shm or backup beside it


def test_a_database_of_another_program_is_refused_and_untouched(cli, llmpath_home):
    llmpath_home.mkdir(parents=True)
    database = llmpath_home / "llmpath.db"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
        conn.execute("INSERT INTO recipes VALUES ('soup')")
    conn.close()
    before = database.read_bytes()
    result = cli("next", code=1)
    assert "database of another program" in result.stderr and len(result.stderr.splitlines()) == 1
    assert database.read_bytes() == before and not list(llmpath_home.glob("*.bak"))


def test_a_store_from_a_newer_llmpath_is_refused(cli, llmpath_home):
    cli("next")
    with sqlite3.connect(llmpath_home / "llmpath.db") as conn:
        conn.execute("INSERT INTO migration (name, applied_at) VALUES ('9999_from_the_future', '2030-01-01')")
    conn.close()
    result = cli("next", code=1)
    assert "upgraded by a newer llmpath" in result.stderr


def test_a_store_of_a_newer_llmpath_is_recognised_as_newer(cli, llmpath_home):
    cli("done", "math-foundations")
    with sqlite3.connect(llmpath_home / "llmpath.db") as conn:
        conn.execute("INSERT INTO migration VALUES ('0099_future', '2030-01-01 00:00:00.000000')")
    conn.close()
    message = one_line_error(cli("done", "classical-ml", code=1))
    assert "upgraded by a newer llmpath (schema 0099_future); upgrade llmpath" in message
    assert "schema 0099_future comes from a newer llmpath" in " ".join(cli("doctor", code=1).stdout.split())


# --- data directories that cannot be used --------------------------------------------------------


def test_a_data_dir_that_is_a_file(cli, llmpath_home):
    llmpath_home.parent.mkdir(parents=True, exist_ok=True)
    llmpath_home.write_text("x")
    assert "is not a directory" in cli("next", code=1).stderr


@pytest.mark.skipif(IS_ROOT, reason="root can write anywhere")
def test_an_unwritable_data_dir(cli, llmpath_home):
    llmpath_home.mkdir(parents=True)
    llmpath_home.chmod(0o500)
    try:
        assert "not writable" in cli("next", code=1).stderr
    finally:
        llmpath_home.chmod(0o700)


def test_a_data_dir_that_cannot_be_created(cli, monkeypatch):
    monkeypatch.setenv("LLMPATH_HOME", "/proc/llmpath-cannot-exist/data")
    result = cli("next", code=1)
    assert result.stderr.startswith("error: cannot create the data directory /proc/llmpath-cannot-exist/data")
    assert "LLMPATH_HOME" in result.stderr


@pytest.mark.parametrize("home", ["a-file", "/proc/llmpath/nope"])
def test_unusable_data_dirs_give_one_line(cli, tmp_path, monkeypatch, home):
    if home == "a-file":
        (tmp_path / "a-file").write_text("x")
        home = str(tmp_path / "a-file")
    monkeypatch.setenv("LLMPATH_HOME", home)
    for command in (["next"], ["done", "math-foundations"], ["papers", "--week"], ["export"]):
        result = cli(*command, code=1)
        assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1


# --- a full disk, a read-only file --------------------------------------------------------------------------------


def mount(*args):
    run = subprocess.run(["mount", *map(str, args)], capture_output=True, text=True)
    if run.returncode:
        pytest.skip(f"cannot mount here ({run.stderr.strip() or 'mount failed'}); the classification tests cover it")


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MiB tmpfs: room for a store of the bundled roadmap and one large import, little more."""
    where = tmp_path / "disk"
    where.mkdir()
    mount("-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", where)
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=True)


def fill(disk, leave):
    """Fill the disk, then free `leave` bytes: room for SQLite's 32 KiB -shm file, not for a big write."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError:
            pass  # no space left
    os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


def many_records(path):
    events = [
        {
            "uid": f"u{i}",
            "batch": f"b{i}",
            "topic": "math-foundations",
            "status": "in_progress",
            "on": "2026-01-01",
            "at": "2026-01-01T10:00:00+00:00",
            "note": f"note {i} " + "x" * 100,
        }
        for i in range(3000)
    ]
    path.write_text(json.dumps({"format": "llmpath-export", "version": 1, "status_events": events}))
    return path


def test_a_full_disk_says_so_and_leaves_the_store_intact(cli, monkeypatch, small_disk, tmp_path):
    home = small_disk / "home"
    monkeypatch.setenv("LLMPATH_HOME", str(home))
    cli("done", "math-foundations", "--note", "before the disk filled")
    before = json.loads(cli("export").stdout)
    records = many_records(tmp_path / "many.json")
    filler = fill(small_disk, leave=64 * 1024)
    database = home / "llmpath.db"
    message = one_line_error(cli("import", str(records), code=1))
    assert message == f"error: the disk holding {database} is full; nothing was saved; free some space and try again\n"
    filler.unlink()
    doctor = " ".join(cli("doctor").stdout.split())
    assert "passes SQLite's integrity check" in doctor and "BAD" not in doctor
    after = json.loads(cli("export").stdout)
    assert after["status_events"] == before["status_events"]
    cli("import", str(records))
    assert len(json.loads(cli("export").stdout)["status_events"]) == len(before["status_events"]) + 3000


def test_a_backup_the_disk_has_no_room_for_is_not_left_behind(cli, cli_json, monkeypatch, small_disk):
    home = small_disk / "home"
    home.mkdir()
    monkeypatch.setenv("LLMPATH_HOME", str(home))
    with sqlite3.connect(home / "llmpath.db") as conn:  # an old schema: the next command backs it up first
        conn.executescript((Path(__file__).parent / "fixtures" / "store-0001.sql").read_text())
    conn.close()
    filler = fill(small_disk, leave=64 * 1024)  # the store is 132 KiB
    message = one_line_error(cli("next", code=1))
    assert (
        message
        == f"error: the disk holding {home / 'llmpath.db'} is full; nothing was saved; free some space and try again\n"
    )
    assert not list(home.glob("*.bak"))
    filler.unlink()
    assert cli_json("progress")["done"] == 1
    assert len(list(home.glob("llmpath.db.pre-migration-*.bak"))) == 1


@contextmanager
def read_only(path):
    """The file read-only, for root too: root writes through file modes, not through a read-only mount."""
    if not IS_ROOT:
        path.chmod(0o400)
        try:
            yield
        finally:
            path.chmod(0o600)
        return
    mount("--bind", path, path)
    try:
        mount("-o", "remount,ro,bind", path, path)
        yield
    finally:
        subprocess.run(["umount", str(path)], check=True)


def test_a_read_only_store_file_cannot_be_written(cli, cli_json, llmpath_home):
    cli("done", "math-foundations")
    database = llmpath_home / "llmpath.db"
    with read_only(database):
        message = one_line_error(cli("done", "classical-ml", code=1))
    assert f"{database} cannot be written: the file, its directory or its disk is read-only" in message
    assert "nothing was saved" in message and "cannot be read" not in message
    assert cli_json("progress", "--track", "complete")["done"] == 1
