"""Papers: the week against the reading target, the paper list, one paper with its reading
notebook, and the one-line summary under `next` and `progress`."""

from __future__ import annotations

from datetime import timedelta

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..domain.papers import Read, WeekView
from ..domain.state import State
from ..roadmap.schema import Paper
from .console import bar, bullet_list, dated_notes

BAR_CELLS = 24  # the widest bar: beside its week and count, it fits a 60-column terminal


def week_bar(count: int, target: int) -> Text:
    """A cell per paper that counts and per paper still to go, so it reads without colour; scaled
    down to BAR_CELLS when the target or the count is larger, a part that is there never vanishing."""
    scale = min(1.0, BAR_CELLS / max(count, target, 1))

    def cells(papers: int, glyph: str) -> str:
        return glyph * (max(1, round(papers * scale)) if papers > 0 else 0)

    return Text.assemble(
        (cells(min(count, target), "█"), "green"),
        (cells(target - count, "░"), "dim"),
        (cells(count - target, "█"), "cyan"),
    )


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
    line.add_column(no_wrap=True)
    line.add_column(no_wrap=True)  # the bar keeps its width; the words beside it wrap
    line.add_column()
    line.add_row("Target", bar(min(tally.count, tally.target), tally.target, 20), status)
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
    from ..domain.papers import PASSES

    parts: list[RenderableType] = []
    facts = [str(paper.year)] if paper.year else []
    facts.append("your own paper" if paper.own else paper.priority)
    parts.append(Text(" · ".join(facts) + f" · id: {paper.id}", style="cyan"))
    if paper.contribution:
        parts.append(Text(paper.contribution))
    if paper.also_known_as:
        parts.append(Text(f"Also known as: {'; '.join(paper.also_known_as)}", style="dim"))
    if paper.url:
        parts.append(Text(paper.url, style="blue"))
    if paper.topics:
        parts += [Text(""), Text("Topics", style="bold")]
        parts.append(
            bullet_list([Text(state.display_title(t)) for t in paper.topics if t in state.roadmap.topics], "•", 2)
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
    """One line: this week's papers against the target, and one unread paper to read next, its
    title cut to fit. Its id is never cut (a learner copies it): when the id would be, the
    suggestion takes a line of its own."""
    line = Text.assemble(
        ("Papers this week: ", ""),
        week_bar(summary["count"], summary["target"]),
        f" {summary['count']}/{summary['target']}",
    )
    line.append("  met ✔" if summary["met"] else "", style="green")
    suggestion = summary["suggestion"]
    if suggestion:
        read_next = f"read next: {suggestion['id']}, {suggestion['title']}"
        if line.cell_len + len(f"  · read next: {suggestion['id']},") < console.width:  # and room for …
            line.append(f"  · {read_next}", style="dim")
        else:
            console.print(line, no_wrap=True, overflow="ellipsis")
            line = Text(read_next[:1].upper() + read_next[1:], style="dim")
    line.truncate(console.width, overflow="ellipsis")
    console.print(line, no_wrap=True)
