"""The daily loop: next, done, start, skip, undo, show."""

from __future__ import annotations

from typing import Any

import typer

from .. import completion
from ..domain.papers import week_summary
from ..domain.planner import prerequisites_of
from ..domain.state import State
from ..roadmap.schema import Stage, Track
from .common import JSON_OPTION, TRACK_OPTION, handle_errors, paths_of, print_json, state_of, today

NOTE_OPTION = typer.Option(None, "--note", metavar="TEXT", help="A note to keep with this change.")
ON_OPTION = typer.Option(
    None, "--on", metavar="DATE", help="The day it happened: YYYY-MM-DD, today or yesterday (default today)."
)
TOPICS_ARGUMENT = typer.Argument(
    ...,
    metavar="TOPIC",
    help="Topic ids, titles, unique prefixes or close matches; a module or stage id means all its topics.",
    autocompletion=completion.topics,
)


def register(app: typer.Typer) -> None:
    app.command("next")(next_step)
    app.command("done")(done)
    app.command("start")(start)
    app.command("skip")(skip)
    app.command("reset")(reset)
    app.command("undo")(undo)
    app.command("log")(log)
    app.command("show")(show)


def topic_json(state: State, topic_id: str, track: Track | None) -> dict[str, Any]:
    """A topic as `track` shows it (None: a topic no track holds), for `next` and `show`."""
    topic = state.roadmap.topics[topic_id]
    module = state.roadmap.module_on(track, topic_id)
    return {
        "id": topic.id,
        "title": topic.title,
        "display_title": state.roadmap.display_title(topic.id, track),
        "module": module.id if module else None,
        "status": state.status(topic.id),
        "optional": state.roadmap.is_optional(topic.id),
        "body": topic.body,
        "checklist": [{"group": g.title, "items": list(g.items)} for g in topic.checklist],
        "resources": [{"title": r.title, "url": r.url, "for": r.serves} for r in topic.resources],
        "links": [link.to_json() for link in state.records.topic_links(topic.id)],  # the learner's own
        "notes": [note.to_json() for note in state.records.topic_notes(topic.id)],
        "papers": [p.id for p in state.roadmap.papers_about(topic.id)],
        "prerequisites": [
            {"id": p.unit, "title": p.title, "met": p.met} for p in prerequisites_of(state, track, topic.id)
        ],
        "sources": list(topic.sources),
        "aliases": list(topic.aliases),
        "retired": topic.retired,
    }


