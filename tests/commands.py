"""The commands registered on the Typer app, found by walking it, so that tests never keep a list of
them by hand: a command added to the app is checked by every test that iterates these."""

import typer.main

from llmpath.cli import app


def walk(command, path=()):
    """(path, command) for `command` and every command and sub-group under it, depth first."""
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():  # a group: llmpath, track, papers
        if not sub.hidden:
            yield from walk(sub, (*path, name))


ROOT = typer.main.get_command(app)
ALL = list(walk(ROOT))
COMMANDS = [(path, command) for path, command in ALL if path]  # every command and subcommand
TOP_LEVEL = [path[0] for path, _command in COMMANDS if len(path) == 1]


def name(path):
    return " ".join(path) or "llmpath"


def takes_json(command):
    return any("--json" in param.opts for param in command.params)


def required_arguments(command):
    return [p.name for p in command.params if p.param_type_name == "argument" and p.required]
