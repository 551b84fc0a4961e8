"""Hostile input: untrusted text never controls the terminal, and no text typed into any argument
ends in a traceback; not from a roadmap, an import, a note or the store.

Roadmap files and backups come from other people; the store can be edited by anyone who can open
it. Whatever they hold is shown literally (markup) and visibly (controls), by every command, on
standard output and standard error alike, and never ends in a traceback.
"""

import json
import os
import sqlite3
import subprocess
import sys

import pytest
from commands import COMMANDS, ROOT, name, takes_json
from hostile import CORPUS, ESCAPES, INVISIBLE, MARKUP, hostile_text, leaked
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import samples
from llmpath.safetext import ascii_text, is_clean, json_text, visible

TEXT_COMMANDS = [
    ["next", "-n", "3"],
    ["list"],
    ["roadmap"],
    ["roadmap", "--track", "levels"],
    ["progress"],
    ["show", "alpha"],
    ["show", "gamma"],
    ["track"],
    ["track", "show", "main"],
    ["show", "second"],
    ["papers"],
    ["papers", "--week"],
    ["papers", "list"],
    ["papers", "next"],
    ["papers", "show", "paper"],
    ["export", "--markdown"],
    ["export"],
    ["where"],
    ["doctor"],
    ["undo", "--list"],
    ["status"],
    ["log"],
    ["badge"],
    ["badge", "--ascii"],
    ["study"],
    ["calendar"],
]


@pytest.fixture
def roadmap_file(tmp_path, monkeypatch):
    path = tmp_path / "roadmap.yaml"
    monkeypatch.setenv("LLMPATH_ROADMAP", str(path))
    samples.write(path, samples.tiny())
    return path


def run_all(cli, commands=TEXT_COMMANDS):
    """Every command's stdout and stderr, after checking none failed with a traceback."""
    outputs = []
    for args in commands:
        result = cli(*args, code=None)
        output = result.stdout + result.stderr
        assert "Traceback" not in output, (args, output)
        assert result.exit_code in (0, 1, 2), (args, result.exit_code, output)
        outputs.append((args, output))
    return outputs


def assert_nothing_leaks(outputs):
    for args, output in outputs:
        assert not leaked(output), (args, leaked(output), output)


def test_every_read_command_of_the_app_is_among_the_text_commands():
    """A read command (one that takes --json, found by walking the app) added later is checked here too."""

    def path_of(args):
        path, command = (), ROOT
        for arg in args:
            if arg not in getattr(command, "commands", {}):
                break
            path, command = (*path, arg), command.commands[arg]
        return path

    checked = {path_of(args) for args in TEXT_COMMANDS}
    # The cohort (`group`) needs a server; its rows are shown as Text like every view, and its
    # learner names are database user names llmpath chose the form of (tests/test_group.py).
    missing = [
        name(path) for path, command in COMMANDS if takes_json(command) and path not in checked and path != ("group",)
    ]
    assert not missing, f"add these commands to TEXT_COMMANDS: {missing}"


# --- the function every output path uses ---------------------------------------------------------


@given(hostile_text)
def test_visible_text_holds_no_control_character(text):
    assert not leaked(visible(text))
    assert "\n" not in visible(text)
    assert not leaked(visible(text, newlines=True))
    assert ascii_text(text).isascii() and ascii_text(text).isprintable() or ascii_text(text) == ""


@given(hostile_text)
def test_json_text_keeps_the_data_but_escapes_what_a_terminal_acts_on(text):
    dumped = json_text(json.dumps({"title": text}, ensure_ascii=False))
    assert not leaked(dumped)
    assert json.loads(dumped) == {"title": text}


@given(hostile_text)
def test_clean_text_is_left_as_it_is(text):
    assert is_clean(visible(text))
    if is_clean(text):
        assert visible(text) == text


def test_escape_sequences_are_shown_not_run():
    assert visible("\x1b[2J") == "␛[2J"
    assert visible("a\u202eb") == "a<U+202E>b"
    assert visible("one\ntwo") == "one␊two"
    assert visible("one\ntwo", newlines=True) == "one\ntwo"


# --- a roadmap from someone else -----------------------------------------------------------------


