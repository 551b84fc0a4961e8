"""A track: the roadmap tree, the topic list, progress toward the end, and the table of tracks."""

from __future__ import annotations

import textwrap
from datetime import date
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from ..domain.progress import EstimateLeft, Pace, StudyPace, Tally, TrackProgress, tally
from ..domain.state import State
from ..domain.study import against_target, format_duration
from ..domain.summary import Status, Summary
from ..roadmap.schema import WEEKS_PER_MONTH, Stage, Track

if TYPE_CHECKING:
    from ..domain.habit import Today

from .console import bar, mark

LIST_POSITION_WIDTH = 7
LIST_ID_WIDTH = 38  # the widest the id column grows; a longer id takes the line to itself
LIST_TITLE_WIDTH = 16  # the narrowest title column beside the ids, unless a title's word is longer

PROGRESS_BAR_WIDTH = 20
PROGRESS_BAR_MIN = 10  # below this, a stage's title goes on a line of its own above its figures
PROGRESS_TITLE_MIN = 16  # the narrowest the stage titles get beside their bars


def wrapped(text: str, width: int) -> list[str]:
    """Lines of at most `width` columns, broken between words only: a word longer than the line
    keeps its line to itself, whole (an id a learner copies, a title's long word)."""
    return textwrap.wrap(text, max(width, 1), break_long_words=False, break_on_hyphens=False) or [""]


def render_roadmap(
    console: Console, state: State, track: Track, stages: list[Stage], statuses: set[str] | None
) -> None:
    tree = Tree(Text(track.title, style="bold"))
    for stage in stages:
        stage_tally = tally(state, stage.topics)
        label = Text.assemble((stage.title, "bold"), (f"  {stage_tally.fraction(with_optional=True)}", "dim"))
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
            module = state.roadmap.module_on(track, topic_id)
            if module is not None:
                if module.id not in module_branches:
                    module_tally = tally(state, state.roadmap.module_topics(module.id))
                    module_branches[module.id] = branch.add(
                        Text.assemble(module.title, (f"  {module_tally.fraction(with_optional=True)}", "dim"))
                    )
                parent = module_branches[module.id]
            line = Text.assemble(mark(status), " ", topic.title)
            if state.roadmap.is_optional(topic_id):
                line.append(" (optional)", style="dim")
            parent.add(line)
    console.print(tree, overflow="ellipsis")  # a word too long for its branch is cut, never split


def render_list(console: Console, state: State, track: Track, rows: list[tuple[int, Stage, str]]) -> None:
    """One line a topic under stage and module headings: position, mark, id, title. Ids are never
    split (a learner copies them) and titles wrap between words, at any width: an id too long for
    its column takes the line to itself; on a terminal too narrow for most ids to fit in a column
    beside the titles, each id goes under its title.

    Built as a single Text: a Rich Table of a hundred rows costs more than the rest of the command.
    """
    if not rows:
        console.print(Text("No topics match.", style="dim"))
        return
    width = console.width
    lead = LIST_POSITION_WIDTH + len(" ○ ")
    longest = max(len(topic_id) for _, _, topic_id in rows)
    longest_word = max(len(word) for _, _, topic_id in rows for word in state.roadmap.topics[topic_id].title.split())
    id_width = min(longest, LIST_ID_WIDTH, width - lead - 2 - max(LIST_TITLE_WIDTH, longest_word))
    # Ids in a column beside the titles while most fit in it, and the rest after the position;
    # else each id under its title.
    fitting = sum(1 for _, _, topic_id in rows if len(topic_id) <= id_width)
    beside = 2 * fitting >= len(rows) and lead + longest <= width
    indent = lead + id_width + 2 if beside else lead
    out = Text()
    current: tuple[str, str | None] | None = None
    for position, stage, topic_id in rows:
        topic = state.roadmap.topics[topic_id]
        if current is None or current[0] != stage.id:
            out.append("\n".join(wrapped(stage.title, width)) + "\n", style="bold")
        module = state.roadmap.module_on(track, topic_id)
        if module is not None and current != (stage.id, module.id):
            heading = wrapped(module.title, width - 2)
            out.append("".join(f"  {line}\n" for line in heading), style="italic")
        current = (stage.id, module.id if module else None)
        out.append(f"{position:>{LIST_POSITION_WIDTH}} ", style="dim")
        out.append_text(mark(state.status(topic_id)))
        title = wrapped(topic.title + (" (optional)" if state.roadmap.is_optional(topic_id) else ""), width - indent)
        if beside and len(topic_id) <= id_width:
            out.append(f" {topic_id.ljust(id_width)}  ")
        elif beside:  # a long id gets its own line
            out.append(f" {topic_id}\n" + " " * indent)
        else:
            out.append(" ")
        out.append(f"\n{' ' * indent}".join(title) + "\n")
        if not beside:  # the id on a line of its own: under its title, or from the margin if too long
            out.append(" " * (indent if indent + len(topic_id) <= width else 0) + topic_id + "\n")
    out.rstrip()
    console.print(out, soft_wrap=True)


