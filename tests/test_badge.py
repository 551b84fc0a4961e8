"""The prompt badge and `llmpath shell-init`: text, templates, week rollover, the cache and its
rebuild from the store, hostile data, files that are not files, and what the light paths import.
The snippets in real shells are in test_prompt_shells.py."""

import json
import os
import sqlite3
import subprocess
import sys
import time

import pytest
from hostile import ESCAPES, INVISIBLE, SHELL, hostile_text, leaked
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from llmpath import badge
from llmpath.paths import platform_data_dir
from llmpath.store.queries import stored_generation
from processes import run_badge

HEAVY = ("typer", "rich", "sqlmodel", "sqlalchemy", "pydantic", "yaml", "platformdirs", "click")


def test_no_store_prints_nothing_and_exits_0(llmpath_home):
    result = run_badge(llmpath_home)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert not llmpath_home.exists()


def test_badge_text_for_known_states(cli, llmpath_home):
    cli("done", "programming-foundations", "math-foundations")
    cli("skip", "ml-foundations")
    cli("papers", "log", "lora")
    assert run_badge(llmpath_home).stdout == "llm 2% 1/2 papers\n"  # 2 of 128 required topics: 1.56%
    cli("papers", "target", "3")
    cli("track", "use", "researcher")
    assert run_badge(llmpath_home).stdout == "llm 8% 1/3 papers\n"  # math: 1 of 12 steps
    fields = "{track} {done}/{total} {percent}% {papers}/{target} next: {next}"
    assert (
        run_badge(llmpath_home, "--format", fields).stdout
        == "researcher 1/12 8% 1/3 next: Classical machine learning\n"
    )


def test_the_cli_command_prints_the_same(cli, llmpath_home):
    cli("done", "math-foundations")
    assert cli("badge").stdout == run_badge(llmpath_home).stdout
    assert "{percent}" in cli("badge", "--help").stdout


def test_ascii_leaves_out_everything_else(cli, llmpath_home):
    cli("done", "math-foundations")
    out = run_badge(llmpath_home, "--format", "✦ {track} — {percent}%", "--ascii").stdout
    assert out == "developer 1%\n" and out.isascii()


def test_setup_mistakes_are_reported(llmpath_home):
    for args in (["--format", "{nope}"], ["--bogus"], ["--format", "{"]):
        result = run_badge(llmpath_home, *args)
        assert result.returncode == 2 and result.stderr.startswith("error: ")
        assert result.stderr.endswith("; see 'llmpath badge --help'\n")


@pytest.mark.parametrize("template", ["{track[x]}", "{track.upper}", "{percent:>5}", "{next!r}", "{", "}"])
def test_templates_beyond_bare_fields_are_refused(cli, llmpath_home, template):
    cli("done", "math-foundations")
    result = run_badge(llmpath_home, "--format", template)
    assert result.returncode == 2 and result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert cli("shell-init", "bash", "--format", template, code=2).stderr.startswith("error: ")


def test_a_new_week_shows_zero_papers(cli, llmpath_home):
    cli("papers", "log", "lora")
    cache = llmpath_home / "badge.txt"
    text = cache.read_text()
    week = time.strftime("%G-W%V")
    cache.write_text(text.replace(f"week={week}", "week=2020-W01"))  # written in an older week
    stat = cache.stat()
    assert run_badge(llmpath_home).stdout == "llm 0% 0/2 papers\n"
    assert cache.stat().st_mtime_ns == stat.st_mtime_ns  # read, not rebuilt: only the week differs


def test_today_shows_the_minutes_studied_against_the_daily_target(cli, llmpath_home):
    cli("done", "math-foundations")
    assert cli("badge", "--format", "{today}").stdout == "0/30m\n"  # the default target, nothing studied
    cli("study", "25m")
    cli("study", "10m", "--on", "yesterday")  # another day's time is not today's
    assert run_badge(llmpath_home, "--format", "{today}").stdout == "25/30m\n"
    cli("study", "target", "45m")
    assert run_badge(llmpath_home, "--format", "{today} {percent}%").stdout == "25/45m 1%\n"
    cli("undo")
    cli("undo")
    cli("undo")
    assert run_badge(llmpath_home, "--format", "{today}").stdout == "0/30m\n"


