"""Concurrency and crashes: many shells at once, and shells that die; nothing is lost, there is one
history, and every view of it agrees.

Each write command adds one change to the history under the cache lock; these tests start real
`python -m llmpath` processes together (or kill one mid-write) and then read the store back several
ways: the read path, the read path after its caches are thrown away, the prompt badge, an export
imported elsewhere, and the history itself (which change each undo took back, what is left in force).

The tests that cost tens of seconds (tens of processes at once, or syncing a big roadmap) are marked
`slow`: `pytest -m 'not slow'` leaves them out of a quick run; `pytest` and CI run them.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

import samples
from llmpath.domain.papers import DEFAULT_TARGET
from llmpath.paths import bundled_roadmap
from llmpath.roadmap.loader import load_roadmap
from llmpath.store.migrations import MIGRATIONS
from processes import LLMPATH, env_for, finish, run_badge, spawn
from samples import views

BADGE = "{track} {percent} {papers}/{target}"

ROADMAP = load_roadmap(bundled_roadmap())
TOPICS = list(ROADMAP.track("complete").topic_ids())  # 23 topics, none a module
PAPERS = list(ROADMAP.papers)


def badge_of(home):
    result = run_badge(home, "--format", BADGE, timeout=30)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout


def query(home, sql, *params):
    connection = sqlite3.connect(Path(home) / "llmpath.db")
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


# --- the history under contention -------------------------------------------------------------------

KIND_OF = {
    "done": "status",
    "start": "status",
    "skip": "status",
    "papers": None,  # by subcommand, below
    "track": "setting",
    "import": None,  # an import of changes already here adds none
    "undo": "undo",
}


def kind_of(args):
    if args[0] == "papers":
        return {"log": "paper_read", "target": "paper_target"}[args[1]]
    return KIND_OF[args[0]]


def forget_read_model(home):
    """Drop the read model's stamp: the next command decides what is in force from the whole history."""
    connection = sqlite3.connect(home / "llmpath.db")
    with connection:
        connection.execute("UPDATE learner SET read_model = NULL")
    connection.close()


def check_each_undo_took_back_the_latest_change_in_force(changes):
    """Replay the history: each undo must revert the newest change in force when it ran (an
    imported change standing for its import), so no two undos raced for one change."""
    taken_back: set[int] = set()
    for change_id, kind, reverts, _imported_by in changes:
        if kind != "undo":
            continue
        in_force = [c for c in changes if c[0] < change_id and c[0] not in taken_back and c[1] not in ("undo", "sync")]
        latest = max(in_force)
        expected = latest[3] or latest[0]
        assert reverts == expected, (change_id, reverts, expected)
        taken_back.add(expected)
        taken_back.update(c[0] for c in changes if c[3] == expected)
    return taken_back


def expected_views(home, taken_back, monday, default_track):
    """The views as the history in the database implies them, computed here from its rows."""
    current = {}
    for change, topic, status in query(
        home, "SELECT change_id, topic_id, status FROM status_event ORDER BY change_id, id"
    ):
        if change not in taken_back:
            current[topic] = status
    sunday = monday + timedelta(days=6)
    reads = {
        paper
        for change, paper, read_on in query(home, "SELECT change_id, paper_id, read_on FROM paper_read")
        if change not in taken_back and monday <= date.fromisoformat(read_on) <= sunday
    }
    target = DEFAULT_TARGET
    for change, value, set_on in query(
        home, "SELECT change_id, target, set_on FROM paper_target ORDER BY set_on, change_id"
    ):
        if change not in taken_back and date.fromisoformat(set_on) <= sunday:
            target = value
    active = default_track
    for change, value in query(
        home, "SELECT change_id, value FROM setting_change WHERE key = 'active_track' ORDER BY change_id, id"
    ):
        if change not in taken_back:
            active = value or default_track
    return {
        "statuses": {t: current.get(t, "todo") for t in TOPICS},
        "week": {"monday": monday.isoformat(), "count": len(reads), "target": target},
        "active": active,
    }


