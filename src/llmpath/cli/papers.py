"""`llmpath papers`: the paper catalog, the reading log and the weekly target."""

from __future__ import annotations

from typing import Any

import typer

from .. import completion
from ..domain.papers import suggested_papers
from ..domain.state import State
from ..errors import UsageError
from ..roadmap.schema import Paper
from .common import JSON_OPTION, handle_errors, paths_of, print_json, say, state_of, today

PAPER_ARGUMENT = typer.Argument(
    ..., metavar="PAPER", help="A paper id, arXiv id, title or prefix.", autocompletion=completion.papers
)
papers_app = typer.Typer(invoke_without_command=True, no_args_is_help=False)

WEEK_OF_OPTION = typer.Option(None, "--of", metavar="WEEK", help="Another week: 2026-W47, a date inside it, or last.")
TOPIC_FILTER = typer.Option(
    None, "--topic", metavar="TOPIC", help="Only papers tied to this topic.", autocompletion=completion.topics
)
UNREAD_OPTION = typer.Option(False, "--unread", help="Only papers you have not read.")


def paper_json(state: State, paper: Paper) -> dict[str, Any]:
    reads = state.paper_log.reads_of(paper.id)
    return {
        "id": paper.id,
        "title": paper.title,
        "year": paper.year,
        "arxiv": paper.arxiv,
        "url": paper.url,
        "priority": None if paper.own else paper.priority,
        "contribution": paper.contribution,
        "also_known_as": list(paper.also_known_as),
        "topics": list(paper.topics),
        "own": paper.own,
        "reads": len(reads),
        "last_read": reads[-1].read_on.isoformat() if reads else None,
    }


@papers_app.callback()
@handle_errors
def papers(
    ctx: typer.Context,
    week: bool = typer.Option(False, "--week", help="This week's reads against your weekly target."),
    of: str = WEEK_OF_OPTION,
    unread: bool = UNREAD_OPTION,
    topic: str = TOPIC_FILTER,
    as_json: bool = JSON_OPTION,
) -> None:
    """The paper catalog with what you read; --week for this week against your target.

    \b
    Examples:
      llmpath papers --week
      llmpath papers --week --of last
      llmpath papers log attention-is-all-you-need --pass 1
      llmpath papers --unread --topic rag-retrieval-methods
    """
    if ctx.invoked_subcommand is not None:
        if week or of is not None or unread or topic or as_json:
            raise UsageError(f"put options after the subcommand: llmpath papers {ctx.invoked_subcommand} ...")
        return
    if week or of is not None:
        show_week(ctx, of, as_json)
    else:
        show_catalog(ctx, unread, topic, as_json)


def show_week(ctx: typer.Context, of: str | None, as_json: bool) -> None:
    from ..domain.dates import parse_week, week_start

    state = state_of(ctx)
    now = today()
    monday = parse_week(of, now) if of is not None else week_start(now)
    view = state.paper_log.view(monday, now)
    if as_json:
        tally = view.tally
        print_json(
            {
                "week": tally.label,
                "monday": tally.monday.isoformat(),
                "target": tally.target,
                "count": tally.count,
                "met": tally.met,
                "days_left": view.days_left,
                "streak": view.streak,
                "papers": [
                    {
                        "paper": r.paper,
                        "title": state.papers[r.paper].title if r.paper in state.papers else r.paper,
                        "on": r.read_on.isoformat(),
                        "pass": r.pass_number,
                        "note": r.note,
                    }
                    for r in tally.reads
                ],
                "history": [
                    {"week": w.label, "count": w.count, "target": w.target, "met": w.met} for w in view.history
                ],
            }
        )
        return
    from ..render.console import make_console
    from ..render.papers import render_week

    render_week(make_console(), state, view)


def show_catalog(ctx: typer.Context, unread: bool, topic: str | None, as_json: bool) -> None:
    from ..domain.papers import PRIORITIES

    state = state_of(ctx)
    read = state.paper_log.read_ids()
    topic_id = None
    if topic:
        from ..domain.matcher import resolve

        topic_id = resolve(state.roadmap, topic, aliases=state.aliases, groups=False).id
    chosen = [
        p
        for p in state.papers.values()
        if (not unread or p.id not in read) and (topic_id is None or topic_id in p.topics)
    ]
    chosen.sort(key=lambda p: (p.own, PRIORITIES.index(p.priority), p.year or 0, p.title.lower()))
    if as_json:
        print_json({"papers": [paper_json(state, p) for p in chosen], "topic": topic_id})
        return
    from ..render.console import make_console
    from ..render.papers import render_paper_list

    render_paper_list(make_console(), state, chosen)


@papers_app.command("list")
@handle_errors
def list_papers(
    ctx: typer.Context, unread: bool = UNREAD_OPTION, topic: str = TOPIC_FILTER, as_json: bool = JSON_OPTION
) -> None:
    """The catalog with read status, Essential papers first.

    \b
    Example:
      llmpath papers list --unread
    """
    show_catalog(ctx, unread, topic, as_json)


