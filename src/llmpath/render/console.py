"""The console every command prints through, and the pieces the other render modules share.

make_console never reads markup, emoji codes or highlighting from data, and its ShownVisibly hook
passes every printed character through safetext.visible. Status marks and words, bulleted lists and
dated-note tables are used by more than one subject.
"""

from __future__ import annotations

from rich import box
from rich.console import Console, ConsoleOptions, RenderableType, RenderHook, RenderResult
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from ..safetext import visible

MARKS = {"done": ("✔", "green"), "in_progress": ("▶", "yellow"), "skipped": ("↷", "dim"), "todo": ("○", "")}
STATUS_WORDS = {"done": "done", "in_progress": "in progress", "skipped": "skipped", "todo": "to do"}


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


def bar(completed: float, total: float, width: int) -> Text:
    """A progress bar that reads without colour: █ for what is done, ░ for what is not. A part that
    is there never vanishes in rounding: 1 of 135 shows one cell, 134 of 135 leaves one."""
    share = min(max(completed / total, 0.0), 1.0) if total > 0 else 1.0
    cells = round(share * width)
    if 0 < share < 1:
        cells = min(max(cells, 1), width - 1)
    return Text.assemble(("█" * cells, "green"), ("░" * (width - cells), "dim"))


def status_text(status: str) -> Text:
    return Text(STATUS_WORDS[status], style=MARKS[status][1])


def bullet_list(items: list[Text], symbol: str, indent: int) -> Table:
    """Items after a symbol, wrapped lines lining up under the text rather than the symbol."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(width=indent + len(symbol), justify="right", no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    for item in items:
        grid.add_row(symbol, item)
    return grid


def dated_notes(
    title: str, middle: str, rows: list[tuple[Text | str, Text | str, Text | str]], middle_shown: bool = True
) -> Table:
    """A table of day, one fact and a note: a topic's history, a paper's reading notebook; without
    the fact (`middle_shown` false): a topic's notes."""
    table = Table(box=box.SIMPLE, title=title, title_justify="left")
    table.add_column("on", no_wrap=True)
    if middle_shown:
        table.add_column(middle)
    table.add_column("note", overflow="fold")
    for on, fact, note in rows:
        table.add_row(*((on, fact, note) if middle_shown else (on, note)))
    return table