@handle_errors
def next_step(
    ctx: typer.Context,
    count: int = typer.Option(1, "--count", "-n", min=1, max=50, metavar="N", help="How many next steps to show."),
    track: str = TRACK_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Show the next step: what you are on, or the first open topic whose prerequisites are met.
    In brief, to fit a screen; `llmpath show TOPIC` has all of it.

    \b
    Example:
      llmpath next -n 3
    """
    from ..domain.planner import plan as make_plan
    from ..domain.progress import tally

    state = state_of(ctx)
    chosen = state.track(track)
    plan = make_plan(state, chosen, count)
    percent = tally(state, chosen.topic_ids()).percent
    papers = week_summary(state, chosen, today(), [s.topic for s in plan.suggestions])
    if as_json:
        items = []
        for item in plan.suggestions:
            data = topic_json(state, item.topic, chosen)
            estimate = item.stage.estimate.text() if item.stage.estimate else None
            items.append(
                {
                    **data,
                    "stage": item.stage.id,
                    "stage_title": item.stage.title,
                    "estimate": estimate,
                    "reason": item.reason,
                }
            )
        blocked = [{"id": b.topic, "waiting_on": list(b.missing)} for b in plan.blocked]
        print_json(
            {
                "track": chosen.id,
                "percent": percent,
                "finished": plan.finished,
                "next": items,
                "blocked": blocked,
                "papers": papers,
            }
        )
        return
    from ..render.console import make_console
    from ..render.papers import render_paper_summary
    from ..render.topics import render_next

    console = make_console()
    render_next(console, state, plan, percent)
    render_paper_summary(console, papers)


def _targets(state: State, queries: list[str]) -> list[str]:
    """Topic ids for what the learner typed, in order, without repeats; all resolved before any change."""
    from ..domain import matcher

    ids: list[str] = []
    for query in queries:
        numbered = state.numbered_topic(query)  # `done 36`: the 36th topic of `llmpath list`
        units = (
            [numbered]
            if numbered
            else state.roadmap.unit_topics(matcher.resolve(state.roadmap, query, aliases=state.aliases).id)
        )
        for topic_id in units:
            if topic_id not in ids:
                ids.append(topic_id)
    return ids


def one_topic(state: State, query: str) -> str:
    """The one topic the learner typed: an id (a retired one too), a list number, a title or a
    close match; never a module or stage."""
    from ..domain import matcher

    wanted = query.strip().lower()
    retired = state.roadmap.topics.get(wanted)
    if retired is not None and retired.retired:
        return wanted
    numbered = state.numbered_topic(query)
    if numbered:
        return numbered
    return matcher.resolve(state.roadmap, query, aliases=state.aliases, groups=False).id


def one_stage(state: State, query: str) -> tuple[Track, Stage] | None:
    """The stage the learner typed, by id or exact title, when no topic answers to it exactly
    (an id, old id, list number or exact name); None otherwise, for `one_topic` to resolve."""
    from ..domain import matcher
    from ..errors import UsageError

    wanted = query.strip().lower()
    key = matcher.normalize(query)
    found = state.roadmap.stage(wanted)
    named = (
        [found]
        if found
        else [(t, s) for t in state.roadmap.tracks for s in t.stages if matcher.normalize(s.title) == key]
    )
    if not key or not named or state.aliases.get(wanted, wanted) in state.roadmap.topics or state.numbered_topic(query):
        return None
    try:
        matcher.pick(query, matcher.topic_candidates(state.roadmap), "topic", exact=state.aliases, exact_only=True)
    except UsageError:  # no one topic has this name: the stage is meant
        if len(named) > 1:
            names = ", ".join(f"{stage.id} ({track.id})" for track, stage in named)
            raise UsageError(f"{query!r} is the title of several stages: {names}; name one by its id") from None
        return named[0]
    return None


def _show_stage(state: State, track: Track, stage: Stage, as_json: bool) -> None:
    if as_json:
        from .tracks import stage_json

        print_json({"track": track.id, **stage_json(stage)})
        return
    from ..render.console import make_console
    from ..render.roadmap_info import render_stage_info

    render_stage_info(make_console(), state, track, stage)


def _change(ctx: typer.Context, queries: list[str], status: str, note: str | None, on: str | None) -> None:
    from ..app import changes
    from ..domain.dates import parse_day
    from ..domain.inputs import clean_note

    paths = paths_of(ctx)
    state = state_of(ctx)
    day = parse_day(on, today()) if on else today()
    kept_note = clean_note(note)
    ids = _targets(state, queries)
    recorded, after = changes.record_status(paths, ids, status, day, kept_note)

    from ..render.console import make_console, mark, status_text

    console = make_console()
    for topic_id in ids:
        title = after.display_title(topic_id)
        if topic_id in recorded.changed:
            console.print(mark(status), status_text(status), title)
        elif topic_id in recorded.noted:
            console.print(f"  {title}: already {status_text(status)}; your note is kept", style="dim")
        else:
            console.print(f"  {title}: already {status_text(status)}, nothing changed", style="dim")
    from ..domain.planner import ahead_of_prerequisites

    for ahead in ahead_of_prerequisites(after, recorded.changed, status):
        names = ", ".join(after.roadmap.display_title(m, ahead.track) for m in ahead.missing[:3])
        more = f" and {len(ahead.missing) - 3} more" if len(ahead.missing) > 3 else ""
        console.print(
            f"notice: {after.roadmap.display_title(ahead.topic, ahead.track)} is ahead of its prerequisites ({names}{more})",
            style="yellow",
        )


@handle_errors
def done(ctx: typer.Context, topics: list[str] = TOPICS_ARGUMENT, note: str = NOTE_OPTION, on: str = ON_OPTION) -> None:
    """Mark topics done. Marking a done topic again changes nothing.

    \b
    Examples:
      llmpath done tokenization-subword-algorithms
      llmpath done "Embeddings Applications" --on 2026-11-20 --note "demo"
      llmpath done tokenization          (a module id: all six of its sections)
    """
    _change(ctx, topics, "done", note, on)


@handle_errors
def start(
    ctx: typer.Context, topics: list[str] = TOPICS_ARGUMENT, note: str = NOTE_OPTION, on: str = ON_OPTION
) -> None:
    """Mark topics in progress; `next` shows them first.

    \b
    Example:
      llmpath start transformer-attention-mechanisms
    """
    _change(ctx, topics, "in_progress", note, on)


@handle_errors
def skip(ctx: typer.Context, topics: list[str] = TOPICS_ARGUMENT, note: str = NOTE_OPTION, on: str = ON_OPTION) -> None:
    """Skip topics you know already or will not study; they leave the percentage.

    \b
    Example:
      llmpath skip programming-foundations --note "I write Python daily"
    """
    _change(ctx, topics, "skipped", note, on)


@handle_errors
def reset(
    ctx: typer.Context, topics: list[str] = TOPICS_ARGUMENT, note: str = NOTE_OPTION, on: str = ON_OPTION
) -> None:
    """Put topics back to "to do" (skipped, started or done by mistake), as a change of its own:
    `undo` takes it back, and nothing recorded since is lost.

    \b
    Example:
      llmpath reset programming-foundations math-foundations
    """
    _change(ctx, topics, "todo", note, on)


UNDO_LIST_LENGTH = 10
LOG_LENGTH = 20


@handle_errors
def log(
    ctx: typer.Context,
    week: bool = typer.Option(False, "--week", help="Only this week (from Monday)."),
    since: str = typer.Option(
        None, "--since", metavar="DATE", help="Only from this day on: 2026-11-20, yesterday, ..."
    ),
    limit: int = typer.Option(LOG_LENGTH, "--limit", "-n", min=1, help="At most this many changes."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Your history, newest first: the day, what changed, the topic or paper, the note. Undone
    changes are marked; `undo` takes back the first one in force.

    \b
    Examples:
      llmpath log
      llmpath log --week
      llmpath log --since 2026-11-01 --limit 50 --json
    """
    from ..domain.dates import local_day, parse_day, week_start
    from ..domain.history import log_entries

    first = week_start(today()) if week else parse_day(since, today()) if since else None
    state = state_of(ctx)
    entries = log_entries(state.records, local_day, first, limit)
    if as_json:
        print_json({"entries": [entry.to_json() for entry in entries]})
        return
    from ..render.console import make_console
    from ..render.topics import render_log

    render_log(make_console(), state, entries)


@handle_errors
def undo(
    ctx: typer.Context,
    list_them: bool = typer.Option(
        False, "--list", help=f"Show the last {UNDO_LIST_LENGTH} changes undo would walk back through; change nothing."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Take back the last change of any kind (status, paper read, target, setting, import);
    run it again to walk further back. The undo is itself kept in the history. --list (or
    --json) only shows what it would take back.

    \b
    Examples:
      llmpath undo
      llmpath undo --list
    """
    from ..render.console import make_console

    if list_them or as_json:
        from ..domain.history import undo_walk

        records = state_of(ctx).records
        walk = undo_walk(list(records.changes_newest_first()), records.taken_back(), records.change, UNDO_LIST_LENGTH)
        if as_json:
            print_json({"changes": [c.to_json() for c in walk]})
            return
        from ..render.topics import render_undo_walk

        render_undo_walk(make_console(), walk)
        return
    from ..app import changes
    from ..render.topics import render_undone

    undone, after = changes.undo(paths_of(ctx))
    render_undone(make_console(), after, undone.change, undone.events)


@handle_errors
def show(
    ctx: typer.Context,
    topic: str = typer.Argument(
        ...,
        metavar="TOPIC",
        help="A topic id, title, prefix or close match; or a stage id or title.",
        autocompletion=completion.topics,
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Everything about one topic: the study time you logged to it, and its status history. Given
    a stage, what the roadmap says about it (focus, objectives, estimate) and its topics.

    \b
    Examples:
      llmpath show rag-retrieval-methods
      llmpath show developer-part-1
    """
    from ..domain.habit import topic_minutes

    state = state_of(ctx)
    stage = one_stage(state, topic)
    if stage is not None:
        _show_stage(state, *stage, as_json)
        return
    topic_id = one_topic(state, topic)
    stages = [(track, stage) for track in state.roadmap.tracks for stage in track.stages if topic_id in stage.topics]
    # Shown as its home track shows it: the active track, or for a topic off it the first holding it.
    from ..domain.planner import home_track

    home = home_track(state, topic_id)
    viewed = next((pair for pair in stages if home is not None and pair[0].id == home.id), None)
    minutes = topic_minutes(state, topic_id)
    if as_json:
        history = [{**e.to_json(), "undone": e.reverted} for e in state.history(topic_id)]
        tracks = [{"track": track.id, "stage": stage.id} for track, stage in stages]
        shown = topic_json(state, topic_id, viewed[0] if viewed else None)
        print_json({**shown, "minutes": minutes, "on_tracks": tracks, "history": history})
        return
    from ..render.console import make_console
    from ..render.topics import render_show

    render_show(make_console(), state, state.roadmap.topics[topic_id], viewed, stages, minutes)
