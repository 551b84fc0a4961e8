"""A topic: what to do next, one topic shown in full with its history, and what undo took back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..domain.history import Change, LogEntry
from ..domain.planner import Plan, Suggestion, later_starts, prerequisites_of
from ..domain.progress import tally
from ..domain.state import Event, State
from ..roadmap.schema import Paper, Resource, Stage, Topic, Track
from ..safetext import visible

if TYPE_CHECKING:
    from ..domain.notes import TopicLink
    from ..domain.study import StudySession
from .console import STATUS_WORDS, bullet_list, dated_notes, status_text
from .roadmap_info import entering, objectives_line

PRIORITY_ORDER = {"Essential": 0, "Important": 1, "Recommended": 2}

# `next` fits a 24-line terminal: the first lines or items of each part, `show` has them all.
NEXT_LOCATION_LINES = 2
NEXT_BODY_LINES = 3
NEXT_OBJECTIVES_LINES = 2  # on entering a stage, what it is for
NEXT_SHOWN = {"Checklist": 3, "Resources": 2, "Your links": 2, "Papers": 2}
NEXT_LABEL_WIDTH = max(map(len, NEXT_SHOWN))  # the longest label of the panel's left column
NEXT_LABEL_GAP = 2
PANEL_EDGES = 4  # a panel's two borders and its padding of one each side
LATER_STARTS_NAMED = 3  # more than this many other ways to start later, and the hint says how to name one


def after_bullet(indent: int) -> int:
    """Where an item's text begins in a bullet_list: after the indent, the symbol and a space."""
    return indent + 2


class FirstLines:
    """Text cut to its first lines at the width it is shown in, an ellipsis ending it where cut."""

    def __init__(self, text: Text, count: int) -> None:
        self.text, self.count = text, count

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = list(self.text.wrap(console, options.max_width))
        if len(lines) > self.count:
            lines = lines[: self.count]
            lines[-1].rstrip()
            lines[-1].truncate(options.max_width - 1)
            lines[-1].append("…")
        yield Text("\n").join(lines)


class Links:
    """Where the resources' web addresses go: under the title when the address fits the room there,
    else numbered after the box. An address is never split over lines: copying it and terminals'
    link detection need it whole."""

    def __init__(self, room: int) -> None:
        self.room = room
        self.below: list[str] = []

    def resource(self, resource: Resource, one_line: bool = False) -> Text:
        """The resource's title and what it serves, cut to one line if asked; then its address, or
        first the number it has after the box (where a title cut short cannot lose it)."""
        line = Text(no_wrap=one_line, overflow="ellipsis" if one_line else None)
        url = visible(resource.url) if resource.url else None  # data: one line, nothing acts on the terminal
        fits = url is not None and cell_len(url) <= self.room
        if url is not None and not fits:
            self.below.append(url)
            line.append(f"[{len(self.below)}] ", style="blue")
        line.append(resource.title)
        if resource.serves and resource.serves.lower() not in resource.title.lower():
            line.append(f" (for {resource.serves})", style="dim")
        if fits:
            line.append(f"\n{url}", style="blue")
        return line

    def print(self, console: Console) -> None:
        for number, url in enumerate(self.below, 1):
            console.print(Text.assemble(f"[{number}] ", (url, "blue")), soft_wrap=True)  # whole, however long


def own_resources(state: State, topic_id: str) -> list[Resource]:
    """The learner's links on a topic, as resources are shown: by their title, else by where they point."""
    from urllib.parse import urlsplit

    def title(link: TopicLink) -> str:
        parts = urlsplit(link.url)
        return link.title or parts.hostname or parts.path.rsplit("/", 1)[-1] or link.url

    return [Resource(title(link), link.url) for link in state.records.topic_links(topic_id)]


def related_papers(state: State, topic_id: str) -> list[Paper]:
    papers = state.roadmap.papers_about(topic_id)
    return sorted(papers, key=lambda p: (PRIORITY_ORDER.get(p.priority, 9), p.year or 0))


