"""A topic: what to do next, one topic shown in full with its history, and what undo took back."""

from __future__ import annotations

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..domain.history import Change, LogEntry
from ..domain.planner import Plan, Suggestion
from ..domain.state import Event, State
from ..roadmap.schema import Paper, Stage, Topic, Track
from .console import STATUS_WORDS, bullet_list, dated_notes, status_text

PRIORITY_ORDER = {"Essential": 0, "Important": 1, "Recommended": 2}


def related_papers(state: State, topic_id: str) -> list[Paper]:
    papers = state.roadmap.papers_about(topic_id)
    return sorted(papers, key=lambda p: (PRIORITY_ORDER.get(p.priority, 9), p.year or 0))


def paper_line(paper: Paper) -> str:
    where = f", arXiv {paper.arxiv}" if paper.arxiv else ""
    return f"{paper.title} ({paper.year}{where}) · {paper.priority}"


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


def render_log(console: Console, state: State, entries: list[LogEntry]) -> None:
    """`llmpath log`: a line per status set or paper read (others: the change's summary), newest first."""
    if not entries:
        console.print("Nothing recorded in that time.")
        return
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for entry in entries:
        day = entry.day.isoformat()
        undone = Text(" (undone)", style="dim") if entry.undone else Text("")
        for event in entry.events:
            title = state.roadmap.display_title(event.topic) if event.topic in state.roadmap.topics else event.topic
            line = Text.assemble(title, undone, ("  " + event.note if event.note else "", "dim"))
            grid.add_row(day, status_text(event.status), line)
        for read in entry.reads:
            paper = state.papers.get(read.paper)
            line = Text.assemble(
                paper.title if paper else read.paper, undone, ("  " + read.note if read.note else "", "dim")
            )
            grid.add_row(day, Text("read"), line)
        if not entry.events and not entry.reads:
            grid.add_row(day, Text(entry.change.kind.replace("_", " ")), Text.assemble(entry.change.summary, undone))
    console.print(grid)


def render_undo_walk(console: Console, walk: list[Change]) -> None:
    """`undo --list`: what undo would take back, run again and again, numbered in that order."""
    from ..domain.dates import local_day

    if not walk:
        console.print("Nothing to undo: every change you made is undone already, or you have not made one.")
        return
    for number, change in enumerate(walk, 1):
        day = local_day(change.recorded_at).isoformat()
        console.print(Text.assemble(f"{number:>2}. ", (day, "dim"), "  ", change.summary))  # the summary is data
    console.print(Text("`llmpath undo` takes back number 1; run it again for the next.", style="dim"))


def render_undone(console: Console, after: State, change: Change, events: list[Event]) -> None:
    """What `undo` took back: each topic's status before and after, or the change's summary."""
    if not events:
        console.print("↶ undone:", change.summary)
        return
    for event in events:
        title = after.roadmap.display_title(event.topic) if event.topic in after.roadmap.topics else event.topic
        console.print("↶ undone:", status_text(event.status), "→", status_text(after.status(event.topic)), " ", title)