def test_a_new_day_shows_zero_minutes_against_the_target(cli, llmpath_home):
    cli("study", "target", "45m")
    cli("study", "50m")
    cache = llmpath_home / "badge.txt"
    assert run_badge(llmpath_home, "--format", "{today}").stdout == "50/45m\n"
    cache.write_text(cache.read_text().replace(f"day={badge.current_day()}", "day=2020-01-01"))  # written days ago
    stat = cache.stat()
    assert run_badge(llmpath_home, "--format", "{today} {papers}").stdout == "0/45m 0\n"  # the target stays
    assert cache.stat().st_mtime_ns == stat.st_mtime_ns  # read, not rebuilt: only the day differs
    cache.unlink()
    assert run_badge(llmpath_home, "--format", "{today}").stdout == "50/45m\n"  # rebuilt from the store: today


@pytest.mark.parametrize("damage", ["missing", "garbage", "truncated", "stale"])
def test_a_missing_damaged_or_stale_cache_is_rebuilt_from_the_store(cli, llmpath_home, damage):
    cli("done", "math-foundations")
    cli("papers", "log", "lora", "--note", "x")
    expected = run_badge(llmpath_home).stdout
    cache = llmpath_home / "badge.txt"
    if damage == "missing":
        cache.unlink()
    elif damage == "garbage":
        cache.write_bytes(b"\x00\xff not a badge")
    elif damage == "truncated":
        cache.write_text("\n".join(cache.read_text().splitlines()[:3]))
    else:  # a writer removed the badge file and committed, then died before writing the caches
        cache.unlink()
        with sqlite3.connect(llmpath_home / "llmpath.db") as conn:
            change = conn.execute(
                "INSERT INTO change (uid, kind, summary, recorded_at) VALUES ('c1', 'status', 'x', '2026-11-01 00:00:00')"
            ).lastrowid
            conn.execute(
                "INSERT INTO status_event (uid, change_id, topic_id, status, happened_on, recorded_at) "
                "VALUES ('x1', ?, 'programming-foundations', 'done', '2026-11-01', '2026-11-01 00:00:00.000000')",
                (change,),
            )
        conn.close()
        # Neither the badge file nor the read model is of this generation: nothing is shown rather
        # than an old figure, until the next command brings both up to date.
        assert run_badge(llmpath_home).stdout == ""
        cli("progress")
        expected = "llm 2% 1/2 papers\n"  # the topic the writer recorded counts: 2 of 128 required topics
    assert run_badge(llmpath_home).stdout == expected
    fields = badge.read_cache(str(cache))
    assert fields is not None and fields["generation"] == str(stored_generation(str(llmpath_home / "llmpath.db")))
    if damage == "stale":
        assert fields["done"] == "2"


def test_a_rebuilt_badge_rounds_the_percent_as_the_written_one(cli, llmpath_home):
    cli("done", "programming-foundations", "math-foundations")  # 2 of 128: 1.56%
    fast = run_badge(llmpath_home).stdout
    (llmpath_home / "badge.txt").unlink()
    assert fast == run_badge(llmpath_home).stdout == "llm 2% 0/2 papers\n"


def test_a_rebuilt_badge_follows_the_starting_stage_and_names_the_module(cli, llmpath_home):
    cli("track", "use", "developer", "--from", "Part 3")
    fast = run_badge(llmpath_home, "--format", "{next}").stdout
    (llmpath_home / "badge.txt").unlink()
    assert fast == run_badge(llmpath_home, "--format", "{next}").stdout == "Model evaluation › Benchmark suites\n"


def test_a_rebuilt_badge_uses_the_target_in_force_this_week(cli, llmpath_home, tmp_path):
    doc = {
        "format": "llmpath-export",
        "version": 1,
        "paper_targets": [
            {"uid": "t1", "target": 3, "on": "2026-01-05", "at": "2026-01-05T00:00:00+00:00"},
            {"uid": "t2", "target": 4, "on": "2999-12-20", "at": "2026-01-06T00:00:00+00:00"},
        ],
    }
    (tmp_path / "t.json").write_text(json.dumps(doc))
    cli("import", str(tmp_path / "t.json"))
    fast = run_badge(llmpath_home).stdout
    (llmpath_home / "badge.txt").unlink()
    assert fast == run_badge(llmpath_home).stdout == "llm 0% 0/3 papers\n"