def test_rich_markup_in_a_roadmap_is_shown_literally_everywhere(cli, tmp_path, monkeypatch):
    def hostile(data):
        data["tracks"][0]["title"] = "Main [bold red]loud"
        data["tracks"][0]["stages"][0]["title"] = "First [/bold]"
        data["modules"][0]["title"] = "Module [link=https://evil.example]click[/link]"
        data["topics"][0]["title"] = "Alpha [/i] x"
        data["topics"][0]["checklist"] = ["[todo] one", "two :smiley:"]
        data["topics"][1]["title"] = "Beta [todo]"
        data["topics"][1]["resources"][0]["title"] = "Site [/]"
        data["topics"][2]["title"] = "Gamma [/bold]"
        data["papers"][0]["title"] = "A Paper [bold]"
        data["papers"][0]["also_known_as"] = ["Known [red]as"]
        data["tracks"][0]["research_areas"] = ["Area [blink]"]
        data["tracks"][0]["faq"] = [{"question": "Why [i]?", "answer": "Because [link=https://evil.example]x"}]
        data["tracks"][0]["closing"] = "Bye [/]"

    path = samples.write(tmp_path / "roadmap.yaml", samples.tiny(hostile))
    monkeypatch.setenv("LLMPATH_ROADMAP", str(path))
    studied = [["study", "30m", "alpha"], ["study", "start", "gamma"]]  # the titles shown by study, show, log
    outputs = run_all(
        cli, [*studied, *TEXT_COMMANDS, ["done", "alpha"], ["start", "gamma"], ["undo"], ["skip", "beta"]]
    )
    text = "\n".join(output for _, output in outputs)
    for literal in ["Main [bold red]loud", "First [/bold]", "Alpha [/i] x", "[todo] one", "Beta [todo]"]:
        assert literal in text, literal
    assert "Module [link=https://evil.example]click[/link]" in text
    assert "Gamma [/bold]" in text and "A Paper [bold]" in text and ":smiley:" in text
    for literal in ["Known [red]as", "Area [blink]", "Why [i]?", "Because [link=https://evil.example]x", "Bye [/]"]:
        assert literal in text, literal
    assert "\x1b]8" not in text


@pytest.mark.parametrize("bad", ESCAPES + INVISIBLE, ids=range(len(ESCAPES + INVISIBLE)))
def test_a_roadmap_with_control_characters_is_refused_naming_the_entry(cli, tmp_path, monkeypatch, bad):
    def hostile(data):
        data["topics"][1]["title"] = f"Beta {bad}"

    path = samples.write(tmp_path / "roadmap.yaml", samples.tiny(hostile))
    monkeypatch.setenv("LLMPATH_ROADMAP", str(path))
    result = cli("next", code=1)
    assert "topics[1]" in result.stderr and "title" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not leaked(result.stderr), leaked(result.stderr)


# --- a store that someone else edited ------------------------------------------------------------


def tamper(home, text):
    """Put `text` into every text column a command shows: titles, bodies, checklists, notes."""
    database = sqlite3.connect(home / "llmpath.db")
    with database:
        database.execute("UPDATE track SET title = ? WHERE id = 'main'", (f"Main {text}",))
        database.execute("UPDATE stage SET title = ? WHERE id = 'first'", (f"First {text}",))
        database.execute("UPDATE module SET title = ?", (f"Module {text}",))
        for topic in ("alpha", "beta", "gamma"):
            database.execute("UPDATE topic SET title = ? WHERE id = ?", (f"{topic} {text}", topic))
        database.execute(
            "UPDATE topic SET data = json_set(data, '$.body', ?, '$.checklist[0].items[0]', ?) WHERE id = 'alpha'",
            (f"body {text}", f"item {text}"),
        )
        database.execute("UPDATE paper SET title = ?", (f"paper {text}",))
        database.execute("UPDATE status_event SET note = ?", (f"note {text}",))
        database.execute("UPDATE paper_read SET note = ?", (f"read {text}",))
        database.execute("UPDATE own_paper SET title = ?", (f"own {text}",))
    database.close()
    # An edit behind llmpath's back adds no change to the history: drop the badge file it would trust.
    (home / "badge.txt").unlink(missing_ok=True)


@pytest.fixture
def tampered_store(cli, roadmap_file, llmpath_home):
    cli("done", "alpha", "--note", "first")
    cli("papers", "log", "paper", "--note", "good")
    cli("papers", "log", "My own preprint", "--new")

    def with_text(text):
        tamper(llmpath_home, text)
        return llmpath_home

    return with_text


@pytest.mark.parametrize("text", CORPUS, ids=range(len(CORPUS)))
def test_whatever_the_store_holds_is_shown_safely(cli, tampered_store, text):
    tampered_store(text)
    outputs = run_all(cli, [*TEXT_COMMANDS, ["papers", "show", "own-my-own-preprint"], ["start", "beta"], ["undo"]])
    assert_nothing_leaks(outputs)
    if text in MARKUP:
        assert any(text in output for _, output in outputs)


