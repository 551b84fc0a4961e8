"""A track: the roadmap tree, the topic list, progress toward the end, and the table of tracks."""

from __future__ import annotations

import textwrap

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from ..domain.progress import Tally, TrackProgress, tally
from ..domain.state import State
from ..domain.summary import Summary
from ..roadmap.schema import Stage, Track
from .console import bar, mark

LIST_POSITION_WIDTH = 7
LIST_ID_WIDTH = 38


def counts(tally: Tally) -> str:
    skipped = f" ↷{tally.skipped}" if tally.skipped else ""
    return f"{tally.done}/{tally.total - tally.skipped}{skipped}"


def render_roadmap(
    console: Console, state: State, track: Track, stages: list[Stage], statuses: set[str] | None
) -> None:
    tree = Tree(Text(track.title, style="bold"))
    for stage in stages:
        stage_tally = tally(state, stage.topics)
        label = Text.assemble((stage.title, "bold"), (f"  {counts(stage_tally)}", "dim"))
        if stage.estimate:
            label.append(f"  · {stage.estimate.text()}", style="dim")
        if stage.level:
            label.append(f"  · level: {stage.level}", style="dim")
        branch = tree.add(label)
        module_branches: dict[str, Tree] = {}
        for topic_id in stage.topics:
            status = state.status(topic_id)
            if statuses and status not in statuses:
                continue
            topic = state.roadmap.topics[topic_id]
            parent = branch
            if topic.module and stage.modules:
                if topic.module not in module_branches:
                    module = state.roadmap.modules[topic.module]
                    module_tally = tally(state, state.roadmap.module_topics(module.id))
                    module_branches[topic.module] = branch.add(
                        Text.assemble(module.title, (f"  {counts(module_tally)}", "dim"))
                    )
                parent = module_branches[topic.module]
            line = Text.assemble(mark(status), " ", topic.title)
            if topic.optional:
                line.append(" (optional)", style="dim")
            parent.add(line)
    console.print(tree)


def render_list(console: Console, state: State, rows: list[tuple[int, Stage, str]]) -> None:
    """One line a topic under stage and module headings.

    Built as a single Text: a Rich Table of a hundred rows costs more than the rest of the command.
    """
    if not rows:
        console.print(Text("No topics match.", style="dim"))
        return
    id_width = min(max(len(topic_id) for _, _, topic_id in rows), LIST_ID_WIDTH)
    indent = LIST_POSITION_WIDTH + len(" ○ ") + id_width + 2
    title_width = max(console.width - indent, 16)
    out = Text()
    current: tuple[str, str | None] | None = None
    for position, stage, topic_id in rows:
        topic = state.roadmap.topics[topic_id]
        if current is None or current[0] != stage.id:
            out.append(f"{stage.title}\n", style="bold")
        if topic.module and (current is None or current != (stage.id, topic.module)):
            out.append(f"  {state.roadmap.modules[topic.module].title}\n", style="italic")
        current = (stage.id, topic.module)
        out.append(f"{position:>{LIST_POSITION_WIDTH}} ", style="dim")
        out.append_text(mark(state.status(topic_id)))
        if len(topic_id) > id_width:  # a long id gets its own line
            out.append(f" {topic_id}\n" + " " * indent)
        else:
            out.append(f" {topic_id.ljust(id_width)}  ")
        lines = textwrap.wrap(topic.title + (" (optional)" if topic.optional else ""), title_width) or [""]
        out.append(lines[0] + "\n")
        for line in lines[1:]:
            out.append(" " * indent + line + "\n")
    out.rstrip()
    console.print(out, soft_wrap=True)


def bar_row(table: Table, label: RenderableType, tally: Tally) -> None:
    counted = max(tally.total - tally.skipped, 0)
    table.add_row(
        label,
        bar(tally.done if counted else 1, counted or 1, 20),
        f"{tally.percent:g}%",
        counts(tally),
    )


