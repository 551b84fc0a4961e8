"""The cohort: one row per learner of a study group."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..domain.cohort import CohortRow


def render_cohort(console: Console, rows: list[CohortRow]) -> None:
    if not rows:
        console.print(
            Text("No learner to show: instructors see every learner, learners those who ran `llmpath group share on`.")
        )
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("learner", no_wrap=True, overflow="ellipsis", max_width=16)
    table.add_column("track", no_wrap=True, overflow="ellipsis", max_width=12)
    table.add_column("done", justify="right", no_wrap=True)
    table.add_column("on", overflow="ellipsis", ratio=1, no_wrap=True, min_width=8)
    table.add_column("week", justify="right", no_wrap=True)
    table.add_column("papers", justify="right", no_wrap=True)
    table.add_column("active", no_wrap=True, min_width=10)
    for row in rows:
        table.add_row(
            Text(row.learner),  # Text: names and titles are data, never markup
            Text(row.track),
            f"{row.percent}%",
            Text(row.on),
            str(row.done_this_week),
            f"{row.papers}/{row.target}",
            row.last_active.isoformat() if row.last_active else "never",
        )
    console.print(table)
