"""The study calendar: a heatmap of weeks (columns, Monday first) by weekday (rows), the streak with
its grace day, and this week's study against its goal; and the same as JSON.

Each shade has its own character, so the heatmap reads without colour (NO_COLOR) and when pasted.
"""

from __future__ import annotations

from typing import Any

from rich.columns import Columns
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..domain.calendar import Calendar, CalendarDay, CalendarWeek
from ..domain.habit import Today
from ..domain.state import State
from ..domain.study import GRACE_NOTE, Streak, format_duration
from .console import bar

SHADE_GLYPHS = ("·", "░", "▒", "▓", "█")  # levels 0 to 4 (see domain.calendar.shade)
SHADE_STYLES = ("bright_black", "dark_green", "green4", "green3", "bright_green")
SHADE_WORDS = ("none", "some", "half", "target", "double")
FUTURE_GLYPH = " "
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
LABEL_WIDTH = 4  # a weekday and a blank before the week columns
BAR_CELLS = 20


def calendar_json(calendar: Calendar) -> dict[str, Any]:
    """Every day shown up to today (not the days to come), the streak and this week against its goal."""
    days = [day for week in calendar.weeks for day in week.days if not day.future]
    return {
        "from": days[0].on.isoformat(),
        "to": calendar.today.isoformat(),
        "weeks": len(calendar.weeks),
        "target": calendar.target,
        "days": [day.to_json() for day in days],
        "streak": calendar.streak.to_json(),
        "week": {"label": calendar.weeks[-1].label, "total": calendar.week_total, "goal": calendar.week_goal},
    }


def render_calendar(console: Console, calendar: Calendar) -> None:
    """The heatmap, as many of its latest weeks as the terminal has columns for (52 take 56)."""
    weeks = calendar.weeks[-max(1, console.width - LABEL_WIDTH) :]
    console.print(
        Text.assemble(
            ("Study, ", ""),
            (f"{weeks[0].label} to {weeks[-1].label}", "bold"),
            (f"  ({len(weeks)} week{'s' if len(weeks) != 1 else ''})", "dim"),
        )
    )
    console.print(_month_line(weeks), no_wrap=True, overflow="crop")
    for weekday, name in enumerate(WEEKDAYS):
        row = Text(f"{name:<{LABEL_WIDTH}}", style="dim")
        for week in weeks:
            row.append(*_cell(week.days[weekday]))
        console.print(row, no_wrap=True, overflow="crop")
    _render_legend(console, calendar)
    _render_totals(console, calendar)


def _cell(day: CalendarDay) -> tuple[str, str]:
    """A day's character and style in its row."""
    if day.future:
        return FUTURE_GLYPH, ""
    return SHADE_GLYPHS[day.level], SHADE_STYLES[day.level]


def _month_line(weeks: tuple[CalendarWeek, ...]) -> Text:
    """A month's name over the week its 1st falls in, and the first week's month over the first
    column when that leaves room; a name that would run into the next, or off the end, is left out."""
    starts = [(column, day.on.month) for column, week in enumerate(weeks) for day in week.days if day.on.day == 1]
    if not starts or starts[0][0] >= len(MONTHS[0]) + 1:
        starts.insert(0, (0, weeks[0].days[0].on.month))
    line = [" "] * (LABEL_WIDTH + len(weeks))
    free_from = 0
    for column, month in starts:
        name = MONTHS[month - 1]
        if column >= free_from and column + len(name) <= len(weeks):
            line[LABEL_WIDTH + column : LABEL_WIDTH + column + len(name)] = name
            free_from = column + len(name) + 1
    return Text("".join(line).rstrip(), style="dim")


def _render_legend(console: Console, calendar: Calendar) -> None:
    shades = [
        Text.assemble((glyph, style), f" {word}")
        for glyph, style, word in zip(SHADE_GLYPHS, SHADE_STYLES, SHADE_WORDS, strict=True)
    ]
    console.print(Padding(Columns(shades, padding=(0, 2)), (0, 0, 0, LABEL_WIDTH), expand=False))
    console.print(
        Text(
            f"{SHADE_GLYPHS[3]} and {SHADE_GLYPHS[4]} met the daily target"
            f" ({format_duration(calendar.target)} today) and count toward the streak;"
            f" {SHADE_GLYPHS[1]} also marks a day a topic was done or a paper read.",
            style="dim",
        )
    )
    if all(day.level == 0 for week in calendar.weeks for day in week.days):
        console.print(Text("Nothing logged in these weeks yet. Log study time: llmpath study 30m", style="dim"))


def _render_totals(console: Console, calendar: Calendar) -> None:
    console.print(streak_line(calendar.streak))
    goal = calendar.week_goal
    line = Table.grid(padding=(0, 1, 0, 0))
    line.add_column(no_wrap=True)
    line.add_column(no_wrap=True)  # the bar keeps its width; the words beside it wrap
    line.add_column()
    status = Text(f"{format_duration(calendar.week_total)} of {format_duration(goal)}")
    if calendar.week_total >= goal:
        status.append(" met ✔", style="green")
    line.add_row("This week", bar(calendar.week_total, goal, BAR_CELLS), status)
    console.print(line)


def streak_line(streak: Streak) -> Text:
    return Text.assemble(
        ("Streak: ", ""), (_days(streak.current), "bold"), (f", longest {_days(streak.longest)} ({GRACE_NOTE})", "")
    )


def render_today(console: Console, state: State, now: Today) -> None:
    """`llmpath study`: today's sessions, their total against the target, the timer, the streak."""
    line = Table.grid(padding=(0, 1, 0, 0))
    line.add_column(no_wrap=True)
    line.add_column(no_wrap=True)
    line.add_column()
    status = Text(f"{format_duration(now.minutes)} of {format_duration(now.target)}")
    if now.minutes >= now.target:
        status.append(" met ✔", style="green")
    line.add_row(f"Today {now.day.isoformat()}", bar(now.minutes, now.target, BAR_CELLS), status)
    console.print(line)
    for session in now.sessions:
        if session.minutes:
            where = Text(_title(state, session.topic) or "no topic", style="" if session.topic else "dim")
            note = f"  {session.note}" if session.note else ""
            console.print(Text.assemble(f"  {format_duration(session.minutes):>6}  ", where, (note, "dim")))
    if now.timer is not None:
        started = now.timer.started_at.astimezone().strftime("%Y-%m-%d %H:%M")  # the learner's own clock
        title = _title(state, now.timer.topic)
        where = f" on {title}" if title else ""
        console.print(Text(f"Timer running since {started}{where}: llmpath study stop", style="yellow"))
    console.print(streak_line(now.streak))
    if not now.sessions and now.timer is None:
        console.print(Text("Log time with `llmpath study 30m [TOPIC]`, or `llmpath study start`.", style="dim"))


def _title(state: State, topic: str | None) -> str | None:
    """A topic's display title; its id when the roadmap no longer has it; None for no topic."""
    if topic is None:
        return None
    return state.display_title(topic) if topic in state.roadmap.topics else topic


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"
