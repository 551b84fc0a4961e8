"""A mistyped command line reads like llmpath's own errors: an unknown command or option, a missing
argument or a bad value gets one line on stderr, `error: WHAT; see 'llmpath CMD --help'`, exit code
2, nothing on stdout, no usage block and no traceback; at the top level and in a subcommand."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from commands import TOP_LEVEL
from hostile import hostile_text, leaked
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def usage_error(cli, *args: str) -> str:
    """The one line a usage error prints; `cli` checks the exit code and that no traceback shows."""
    result = cli(*args, code=2)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "start", "hint"),
    [
        (["--bogus"], "error: no such option: --bogus", "llmpath"),
        (["list", "--bogus"], "error: no such option: --bogus", "llmpath list"),
        (["papers", "log", "lora", "--bogus"], "error: no such option: --bogus", "llmpath papers log"),
        (["papers", "--jsn"], "error: no such option: --jsn (did you mean --json?)", "llmpath papers"),
        (["lst"], "error: no such command 'lst' (did you mean 'list'?)", "llmpath"),
        (["papers", "lgo"], "error: no such command 'lgo' (did you mean 'log'?)", "llmpath papers"),
        (["show"], "error: missing argument 'TOPIC'", "llmpath show"),
        (["papers", "log"], "error: missing argument 'PAPER'", "llmpath papers log"),
        (["list", "--stage"], "error: option '--stage' requires an argument", "llmpath list"),
        (["papers", "log", "lora", "--on"], "error: option '--on' requires an argument", "llmpath papers log"),
        (["next", "-n", "many"], "error: invalid value for '--count' / '-n': ", "llmpath next"),
        (["papers", "log", "lora", "--pass", "7"], "error: invalid value for '--pass': ", "llmpath papers log"),
    ],
)
def test_a_usage_error_is_one_line_that_names_the_help_to_read(cli, args, start, hint):
    line = usage_error(cli, *args)
    assert line.startswith(start) and line.endswith(f"; see '{hint} --help'"), line


def test_llmpath_own_errors_and_usage_errors_look_alike(cli):
    own = usage_error(cli, "list", "--status", "finished")
    assert own == "error: 'finished' is not a status; use todo, in_progress, done or skipped"
    assert usage_error(cli, "list", "--sttus", "done").startswith("error: no such option: --sttus")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(word=hostile_text.filter(lambda w: not w.startswith("-") and "\x00" not in w and w not in TOP_LEVEL))
def test_any_unknown_command_gets_one_visible_line(cli, word):
    line = usage_error(cli, word)
    assert line.startswith("error: no such command ") and line.endswith("; see 'llmpath --help'"), line
    assert not leaked(line)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(option=st.builds("--{}".format, hostile_text.filter(lambda w: "\x00" not in w and "=" not in w)))
def test_any_unknown_option_of_a_subcommand_gets_one_visible_line(cli, option):
    line = usage_error(cli, "papers", "log", "lora", option)
    assert line.startswith("error: no such option: --") and line.endswith("; see 'llmpath papers log --help'")
    assert not leaked(line)


@pytest.mark.parametrize("args", [["--help"], ["list", "--bogus"], ["papers", "log"]])
def test_help_and_usage_errors_import_no_rich_and_no_store(llmpath_home, args):
    code = (
        f"import sys; sys.argv = ['llmpath', *{args!r}]; from llmpath.entry import main\n"
        "try: main()\nexcept SystemExit as end: code = end.code\n"
        "print(code, sorted({m.split('.')[0] for m in sys.modules} & {'rich', 'sqlalchemy', 'sqlmodel', 'yaml'}))"
    )
    run = subprocess.run([sys.executable, "-c", code], env=os.environ, capture_output=True, text=True)
    expected_code = 0 if args == ["--help"] else 2
    assert run.stdout.splitlines()[-1] == f"{expected_code} []", run.stdout + run.stderr
    assert "Usage:" not in run.stderr and "Traceback" not in run.stderr


def test_the_console_script_builds_only_the_command_it_runs_and_still_knows_the_others(tmp_path):
    """The console script gives Typer only the command a line names (one command's parameters to
    build, not every one's); a name that is no command, and help without one, still see them all."""
    from processes import LLMPATH, env_for

    def run(*args):
        return subprocess.run([*LLMPATH, *args], env=env_for(tmp_path), capture_output=True, text=True, timeout=60)

    assert "did you mean 'list'" in run("lst").stderr
    assert all(name in run("--help").stdout for name in ("calendar", "papers", "study", "note"))
    assert "papers log [OPTIONS] {PAPER}" in run("papers", "log", "--help").stdout
    roadmap = str(Path(__file__).resolve().parents[1] / "data" / "roadmap.yaml")
    assert run("--roadmap", roadmap, "status").returncode == 0
    assert run(f"--roadmap={roadmap}", "where").returncode == 0
