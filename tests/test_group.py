"""A study group on PostgreSQL: its setup, its learners, the cohort view, and privacy that holds
in psql as in llmpath (row-level security), tried as a learner aiming at another's rows."""

import json
import os
import shutil
import subprocess
import time
import uuid

import pytest

from llmpath.store.group import DATASET_TABLES
from processes import finish, spawn

pytestmark = pytest.mark.server_only

OWNED_TABLES = (
    "change", "status_event", "paper_read", "paper_target", "setting_change", "own_paper", "read_correction",
    "topic_note", "topic_link", "study_session", "study_timer", "study_target", "taken_back", "topic_status",
    "learner",
)  # fmt: skip


@pytest.fixture
def group(cli, monkeypatch, tmp_path):
    """A group set up by the database's owner, with two learners and an instructor: name -> URL."""
    cli("group", "init")
    suffix = uuid.uuid4().hex[:8]
    urls = {}
    for name, extra in (("ada", ()), ("bob", ()), ("tina", ("--instructor",))):
        login = f"{name}_{suffix}"
        out = cli("group", "add", login, *extra).stdout
        urls[name] = out.strip().splitlines()[-1]
        assert urls[name].startswith(f"postgresql://{login}:")
    return urls


def as_learner(monkeypatch, tmp_path, url, name):
    """Use llmpath as this learner, on a machine of their own."""
    monkeypatch.setenv("LLMPATH_DATABASE_URL", url)
    monkeypatch.setenv("LLMPATH_HOME", str(tmp_path / f"machine-{name}"))


