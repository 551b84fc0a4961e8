"""Rich rendering of the domain's results. Imported only by commands that print for people."""

from __future__ import annotations

import textwrap
from datetime import timedelta

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderHook, RenderResult
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.segment import Segment
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from .domain.history import Change
from .domain.papers import Read, WeekView
from .domain.planner import Plan, Suggestion
from .domain.progress import Tally, TrackProgress, tally
from .domain.state import Event, State
from .roadmap.schema import Paper, Stage, Topic, Track
from .safetext import visible

MARKS = {"done": ("✔", "green"), "in_progress": ("▶", "yellow"), "skipped": ("↷", "dim"), "todo": ("○", "")}
STATUS_WORDS = {"done": "done", "in_progress": "in progress", "skipped": "skipped", "todo": "to do"}
LIST_POSITION_WIDTH = 7
LIST_ID_WIDTH = 38
PRIORITY_ORDER = {"Essential": 0, "Important": 1, "Recommended": 2}


def make_console() -> Console:
    """A console for data that is never trusted: no markup, emoji codes or highlighting is read
    from it, and nothing it prints can act on the terminal (see ShownVisibly)."""
    console = Console(highlight=False, markup=False, emoji=False)
    console.push_render_hook(ShownVisibly())
    return console


class ShownVisibly(RenderHook):
    """Every character printed passes through safetext.visible, whatever renderable holds it.

    Titles and notes reach tables, trees, panels and progress lines along many paths; this hook
    sits where they all meet, so an escape sequence in a roadmap or a tampered store can never
    reach the terminal, even along a path nobody thought of. Rich's own styling is applied after
    it, so colours still work.
    """

    def process_renderables(self, renderables: list) -> list:
        return [_Visible(renderable) for renderable in renderables]


class _Visible:
    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.renderable, options):
            if segment.control:  # Rich's own cursor moves, never data
                yield segment
            else:
                yield Segment(visible(segment.text, newlines=True), segment.style)


def mark(status: str) -> Text:
    symbol, style = MARKS[status]
    return Text(symbol, style=style)


def status_text(status: str) -> Text:
    return Text(STATUS_WORDS[status], style=MARKS[status][1])


def counts(tally: Tally) -> str:
    skipped = f" ↷{tally.skipped}" if tally.skipped else ""
    return f"{tally.done}/{tally.total - tally.skipped}{skipped}"


def related_papers(state: State, topic_id: str) -> list[Paper]:
    papers = [p for p in state.roadmap.papers.values() if topic_id in p.topics]
    return sorted(papers, key=lambda p: (PRIORITY_ORDER.get(p.priority, 9), p.year or 0))


def paper_line(paper: Paper) -> str:
    where = f", arXiv {paper.arxiv}" if paper.arxiv else ""
    return f"{paper.title} ({paper.year}{where}) · {paper.priority}"


