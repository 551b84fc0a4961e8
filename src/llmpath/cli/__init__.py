"""The Typer app: a thin layer that parses, calls the domain and the store, and renders.

Help is plain (rich_markup_mode=None) so `--help` never imports Rich; commands import Rich, the
store and the loader only when they need them.
"""

from __future__ import annotations

import typer

from .. import __version__
from . import admin, backup, notes, prompt, study, studytime, views
from .common import OneLineUsageErrors, Options
from .group import group_app
from .papers import papers_app
from .tracks import track_app

app = typer.Typer(
    name="llmpath",
    cls=OneLineUsageErrors,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=True,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(ctx: typer.Context, value: bool) -> None:
    if value and not ctx.resilient_parsing:  # not while completing a command line that holds it
        typer.echo(f"llmpath {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    roadmap: str = typer.Option(
        None,
        "--roadmap",
        help="Use this roadmap YAML file instead of the bundled one (or set LLMPATH_ROADMAP).",
        metavar="PATH",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Track your way through the LLM roadmap, from linear algebra to RLHF, RAG and research writing.

    \b
    Start with:
      llmpath next          what to study now
      llmpath done TOPIC    mark it done
      llmpath progress      how far you are
    """
    ctx.obj = Options(roadmap=roadmap)
    if ctx.invoked_subcommand is None:  # bare `llmpath`: where you are (`llmpath --help` lists the commands)
        views.status(ctx, track=None, as_json=False)


study.register(app)
notes.register(app)
studytime.register(app)
views.register(app)
app.add_typer(track_app, name="track", cls=OneLineUsageErrors)
app.add_typer(papers_app, name="papers", cls=OneLineUsageErrors)
app.add_typer(group_app, name="group", cls=OneLineUsageErrors)
backup.register(app)
prompt.register(app)
admin.register(app)


def only_invoked(args: list[str]) -> typer.Typer:
    """The app holding only the command `args` run, when they name one. Typer turns every registered
    command's signature into parameters on each run (some 25 ms for them all) while a command line
    runs one; help without a command, a name that is no command (its error suggests the others) and
    shell completion keep the whole app."""
    rest = (
        args[2:] if args[:1] == ["--roadmap"] else args[1:] if args[:1] and args[0].startswith("--roadmap=") else args
    )
    name = rest[0] if rest and not rest[0].startswith("-") else None
    commands = [c for c in app.registered_commands if c.name == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if name is not None and (commands or groups):
        app.registered_commands, app.registered_groups = commands, groups
    return app
