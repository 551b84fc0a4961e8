"""`llmpath track`: list the tracks with their progress, switch, and choose where to start."""

from __future__ import annotations

from typing import Any

import typer

from .. import completion
from ..domain.stages import find_stage
from ..domain.state import ACTIVE_TRACK, START_STAGE_PREFIX
from ..roadmap.schema import Stage, Track
from .common import JSON_OPTION, handle_errors, paths_of, print_json, say, state_of

track_app = typer.Typer(
    invoke_without_command=True,
    no_args_is_help=False,
)


@track_app.callback()
@handle_errors
def tracks(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """List the tracks with their progress; the active one is starred.

    \b
    Examples:
      llmpath track
      llmpath track show specialist
      llmpath track use specialist
      llmpath track use developer --from research
    """
    if ctx.invoked_subcommand is not None:
        return
    from ..domain.progress import tally

    state = state_of(ctx)
    active = state.active_track().id
    rows = [(track, tally(state, track.topic_ids())) for track in state.roadmap.tracks]
    if as_json:
        print_json(
            {
                "active": active,
                "tracks": [
                    {
                        "id": track.id,
                        "title": track.title,
                        "active": track.id == active,
                        "start_stage": state.start_stage(track),
                        **counts.as_dict(),
                        "entry_points": [{"id": e.id, "title": e.title, "stage": e.stage} for e in track.entry_points],
                    }
                    for track, counts in rows
                ],
            }
        )
        return
    from ..render.console import make_console
    from ..render.tracks import render_tracks

    render_tracks(make_console(), [(track, counts, track.id == active) for track, counts in rows])


def stage_json(stage: Stage) -> dict[str, Any]:
    return {
        "id": stage.id,
        "title": stage.title,
        "summary": stage.summary,
        "body": stage.body,
        "level": stage.level,
        "estimate": stage.estimate.text() if stage.estimate else None,
        "prerequisites": list(stage.prerequisites),
        "modules": list(stage.modules),
        "topics": list(stage.topics),
    }


def track_json(track: Track, active: bool) -> dict[str, Any]:
    return {
        "id": track.id,
        "title": track.title,
        "active": active,
        "source": track.source,
        "description": track.description,
        "estimate": track.estimate,
        "paper_target": track.paper_target,
        "recommended_path": list(track.recommended_path),
        "research_areas": list(track.research_areas),
        "faq": [{"question": entry.question, "answer": entry.answer} for entry in track.faq],
        "closing": track.closing,
        "entry_points": [{"id": e.id, "title": e.title, "stage": e.stage} for e in track.entry_points],
        "stages": [stage_json(stage) for stage in track.stages],
    }


@track_app.command("show")
@handle_errors
def show(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME", help="A track id or title.", autocompletion=completion.tracks),
    as_json: bool = JSON_OPTION,
) -> None:
    """What the roadmap says about a track: its description, estimate and recommended path, then
    each stage's estimate, summary, focus and objectives.

    \b
    Example:
      llmpath track show researcher
    """
    state = state_of(ctx)
    track = state.track(name)
    active = track.id == state.active_track().id
    if as_json:
        print_json(track_json(track, active))
        return
    from ..render.console import make_console
    from ..render.roadmap_info import render_track_info

    render_track_info(make_console(), track, active)


@track_app.command("use")
@handle_errors
def use(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME", help="A track id or title.", autocompletion=completion.tracks),
    start_from: str = typer.Option(
        None,
        "--from",
        metavar="STAGE",
        help="Begin `next` at this stage (id, number or title) or background (e.g. beginner, ml, research, engineering). Nothing is marked done.",
        autocompletion=completion.completer(completion.STAGE, track_parameter="name"),
    ),
) -> None:
    """Make a track the active one, optionally starting at a later stage.

    \b
    Examples:
      llmpath track use specialist
      llmpath track use developer --from "Part 3"
      llmpath track use developer --from engineering
    """
    from ..app import changes as app_changes  # `changes` is a local here

    state = state_of(ctx)
    track = state.track(name)
    changes: dict[str, str | None] = {ACTIVE_TRACK: track.id}
    summary = f"switched to track {track.id}"
    if start_from is not None:
        stage = find_stage(track, start_from)
        changes[START_STAGE_PREFIX + track.id] = None if stage.id == track.stages[0].id else stage.id
        summary += f", starting at {stage.id}"
    after = app_changes.set_settings(paths_of(ctx), changes, summary)
    chosen = after.track(track.id)
    start = after.start_stage(chosen)
    where = f", starting at {after.roadmap.stage(start)[1].title}" if start else ""
    say(f"Active track: {chosen.title} ({chosen.id}){where}.")
    typer.echo("Run `llmpath next` to see your next step.")
