"""The prompt badge: its text, week rollover, its cache, the shell snippets and what it imports."""

import os
import shutil
import subprocess
import sys
import time

import pytest

from llmpath import badge
from llmpath.paths import platform_data_dir
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
    assert run_badge(llmpath_home).stdout == "llm 1% 1/2 papers\n"  # 2 of 134 counted topics: 1.49%
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
        assert result.returncode == 2 and result.stderr.startswith("llmpath badge: ")


def test_a_new_week_shows_zero_papers(cli, llmpath_home):
    cli("papers", "log", "lora")
    cache = llmpath_home / "badge.txt"
    text = cache.read_text()
    week = time.strftime("%G-W%V")
    cache.write_text(text.replace(f"week={week}", "week=2020-W01"))  # written in an older week
    stat = cache.stat()
    assert run_badge(llmpath_home).stdout == "llm 0% 0/2 papers\n"
    assert cache.stat().st_mtime_ns == stat.st_mtime_ns  # read, not rebuilt: only the week differs


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
    else:  # the store changed after the cache was written (a write interrupted before refreshing it)
        import sqlite3

        with sqlite3.connect(llmpath_home / "llmpath.db") as conn:
            conn.execute(
                "INSERT INTO status_event (uid, batch, topic_id, status, happened_on, recorded_at) "
                "VALUES ('x1', 'xb', 'programming-foundations', 'done', '2026-11-01', '2026-11-01 00:00:00.000000')"
            )
        conn.close()
        expected = expected.replace("llm 1%", "llm 1%")  # 2 of 135 still rounds to 1%
    assert run_badge(llmpath_home).stdout == expected
    fields = badge.read_cache(str(cache))
    assert fields is not None and fields["db"] == badge.database_signature(str(llmpath_home / "llmpath.db"))
    if damage == "stale":
        assert fields["done"] == "2"


def test_an_unreadable_store_prints_nothing(llmpath_home):
    llmpath_home.mkdir(parents=True)
    (llmpath_home / "llmpath.db").write_text("not a database")
    result = run_badge(llmpath_home)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


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
    assert run.stderr.strip() == "['llmpath', 'llmpath.badge', 'llmpath.entry']"


def test_the_badge_finds_the_same_default_directory_as_platformdirs(monkeypatch, tmp_path):
    monkeypatch.delenv("LLMPATH_HOME")
    assert badge.data_dir() == str(platform_data_dir())
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert badge.data_dir() == str(platform_data_dir())


# --- shell snippets -----------------------------------------------------------------------------------


def snippet(cli, shell, *args):
    return cli("shell-init", shell, *args).stdout


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_snippets_pass_the_shells_syntax_check(cli, tmp_path, shell):
    if not shutil.which(shell):
        pytest.skip(f"{shell} is not installed")
    path = tmp_path / f"snippet.{shell}"
    path.write_text(snippet(cli, shell, "--format", '{track} "$HOME" `x` \\ {percent}%'))
    check = subprocess.run([shell, "-n", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def bash_prompt(home, snippet_text, prompt="$ "):
    script = f'PS1={prompt!r}\n{snippet_text}\n_llmpath_badge\nprintf "%s" "${{PS1@P}}"'
    return subprocess.run(
        ["bash", "--norc", "-c", script], env=os.environ | {"LLMPATH_HOME": str(home)}, capture_output=True, text=True
    ).stdout


def test_bash_puts_the_badge_into_the_prompt(cli, llmpath_home):
    text = snippet(cli, "bash")
    assert bash_prompt(llmpath_home, text) == "$ "  # no cache yet: nothing
    cli("done", "math-foundations")
    cli("papers", "log", "lora")
    assert bash_prompt(llmpath_home, text) == "[llm 1% 1/2 papers] $ "


def test_bash_snippet_keeps_template_text_literal(cli, llmpath_home):
    cli("done", "math-foundations")
    text = snippet(cli, "bash", "--format", '{track} "$HOME" `echo hacked` \\ {percent}%')
    assert bash_prompt(llmpath_home, text) == '[developer "$HOME" `echo hacked` \\ 1%] $ '


def test_bash_snippet_starts_a_new_week_at_zero(cli, llmpath_home):
    cli("papers", "log", "lora")
    cache = llmpath_home / "badge.txt"
    cache.write_text(cache.read_text().replace(time.strftime("week=%G-W%V"), "week=2020-W01"))
    assert bash_prompt(llmpath_home, snippet(cli, "bash")) == "[llm 0% 0/2 papers] $ "


def test_bash_snippet_never_evaluates_the_cache(cli, llmpath_home):
    cli("done", "math-foundations")
    cache = llmpath_home / "badge.txt"
    cache.write_text(cache.read_text().replace("track=developer", "track=$(touch pwned)"))
    prompt = bash_prompt(llmpath_home, snippet(cli, "bash", "--format", "{track}"))
    assert prompt == "[$(touch pwned)] $ " and not (llmpath_home / "pwned").exists()


@pytest.mark.skipif(not shutil.which("zsh"), reason="zsh is not installed")
def test_zsh_puts_the_badge_into_the_prompt(cli, llmpath_home):
    cli("done", "math-foundations")
    script = f'PROMPT="%# "\n{snippet(cli, "zsh")}\n_llmpath_badge\nprint -rn -- "${{(%)PROMPT}}"'
    out = subprocess.run(
        ["zsh", "-f", "-c", script],
        env=os.environ | {"LLMPATH_HOME": str(llmpath_home)},
        capture_output=True,
        text=True,
    ).stdout
    assert out.startswith("[llm 1% 0/2 papers] ")


@pytest.mark.skipif(not shutil.which("fish"), reason="fish is not installed")
def test_fish_shows_the_badge(cli, llmpath_home):
    cli("done", "math-foundations")
    script = snippet(cli, "fish", "--format", "{track}: {percent}% {{x}}") + "\nfish_right_prompt"
    out = subprocess.run(
        ["fish", "--no-config", "-c", script],
        env=os.environ | {"LLMPATH_HOME": str(llmpath_home)},
        capture_output=True,
        text=True,
    )
    assert out.stdout == "developer: 1% {x}", out.stderr


def test_shell_init_refuses_unknown_shells_and_templates(cli):
    assert "choose bash, zsh or fish" in cli("shell-init", "tcsh", code=2).stderr
    assert "unknown field {nope}" in cli("shell-init", "bash", "--format", "{nope}", code=2).stderr