def test_an_unreadable_store_prints_nothing(llmpath_home):
    llmpath_home.mkdir(parents=True)
    (llmpath_home / "llmpath.db").write_text("not a database")
    result = run_badge(llmpath_home)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_the_badge_exits_0_when_its_output_cannot_be_written(cli, llmpath_home):
    cli("done", "math-foundations")
    code = "import sys; from llmpath.entry import main; sys.exit(main())"
    with open("/dev/full", "w") as full:
        run = subprocess.run(
            [sys.executable, "-c", code, "badge"],
            env=os.environ | {"LLMPATH_HOME": str(llmpath_home)},
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert run.returncode == 0 and "Traceback" not in run.stderr


def test_the_badge_imports_no_heavy_library(cli, llmpath_home):
    cli("done", "math-foundations")
    for cache in ("kept", "removed"):
        if cache == "removed":
            (llmpath_home / "badge.txt").unlink()  # the slow path: rebuilt with sqlite3
        code = (
            "import sys; from llmpath.entry import main; sys.argv = ['llmpath', 'badge']; main(); "
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}), file=sys.stderr)"
        )
        run = subprocess.run(
            [sys.executable, "-c", code],
            env=os.environ | {"LLMPATH_HOME": str(llmpath_home)},
            capture_output=True,
            text=True,
        )
        assert run.stdout.startswith("llm ") and run.stderr.strip() == "[]", (cache, run.stderr)


def test_the_fast_path_imports_almost_nothing(cli, llmpath_home):
    cli("done", "math-foundations")
    code = "import sys; before = set(sys.modules); from llmpath.entry import main; sys.argv = ['llmpath', 'badge']; main(); print(sorted(set(sys.modules) - before), file=sys.stderr)"
    run = subprocess.run(
        [sys.executable, "-c", code],
        env=os.environ | {"LLMPATH_HOME": str(llmpath_home)},
        capture_output=True,
        text=True,
    )
    assert run.stderr.strip() == "['llmpath', 'llmpath.badge', 'llmpath.entry', 'llmpath.safetext']"


def test_the_badge_finds_the_same_default_directory_as_platformdirs(monkeypatch, tmp_path):
    assert badge.default_data_dir() == str(platform_data_dir())
    monkeypatch.delenv("LLMPATH_HOME")
    assert badge.data_dir() == badge.default_data_dir() == str(platform_data_dir())
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert badge.data_dir() == badge.default_data_dir() == str(platform_data_dir())


def test_the_file_tells_fish_when_its_week_ends(cli, llmpath_home):
    cli("done", "math-foundations")
    fields = badge.read_cache(str(llmpath_home / "badge.txt"))
    written = (llmpath_home / "badge.txt").stat().st_mtime
    # One second before the next local Monday, 00:00 (the value is rounded down).
    end = time.localtime(written + int(fields["week_ends_in"]) + 1)
    assert (end.tm_wday, end.tm_hour, end.tm_min) == (0, 0, 0)
    assert 0 < int(fields["week_ends_in"]) <= 7 * 86400
    assert badge.seconds_left_in("2020-W01") == 0  # a week that is over has no time left


def test_the_file_tells_fish_when_its_day_ends(cli, llmpath_home):
    cli("study", "30m")
    fields = badge.read_cache(str(llmpath_home / "badge.txt"))
    written = (llmpath_home / "badge.txt").stat().st_mtime
    # One second before the next local midnight (the value is rounded down), and never past the week's end.
    end = time.localtime(written + int(fields["day_ends_in"]) + 1)
    assert (end.tm_hour, end.tm_min) == (0, 0) and time.strftime("%Y-%m-%d", end) > fields["day"]
    assert 0 < int(fields["day_ends_in"]) <= min(25 * 3600, int(fields["week_ends_in"]))  # 25h: summer time ends
    assert badge.seconds_left_in_day("2020-01-01") == 0  # a day that is over has no time left


# --- hostile data --------------------------------------------------------------------------------

NUMBERS = {"percent": 1, "done": 1, "total": 2, "papers": 1, "target": 2, "today": "25/30m", "next_day": "0/30m"}


def this_day():
    return {"week": badge.current_week(), "day": badge.current_day()}


