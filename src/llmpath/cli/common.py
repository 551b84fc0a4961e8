"""What every command shares: the paths in use, the learner's state, errors and JSON output."""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NoReturn, TypeVar

import typer
from typer.core import TyperGroup

from .. import completion
from .. import paths as paths_module
from ..domain.state import State
from ..errors import LlmpathError
from ..safetext import json_text, visible
from .coercion import coerce_only_when_needed

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Options:
    """Global options, set by the app's callback and kept on the root context."""

    roadmap: str | None = None


def paths_of(ctx: typer.Context) -> paths_module.Paths:
    options = ctx.find_root().obj
    return paths_module.resolve(options.roadmap if isinstance(options, Options) else None)


def state_of(ctx: typer.Context) -> State:
    """The learner's state from the store, read in one transaction that ends with the command."""
    from ..app import access

    return access.read_state(paths_of(ctx))  # closed when the command ends (handle_errors)


def for_the_terminal(message: str) -> str:
    """A message wrapped to the width of the terminal it goes to, continuation lines indented;
    left whole for a pipe or a file, where one line per message is what a script reads."""
    if not sys.stderr.isatty():
        return message
    import shutil
    import textwrap

    width = max(shutil.get_terminal_size().columns, 40)
    return "\n".join(
        textwrap.fill(line, width, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False)
        for line in message.splitlines()
    )


def print_error(message: str) -> None:
    """`error: MESSAGE` on stderr, the one way llmpath reports a problem the user can fix. Shown
    visibly: messages quote names and text that came from files, the store, other people or argv."""
    typer.echo(for_the_terminal(visible(f"error: {message}", newlines=True)), err=True)


# Click's UsageError, reached through Typer's public BadParameter: Typer ships its own copy of
# Click in recent versions and uses the `click` package in older ones.
ClickUsageError = typer.BadParameter.__base__


class OneLineUsageErrors(TyperGroup):
    """A group whose usage errors (an unknown option or command, a missing argument, a bad value)
    print as llmpath's own errors do, `error: ...; see 'llmpath CMD --help'` on one line, exit 2,
    instead of Click's usage block. Click raises them while parsing a command's arguments: in the
    group's make_context for its own options, in its invoke for a subcommand's."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except ClickUsageError as error:
            here = f"{parent.command_path} {info_name}" if parent is not None else info_name
            exit_with_usage_error(error, here or "llmpath")

    def parse_args(self, ctx: Any, args: list[str]) -> Any:
        coerce_only_when_needed(self.get_params(ctx))
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:  # its context inherits the help option names from this one
            coerce_only_when_needed(command.get_params(ctx))
        return name, command, rest

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ClickUsageError as error:
            # Click names no command for some errors (an option missing its value): the one being parsed.
            here = " ".join(filter(None, (ctx.command_path, ctx.invoked_subcommand)))
            exit_with_usage_error(error, here)


def exit_with_usage_error(error: Any, command_path: str) -> NoReturn:
    """Print a Click usage error in llmpath's style and exit 2, the code Click gives it."""
    message = " ".join(error.format_message().split())  # one line, whatever Click wrapped
    # Click suggests as "No such command 'stauts'. Did you mean 'status'?" or "No such option: --jsn
    # (Possible options: --json)": either reads as one clause, "(did you mean ...?)".
    suggestion = re.search(r"\.? (?:Did you mean (.*)\?|\(Possible options: (.*)\))$", message)
    if suggestion:
        message = f"{message[: suggestion.start()]} (did you mean {suggestion[1] or suggestion[2]}?)"
    message = message.removesuffix(".")
    where = error.ctx.command_path if error.ctx is not None else command_path
    print_error(f"{message[:1].lower()}{message[1:]}; see '{where} --help'")
    raise typer.Exit(ClickUsageError.exit_code)


def handle_errors(command: F) -> F:
    """Print a user-caused problem as one line on stderr and exit with its code, no traceback;
    and, however the command ends, close the store connections it read through."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except LlmpathError as error:
            print_error(str(error))
            raise typer.Exit(error.exit_code) from None
        finally:
            readmodel = sys.modules.get("llmpath.app.readmodel")  # loaded only if the command read the store
            if readmodel is not None:
                readmodel.close_reads()

    return run  # type: ignore[return-value]


def say(text: str, indent: str = "", first: str = "", err: bool = False) -> None:
    """Print a message wrapped to the terminal (80 columns when not a terminal), shown visibly:
    messages quote titles, names and paths that came from elsewhere."""
    import shutil
    import textwrap

    width = shutil.get_terminal_size((80, 24)).columns
    typer.echo(
        textwrap.fill(
            visible(text, newlines=True),
            width=width,
            initial_indent=first,
            subsequent_indent=indent,
            break_on_hyphens=False,
            break_long_words=False,
        ),
        err=err,
    )


def print_json(data: Any) -> None:
    sys.stdout.write(json_text(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")


def today() -> date:
    from ..domain.dates import local_day

    return local_day(datetime.now(UTC))


JSON_OPTION = typer.Option(False, "--json", help="Print JSON for scripts instead of text.")
TRACK_OPTION = typer.Option(
    None,
    "--track",
    "-t",
    metavar="NAME",
    help="Look at this track instead of the active one.",
    autocompletion=completion.tracks,
)