def render_progress(console: Console, progress: TrackProgress) -> None:
    table = Table(box=box.SIMPLE, show_header=False, pad_edge=False)
    table.add_column("stage", overflow="fold")
    table.add_column("bar", width=20, no_wrap=True)
    table.add_column("%", justify="right", no_wrap=True)
    table.add_column("done", justify="right", no_wrap=True)
    for stage_progress in progress.stages:
        bar_row(table, stage_progress.stage.title, stage_progress.tally)
    table.add_section()
    bar_row(table, Text("Overall", style="bold"), progress.tally)
    console.print(Text(progress.track.title, style="bold"))
    console.print(table)
    tally = progress.tally
    facts = [
        f"Done this week: {progress.done_this_week}",
        f"Pace: {progress.pace_per_week:g} topics a week (last 4 weeks)",
    ]
    if progress.weeks_left is not None:
        facts.append(f"Time left at this pace: {format_weeks(progress.weeks_left)} for {tally.remaining} topics")
    elif tally.remaining:
        facts.append(f"Time left: {tally.remaining} topics to go; mark a few done to see a pace")
    if tally.skipped:
        facts.append(f"Skipped: {tally.skipped} (left out of the percentage)")
    if tally.in_progress:
        facts.append(f"In progress: {tally.in_progress}")
    if progress.level is not None:
        reached = progress.level.reached or "none yet"
        facts.append(
            f"Level reached: {reached}"
            + (f"; working toward {progress.level.working_on}" if progress.level.working_on else "")
        )
    for fact in facts:
        console.print(fact)


def format_weeks(weeks: float) -> str:
    if weeks < 1:
        return f"{max(1, round(weeks * 7))} days"
    if weeks < 9:
        return f"{weeks:.1f} weeks"
    if weeks < 104:
        return f"{weeks / (52 / 12):.1f} months"
    return f"{weeks / 52:.1f} years"


def render_tracks(console: Console, rows: list[tuple[Track, Tally, bool]]) -> None:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("", width=1)
    table.add_column("track")
    table.add_column("title", overflow="fold")
    table.add_column("progress", width=12)
    table.add_column("done", justify="right")
    for track, track_tally, active in rows:
        track_bar = bar(track_tally.percent, 100, 12)
        table.add_row("*" if active else "", track.id, track.title, track_bar, counts(track_tally))
    console.print(table)
    console.print(Text("* active track · switch with: llmpath track use NAME", style="dim"))


SHOWN_IN_PROGRESS = 3


def render_status(console: Console, state: State, brief: Summary) -> None:
    """`llmpath status`: a handful of lines, none wrapped; titles are cut to fit, never split."""
    title = state.roadmap.display_title
    console.print(
        Text.assemble((brief.track.title, "bold"), (f"  {brief.percent}% done ({brief.done} of {brief.total})", "")),
        no_wrap=True, overflow="ellipsis",
    )  # fmt: skip
    rows = Table.grid(padding=(0, 2))
    rows.add_column(style="dim", no_wrap=True)
    rows.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
    if brief.in_progress:
        shown = " · ".join(title(t) for t in brief.in_progress[:SHOWN_IN_PROGRESS])
        more = len(brief.in_progress) - SHOWN_IN_PROGRESS
        rows.add_row("in progress", Text(shown + (f" (+{more} more)" if more > 0 else "")))
    if brief.next_topic:
        rows.add_row("next", Text.assemble(title(brief.next_topic), (f"  {brief.next_topic}", "dim")))
    else:
        rows.add_row("next", Text("nothing left on this track"))
    topics = "topic" if brief.done_this_week == 1 else "topics"
    to_go = max(brief.target - brief.papers, 0)
    papers = f"{brief.papers}/{brief.target} papers" + (f", {to_go} to go" if to_go else ", target met")
    days = f", {brief.days_left} days left" if to_go and brief.days_left else ""
    rows.add_row("this week", Text(f"{brief.done_this_week} {topics} done · {papers}{days}"))
    console.print(rows)
    console.print(Text(_hint(brief), style="dim"), no_wrap=True, overflow="ellipsis")


def _hint(brief: Summary) -> str:
    if brief.in_progress:
        return f"Finished it? llmpath done {brief.in_progress[0]}"
    if brief.next_topic:
        return f"Begin the next step: llmpath start {brief.next_topic}"
    return "This track is done: llmpath track lists the others"