@pytest.mark.slow
def test_thirty_shells_writing_and_undoing_at_once_keep_one_history_that_every_view_agrees_on(
    cli, cli_json, llmpath_home, tmp_path, monkeypatch
):
    seeded, concurrent, imported = TOPICS[:4], TOPICS[4:17], TOPICS[17]
    first = ("done", seeded[0])
    cli(*first)
    default_track = cli_json("track")["active"]
    cli("import", str(samples.elsewhere_export(tmp_path / "elsewhere.json", imported, PAPERS[9])))
    # Six changes after the import: the six undos below can never reach it, whatever their order
    # (an undone import does not survive export and import; see
    # test_an_undone_import_stays_undone_through_export_and_import in test_exchange.py).
    seeds = [
        ("start", seeded[1]),
        ("skip", seeded[2]),
        ("papers", "log", PAPERS[0]),
        ("papers", "target", "3"),
        ("track", "use", "specialist"),
        ("done", seeded[3]),
    ]
    for args in seeds:
        cli(*args)
    cli("export", "-o", str(tmp_path / "seeded.json"))
    generation = query(llmpath_home, "SELECT max(id) FROM change")[0][0]

    commands = [
        *(("done", t) for t in concurrent[:6]),
        *(("start", t) for t in concurrent[6:10]),
        *(("skip", t) for t in concurrent[10:13]),
        *(("papers", "log", p) for p in PAPERS[1:5]),
        ("papers", "log", "A preprint logged from a busy shell", "--new"),
        *(("papers", "target", n) for n in ("4", "5", "6")),
        ("track", "use", "developer"),
        ("track", "use", "complete"),
        ("import", str(tmp_path / "seeded.json")),
        *([("undo",)] * 6),
    ]
    assert len(commands) == 30
    results = finish([spawn(llmpath_home, *args) for args in commands])
    assert all("Imported nothing new" in " ".join(out.split()) for args, out in results if args[0] == "import")

    # One change per write, none lost and none doubled; the import of what was there adds none.
    changes = query(llmpath_home, "SELECT id, kind, reverts, imported_by FROM change ORDER BY id")
    own = Counter(kind for _id, kind, _r, imported_by in changes if imported_by is None and kind != "sync")
    wanted = Counter(kind_of(args) for args in [first, *seeds, *commands] if kind_of(args))
    assert own == wanted + Counter(["import"])  # and the import made before the seeds
    assert [kind for _id, kind, _r, by in changes if by is not None] == ["status", "paper_read"]
    assert [kind for _id, kind, _r, _by in changes].count("sync") == 1
    assert max(c[0] for c in changes) == generation + 29
    written = Counter(topic for (topic,) in query(llmpath_home, "SELECT topic_id FROM status_event"))
    assert written == Counter([*seeded, *concurrent, imported])

    # (a) the read path agrees with the history, replayed here from the database's rows.
    taken_back = check_each_undo_took_back_the_latest_change_in_force(changes)
    assert not {c[0] for c in changes if c[1] == "import"} & taken_back  # as the seeds ensure
    seen = views(cli_json)
    assert seen == expected_views(llmpath_home, taken_back, date.fromisoformat(seen["week"]["monday"]), default_track)
    badge = badge_of(llmpath_home)
    track, _percent, papers = badge.split()
    assert (track, papers) == (seen["active"], f"{seen['week']['count']}/{seen['week']['target']}")
    generation = max(c[0] for c in changes)
    assert f"generation={generation}\n" in (llmpath_home / "badge.txt").read_text()

    # (b) the read model decided again from the whole history, and (c) the badge from it.
    forget_read_model(llmpath_home)
    (llmpath_home / "badge.txt").unlink()
    assert views(cli_json) == seen
    assert badge_of(llmpath_home) == badge
    (llmpath_home / "badge.txt").unlink()  # rebuilt by the badge itself, from the store
    assert badge_of(llmpath_home) == badge
    assert (llmpath_home / "badge.txt").exists()

    # (d) an export imported into a new store.
    cli("export", "-o", str(tmp_path / "all.json"))
    other = tmp_path / "other"
    monkeypatch.setenv("LLMPATH_HOME", str(other))
    cli("import", str(tmp_path / "all.json"))
    assert views(cli_json) == seen
    assert badge_of(other) == badge


# --- twenty shells at once -----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.stores
def test_twenty_shells_writing_at_once_on_a_new_store_lose_nothing(cli_json, llmpath_home):
    processes = [
        spawn(llmpath_home, "done", topic, "--note", f"shell {i}") for i, topic in enumerate(samples.RESEARCHER_STEPS)
    ]
    processes += [spawn(llmpath_home, "papers", "log", paper) for paper in samples.CATALOG_PAPERS]
    finish(processes)
    marked = {t["id"]: t["status"] for t in cli_json("list", "--track", "researcher")["topics"]}
    assert all(marked[t] == "done" for t in samples.RESEARCHER_STEPS)
    papers = cli_json("papers")["papers"]
    assert {p["id"] for p in papers if p["reads"]} == set(samples.CATALOG_PAPERS)
    assert all(cli_json("show", t)["history"][0]["note"].startswith("shell ") for t in samples.RESEARCHER_STEPS)