def progress_figures(tally: Tally, bar_width: int, percent_width: int, counts_width: int) -> Text:
    """A stage's bar, percent and counts, each to a fixed width so that rows line up."""
    counted = max(tally.counted, 0)
    return Text.assemble(
        bar(tally.done if counted else 1, counted or 1, bar_width),
        f"  {f'{tally.percent:g}%':>{percent_width}}  {tally.fraction():>{counts_width}}",
    )


def render_progress(console: Console, progress: TrackProgress) -> None:
    rows: list[tuple[Text, Tally]] = [(Text(sp.stage.title), sp.tally) for sp in progress.stages]
    rows.append((Text("Overall", style="bold"), progress.tally))
    percent_width = max(len(f"{t.percent:g}%") for _, t in rows)
    counts_width = max(len(t.fraction()) for _, t in rows)
    figures_width = percent_width + counts_width + 4  # and the bar, two spaces before each figure
    bar_width = min(PROGRESS_BAR_WIDTH, console.width - PROGRESS_TITLE_MIN - 2 - figures_width)
    console.print(Text(progress.track.title, style="bold"))
    console.print()
    if bar_width >= PROGRESS_BAR_MIN:  # titles beside their bars, wrapped between words
        table = Table.grid(padding=(0, 0, 0, 2))
        table.add_column("stage", ratio=1, overflow="ellipsis")
        table.add_column("figures", no_wrap=True)
        for number, (label, stage_tally) in enumerate(rows):
            if number == len(rows) - 1:
                table.add_row()  # a blank line before Overall
            table.add_row(label, progress_figures(stage_tally, bar_width, percent_width, counts_width))
        console.print(table)
    else:  # too narrow: each title on a line of its own, its figures under it
        bar_width = max(min(PROGRESS_BAR_WIDTH, console.width - 2 - figures_width), 1)
        for number, (label, stage_tally) in enumerate(rows):
            if number == len(rows) - 1:
                console.print()
            console.print(label, overflow="ellipsis")
            console.print(Text("  ").append_text(progress_figures(stage_tally, bar_width, percent_width, counts_width)))
    console.print()
    tally = progress.tally
    facts = [f"Done this week: {progress.done_this_week}", pace_line(progress.pace), time_left_line(progress)]
    if progress.estimate_left is not None and not progress.finished:
        facts.append(estimate_line(progress.estimate_left))
    if progress.study_pace.weeks or any(minutes for _monday, minutes in progress.study_weeks):
        facts += [study_weeks_line(progress.study_weeks), study_pace_line(progress.study_pace)]
    else:
        facts.append("Study time: none logged yet; `llmpath study 30m` logs some")
    if tally.skipped:
        facts.append(f"Skipped: {tally.skipped} (left out of the percentage)")
    if tally.in_progress:
        facts.append(f"In progress: {tally.in_progress}")
    if tally.optional:
        skipped = f", {tally.optional_skipped} skipped" if tally.optional_skipped else ""
        facts.append(f"Optional: {tally.optional_done} of {tally.optional} done{skipped} (outside the total)")
    if progress.level is not None:
        reached = progress.level.reached or "none yet"
        facts.append(
            f"Level reached: {reached}"
            + (f"; working toward {progress.level.working_on}" if progress.level.working_on else "")
        )
    for fact in facts:
        console.print(fact)


def pace_line(pace: Pace) -> str:
    if pace.per_week is None:
        return f"Pace: {pace.reason}; it starts a week after your first change"
    weeks = "last week" if pace.weeks == 1 else f"last {pace.weeks} weeks"
    return f"Pace: {pace.per_week:g} {'topic' if pace.per_week == 1 else 'topics'} a week ({weeks})"


def time_left_line(progress: TrackProgress) -> str:
    remaining = progress.tally.remaining
    if progress.finished:
        return "Time left: none, the track is finished (every required topic is done or skipped)"
    topics = "topic" if remaining == 1 else "topics"
    if progress.weeks_left is not None:
        return f"Time left at this pace: {format_weeks(progress.weeks_left)} for {remaining} {topics}"
    why = "once there is a pace" if progress.pace.per_week is None else "once you mark some done"
    return f"Time left: {remaining} {topics} to go; an estimate comes {why}"


def estimate_line(left: EstimateLeft) -> str:
    count = left.stages + left.unestimated
    stages = "stage" if count == 1 else "stages"
    line = f"Roadmap estimate for the {count} {stages} left: {format_span(left.low, left.high)}"
    if left.unestimated:
        line += f" ({left.unestimated} {'has' if left.unestimated == 1 else 'have'} none)"
    return line


