"""`llmpath group`: a study group on a PostgreSQL store, and its cohort."""

from __future__ import annotations

import typer

from .common import JSON_OPTION, TRACK_OPTION, handle_errors, paths_of, print_json, say, today

group_app = typer.Typer(invoke_without_command=True, no_args_is_help=False)


@group_app.callback()
@handle_errors
def cohort(ctx: typer.Context, track: str = TRACK_OPTION, as_json: bool = JSON_OPTION) -> None:
    """The cohort: one row per learner, with track, percent done, the topic they are on, topics
    done this week, papers this week against their target and the last day they were active.
    Instructors see every learner; a learner sees those who ran `llmpath group share on`.

    \b
    Examples:
      llmpath group
      llmpath group --track researcher --json
      llmpath group add ada
    """
    if ctx.invoked_subcommand is not None:
        return
    from ..app import group

    rows = group.cohort(paths_of(ctx), track, today())
    if as_json:
        print_json({"learners": [row.to_json() for row in rows]})
        return
    from ..render.console import make_console
    from ..render.group import render_cohort

    render_cohort(make_console(), rows)


@group_app.command("init")
@handle_errors
def init(ctx: typer.Context) -> None:
    """Set up a study group on this database (run by its owner): roles, row-level security that
    keeps each learner's records theirs even in psql, and the cohort view. Running it again is
    harmless.

    \b
    Example:
      LLMPATH_DATABASE_URL=postgresql://owner:PASSWORD@HOST/group llmpath group init
    """
    from ..app import group

    group.init(paths_of(ctx))
    say("The study group is set up. Add learners with `llmpath group add NAME` (--instructor for instructors).")


@group_app.command("add")
@handle_errors
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The learner's database user name: lower-case letters, digits and _."),
    instructor: bool = typer.Option(False, "--instructor", help="Let them see every learner in the cohort."),
) -> None:
    """Create a login for a learner and print the URL to hand them, password included, this once.

    \b
    Examples:
      llmpath group add ada
      llmpath group add tina --instructor
    """
    from ..app import group

    url = group.add(paths_of(ctx), name, instructor)
    role = "instructor" if instructor else "learner"
    say(f"Added {role} {name}. Hand them this URL, once; it is not shown again or kept anywhere:")
    typer.echo(url)


@group_app.command("remove")
@handle_errors
def remove(ctx: typer.Context, name: str = typer.Argument(..., help="The learner to remove.")) -> None:
    """End a learner's login and their place in the cohort; their records are kept.

    \b
    Example:
      llmpath group remove ada
    """
    from ..app import group

    group.remove(paths_of(ctx), name)
    say(f"Removed {name}: they can no longer log in; their records are kept.")


@group_app.command("share")
@handle_errors
def share(ctx: typer.Context, choice: str = typer.Argument(..., metavar="on|off")) -> None:
    """Let the other learners of your group see your progress in `llmpath group` (off by default).
    Your notes and reading passes are never shown to anyone.

    \b
    Example:
      llmpath group share on
    """
    from ..app import group
    from ..errors import UsageError

    if choice not in ("on", "off"):
        raise UsageError(f"share takes on or off, not {choice!r}")
    group.share(paths_of(ctx), choice == "on")
    say("Your progress is shown to your group." if choice == "on" else "Your progress is shown to instructors only.")
