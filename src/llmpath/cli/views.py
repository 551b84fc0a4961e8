"""Progress views: roadmap (a tree), list (a table), progress (bars and pace)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from .. import completion
from ..domain.papers import week_summary
from ..domain.stages import find_stage
from ..domain.state import State, parse_statuses
from ..roadmap.schema import Stage, Track
from .common import JSON_OPTION, TRACK_OPTION, handle_errors, print_json, state_of, today

if TYPE_CHECKING:
    from ..domain.progress import EstimateLeft

STAGE_OPTION = typer.Option(
    None,
    "--stage",
    "-s",
    metavar="STAGE",
    help="Only this stage: its id, its title, or its number as the roadmap numbers its parts (2: Part 2).",
    autocompletion=completion.completer(completion.STAGE, track_parameter="track"),
)
STATUS_OPTION = typer.Option(
    None,
    "--status",
    metavar="STATUS",
    help="Only topics with this status: todo, in_progress, done, skipped (repeatable).",
)


def register(app: typer.Typer) -> None:
    app.command("status")(status)
    app.command("roadmap")(roadmap)
    app.command("list")(list_topics)
    app.command("progress")(progress)


@handle_errors
def status(ctx: typer.Context, track: str = TRACK_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Where you are, on one screen: the track and its percent, what is in progress, the next step,
    what you did this week, this week's papers against your target, today's study time against
    your daily target, your streak, and a hint. A bare `llmpath` shows it too.

    \b
    Examples:
      llmpath status
      llmpath status --json
    """
    from ..domain.summary import status as status_of

    state = state_of(ctx)
    now = status_of(state, state.track(track), today())
    if as_json:
        print_json(now.to_json(state))
        return
    from ..render.console import make_console
    from ..render.tracks import render_status

    render_status(make_console(), state, now)


def _selection(state: State, track: str | None, stage: str | None) -> tuple[Track, list[Stage]]:
    chosen = state.track(track)
    return chosen, [find_stage(chosen, stage)] if stage else list(chosen.stages)


@handle_errors
def roadmap(
    ctx: typer.Context,
    stage: str = STAGE_OPTION,
    status: list[str] = STATUS_OPTION,
    track: str = TRACK_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """The track as a tree: stages, modules and topics with status marks and counts.

    \b
    Examples:
      llmpath roadmap --stage 2
      llmpath roadmap --status in_progress --status todo
    """
    state = state_of(ctx)
    chosen, stages = _selection(state, track, stage)
    statuses = parse_statuses(status)
    if as_json:
        print_json({"track": chosen.id, "stages": [_stage_json(state, chosen, s, statuses) for s in stages]})
        return
    from ..render.console import make_console
    from ..render.tracks import render_roadmap

    render_roadmap(make_console(), state, chosen, stages, statuses)


def _topic_row(state: State, track: Track, stage: Stage, topic_id: str) -> dict:
    topic = state.roadmap.topics[topic_id]
    module = state.roadmap.module_on(track, topic_id)
    return {
        "id": topic_id,
        "title": topic.title,
        "display_title": state.roadmap.display_title(topic_id, track),
        "stage": stage.id,
        "module": module.id if module else None,
        "status": state.status(topic_id),
        "optional": state.roadmap.is_optional(topic_id),
    }


def _stage_json(state: State, track: Track, stage: Stage, statuses: set[str] | None) -> dict:
    from ..domain.progress import tally

    return {
        "id": stage.id,
        "title": stage.title,
        "level": stage.level,
        "estimate": stage.estimate.text() if stage.estimate else None,
        **tally(state, stage.topics).as_dict(),
        "topics": [
            _topic_row(state, track, stage, t) for t in stage.topics if not statuses or state.status(t) in statuses
        ],
    }


@handle_errors
def list_topics(
    ctx: typer.Context,
    stage: str = STAGE_OPTION,
    status: list[str] = STATUS_OPTION,
    track: str = TRACK_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """A flat table of the track's topics in order, with ids to use in other commands.

    \b
    Example:
      llmpath list --status todo --stage "Part 2"
    """
    state = state_of(ctx)
    chosen, stages = _selection(state, track, stage)
    statuses = parse_statuses(status)
    positions = {topic_id: i for i, topic_id in enumerate(chosen.topic_ids(), start=1)}
    rows = [(positions[t], s, t) for s in stages for t in s.topics if not statuses or state.status(t) in statuses]
    if as_json:
        print_json(
            {"track": chosen.id, "topics": [{"position": p, **_topic_row(state, chosen, s, t)} for p, s, t in rows]}
        )
        return
    from ..render.console import make_console
    from ..render.tracks import render_list

    render_list(make_console(), state, chosen, rows)


@handle_errors
def progress(ctx: typer.Context, track: str = TRACK_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Progress per stage and overall, this week, your pace and the time left at that pace, the
    roadmap's estimate for the stages left, and your study time.

    Pace is topics done a week over the whole weeks since your first recorded change, the last
    four at most; in your first week there is not enough history for one. In --json,
    pace_per_week is then null and pace_reason says why; pace_weeks is the weeks measured;
    weeks_left is 0 for a finished track and null while there is no pace to go by.

    Study time (all of it, whatever the track) is shown for this week and each of the four before;
    its pace is minutes a week by the same rule, from the first day you logged study. The roadmap
    estimates its stages in weeks or months without saying how many hours a week, so study hours
    are not turned into time left: the time left is the topic pace's, and the estimates of the
    stages not finished (each whole) are added up beside it.

    \b
    Example:
      llmpath progress --track specialist
    """
    from ..domain.dates import week_label
    from ..domain.progress import track_progress

    state = state_of(ctx)
    now = today()
    result = track_progress(state, state.track(track), now)
    papers = week_summary(state, result.track, now)
    if as_json:
        print_json(
            {
                "track": result.track.id,
                **result.tally.as_dict(),
                "done_this_week": result.done_this_week,
                "pace_per_week": result.pace.per_week,
                "pace_weeks": result.pace.weeks,
                "pace_reason": result.pace.reason,
                "weeks_left": result.weeks_left,
                "level": {"reached": result.level.reached, "working_on": result.level.working_on}
                if result.level
                else None,
                "stages": [{"id": sp.stage.id, "title": sp.stage.title, **sp.tally.as_dict()} for sp in result.stages],
                "estimate_left": _estimate_json(result.estimate_left),
                "study": {
                    "weeks": [
                        {"week": week_label(monday), "minutes": minutes} for monday, minutes in result.study_weeks
                    ],
                    "per_week": result.study_pace.per_week,
                    "pace_weeks": result.study_pace.weeks,
                    "pace_reason": result.study_pace.reason,
                },
                "papers": papers,
            }
        )
        return
    from ..render.console import make_console
    from ..render.papers import render_paper_summary
    from ..render.tracks import render_progress

    console = make_console()
    render_progress(console, result)
    render_paper_summary(console, papers)


def _estimate_json(left: EstimateLeft | None) -> dict[str, Any] | None:
    if left is None:
        return None
    return {"min_weeks": left.low, "max_weeks": left.high, "stages": left.stages, "unestimated": left.unestimated}