@papers_app.command("log")
@handle_errors
def log(
    ctx: typer.Context,
    paper: str = typer.Argument(
        ...,
        metavar="PAPER",
        help="A catalog id, arXiv id, title, unique prefix or close match.",
        autocompletion=completion.papers,
    ),
    new: bool = typer.Option(False, "--new", help="A paper not in the catalog: add it as your own, by this title."),
    on: str = typer.Option(None, "--on", metavar="DATE", help="The day you read it: YYYY-MM-DD, today or yesterday."),
    note: str = typer.Option(None, "--note", metavar="TEXT", help="What you took from it."),
    pass_number: int = typer.Option(
        None, "--pass", min=1, max=3, metavar="1|2|3", help="Reading pass: 1 skim, 2 careful read, 3 re-derive."
    ),
) -> None:
    """Log a paper you read; a paper read twice in a week counts once. Logged again on the same
    day with --note or --pass, it changes that reading's note or pass instead.

    \b
    Examples:
      llmpath papers log 1706.03762 --pass 2 --note "multi-head attention, finally"
      llmpath papers log "Attention is all you need" --on yesterday
      llmpath papers log "My lab's preprint on long context" --new
    """
    from ..app import changes
    from ..domain.dates import parse_day
    from ..domain.inputs import clean_note
    from ..domain.matcher import resolve_paper
    from ..domain.papers import PASSES

    state = state_of(ctx)
    read_on = parse_day(on, today()) if on else today()
    kept_note = clean_note(note)
    paper_id, new_title = _paper_to_log(state, paper, new, resolve_paper)
    logged, after = changes.log_read(paths_of(ctx), paper_id, new_title, read_on, kept_note, pass_number)
    title = after.papers[logged.paper].title
    day = read_on.isoformat()
    if logged.outcome == "unchanged":
        say(f"{title}: already logged on {day}, nothing changed (--note or --pass changes that reading)")
        return
    if logged.outcome == "amended":
        say(f"Changed the {' and '.join(logged.fields)} of your reading of {title} on {day}", indent="  ")
    else:
        added = " (added as your own paper)" if new_title else ""
        say(f"Logged {title}{added}", indent="  ")
    how = f" · pass {pass_number} ({PASSES[pass_number]})" if pass_number else ""
    say(f"{logged.paper} · read on {day}{how}", first="  ", indent="  ")
    _echo_week_line(after)


@papers_app.command("unlog")
@handle_errors
def unlog(
    ctx: typer.Context,
    paper: str = PAPER_ARGUMENT,
    on: str = typer.Option(
        None, "--on", metavar="DATE", help="Remove that day's reading (default: the latest reading)."
    ),
) -> None:
    """Remove a reading logged by mistake: the latest, or that day's. `undo` brings it back.

    \b
    Examples:
      llmpath papers unlog lora
      llmpath papers unlog attention-is-all-you-need --on 2026-11-20
    """
    from ..app import changes
    from ..domain.dates import parse_day
    from ..domain.matcher import resolve_paper

    state = state_of(ctx)
    read_on = parse_day(on, today()) if on else None
    paper_id = resolve_paper(state.papers, paper).id
    removed, after = changes.unlog_read(paths_of(ctx), paper_id, read_on)
    say(f"Removed your reading of {after.papers[paper_id].title} on {removed.read_on.isoformat()}", indent="  ")
    _echo_week_line(after)


def _paper_to_log(state: State, query: str, new: bool, resolve_paper) -> tuple[str | None, str | None]:  # noqa: ANN001
    """The known paper `query` names; with --new, a title not known exactly becomes the learner's own."""
    try:
        return resolve_paper(state.papers, query, exact_only=new).id, None
    except UsageError as error:
        if not new:
            raise UsageError(f"{error}\n(to log a paper that is not in the catalog, add --new)") from None
    from ..domain.inputs import clean_title

    return None, clean_title(query)


def _echo_week_line(state: State) -> None:
    from ..domain.dates import week_start

    now = today()
    tally = state.paper_log.week(week_start(now))
    mark = "target met" if tally.met else f"{tally.target - tally.count} to go"
    say(f"This week ({tally.label}): {tally.count}/{tally.target} papers, {mark}.")


@papers_app.command("show")
@handle_errors
def show(
    ctx: typer.Context,
    paper: str = PAPER_ARGUMENT,
    as_json: bool = JSON_OPTION,
) -> None:
    """One paper with every read of it: passes, days and notes.

    \b
    Example:
      llmpath papers show lora
    """
    from ..domain.matcher import resolve_paper

    state = state_of(ctx)
    found = state.papers[resolve_paper(state.papers, paper).id]
    reads = state.paper_log.reads_of(found.id)
    if as_json:
        print_json({**paper_json(state, found), "history": [r.to_json() for r in reads]})
        return
    from ..render.console import make_console
    from ..render.papers import render_paper

    render_paper(make_console(), state, found, reads)


@papers_app.command("target", context_settings={"ignore_unknown_options": True})
@handle_errors
def target(
    ctx: typer.Context,
    papers_a_week: str = typer.Argument(..., metavar="N", help="Papers a week, a whole number from 1 to 50."),
) -> None:
    """Set your weekly paper target (2 unless you change it); it applies from this week on.

    \b
    Example:
      llmpath papers target 3
    """
    from ..app import changes
    from ..domain.papers import MAX_TARGET, MIN_TARGET

    value = papers_a_week.strip()
    if not value.isascii() or not value.isdigit() or not MIN_TARGET <= int(value) <= MAX_TARGET:
        raise UsageError(
            f"{papers_a_week!r} is not a weekly target; give a whole number from {MIN_TARGET} to {MAX_TARGET}"
        )
    after = changes.set_target(paths_of(ctx), int(value), today())
    typer.echo(f"Weekly target: {int(value)} papers.")
    _echo_week_line(after)


@papers_app.command("next")
@handle_errors
def next_papers(
    ctx: typer.Context,
    count: int = typer.Option(3, "--count", "-n", min=1, max=50, metavar="N", help="How many to suggest."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Suggest what to read next: unread Essential papers first, tied to the topic you are on.

    \b
    Example:
      llmpath papers next -n 5
    """
    state = state_of(ctx)
    chosen = suggested_papers(state, count)
    if as_json:
        print_json({"papers": [paper_json(state, p) for p in chosen]})
        return
    from ..render.console import make_console
    from ..render.papers import render_paper_list

    render_paper_list(make_console(), state, chosen, numbered=True)