def psql(url, sql):
    result = subprocess.run(
        ["psql", url, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    return result.returncode, result.stdout.strip(), result.stderr.strip()


needs_psql = pytest.mark.skipif(shutil.which("psql") is None, reason="psql (PostgreSQL's client) is not installed")


def test_a_learner_url_works_once_printed_and_its_password_is_kept_nowhere(cli, cli_json, group, monkeypatch, tmp_path):
    as_learner(monkeypatch, tmp_path, group["ada"], "ada")
    cli("done", "math-foundations")
    assert cli_json("progress")["done"] == 1
    password = group["ada"].split(":")[2].split("@")[0]
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert password.encode() not in path.read_bytes(), path
    report = " ".join(cli("doctor").stdout.split())
    assert "row-level security keeps each learner's records their own" in report
    assert password not in cli("where").stdout + report


def test_the_cohort_shows_instructors_every_learner_and_learners_those_who_share(
    cli, cli_json, group, monkeypatch, tmp_path
):
    for name, topic in (("ada", "math-foundations"), ("bob", "programming-foundations")):
        as_learner(monkeypatch, tmp_path, group[name], name)
        cli("done", topic, "--note", f"{name}'s private note")
        cli("papers", "log", "lora", "--pass", "3", "--note", f"{name}'s reading note")
    as_learner(monkeypatch, tmp_path, group["tina"], "tina")
    rows = {row["learner"].split("_")[0]: row for row in cli_json("group")["learners"]}
    assert {"ada", "bob"} <= set(rows)
    assert rows["ada"]["done_this_week"] == 1 and rows["ada"]["papers"] == 1 and rows["ada"]["target"] == 2
    assert set(rows["ada"]) == {
        "learner",
        "track",
        "percent",
        "topic",
        "topic_title",
        "done_this_week",
        "papers",
        "target",
        "last_active",
    }
    shown = cli("group").stdout + cli("group", "--json").stdout + cli("group", "--track", "complete", "--json").stdout
    for columns in ("80", "60"):
        monkeypatch.setenv("COLUMNS", columns)
        lines = cli("group").stdout.splitlines()
        assert all(len(line) <= int(columns) for line in lines) and lines[0].split()[:2] == ["learner", "track"]
    assert "note" not in shown.lower().replace("notebook", "")
    as_learner(monkeypatch, tmp_path, group["ada"], "ada")
    assert [row["learner"].split("_")[0] for row in cli_json("group")["learners"]] == ["ada"]  # bob shares nothing
    as_learner(monkeypatch, tmp_path, group["bob"], "bob")
    cli("group", "share", "on")
    as_learner(monkeypatch, tmp_path, group["ada"], "ada")
    assert [row["learner"].split("_")[0] for row in cli_json("group")["learners"]] == ["ada", "bob"]


@needs_psql
def test_in_psql_a_learner_can_neither_read_nor_change_another_learners_records(cli, group, monkeypatch, tmp_path):
    for name in ("ada", "bob"):
        as_learner(monkeypatch, tmp_path, group[name], name)
        cli("done", "math-foundations", "--note", f"{name} secret")
        cli("papers", "log", "--new", f"{name} own paper", "--note", f"{name} reading")
        cli("papers", "log", f"{name} own paper", "--pass", "2")  # a correction of that reading
        cli("note", "math-foundations", f"{name} private note")
        cli("link", "math-foundations", f"https://example.org/{name}")
        cli("study", "30m", "--note", f"{name} private study")
        cli("study", "target", "40m")
        cli("study", "start")
        cli("papers", "target", "3")
        cli("group", "share", "on")
    ada, bob_login = group["ada"], group["bob"].split("//")[1].split(":")[0]
    for table in OWNED_TABLES:
        code, seen, _ = psql(ada, f"SELECT count(*) FROM {table} WHERE owner = '{bob_login}'")
        assert (code, seen) == (0, "0"), table  # bob's rows are not there for ada
        for attack in (f"UPDATE {table} SET owner = owner WHERE owner <> current_user",
                       f"DELETE FROM {table} WHERE owner <> current_user"):  # fmt: skip
            code, out, err = psql(ada, attack)
            assert code != 0 or out == "", (table, attack, out)
    for table in DATASET_TABLES:  # the roadmap is the group's: read, never written, by a learner
        code, _, err = psql(ada, f"DELETE FROM {table}")
        assert code != 0 and "permission denied" in err, table
    tina = group["tina"]  # an instructor reads the cohort, and writes no one's records but their own
    for attack in ("UPDATE learner SET shared = true", "DELETE FROM topic_status", "DELETE FROM taken_back"):
        code, out, _ = psql(tina, f"{attack} WHERE owner <> current_user")
        assert code == 0 and out == "", attack
    assert psql(tina, "SELECT count(*) FROM status_event WHERE owner <> current_user")[1] == "0"
    code, _, err = psql(
        ada,
        f"INSERT INTO change (uid, kind, summary, recorded_at, owner) VALUES ('x', 'status', 'x', now(), '{bob_login}')",
    )
    assert code != 0 and "row-level security" in err
    # The cohort's functions never hand over a note, nor a reading pass.
    code, out, _ = psql(ada, "SELECT * FROM llmpath_cohort_reads('2000-01-01', '2100-01-01')")
    assert code == 0 and "reading" not in out and "secret" not in out
    as_learner(monkeypatch, tmp_path, group["bob"], "bob")
    assert cli("show", "math-foundations").stdout.count("bob secret") == 1  # his records are whole


def test_removing_a_learner_ends_their_login_and_keeps_their_records(cli, group, monkeypatch, tmp_path, store_sql):
    owner_url = os.environ["LLMPATH_DATABASE_URL"]
    bob_login = group["bob"].split("//")[1].split(":")[0]
    as_learner(monkeypatch, tmp_path, group["bob"], "bob")
    cli("done", "math-foundations")
    as_learner(monkeypatch, tmp_path, group["tina"], "tina")
    assert bob_login in cli("group").stdout
    monkeypatch.setenv("LLMPATH_DATABASE_URL", owner_url)
    cli("group", "remove", bob_login)
    assert "no learner named" in cli("group", "remove", bob_login, code=2).stderr
    as_learner(monkeypatch, tmp_path, group["tina"], "tina")
    assert bob_login not in cli("group").stdout
    as_learner(monkeypatch, tmp_path, group["bob"], "bob")
    assert "refused the login" in cli("next", code=1).stderr
    monkeypatch.setenv("LLMPATH_DATABASE_URL", owner_url)  # the test server's superuser sees every row
    assert store_sql("SELECT count(*) FROM status_event WHERE owner = ?", (bob_login,)) == [(1,)]


def test_group_commands_need_a_server_and_a_valid_name(cli, group):
    assert "cannot be a learner's name" in cli("group", "add", "Robert'); DROP TABLE change;--", code=2).stderr
    assert "exists already" in cli("group", "add", group["ada"].split("//")[1].split(":")[0], code=2).stderr
    assert "share takes on or off" in cli("group", "share", "maybe", code=2).stderr


@pytest.mark.slow
def test_ten_learners_on_three_machines_each_writing_at_once_lose_nothing(cli, monkeypatch, tmp_path):
    cli("group", "init")
    suffix = uuid.uuid4().hex[:6]
    urls = [cli("group", "add", f"l{i}_{suffix}").stdout.strip().splitlines()[-1] for i in range(10)]
    topics = ("math-foundations", "programming-foundations", "ml-foundations")
    processes = []
    for i, url in enumerate(urls):
        for machine, topic in enumerate(topics):
            monkeypatch.setenv("LLMPATH_DATABASE_URL", url)
            processes.append(spawn(tmp_path / f"learner-{i}-machine-{machine}", "done", topic))
    finish(processes)
    for i, url in enumerate(urls):
        monkeypatch.setenv("LLMPATH_DATABASE_URL", url)
        monkeypatch.setenv("LLMPATH_HOME", str(tmp_path / f"learner-{i}-machine-0"))
        statuses = {topic: json.loads(cli("show", topic, "--json").stdout)["status"] for topic in topics}
        assert set(statuses.values()) == {"done"}, (i, statuses)


def test_the_badge_never_asks_the_server_and_refreshes_in_the_background_once_a_minute(
    cli, monkeypatch, tmp_path, llmpath_home
):
    from processes import run_badge

    cli("done", "math-foundations")  # on this machine: its badge file is written after the change
    badge = llmpath_home / "badge.txt"
    shown = run_badge(llmpath_home, "--format", "{done}").stdout
    assert shown == "1\n"
    url = os.environ["LLMPATH_DATABASE_URL"]
    monkeypatch.setenv("LLMPATH_HOME", str(tmp_path / "desktop"))
    cli("done", "programming-foundations")  # another machine
    monkeypatch.setenv("LLMPATH_HOME", str(llmpath_home))
    # A minute later, the laptop's prompt shows what it had, and starts one refresh.
    old = badge.stat().st_mtime - 120
    os.utime(badge, (old, old))
    assert run_badge(llmpath_home, "--format", "{done}").stdout == "1\n"
    marker = llmpath_home / "badge.refresh"
    deadline = time.monotonic() + 60
    while badge.stat().st_mtime == old and time.monotonic() < deadline:
        time.sleep(0.1)
    assert run_badge(llmpath_home, "--format", "{done}").stdout == "2\n"
    started = marker.stat().st_mtime
    os.utime(badge, (old, old))  # old again, but a refresh started less than a minute ago
    assert run_badge(llmpath_home, "--format", "{done}").stdout == "2\n"
    assert marker.stat().st_mtime == started
    # A server out of reach never holds the prompt up: it shows what it has.
    monkeypatch.setenv("LLMPATH_DATABASE_URL", url.replace(url.rsplit("@", 1)[1].split("/")[0], "127.0.0.1:9"))
    assert run_badge(llmpath_home, "--format", "{done}", timeout=10).stdout == "2\n"


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_each_shells_prompt_asks_for_a_refresh_at_most_once_a_minute(shell, tmp_path, llmpath_home, monkeypatch):
    """With a server's store, the snippet's prompt starts `llmpath badge --refresh` in the
    background at most once a minute, and never waits on it; with SQLite it starts nothing."""
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    from llmpath import shell as snippets

    llmpath_home.mkdir(parents=True, exist_ok=True)
    log = tmp_path / "asked.log"
    fake = tmp_path / "bin" / "llmpath"
    fake.parent.mkdir()
    # Stands for llmpath: notes the call, and marks the refresh as `badge --refresh` does.
    fake.write_text(f'#!/bin/sh\necho "$*" >> {log}\ntouch "$LLMPATH_HOME/badge.refresh"\n')
    fake.chmod(0o755)
    code = snippets.init(shell, snippets.badge.DEFAULT_TEMPLATE, False)
    prompt = {"bash": "_llmpath_badge; _llmpath_badge; sleep 1", "zsh": "_llmpath_badge; _llmpath_badge; sleep 1",
              "fish": "_llmpath_badge; sleep 1; _llmpath_badge; sleep 1"}[shell]  # fmt: skip
    env = os.environ | {"PATH": f"{fake.parent}:{os.environ['PATH']}", "LLMPATH_HOME": str(llmpath_home)}
    script = tmp_path / "snippet"
    script.write_text(code)
    if shell == "fish":
        args = [shell, "-c", f"source {script}; {prompt}"]
    else:
        args = [shell, "-c", f'eval "$(cat "$1")"; {prompt}', "sh", str(script)]
    subprocess.run(args, env=env, timeout=60, check=True, capture_output=True)
    assert log.read_text().splitlines() == ["badge --refresh"]
    log.unlink()
    monkeypatch.delenv("LLMPATH_DATABASE_URL")
    env.pop("LLMPATH_DATABASE_URL")
    code = snippets.init(shell, snippets.badge.DEFAULT_TEMPLATE, False)
    script.write_text(code)
    subprocess.run(args, env=env, timeout=60, check=True, capture_output=True)
    assert not log.exists()


def test_a_group_set_up_before_an_upgrade_keeps_every_new_table_private(cli, store_sql):
    """A store upgraded past 0008 on a server whose group is set up: the tables the upgrade makes
    get the group's row-level security in the same migration, not at the next `group init`."""
    new_tables = ("read_correction", "topic_note", "topic_link", "study_session", "study_timer", "study_target")
    cli("group", "init")
    store_sql(  # back to 0008, as an older llmpath left it
        "DROP TABLE read_correction, topic_note, topic_link, study_session, study_timer, study_target;"
        " DROP INDEX ix_paper_read_counted;"
        " CREATE INDEX ix_paper_read_paper_id_change_id_read_on ON paper_read (paper_id, change_id, read_on);"
        " DELETE FROM migration WHERE name IN ('0009_notes_links_corrections', '0010_study_time')"
    )
    cli("next")
    forced = dict(
        store_sql(
            "SELECT relname, relforcerowsecurity FROM pg_class"
            " WHERE relname IN ('read_correction', 'topic_note', 'topic_link', 'study_session', 'study_timer',"
            " 'study_target')"
        )
    )
    assert forced == dict.fromkeys(new_tables, True)
    assert "BAD" not in cli("doctor").stdout