def paper_line(paper: Paper) -> str:
    where = f", arXiv {paper.arxiv}" if paper.arxiv else ""
    return f"{paper.title} ({paper.year}{where}) · {paper.priority}"


def topic_location(state: State, topic: Topic, place: tuple[Track, Stage] | None) -> str:
    """Where the topic is on the track viewed (`place`: that track and the stage holding the topic
    there; None for a topic no track holds): the stage, the module that track shows it under."""
    track, stage = place if place is not None else (None, None)
    parts = []
    if stage is not None:
        parts.append(stage.title)
    module = state.roadmap.module_on(track, topic.id)
    if module:
        number = f"module {module.number}: " if module.number else ""
        parts.append(f"{number}{module.title}")
        if module.difficulty:
            parts.append(module.difficulty)
    if stage is not None and stage.estimate:
        parts.append(f"stage estimate {stage.estimate.text()}")
    if state.roadmap.is_optional(topic.id):
        parts.append("optional")
    return " · ".join(parts)


def topic_details(state: State, topic: Topic, place: tuple[Track, Stage] | None, links: Links) -> list[RenderableType]:
    """Location, body, checklist, resources and papers of a topic: all of them."""
    formerly = f" (formerly {', '.join(topic.aliases)})" if topic.aliases else ""
    parts: list[RenderableType] = [
        Text(topic_location(state, topic, place), style="cyan"),
        Text(f"id: {topic.id}{formerly}", style="dim"),
    ]
    if topic.body:
        parts += [Text(""), Text(topic.body)]
    builds_on = prerequisites_of(state, place[0] if place else None, topic.id)
    if builds_on:
        named = ", ".join(f"{p.title} ({p.unit}{', met' if p.met else ''})" for p in builds_on)
        parts.append(Text(f"Builds on: {named}", style="dim"))
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
        parts.append(bullet_list([links.resource(res) for res in topic.resources], "•", 2))
    own = own_resources(state, topic.id)
    if own:
        parts += [Text(""), Text("Your links", style="bold")]
        parts.append(bullet_list([links.resource(res) for res in own], "•", 2))
    papers = related_papers(state, topic.id)
    if papers:
        parts += [Text(""), Text("Papers", style="bold"), bullet_list([Text(paper_line(p)) for p in papers], "•", 2)]
    return parts


def render_next(console: Console, state: State, plan: Plan, percent: float) -> None:
    track = plan.track
    console.print(Text.assemble(("Next on ", ""), (track.title, "bold"), (f" · {percent:g}% done", "dim")))
    if plan.finished:
        console.print(Text(f"You have finished {track.title}: every required topic is done or skipped.", style="green"))
        if plan.suggestions:  # optional topics still open
            optional = plan.suggestions[0].topic
            console.print(
                f"Optional, if you want more: {state.roadmap.display_title(optional, track)}, llmpath show {optional}"
            )
        others = [t for t in state.roadmap.tracks if t.id != track.id and tally(state, t.topic_ids()).remaining]
        if others:
            console.print(f"Keep going on another track: llmpath track use {others[0].id}")
        return
    if not plan.suggestions:
        console.print(Text("Everything left on this track waits on prerequisites:", style="yellow"))
        for blocked in plan.blocked[:5]:
            missing = ", ".join(state.roadmap.display_title(m, track) for m in blocked.missing[:3])
            more = f" and {len(blocked.missing) - 3} more" if len(blocked.missing) > 3 else ""
            console.print(f"  {state.roadmap.display_title(blocked.topic, track)}  needs  {missing}{more}")
        console.print("Mark a prerequisite done or skipped (llmpath done|skip TOPIC) to unblock it.")
        return
    first, *rest = plan.suggestions
    objectives = objectives_line(first.stage) if entering(state, first.stage) else None
    if objectives is not None:  # the stage begins here: say what it is for, in brief
        console.print(FirstLines(objectives, NEXT_OBJECTIVES_LINES))
    links = Links(console.width - PANEL_EDGES - NEXT_LABEL_WIDTH - NEXT_LABEL_GAP - after_bullet(0))
    console.print(suggestion_panel(state, track, first, links))
    links.print(console)
    if rest:
        console.print(Text("Then", style="bold"))
        console.print(
            bullet_list(
                [Text.assemble(state.roadmap.display_title(i.topic, track), (f"  {i.topic}", "dim")) for i in rest],
                "›",
                2,
            )
        )
    commands = [("Begin it:", f"llmpath start {first.topic}")] if first.status == "todo" else []
    commands += [("Finish it:", f"llmpath done {first.topic}"), ("All of it:", f"llmpath show {first.topic}")]
    width = max(len(label) for label, _ in commands) + 1
    console.print(Text("\n".join(label.ljust(width) + command for label, command in commands), style="dim"))
    render_later_starts(console, track, later_starts(state, track))