def study_weeks_line(weeks: list[tuple[date, int]]) -> str:
    """This week's study time, then the weeks before it, latest first."""
    *before, (_monday, this_week) = weeks
    earlier = ", ".join(format_duration(minutes) for _monday, minutes in reversed(before))
    return f"Study time: {format_duration(this_week)} this week; the {len(before)} before: {earlier}"


def study_pace_line(pace: StudyPace) -> str:
    if pace.per_week is None:
        return f"Study pace: {pace.reason}; it starts a week after your first study"
    weeks = "last week" if pace.weeks == 1 else f"last {pace.weeks} weeks"
    return f"Study pace: {format_duration(pace.per_week)} a week ({weeks})"


def _unit(weeks: float) -> tuple[str, float]:
    """The unit a span of `weeks` reads best in, and how many weeks one of it is."""
    if weeks < 1:
        return "days", 1 / 7
    if weeks < 9:
        return "weeks", 1.0
    if weeks < 104:
        return "months", WEEKS_PER_MONTH
    return "years", 52.0


def format_weeks(weeks: float) -> str:
    unit, size = _unit(weeks)
    if unit == "days":
        return f"{max(1, round(weeks * 7))} days"
    return f"{weeks / size:.1f} {unit}"


def format_span(low: float, high: float | None) -> str:
    """From `low` to `high` weeks, both in the unit of the larger; `high` None: no upper end."""
    if high is None:
        return f"{format_weeks(low)} or more"
    unit, size = _unit(high)
    return f"{low / size:.1f}-{high / size:.1f} {unit}"


def render_tracks(console: Console, rows: list[tuple[Track, Tally, bool]]) -> None:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("", width=1)
    table.add_column("track")
    table.add_column("title", overflow="fold")
    table.add_column("progress", width=12)
    table.add_column("done", justify="right")
    for track, track_tally, active in rows:
        track_bar = bar(track_tally.percent, 100, 12)
        table.add_row("*" if active else "", track.id, track.title, track_bar, track_tally.fraction())
    console.print(table)
    console.print(Text("* active track · switch with: llmpath track use NAME", style="dim"))


SHOWN_IN_PROGRESS = 3


def render_status(console: Console, state: State, status: Status) -> None:
    """`llmpath status`: a handful of lines, none wrapped but the streak's; titles are cut to fit,
    never split."""
    brief = status.brief

    def title(topic_id: str) -> str:
        return state.roadmap.display_title(topic_id, brief.track)

    console.print(
        Text.assemble((brief.track.title, "bold"), (f"  {brief.percent}% done ({brief.done} of {brief.total})", "")),
        no_wrap=True, overflow="ellipsis",
    )  # fmt: skip
    lines: list[tuple[str, Text]] = []
    if brief.in_progress:
        shown = " · ".join(title(t) for t in brief.in_progress[:SHOWN_IN_PROGRESS])
        more = len(brief.in_progress) - SHOWN_IN_PROGRESS
        lines.append(("in progress", Text(shown + (f" (+{more} more)" if more > 0 else ""))))
    if brief.next_topic:
        lines.append(("next", Text.assemble(title(brief.next_topic), (f"  {brief.next_topic}", "dim"))))
    else:
        lines.append(("next", Text("nothing left on this track")))
    topics = "topic" if brief.done_this_week == 1 else "topics"
    to_go = max(brief.target - brief.papers, 0)
    papers = f"{brief.papers}/{brief.target} papers" + (f", {to_go} to go" if to_go else ", target met")
    days = f", {brief.days_left} days left" if to_go and brief.days_left else ""
    lines.append(("this week", Text(f"{brief.done_this_week} {topics} done · {papers}{days}")))
    lines.append(("today", Text(study_today(status.study))))
    rows = Table.grid(padding=(0, 2))
    rows.add_column(style="dim", no_wrap=True)
    # The labels keep their width: a long title is what gets cut (Rich would cut the labels first).
    room = console.width - max(len(label) for label, _text in lines) - 2
    rows.add_column(no_wrap=True, overflow="ellipsis", max_width=max(room, 1))
    for label, text in lines:
        rows.add_row(label, text)
    console.print(rows)
    from .calendar import streak_line  # with the calendar's other imports, which list and roadmap need not pay

    console.print(streak_line(status.study.streak))
    console.print(Text(_hint(brief), style="dim"), no_wrap=True, overflow="ellipsis")


def study_today(now: Today) -> str:
    """Today's study time against the daily target as the badge shows it (25/30m), and the timer."""
    to_go = ", target met" if now.minutes >= now.target else f", {format_duration(now.target - now.minutes)} to go"
    return f"{against_target(now.minutes, now.target)} studied{to_go}" + (
        " · timer running" if now.timer is not None else ""
    )


def _hint(brief: Summary) -> str:
    if brief.in_progress:
        return f"Finished it? llmpath done {brief.in_progress[0]}"
    if brief.next_topic:
        return f"Begin the next step: llmpath start {brief.next_topic}"
    return "This track is done: llmpath track lists the others"