def assert_printable_ascii(text):
    assert all(" " <= char <= "~" for char in text), repr(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=hostile_text)
@example(text="".join(ESCAPES + INVISIBLE + SHELL) + "\n" + "line\nbreak")
def test_no_title_puts_a_control_character_into_the_file_or_the_badge(tmp_path, text):
    path = str(tmp_path / "badge.txt")
    badge.write_cache(path, {"track": text, "next": text, **this_day(), **NUMBERS}, "sig")
    written = open(path, encoding="utf-8").read()
    assert not leaked(written) and len(written.splitlines()) == 17, written
    fields = badge.read_cache(path)
    assert_printable_ascii(fields["track_ascii"] + fields["next_ascii"])
    for template in ("{track} {next}", "\x1b[2J{next}\u202e\n"):
        assert not leaked(badge.render(fields, template, ascii_only=False))
        assert_printable_ascii(badge.render(fields, template, ascii_only=True))


@settings(max_examples=60, deadline=None)
@given(text=hostile_text)
def test_a_badge_file_written_by_something_else_is_shown_visibly(text):
    fields = {"track": text, "next": text, **this_day(), "generation": "1"} | NUMBERS
    assert not leaked(badge.render(fields, "{track}: {next} {percent}%", ascii_only=False))
    assert_printable_ascii(badge.render(fields, "{track}: {next} {percent}%", ascii_only=True))


def tamper(home, text):
    """What someone with the store in hand could do: hostile text after every topic and module title."""
    with sqlite3.connect(home / "llmpath.db") as database:
        database.execute("UPDATE topic SET title = title || ?", (text,))
        database.execute("UPDATE module SET title = title || ?", (text,))
    database.close()


@pytest.mark.parametrize("path", ["write", "rebuild"])
def test_hostile_titles_in_the_store_reach_neither_the_file_nor_the_badge(cli, llmpath_home, path):
    cli("done", "math-foundations")
    text = "".join(ESCAPES + INVISIBLE + SHELL)
    tamper(llmpath_home, text)
    if path == "write":
        cli("start", "classical-ml")  # a change writes the file from the store
    else:
        (llmpath_home / "badge.txt").unlink()  # the badge rebuilds its file from the store
    template = "{track} {next}"
    shown = run_badge(llmpath_home, "--format", template).stdout
    assert "␛]0;pwned␇" in shown and not leaked(shown), shown
    assert_printable_ascii(run_badge(llmpath_home, "--format", template, "--ascii").stdout.rstrip("\n"))
    assert not leaked((llmpath_home / "badge.txt").read_text(encoding="utf-8"))


def test_a_hostile_default_track_in_the_store_falls_back_to_the_first_track(cli, llmpath_home):
    cli("done", "math-foundations")
    with sqlite3.connect(llmpath_home / "llmpath.db") as database:
        database.execute("UPDATE meta SET value = ? WHERE key = 'default_track'", ("\x1b]0;pwned\x07",))
        database.execute("DELETE FROM setting_change WHERE key = 'active_track'")
    database.close()
    cli("next")
    (llmpath_home / "badge.txt").unlink()
    assert run_badge(llmpath_home, "--format", "{track}").stdout == "developer\n"


# --- what stands where the file should be --------------------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "directory", "device"])
def test_a_badge_file_that_is_not_a_file_never_holds_up_the_badge(cli, llmpath_home, kind):
    cli("done", "math-foundations")
    cache = llmpath_home / "badge.txt"
    expected = run_badge(llmpath_home).stdout
    cache.unlink()
    if kind == "fifo":
        os.mkfifo(cache)
    elif kind == "directory":
        cache.mkdir()
    else:
        cache.symlink_to("/dev/zero")
    result = run_badge(llmpath_home, timeout=20)
    assert (result.returncode, result.stdout, result.stderr) == (0, expected, "")
    if kind != "directory":  # replaced atomically by a rebuilt file; a directory cannot be
        assert cache.is_file() and not cache.is_symlink() and badge.read_cache(str(cache))