@pytest.mark.slow
@pytest.mark.stores
def test_twenty_undos_at_once_each_revert_one_change(cli, cli_json, llmpath_home):
    topics = [t["id"] for t in cli_json("list")["topics"]][:20]
    for topic in topics:
        cli("done", topic)
    finish([spawn(llmpath_home, "undo") for _ in topics])
    assert {t["status"] for t in cli_json("list")["topics"]} == {"todo"}
    assert cli("undo", code=2).stderr.startswith("error: nothing to undo")


# --- a brand-new store --------------------------------------------------------------------------------


@pytest.mark.slow
def test_twenty_machines_on_an_empty_server_database_migrate_and_sync_it_once(
    cli_json, tmp_path, postgres_server, monkeypatch
):
    """Schema migrations and the first sync on a shared server run once, under a lock, while the
    others wait and then find the store ready."""
    database = f"llmpath_empty_{os.getpid()}"
    postgres_server.drop(database)
    postgres_server.admin.execute(f'CREATE DATABASE "{database}"')
    try:
        monkeypatch.setenv("LLMPATH_DATABASE_URL", postgres_server.url_of(database))
        finish([spawn(tmp_path / f"machine-{i}", "next") for i in range(20)])
        from llmpath.store.migrations import MIGRATIONS

        assert postgres_server.query(database, "SELECT name FROM migration ORDER BY name") == [
            (name,) for name, _ in MIGRATIONS
        ]
        assert postgres_server.query(database, "SELECT kind FROM change") == [("sync",)]
        assert cli_json("progress")["done"] == 0
    finally:
        from llmpath.app.readmodel import close_reads

        close_reads()
        postgres_server.drop(database)


NEW_STORE_SHELLS = 50


@pytest.mark.slow
def test_fifty_shells_on_a_new_store_create_migrate_and_sync_it_once(cli, cli_json, llmpath_home):
    # Each shell costs about a second of CPU (most of it importing SQLAlchemy): 50 take ~25 s on 2 cores.
    reads = [("progress", "--json"), ("track", "--json"), ("papers", "--week", "--json"), ("list", "--json")]
    commands = [("done", t) for t in TOPICS[:10]] + [reads[i % len(reads)] for i in range(NEW_STORE_SHELLS - 10)]
    assert not llmpath_home.exists()
    results = finish([spawn(llmpath_home, *args) for args in commands])
    for args, out in results:
        if "--json" in args:
            json.loads(out)  # whole, whatever it saw

    assert query(llmpath_home, "SELECT kind, count(*) FROM change GROUP BY kind ORDER BY kind") == [
        ("status", 10),
        ("sync", 1),
    ]
    assert [name for (name,) in query(llmpath_home, "SELECT name FROM migration ORDER BY name")] == [
        name for name, _ in MIGRATIONS
    ]
    assert list(llmpath_home.glob("*.bak")) == []  # a new store is not "upgraded"
    cli("done", TOPICS[10])
    statuses = views(cli_json)["statuses"]
    assert {t for t, s in statuses.items() if s == "done"} == set(TOPICS[:11])


# --- shells that die ------------------------------------------------------------------------------------


def big_roadmap(path, size):
    topics = [
        {"id": f"t{i}", "title": f"Topic {i}", "body": "words " * 40, "checklist": ["a", "b", "c"]} for i in range(size)
    ]
    stages = [
        {"id": f"s{k}", "title": f"Stage {k}", "topics": [f"t{i}" for i in range(k * 500, min(size, (k + 1) * 500))]}
        for k in range(size // 500)
    ]
    document = {"version": 1, "tracks": [{"id": "big", "title": "Big", "stages": stages}], "topics": topics}
    # libyaml's dumper, where PyYAML has it, writes the same text several times faster.
    path.write_text(yaml.dump(document, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper)))
    return path