def render_later_starts(console: Console, track: Track, starts: list[str]) -> None:
    """How a learner who knows the first stages begins further on, while nothing is marked yet."""
    if not starts:
        return
    first, *others = starts
    if not others:
        more = ""
    elif len(others) <= LATER_STARTS_NAMED:
        more = f"  (or {', '.join(others)})"
    else:
        more = "  (or another stage's number or title)"
    console.print(Text("Know some already? Start at a later stage (nothing is marked done):", style="dim"))
    console.print(Padding(Text(f"llmpath track use {track.id} --from {first}{more}", style="dim"), (0, 0, 0, 2)))


def topic_panel(state: State, topic_id: str, track: Track | None, parts: list[RenderableType], status: str) -> Panel:
    """A topic's parts in a box titled as `track` shows the topic (None: a topic no track holds)."""
    return Panel(
        Group(*parts),
        title=Text(state.roadmap.display_title(topic_id, track), style="bold"),
        title_align="left",
        subtitle=status_text(status),
        subtitle_align="right",
        box=box.ROUNDED,
    )


def shown_in_next(part: str, total: int) -> int:
    """How many of a part's items `next` shows: the first few, or all when just one more is left
    (leaving one out would save a line and cost a look at `show`)."""
    first = NEXT_SHOWN[part]
    return total if total <= first + 1 else first


def one_line(text: str) -> Text:
    return Text(text, no_wrap=True, overflow="ellipsis")


def suggestion_panel(state: State, track: Track, item: Suggestion, links: Links) -> Panel:
    """The topic in brief: where it is, the start of its body, its first checklist points,
    resources and papers (each part's count when some are left out), and why it is next."""
    topic = state.roadmap.topics[item.topic]
    parts: list[RenderableType] = [
        FirstLines(Text(topic_location(state, topic, (track, item.stage)), style="cyan"), NEXT_LOCATION_LINES)
    ]
    if topic.body:
        parts.append(FirstLines(Text(topic.body), NEXT_BODY_LINES))
    points = [point for group in topic.checklist for point in group.items]
    papers = related_papers(state, topic.id)
    resources = topic.resources[: shown_in_next("Resources", len(topic.resources))]
    own = own_resources(state, topic.id)
    sections = [
        ("Checklist", "□", len(points), [one_line(p) for p in points[: shown_in_next("Checklist", len(points))]]),
        ("Resources", "•", len(topic.resources), [links.resource(r, one_line=True) for r in resources]),
        (
            "Your links",
            "•",
            len(own),
            [links.resource(r, one_line=True) for r in own[: shown_in_next("Your links", len(own))]],
        ),
        ("Papers", "•", len(papers), [one_line(paper_line(p)) for p in papers[: shown_in_next("Papers", len(papers))]]),
    ]
    facts = Table.grid(padding=(0, NEXT_LABEL_GAP, 0, 0))
    facts.add_column(width=NEXT_LABEL_WIDTH, no_wrap=True)
    facts.add_column(ratio=1)
    for label, symbol, total, items in sections:
        if items:
            heading = Text(label, style="bold")
            if len(items) < total:
                heading.append(f"\n{len(items)} of {total}", style="dim")
            facts.add_row(heading, bullet_list(items, symbol, 0))
    facts.add_row(Text("Why next", style="bold"), Text(item.reason))
    parts += [Text(""), facts]
    return topic_panel(state, item.topic, track, parts, item.status)