def bullet_list(items: list[Text], symbol: str, indent: int) -> Table:
    """Items after a symbol, wrapped lines lining up under the text rather than the symbol."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(width=indent + len(symbol), justify="right", no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    for item in items:
        grid.add_row(symbol, item)
    return grid


def topic_location(state: State, topic: Topic, stage: Stage | None) -> str:
    parts = []
    if stage is not None:
        parts.append(stage.title)
    module = state.roadmap.modules.get(topic.module) if topic.module else None  # gone for some retired topics
    if module:
        number = f"module {module.number}: " if module.number else ""
        parts.append(f"{number}{module.title}")
        if module.difficulty:
            parts.append(module.difficulty)
    if stage is not None and stage.estimate:
        parts.append(f"stage estimate {stage.estimate.text()}")
    if topic.optional:
        parts.append("optional")
    return " · ".join(parts)


def topic_details(state: State, topic: Topic, stage: Stage | None) -> list[RenderableType]:
    """Location, body, checklist, resources and papers of a topic."""
    parts: list[RenderableType] = [
        Text(topic_location(state, topic, stage), style="cyan"),
        Text(f"id: {topic.id}", style="dim"),
    ]
    if topic.body:
        parts += [Text(""), Text(topic.body)]
    module = state.roadmap.modules.get(topic.module) if topic.module else None
    if module and module.prerequisites_note:
        parts.append(Text(f"Module prerequisites: {module.prerequisites_note}", style="dim"))
    if topic.checklist:
        parts += [Text(""), Text("Checklist", style="bold")]
        for group in topic.checklist:
            if group.title:
                parts.append(Text(f"  {group.title}", style="italic"))
            parts.append(bullet_list([Text(item) for item in group.items], "□", 4 if group.title else 2))
    if topic.resources:
        parts += [Text(""), Text("Resources", style="bold")]
        lines = []
        for res in topic.resources:
            line = Text(res.title)
            if res.serves and res.serves.lower() not in res.title.lower():
                line.append(f" (for {res.serves})", style="dim")
            if res.url:
                line.append(f"\n{res.url}", style="blue")
            lines.append(line)
        parts.append(bullet_list(lines, "•", 2))
    papers = related_papers(state, topic.id)
    if papers:
        parts += [Text(""), Text("Papers", style="bold"), bullet_list([Text(paper_line(p)) for p in papers], "•", 2)]
    return parts


def render_next(console: Console, state: State, plan: Plan, percent: float) -> None:
    track = plan.track
    console.print(Text.assemble(("Next on ", ""), (track.title, "bold"), (f" · {percent:g}% done", "dim")))
    if plan.finished:
        console.print(Text(f"You have finished {track.title}: every topic is done or skipped.", style="green"))
        others = [
            t
            for t in state.roadmap.tracks
            if t.id != track.id and any(state.status(x) not in ("done", "skipped") for x in t.topic_ids())
        ]
        if others:
            console.print(f"Keep going on another track: llmpath track use {others[0].id}")
        return
    if not plan.suggestions:
        console.print(Text("Everything left on this track waits on prerequisites:", style="yellow"))
        for blocked in plan.blocked[:5]:
            missing = ", ".join(state.roadmap.display_title(m) for m in blocked.missing[:3])
            more = f" and {len(blocked.missing) - 3} more" if len(blocked.missing) > 3 else ""
            console.print(f"  {state.roadmap.display_title(blocked.topic)}  needs  {missing}{more}")
        console.print("Mark a prerequisite done or skipped (llmpath done|skip TOPIC) to unblock it.")
        return
    first, *rest = plan.suggestions
    console.print(suggestion_panel(state, first))
    if rest:
        console.print(Text("Then", style="bold"))
        console.print(
            bullet_list(
                [Text.assemble(state.roadmap.display_title(i.topic), (f"  {i.topic}", "dim")) for i in rest], "›", 2
            )
        )
    if first.status == "in_progress":
        console.print(Text(f"When you have it: llmpath done {first.topic}", style="dim"))
    else:
        console.print(
            Text(f"Begin it:   llmpath start {first.topic}\nFinish it:  llmpath done {first.topic}", style="dim")
        )


def topic_panel(state: State, topic_id: str, parts: list[RenderableType], status: str) -> Panel:
    return Panel(
        Group(*parts),
        title=Text(state.roadmap.display_title(topic_id), style="bold"),
        title_align="left",
        subtitle=status_text(status),
        subtitle_align="right",
        box=box.ROUNDED,
    )


def dated_notes(title: str, middle: str, rows: list[tuple[Text | str, Text | str, Text | str]]) -> Table:
    """A table of day, one fact and a note: a topic's history, a paper's reading notebook."""
    table = Table(box=box.SIMPLE, title=title, title_justify="left")
    table.add_column("on")
    table.add_column(middle)
    table.add_column("note", overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def suggestion_panel(state: State, item: Suggestion) -> Panel:
    parts = topic_details(state, state.roadmap.topics[item.topic], item.stage)
    parts += [Text(""), Text.assemble(("Why next: ", "bold"), item.reason)]
    return topic_panel(state, item.topic, parts, item.status)


def render_show(console: Console, state: State, topic: Topic, stages: list[tuple[Track, Stage]]) -> None:
    parts = topic_details(state, topic, stages[0][1] if stages else None)
    on = ", ".join(f"{track.id} ({stage.title})" for track, stage in stages)
    if on:
        parts.insert(2, Text(f"On tracks: {on}", style="dim"))
    if topic.retired:
        parts.insert(0, Text("Retired: this topic left the roadmap; its records are kept.", style="yellow"))
    console.print(topic_panel(state, topic.id, parts, state.status(topic.id)))
    history = state.history(topic.id)
    if not history:
        console.print(Text("No status changes recorded yet.", style="dim"))
        return
    console.print(dated_notes("History", "status", [history_row(event) for event in history]))


def history_row(event: Event) -> tuple[Text, Text, Text]:
    style = "strike dim" if event.reverted else ""
    note = event.note or ""
    if event.reverted:
        note = f"(undone) {note}".strip()
    return (
        Text(event.happened_on.isoformat(), style=style),
        Text(STATUS_WORDS[event.status], style=style),
        Text(note, style=style),
    )


def render_undone(console: Console, after: State, change: Change, events: list[Event]) -> None:
    """What `undo` took back: each topic's status before and after, or the change's summary."""
    if not events:
        console.print("↶ undone:", change.summary)
        return
    for event in events:
        title = after.roadmap.display_title(event.topic) if event.topic in after.roadmap.topics else event.topic
        console.print("↶ undone:", status_text(event.status), "→", status_text(after.status(event.topic)), " ", title)


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
        ProgressBar(total=counted or 1, completed=tally.done if counted else 1, width=20),
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
        bar = ProgressBar(total=100, completed=track_tally.percent, width=12)
        table.add_row("*" if active else "", track.id, track.title, bar, counts(track_tally))
    console.print(table)
    console.print(Text("* active track · switch with: llmpath track use NAME", style="dim"))


# --- papers -------------------------------------------------------------------------------------------


def week_bar(count: int, target: int) -> Text:
    """A bar a paper wide per read, target slots shown, so it reads without colour."""
    done = "█" * min(count, target)
    extra = "█" * max(count - target, 0)
    return Text.assemble((done, "green"), ("░" * max(target - count, 0), "dim"), (extra, "cyan"))


def render_week(console: Console, state: State, view: WeekView) -> None:
    tally = view.tally
    sunday = tally.monday + timedelta(days=6)
    console.print(
        Text.assemble(
            ("Papers, week ", ""), (tally.label, "bold"), (f"  {tally.monday:%a %d %b} – {sunday:%a %d %b %Y}", "dim")
        )
    )
    if tally.reads:
        counted: set[str] = set()
        rows = []
        for read in tally.reads:
            paper = state.papers.get(read.paper)
            line = Text(paper.title if paper else read.paper)
            if read.paper in counted:
                line.append("  (again; counts once)", style="dim")
            counted.add(read.paper)
            if read.pass_number:
                line.append(f"  pass {read.pass_number}", style="dim")
            rows.append(Text.assemble((f"{read.read_on:%a} ", "cyan"), line))
        console.print(bullet_list(rows, "•", 2))
    else:
        console.print(Text("  No papers logged this week yet.", style="dim"))
    status = Text(f" {tally.count}/{tally.target}")
    if tally.met:
        status.append("  met ✔", style="green")
    elif view.is_current:
        status.append(
            f"  {tally.target - tally.count} to go, {view.days_left} day{'s' if view.days_left != 1 else ''} left",
            style="yellow",
        )
    else:
        status.append("  not met", style="red")
    line = Table.grid(padding=(0, 1, 0, 0))
    line.add_row("Target", ProgressBar(total=tally.target, completed=min(tally.count, tally.target), width=20), status)
    console.print(line)
    weeks = "week" if view.streak == 1 else "weeks"
    console.print(f"Streak: {view.streak} {weeks} in a row meeting the target")
    console.print(Text("Last 8 weeks", style="bold"))
    for week in view.history:
        line = Text(f"  {week.label}  ")
        line.append_text(week_bar(week.count, week.target))
        line.append(f" {week.count}/{week.target}")
        if week.met:
            line.append(" ✔", style="green")
        console.print(line)


def render_paper_list(console: Console, state: State, papers: list[Paper], numbered: bool = False) -> None:
    if not papers:
        console.print(Text("No papers match.", style="dim"))
        return
    read_counts = {p: len(state.paper_log.reads_of(p)) for p in {p.id for p in papers}}
    rows = []
    for paper in papers:
        reads = read_counts[paper.id]
        line = Text.assemble((paper.title, "bold" if paper.priority == "Essential" and not paper.own else ""))
        facts = [str(paper.year)] if paper.year else []
        facts.append("your own" if paper.own else paper.priority)
        if paper.arxiv:
            facts.append(f"arXiv {paper.arxiv}")
        facts.append(f"read {reads}×" if reads else "unread")
        line.append("\n" + " · ".join(facts) + f" · {paper.id}", style="dim")
        rows.append(line)
    console.print(_numbered(rows) if numbered else bullet_list(rows, "•", 2))
    if numbered:
        console.print(Text("Log one: llmpath papers log ID [--pass 1|2|3]", style="dim"))


def _numbered(rows: list[Text]) -> Table:
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(width=4, justify="right", no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    for n, row in enumerate(rows, start=1):
        grid.add_row(f"{n}.", row)
    return grid


def render_paper(console: Console, state: State, paper: Paper, reads: list[Read]) -> None:
    from .domain.papers import PASSES

    parts: list[RenderableType] = []
    facts = [str(paper.year)] if paper.year else []
    facts.append("your own paper" if paper.own else paper.priority)
    parts.append(Text(" · ".join(facts) + f" · id: {paper.id}", style="cyan"))
    if paper.contribution:
        parts.append(Text(paper.contribution))
    if paper.url:
        parts.append(Text(paper.url, style="blue"))
    if paper.topics:
        parts += [Text(""), Text("Topics", style="bold")]
        parts.append(
            bullet_list(
                [Text(state.roadmap.display_title(t)) for t in paper.topics if t in state.roadmap.topics], "•", 2
            )
        )
    console.print(Panel(Group(*parts), title=Text(paper.title, style="bold"), title_align="left", box=box.ROUNDED))
    if not reads:
        console.print(Text(f"Not read yet. Log it: llmpath papers log {paper.id}", style="dim"))
        return
    rows = [
        (r.read_on.isoformat(), PASSES.get(r.pass_number, "") if r.pass_number else "", r.note or "") for r in reads
    ]
    console.print(dated_notes("Reading notebook", "pass", rows))


def render_paper_summary(console: Console, summary: dict) -> None:
    """One line: this week's papers against the target, and one unread paper to read next."""
    line = Text.assemble(
        ("Papers this week: ", ""),
        week_bar(summary["count"], summary["target"]),
        f" {summary['count']}/{summary['target']}",
    )
    line.append("  met ✔" if summary["met"] else "", style="green")
    if summary["suggestion"]:
        line.append(f"  · read next: {summary['suggestion']['id']}, {summary['suggestion']['title']}", style="dim")
    line.truncate(console.width, overflow="ellipsis")
    console.print(line, no_wrap=True)
