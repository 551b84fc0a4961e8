"""Which files llmpath reads and writes: only regular files, never a FIFO, device, socket or directory;
a symbolic link written through; what it creates readable by its owner only.

A FIFO or a device could make a command wait for ever, so every case that could hang runs llmpath
in a subprocess with a timeout: a regression fails the test instead of stopping the suite.
"""

import json
import os
import socket
import sqlite3
import stat
import subprocess
import sys

import pytest

import samples
from processes import run_badge

pytestmark = pytest.mark.skipif(os.name != "posix", reason="FIFOs, device nodes and file modes are POSIX")

TIMEOUT = 60  # seconds; each command here takes well under one


def llmpath(home, *args, stdin=subprocess.DEVNULL, **env):
    """Run llmpath in a fresh interpreter, failing (not hanging) when it does not end in time."""
    run = subprocess.run(
        [sys.executable, "-m", "llmpath", *args],
        env=os.environ | {"LLMPATH_HOME": str(home), "NO_COLOR": "1"} | env,
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert "Traceback" not in run.stderr, run.stderr
    return run


def one_line_error(run, code, *phrases):
    assert run.returncode == code, run.stderr
    assert run.stderr.startswith("error: ") and len(run.stderr.splitlines()) == 1, run.stderr
    for phrase in phrases:
        assert phrase in run.stderr, run.stderr


def mode(path):
    return os.stat(path).st_mode & 0o777


def device(path, minor):
    """A character device like /dev/null (minor 3) or /dev/zero (minor 5), made in a temp dir."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except (PermissionError, AttributeError):
        pytest.skip("cannot create device nodes here (needs root on Linux)")
    return path


def unix_socket(path):
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()  # the socket file stays
    return path


# --- export -o ----------------------------------------------------------------------------------


def test_export_through_a_symlink_writes_its_target_and_keeps_the_link(cli, tmp_path):
    cli("done", "math-foundations")
    link = tmp_path / "link.json"
    target = tmp_path / "elsewhere" / "backup.json"
    target.parent.mkdir()
    link.symlink_to(target)
    cli("export", "-o", str(link))  # the target does not exist yet
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_text())["status_events"][0]["topic"] == "math-foundations"
    target.write_text("old")
    target.chmod(0o640)
    cli("export", "-o", str(link))  # an existing target: replaced, keeping its mode
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_text())["format"] == "llmpath-export" and mode(target) == 0o640
    assert sorted(p.name for p in target.parent.iterdir()) == ["backup.json"]  # no temp file left


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda p: p.mkdir(), "a directory"),
        (lambda p: os.mkfifo(p), "a FIFO (named pipe)"),
        (unix_socket, "a socket"),
        (lambda p: device(p, 3), "a character device"),
    ],
)
def test_export_refuses_what_is_not_a_regular_file(tmp_path, llmpath_home, make, kind):
    place = tmp_path / "place"
    make(place)
    before = os.lstat(place)
    run = llmpath(llmpath_home, "export", "-o", str(place))
    one_line_error(run, 2, f"error: {place} is {kind}, not a regular file; give a file path for the export")
    after = os.lstat(place)
    assert (after.st_mode, after.st_ino, after.st_mtime_ns) == (before.st_mode, before.st_ino, before.st_mtime_ns)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "place"]  # no temp file left


def test_export_refuses_dev_null_itself_and_a_link_to_it(cli, tmp_path):
    before = os.stat("/dev/null")
    result = cli("export", "-o", "/dev/null", code=2)
    assert (
        result.stderr == "error: /dev/null is a character device, not a regular file; give a file path for the export\n"
    )
    link = tmp_path / "null"
    link.symlink_to("/dev/null")
    result = cli("export", "-o", str(link), code=2)
    assert f"{link} leads to /dev/null, which is a character device" in result.stderr
    assert link.is_symlink()
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


# --- every file llmpath reads -------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "device", "directory", "socket"])
def test_import_refuses_what_is_not_a_regular_file_at_once(tmp_path, llmpath_home, kind):
    place = tmp_path / kind
    {
        "fifo": os.mkfifo,
        "device": lambda p: device(p, 5),
        "directory": os.mkdir,
        "socket": unix_socket,
    }[kind](place)
    run = llmpath(llmpath_home, "import", str(place))
    one_line_error(run, 2, f"{place}: is ", "not a regular file", "or - to read standard input")
    assert not llmpath_home.exists()  # nothing was created


def test_import_of_dev_zero_and_of_endless_standard_input_end_with_one_line(llmpath_home):
    one_line_error(llmpath(llmpath_home, "import", "/dev/zero"), 2, "/dev/zero: is a character device")
    with open("/dev/zero", "rb") as zeros:
        run = llmpath(llmpath_home, "import", "-", stdin=zeros)
    one_line_error(run, 2, "standard input: is over the 32 MiB limit")
    assert not llmpath_home.exists()


def test_import_reads_a_file_through_a_symlink(cli, tmp_path, monkeypatch):
    cli("done", "math-foundations")
    cli("export", "-o", str(tmp_path / "backup.json"))
    (tmp_path / "link.json").symlink_to(tmp_path / "backup.json")
    monkeypatch.setenv("LLMPATH_HOME", str(tmp_path / "other"))
    assert "Imported 2 changes (1 status event)" in cli("import", str(tmp_path / "link.json")).stdout


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_roadmap_that_is_not_a_regular_file_is_refused_at_once(tmp_path, llmpath_home, kind):
    place = tmp_path / "roadmap.yaml"
    os.mkfifo(place) if kind == "fifo" else device(place, 5)
    for run in (
        llmpath(llmpath_home, "--roadmap", str(place), "next"),
        llmpath(llmpath_home, "next", LLMPATH_ROADMAP=str(place)),
    ):
        one_line_error(run, 1, f"{place}: is a ", "not a regular file; point LLMPATH_ROADMAP or --roadmap at")
    doctor = llmpath(llmpath_home, "doctor", LLMPATH_ROADMAP=str(place))
    assert doctor.returncode == 1 and f"BAD roadmap: {place}: is a " in " ".join(doctor.stdout.split())


def test_a_database_that_is_a_fifo_gives_one_line(llmpath_home):
    llmpath_home.mkdir()
    database = llmpath_home / "llmpath.db"
    os.mkfifo(database)
    one_line_error(llmpath(llmpath_home, "next"), 1, f"{database} is a FIFO (named pipe), not a regular file")
    doctor = llmpath(llmpath_home, "doctor")
    assert doctor.returncode == 1 and "is a FIFO" in doctor.stdout
    assert stat.S_ISFIFO(os.lstat(database).st_mode)


# --- permissions --------------------------------------------------------------------------------


def test_a_new_store_is_readable_by_its_owner_only(cli, llmpath_home):
    cli("done", "math-foundations", "--note", "private")
    assert mode(llmpath_home) == 0o700
    for name in ("llmpath.db", "badge.txt"):
        assert mode(llmpath_home / name) == 0o600, name
    # SQLite gives the write-ahead log and shared-memory files the database's mode.
    connection = sqlite3.connect(llmpath_home / "llmpath.db")
    try:
        connection.execute("SELECT count(*) FROM status_event").fetchone()
        for name in ("llmpath.db-wal", "llmpath.db-shm"):
            assert mode(llmpath_home / name) == 0o600, name
    finally:
        connection.close()


def test_a_migration_backup_is_private_and_an_existing_store_keeps_its_mode(cli, llmpath_home):
    database = samples.older_store(llmpath_home, "store-0001.sql")
    database.chmod(0o644)
    cli("progress")
    (backup,) = llmpath_home.glob("llmpath.db.pre-migration-*.bak")
    assert mode(backup) == 0o600
    assert mode(database) == 0o644  # not changed behind the owner's back


def test_an_export_is_private_when_new_and_keeps_the_mode_of_the_file_it_replaces(cli, tmp_path):
    new = tmp_path / "new.json"
    cli("export", "-o", str(new))
    assert mode(new) == 0o600
    shared = tmp_path / "shared.md"
    shared.write_text("old")
    shared.chmod(0o644)
    cli("export", "--markdown", "-o", str(shared))
    assert mode(shared) == 0o644 and shared.read_text().startswith("# ")


# --- the data directory's name -------------------------------------------------------------------


def test_a_data_dir_named_with_uri_characters_is_used_as_named(cli, cli_json, tmp_path, monkeypatch):
    home = tmp_path / "odd#dir?x=1"
    monkeypatch.setenv("LLMPATH_HOME", str(home))
    cli("done", "math-foundations")
    assert "schema is current" in " ".join(cli("doctor").stdout.split())
    assert not (tmp_path / "odd").exists()
    (home / "badge.txt").unlink()
    assert run_badge(home).stdout == "llm 1% 0/2 papers\n"