def render_show(
    console: Console,
    state: State,
    topic: Topic,
    viewed: tuple[Track, Stage] | None,
    stages: list[tuple[Track, Stage]],
    minutes: int,
) -> None:
    """A topic in full as the track `viewed` shows it, with every track and stage holding it
    (`stages`); `minutes` is the study time logged to it."""
    links = Links(console.width - PANEL_EDGES - after_bullet(2))
    parts = topic_details(state, topic, viewed, links)
    on = ", ".join(f"{track.id} ({stage.title})" for track, stage in stages)
    from ..domain.study import format_duration

    studied = f"Studied: {format_duration(minutes)}" if minutes else "Studied: no time logged yet"
    parts[2:2] = [Text(line, style="dim") for line in ([f"On tracks: {on}"] if on else []) + [studied]]
    if topic.retired:
        parts.insert(0, Text("Retired: this topic left the roadmap; its records are kept.", style="yellow"))
    console.print(topic_panel(state, topic.id, viewed[0] if viewed else None, parts, state.status(topic.id)))
    links.print(console)
    notes = state.records.topic_notes(topic.id)
    if notes:
        console.print(
            dated_notes(
                "Your notes", "", [(n.noted_on.isoformat(), "", Text(n.note)) for n in notes], middle_shown=False
            )
        )
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
            title = state.display_title(event.topic) if event.topic in state.roadmap.topics else event.topic
            line = Text.assemble(title, undone, ("  " + event.note if event.note else "", "dim"))
            grid.add_row(day, status_text(event.status), line)
        for read in entry.reads:
            paper = state.papers.get(read.paper)
            line = Text.assemble(
                paper.title if paper else read.paper, undone, ("  " + read.note if read.note else "", "dim")
            )
            grid.add_row(day, Text("read"), line)
        for note in entry.notes:
            grid.add_row(
                day, Text("note"), Text.assemble(_title_of(state, note.topic), undone, ("  " + note.note, "dim"))
            )
        for link in entry.links:
            line = Text.assemble(_title_of(state, link.topic), undone, ("  " + (link.title or link.url), "dim"))
            grid.add_row(day, Text("link"), line)
        for session in entry.sessions:
            grid.add_row(day, Text("study"), _session_line(state, session, entry.change, undone))
        if not (entry.events or entry.reads or entry.notes or entry.links or entry.sessions):
            label = LOG_LABELS.get(entry.change.kind, entry.change.kind)
            grid.add_row(day, Text(label), Text.assemble(entry.change.summary, undone))
    console.print(grid)


# How `log` names a kind of change in its narrow second column.
LOG_LABELS = {
    "paper_read": "read",
    "paper_target": "target",
    "read_correction": "reading",
    "study_timer": "timer",
    "study_target": "target",
}


def _title_of(state: State, topic_id: str) -> str:
    return state.display_title(topic_id) if topic_id in state.roadmap.topics else topic_id


def _session_line(state: State, session: StudySession, change: Change, undone: Text) -> Text:
    from ..domain.study import format_duration

    """The time and the topic it went to (if any), then the note; a timer stopped before a minute
    had passed logged nothing, and says so in its summary."""
    if not session.minutes:
        return Text.assemble(change.summary, undone)
    where = f"  {_title_of(state, session.topic)}" if session.topic else ""
    note = f"  {session.note}" if session.note else ""
    return Text.assemble(format_duration(session.minutes), where, undone, (note, "dim"))


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
        title = after.display_title(event.topic) if event.topic in after.roadmap.topics else event.topic
        console.print("↶ undone:", status_text(event.status), "→", status_text(after.status(event.topic)), " ", title)
