"""Daily study time: `study` (today), `study 30m [TOPIC]`, `study start|stop|target`, `calendar`."""

from __future__ import annotations

from typing import Any

import typer

from .. import completion
from .common import JSON_OPTION, OneLineUsageErrors, handle_errors, paths_of, print_json, say, state_of, today


class StudyCommands(OneLineUsageErrors):
    """`study 30m` is `study log 30m`: a first word that is neither a subcommand nor an option is
    the duration to log."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0][1:2].isdigit() and args[0].startswith("-"):
            args = ["log", "--", *args]  # `study -5m`: a negative duration, refused as one, not an option
        elif args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["log", *args]
        return super().parse_args(ctx, args)


study_app = typer.Typer(cls=StudyCommands, invoke_without_command=True, no_args_is_help=False)
NOTE_OPTION = typer.Option(None, "--note", metavar="TEXT", help="A note to keep with this time.")
OPTIONAL_TOPIC = typer.Argument(
    None,
    metavar="TOPIC",
    help="A topic id, title or list number (default: the topic in progress).",
    autocompletion=completion.topics,
)


def register(app: typer.Typer) -> None:
    app.add_typer(study_app, name="study")
    app.command("calendar")(calendar)


@study_app.callback()
@handle_errors
def study(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Study time: `llmpath study` shows today against your daily target (30 minutes unless you
    change it) and your streak; `llmpath study 30m [TOPIC]` logs time.

    \b
    Examples:
      llmpath study
      llmpath study 45m rag-retrieval-methods
      llmpath study start && llmpath study stop
    """
    if ctx.invoked_subcommand is not None:
        return
    from ..domain.habit import today_of

    now = today_of(state_of(ctx), today())
    if as_json:
        print_json(now.to_json())
        return
    from ..render.calendar import render_today
    from ..render.console import make_console

    render_today(make_console(), state_of(ctx), now)


def _topic(ctx: typer.Context, topic: str | None) -> str | None:
    from .study import one_topic

    state = state_of(ctx)
    return one_topic(state, topic) if topic is not None else state.studying()


@study_app.command("log")
@handle_errors
def log(
    ctx: typer.Context,
    duration: str = typer.Argument(..., metavar="DURATION", help="45m, 1h30m, 1.5h or 90 (minutes)."),
    topic: str = OPTIONAL_TOPIC,
    on: str = typer.Option(
        None, "--on", metavar="DATE", help="The day you studied: YYYY-MM-DD, today or yesterday (default today)."
    ),
    note: str = NOTE_OPTION,
) -> None:
    """Log time you studied, to a topic or to the one in progress. `llmpath study 30m` is the
    same as `llmpath study log 30m`.

    \b
    Examples:
      llmpath study 30m
      llmpath study log 1h30m transformer-attention-mechanisms --on yesterday --note "derived it"
    """
    from ..app import changes
    from ..domain.dates import parse_day
    from ..domain.inputs import clean_note
    from ..domain.study import parse_duration

    minutes = parse_duration(duration)
    day = parse_day(on, today()) if on else today()
    kept = clean_note(note)
    session, after = changes.log_study(paths_of(ctx), minutes, _topic(ctx, topic), day, kept)
    _say_logged(after, session)


def _say_logged(state: Any, session: Any) -> None:
    from ..domain.habit import minutes_today
    from ..domain.study import format_duration

    where = f" on {state.display_title(session.topic)}" if session.topic else ""
    say(f"⏱ {format_duration(session.minutes)}{where} ({session.studied_on.isoformat()})")
    if session.studied_on == today():
        say(f"Today: {minutes_today(state, today())}")


@study_app.command("start")
@handle_errors
def start(ctx: typer.Context, topic: str = OPTIONAL_TOPIC) -> None:
    """Start a timer; it keeps running when you close the terminal or the machine sleeps.
    `llmpath study stop` logs the time to the day it started.

    \b
    Example:
      llmpath study start rag-retrieval-methods
    """
    from ..app import changes

    chosen = _topic(ctx, topic)
    after = changes.start_timer(paths_of(ctx), chosen)
    where = f" on {after.display_title(chosen)}" if chosen else ""
    say(f"⏱ timer started{where}; `llmpath study stop` logs it")


@study_app.command("stop")
@handle_errors
def stop(
    ctx: typer.Context,
    length: str = typer.Option(
        None, "--length", metavar="DURATION", help="Log this instead of what the timer measured (45m, 1h30m)."
    ),
    note: str = NOTE_OPTION,
) -> None:
    """Stop the timer and log its time. A timer left running over 12 hours is not logged: give
    the real length with --length.

    \b
    Examples:
      llmpath study stop
      llmpath study stop --length 50m --note "forgot it over lunch"
    """
    from ..app import changes
    from ..domain.inputs import clean_note
    from ..domain.study import parse_duration

    minutes = parse_duration(length) if length is not None else None
    _reading, session, after = changes.stop_timer(paths_of(ctx), minutes, clean_note(note))
    if session.minutes == 0:
        say("Timer stopped after less than a minute; nothing counted.")
        return
    _say_logged(after, session)


@study_app.command("target")
@handle_errors
def target(
    ctx: typer.Context, duration: str = typer.Argument(..., metavar="DURATION", help="Minutes a day: 45m, 1h.")
) -> None:
    """Set your daily study target (30 minutes unless you change it); days before keep the target
    they had.

    \b
    Example:
      llmpath study target 45m
    """
    from ..app import changes
    from ..domain.study import format_duration, parse_duration

    minutes = parse_duration(duration)
    changes.set_study_target(paths_of(ctx), minutes, today())
    say(f"Daily study target: {format_duration(minutes)} from today.")


@handle_errors
def calendar(
    ctx: typer.Context,
    weeks: int = typer.Option(52, "--weeks", "-w", min=1, max=520, metavar="N", help="How many weeks to show."),
    as_json: bool = JSON_OPTION,
) -> None:
    """A heatmap of the days you studied (the last 52 weeks), your streak, and this week against
    seven times your daily target.

    \b
    Examples:
      llmpath calendar
      llmpath calendar --weeks 12 --json
    """
    from ..domain.calendar import calendar_of
    from ..render.calendar import calendar_json, render_calendar

    shown = calendar_of(state_of(ctx), today(), weeks)
    if as_json:
        print_json(calendar_json(shown))
        return
    from ..render.console import make_console

    render_calendar(make_console(), shown)
