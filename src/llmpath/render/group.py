"""The cohort: one row per learner of a study group."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..domain.cohort import CohortRow

MIN_TOPIC_WIDTH = 8  # narrower than this, the topic a learner is on is left out


def render_cohort(console: Console, rows: list[CohortRow]) -> None:
    if not rows:
        console.print(
            Text("No learner to show: instructors see every learner, learners those who ran `llmpath group share on`.")
        )
        return
    cells = [
        (
            Text(row.learner),  # Text: names and titles are data, never markup
            Text(row.track),
            f"{row.percent}%",
            Text(row.topic_title),
            str(row.done_this_week),
            f"{row.papers}/{row.target}",
            row.last_active.isoformat() if row.last_active else "never",
        )
        for row in rows
    ]
    # Every column but the topic keeps its width, so the table reads at 60 columns: the topic a
    # learner is on takes what is left, or is left out.
    headers = ("learner", "track", "done", "on", "week", "papers", "active")
    limits = {"learner": 14, "track": 10}
    widths = {
        header: min(limits.get(header, 99), max(len(header), *(len(str(cell[i])) for cell in cells)))
        for i, header in enumerate(headers)
        if header != "on"
    }
    topic_width = console.width - sum(widths.values()) - 2 * (len(headers) - 1) - 1
    shown = [h for h in headers if h != "on" or topic_width >= MIN_TOPIC_WIDTH]
    table = Table(box=None, pad_edge=False, padding=(0, 1), header_style="bold underline")
    for header in shown:
        width = widths.get(header, topic_width)
        justify = "right" if header in ("done", "week", "papers") else "left"
        table.add_column(header, width=width, no_wrap=True, overflow="ellipsis", justify=justify)
    for cell in cells:
        table.add_row(*(cell[headers.index(h)] for h in shown))
    console.print(table)
    console.print(Text("done: of the track · week: topics done this week · papers: this week / target", style="dim"))
