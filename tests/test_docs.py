"""Help and documentation: every command and subcommand the app registers has help with an example,
answers --help and is in README.md's command reference. (What --json prints is checked against
docs/json.md by test_json_shapes.py.)

The commands come from walking the Typer app (tests/commands.py), never from a list kept by hand."""

from pathlib import Path

import pytest
from commands import ALL, COMMANDS, TOP_LEVEL, name

README = Path(__file__).resolve().parents[1] / "README.md"


def reference():
    """README.md's command reference: from its heading to the end of the generated block."""
    text = README.read_text(encoding="utf-8")
    start = text.index("## Command reference")
    return text[start : text.index("<!-- [[[end]]] -->", start)]


def test_the_walk_finds_commands_and_subcommands():
    assert len(TOP_LEVEL) >= 10
    assert any(len(path) == 2 for path, _command in COMMANDS)  # the walk goes into sub-groups


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[name(path) for path, _ in COMMANDS])
def test_every_command_has_help_with_an_example(cli, path, command):
    assert command.help and command.help.strip(), f"llmpath {name(path)} has no help text"
    out = cli(*path, "--help").stdout  # exits 0
    assert out.startswith(f"Usage: llmpath {name(path)} "), out
    assert "Example" in out, f"llmpath {name(path)} --help shows no example"


@pytest.mark.parametrize(("path", "command"), ALL, ids=[name(path) for path, _ in ALL])
def test_every_command_is_in_the_readme_command_reference(path, command):
    assert f"$ llmpath {' '.join([*path, '--help'])}\n" in reference(), f"README.md does not show llmpath {name(path)}"


def test_bare_llmpath_shows_where_you_are_and_help_lists_every_command(cli):
    assert cli().stdout == cli("status").stdout
    out = cli("--help").stdout
    assert out.startswith("Usage: llmpath ")
    listed = {line.split()[0] for line in out.split("\nCommands:\n")[1].splitlines() if line.strip()}
    assert set(TOP_LEVEL) <= listed, set(TOP_LEVEL) - listed


def test_version(cli):
    from llmpath import __version__

    assert cli("--version").stdout.strip() == f"llmpath {__version__}"