@pytest.mark.slow
def test_a_process_killed_mid_sync_leaves_a_whole_store(cli, cli_json, llmpath_home, tmp_path):
    cli("done", "math-foundations", "--note", "before the crash")
    roadmap = big_roadmap(tmp_path / "big.yaml", 8000)
    process = spawn(llmpath_home, "next", LLMPATH_ROADMAP=str(roadmap))
    wal = llmpath_home / "llmpath.db-wal"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (wal.exists() and wal.stat().st_size > 200_000):
        time.sleep(0.01)  # wait until the sync transaction is writing
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL
    with sqlite3.connect(llmpath_home / "llmpath.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM topic WHERE id LIKE 't%' AND id GLOB 't[0-9]*'").fetchone() == (0,)
    conn.close()
    assert cli_json("show", "math-foundations")["history"][0]["note"] == "before the crash"
    run = subprocess.run(
        [*LLMPATH, "progress", "--json"],
        env=env_for(llmpath_home, LLMPATH_ROADMAP=str(roadmap)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0 and json.loads(run.stdout)["total"] == 8000


# A writer caught mid-write: the cache lock taken and a change inserted but not committed.
HOLDER = """
import fcntl, os, sqlite3, sys
lock = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(lock, fcntl.LOCK_EX)
db = sqlite3.connect(sys.argv[2], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("INSERT INTO change (uid, kind, summary, recorded_at) VALUES ('dying', 'status', 'never', '2026-01-01')")
print("holding", flush=True)
sys.stdin.read()
"""


def waiting_on_flock(pid):
    """Whether `pid` is queued for a flock, per /proc/locks (None where there is no such file)."""
    try:
        text = Path("/proc/locks").read_text()
    except OSError:
        return None
    return any("->" in line and "FLOCK" in line and f" {pid} " in line for line in text.splitlines())


def test_a_writer_killed_holding_the_cache_lock_blocks_nobody_after_it(cli, cli_json, llmpath_home):
    cli("done", TOPICS[0])
    generation = query(llmpath_home, "SELECT max(id) FROM change")[0][0]
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(llmpath_home / "cache.lock"), str(llmpath_home / "llmpath.db")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    waiting, held = None, False
    try:
        assert holder.stdout.readline() == "holding\n"
        waiting = spawn(llmpath_home, "done", TOPICS[1])
        deadline = time.monotonic() + 60
        while waiting.poll() is None and waiting_on_flock(waiting.pid) is False and time.monotonic() < deadline:
            time.sleep(0.05)
        queued = waiting_on_flock(waiting.pid)
        if queued is None:  # no /proc/locks: give it time to reach the lock
            time.sleep(2)
        assert waiting.poll() is None, ("a writer went ahead while another held the cache lock", waiting.communicate())
        assert queued in (True, None), "the writer never queued for the cache lock"
        held = True
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.communicate(timeout=30)
        if waiting is not None and not held:
            waiting.kill()
            waiting.communicate()
    assert holder.returncode == -signal.SIGKILL

    # The OS let go of the dead process's lock: the queued writer goes ahead, and so does a new one.
    finish([waiting], timeout=60)
    start = time.monotonic()
    finish([spawn(llmpath_home, "done", TOPICS[2])], timeout=60)
    assert time.monotonic() - start < 25  # not SQLite's 30 s busy timeout
    assert query(llmpath_home, "SELECT id, summary FROM change WHERE id > ? ORDER BY id", generation) == [
        (generation + 1, f"marked done: {TOPICS[1]}"),
        (generation + 2, f"marked done: {TOPICS[2]}"),
    ]
    assert {t for t, s in views(cli_json)["statuses"].items() if s == "done"} == set(TOPICS[:3])


def test_a_badge_removed_by_a_writer_that_died_shows_nothing_until_the_next_command(cli, cli_json, llmpath_home):
    cli("done", TOPICS[0])
    cli("papers", "log", PAPERS[0])
    assert badge_of(llmpath_home) != ""
    # The writer removed badge.txt, committed, and died before it rewrote its caches.
    (llmpath_home / "badge.txt").unlink()
    connection = sqlite3.connect(llmpath_home / "llmpath.db")
    with connection:
        connection.execute(
            "INSERT INTO change (uid, kind, summary, recorded_at) VALUES ('died', 'paper_target', 'died', '2026-01-01')"
        )
    connection.close()
    (generation,) = query(llmpath_home, "SELECT max(id) FROM change")[0]

    assert badge_of(llmpath_home) == ""  # never the figures of an older generation
    assert not (llmpath_home / "badge.txt").exists()

    cli_json("progress")  # any read command
    assert f"generation={generation}\n" in (llmpath_home / "badge.txt").read_text()
    assert badge_of(llmpath_home).split()[2] == "1/2"