def test_json_output_keeps_hostile_text_exactly_and_escaped(cli, tampered_store):
    text = "".join(ESCAPES + INVISIBLE + MARKUP)
    tampered_store(text)
    for args in (["show", "alpha"], ["list"], ["papers", "show", "paper"], ["next"]):
        out = cli(*args, "--json").stdout
        assert not leaked(out), (args, leaked(out))
        assert any(text in value for value in strings(json.loads(out))), args


def strings(data):
    """Every string in a JSON document."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings(value)


# --- what the learner (or a pasted web page) types -----------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=hostile_text)
def test_typed_text_never_reaches_the_terminal_raw(cli, roadmap_file, text):
    for args in (["done", "beta", "--note", text], ["papers", "log", text, "--new"], ["show", text]):
        result = cli(*args, code=None)
        output = result.stdout + result.stderr
        assert "Traceback" not in output and not leaked(output), (args, output)
    assert_nothing_leaks(run_all(cli, [["show", "beta"], ["papers"], ["undo"]]))


def test_an_error_quoting_a_name_shows_it_visibly(cli, roadmap_file):
    result = cli("show", "\x1b[2J[/bold]\u202e", code=2)
    assert "[2J[/bold]" in result.stderr and not leaked(result.stderr)


@pytest.mark.parametrize("note", ["\udcff", "\x1b]0;pwned\x07\x1b[2J", "a\x00b", "x" * 2001])
def test_unsafe_or_huge_notes_are_refused(cli, cli_json, note):
    result = cli("done", "math-foundations", "--note", note, code=2)
    assert result.stderr.startswith("error: the note") and len(result.stderr.splitlines()) == 1
    assert cli_json("show", "math-foundations")["status"] == "todo"


TYPED = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FF), max_size=10),
    st.sampled_from(
        [
            "",
            " ",
            "-",
            "--",
            "0",
            "-1",
            "2026-02-30",
            "9999-12-31",
            "2026-W53",
            "\x1b[2J",
            "a" * 300,
            "\udcff",
            "%s",
            "{}",
            "../../etc/passwd",
        ]
    ),
)

COMMANDS_WITH_TEXT = [
    lambda t: ["done", t],
    lambda t: ["start", "math-foundations", "--note", t],
    lambda t: ["skip", "math-foundations", "--on", t],
    lambda t: ["show", t],
    lambda t: ["list", "--stage", t],
    lambda t: ["roadmap", "--status", t],
    lambda t: ["next", "--track", t],
    lambda t: ["track", "use", t],
    lambda t: ["track", "use", "developer", "--from", t],
    lambda t: ["papers", "log", t],
    lambda t: ["papers", "log", t, "--new"],
    lambda t: ["papers", "log", "lora", "--on", t, "--note", t],
    lambda t: ["papers", "--week", "--of", t],
    lambda t: ["papers", "target", t],
    lambda t: ["papers", "--topic", t],
    lambda t: ["papers", "show", t],
    lambda t: ["import", t],
    lambda t: ["--roadmap", t, "next"],
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(COMMANDS_WITH_TEXT), text=TYPED)
def test_random_text_in_any_argument_never_gives_a_traceback(cli, command, text):
    """`cli` fails the test on any exception; every outcome must be a clean exit."""
    from typer.testing import CliRunner

    from llmpath.cli import app

    result = CliRunner().invoke(app, command(text), catch_exceptions=False)
    assert result.exit_code in (0, 1, 2)
    if result.exit_code:
        assert "Traceback" not in result.stderr
        assert result.stderr.strip()


# --- terminals that cannot show every character --------------------------------------------------


@pytest.mark.parametrize(
    "environment",
    [
        {"PYTHONIOENCODING": "ascii"},
        {"PYTHONIOENCODING": "cp1252"},
        {"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"},
    ],
    ids=["ascii", "cp1252", "lang-c"],
)
def test_every_command_prints_in_any_encoding(tmp_path, environment):
    inherited = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "PYTHONUTF8", "LANG", "LC_ALL")}
    env = inherited | {"LLMPATH_HOME": str(tmp_path / "home"), "NO_COLOR": "1"} | environment

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "llmpath", *args], env=env, capture_output=True, timeout=120, check=False
        )

    done = run("done", "programming-foundations", "--note", "read it twice")
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr
    for args in (["next"], ["list"], ["progress"], ["papers", "--week"], ["show", "programming-foundations"]):
        result = run(*args)
        assert result.returncode == 0 and b"Traceback" not in result.stderr, (args, result.stderr)
        assert result.stdout.strip(), args
    missing = run("done", "no-such-topic-anywhere")
    assert missing.returncode == 2 and b"Traceback" not in missing.stderr