def test_a_store_that_is_not_a_file_never_holds_up_the_badge(llmpath_home):
    llmpath_home.mkdir(parents=True)
    os.mkfifo(llmpath_home / "llmpath.db")
    result = run_badge(llmpath_home, timeout=20)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_an_older_badge_file_format_is_rebuilt(cli, llmpath_home):
    cli("done", "math-foundations")
    cache = llmpath_home / "badge.txt"
    expected = run_badge(llmpath_home).stdout
    cache.write_text(cache.read_text().replace(badge.FORMAT_LINE, "llmpath-badge 1"))
    assert run_badge(llmpath_home).stdout == expected
    assert cache.read_text().startswith(badge.FORMAT_LINE + "\n")


def test_a_badge_file_that_cannot_be_written_does_not_fail_a_saved_change(cli, cli_json, llmpath_home):
    cli("done", "math-foundations")
    cli("done", "classical-ml")
    (llmpath_home / "badge.txt").unlink()
    (llmpath_home / "badge.txt").mkdir()
    result = cli("undo")
    assert "warning: saved" in result.stderr and "undone" in result.stdout
    (llmpath_home / "badge.txt").rmdir()
    marked = {t["id"]: t["status"] for t in cli_json("list", "--track", "complete")["topics"]}
    assert (marked["math-foundations"], marked["classical-ml"]) == ("done", "todo")


# --- llmpath shell-init, without the Typer app ---------------------------------------------------


def run_entry(*args, **env):
    """`llmpath ARGS` as the console script runs it, in a fresh interpreter."""
    code = "import sys; from llmpath.entry import main; sys.argv[0] = 'llmpath'; sys.exit(main())"
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=os.environ | env, capture_output=True, text=True, timeout=60
    )


FORMS = [
    ["bash"],
    ["ZSH"],
    ["fish", "--ascii"],
    ["bash", "--format", "{track} · {next} ✦ $(touch x) `y` '\\\" %{{}}", "--ascii"],
    ["zsh", "--format=\x1b[2J{percent}%\n\u202e"],
    ["fish", "--ascii", "--format", "--ascii"],
    ["tcsh"],
    ["bash", "--format", "{nope}"],
    ["bash", "--format", "{\x1b[31m}"],
    ["zsh", "--format", "{"],
    ["bash", "--format"],
    ["bash", "extra"],
    ["--ascii", "bash"],
    ["bash", "--help"],
    [],
]


@pytest.mark.parametrize("args", FORMS, ids=[" ".join(form) or "none" for form in FORMS])
def test_shell_init_prints_exactly_what_the_command_prints(cli, monkeypatch, tmp_path, args):
    # A data directory whose name holds everything a shell could read as code.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "$(touch x) `y` 'q' \"d\" } a\nb é"))
    fast = run_entry("shell-init", *args)
    typer = cli("shell-init", *args, code=None)
    assert (fast.returncode, fast.stderr) == (typer.exit_code, typer.stderr)
    if "--help" in args:  # the Typer app's own answer, wrapped to another width
        assert fast.stdout.split() == typer.stdout.split()
    else:
        assert fast.stdout == typer.stdout
    assert "Traceback" not in fast.stderr and not leaked(fast.stdout + fast.stderr)
    if fast.returncode:
        assert len(fast.stderr.splitlines()) == 1 or fast.stderr.startswith("Usage:")
    else:
        assert fast.stdout.isascii()  # every other character written as an escape


def test_shell_init_errors_are_one_line_with_status_2():
    for args, message in [
        (["tcsh"], "error: no snippet for 'tcsh'; choose bash, zsh or fish\n"),
        (["bash", "--format", "{nope}"], "error: --format '{nope}' has an unknown field {nope}; use only "),
    ]:
        result = run_entry("shell-init", *args)
        assert result.returncode == 2 and result.stdout == "" and result.stderr.startswith(message), result.stderr
        assert len(result.stderr.splitlines()) == 1


def test_shell_init_imports_no_heavy_library():
    code = (
        "import sys; from llmpath.entry import main; sys.argv = ['llmpath', 'shell-init', 'zsh', '--format', '{next} ✦']; "
        f"main(); print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}), file=sys.stderr)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.stdout.startswith("# llmpath prompt badge for zsh") and run.stderr.strip() == "[]", run.stderr


@settings(max_examples=40, deadline=None)
@given(name=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1))
def test_any_text_is_quoted_into_plain_ascii(name):
    from llmpath.shell import quoted

    for shell in ("bash", "zsh", "fish"):
        assert quoted(name, shell).isascii() and quoted(name, shell).isprintable()
