"""What every command shares: the paths in use, the learner's state, errors and JSON output."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import typer

from .. import paths as paths_module
from ..domain.state import State
from ..errors import LlmpathError
from ..safetext import json_text, visible

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


def handle_errors(command: F) -> F:
    """Print a user-caused problem as one line on stderr and exit with its code, no traceback;
    and, however the command ends, close the store connections it read through."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except LlmpathError as error:
            # Messages quote names and text that came from files, the store or other people.
            typer.echo(for_the_terminal(visible(f"error: {error}", newlines=True)), err=True)
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
TRACK_OPTION = typer.Option(None, "--track", "-t", metavar="NAME", help="Look at this track instead of the active one.")
