"""The study calendar as printed: a heatmap that fits the terminal and reads without colour, the
streak with its grace day, this week against its goal; and its JSON."""

import json
from datetime import date, timedelta

import pytest
from rich.cells import cell_len

from llmpath.domain.calendar import DayActivity, build_calendar
from llmpath.domain.study import GRACE_NOTE, DailyTargetChange
from llmpath.render.calendar import (
    FUTURE_GLYPH,
    LABEL_WIDTH,
    SHADE_GLYPHS,
    WEEKDAYS,
    calendar_json,
    render_calendar,
)
from llmpath.render.console import make_console

TODAY = date(2026, 5, 6)  # a Wednesday


def a_year_of_study(today: date = TODAY):
    """A year where each day's minutes cycle through every shade, and a topic done every ninth day."""
    first = today - timedelta(days=364)
    minutes = {first + timedelta(days=n): (0, 5, 15, 30, 60)[n % 5] for n in range(365)}
    activity = {first + timedelta(days=n): DayActivity(topics=1) for n in range(0, 365, 9)}
    return build_calendar(today, 52, minutes, activity, [])


def printed(calendar, monkeypatch, width: int) -> str:
    monkeypatch.setenv("COLUMNS", str(width))
    console = make_console()
    with console.capture() as capture:
        render_calendar(console, calendar)
    return capture.get()


def grid_of(out: str) -> list[str]:
    """The heatmap's rows, Monday to Sunday, without their weekday labels."""
    rows = [line for line in out.splitlines() if line[:3] in WEEKDAYS]
    assert [row[:3] for row in rows] == list(WEEKDAYS)
    return [row[LABEL_WIDTH:] for row in rows]


@pytest.mark.parametrize("width", [80, 60])
def test_a_year_fits_80_and_60_columns_with_every_week(monkeypatch, width):
    calendar = a_year_of_study()
    out = printed(calendar, monkeypatch, width)
    assert all(cell_len(line) <= width for line in out.splitlines()), out
    assert [len(row) for row in grid_of(out)] == [52] * 7
    assert "2025-W20 to 2026-W19  (52 weeks)" in out


def test_a_narrow_terminal_shows_the_latest_weeks_that_fit(monkeypatch):
    calendar = a_year_of_study()
    out = printed(calendar, monkeypatch, 40)
    assert all(cell_len(line) <= 40 for line in out.splitlines()), out
    assert [len(row) for row in grid_of(out)] == [36] * 7
    assert f"{calendar.weeks[-36].label} to 2026-W19  (36 weeks)" in out
    assert GRACE_NOTE in " ".join(out.split())
    for word in ("none", "some", "half", "target", "double"):
        assert word in out.split()


def test_each_cell_shows_its_days_shade_and_days_to_come_stay_blank(monkeypatch):
    calendar = a_year_of_study()
    rows = grid_of(printed(calendar, monkeypatch, 80))
    for column, week in enumerate(calendar.weeks):
        for weekday, day in enumerate(week.days):
            expected = FUTURE_GLYPH if day.future else SHADE_GLYPHS[day.level]
            cell = rows[weekday][column] if column < len(rows[weekday]) else FUTURE_GLYPH
            assert cell == expected, f"{day.on}: {cell!r} for level {day.level}"
    assert {cell for row in rows for cell in row} == {*SHADE_GLYPHS, FUTURE_GLYPH}


def test_without_colour_every_shade_has_its_own_character(monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")  # a terminal, so that colour would show if it were allowed
    out = printed(a_year_of_study(), monkeypatch, 80)
    assert "\x1b[3" not in out and "\x1b[9" not in out  # NO_COLOR (set for every test): no foreground colour
    assert len({*SHADE_GLYPHS, FUTURE_GLYPH}) == 6
    legend = next(line for line in out.splitlines() if "none" in line)
    assert [legend.count(glyph) for glyph in SHADE_GLYPHS] == [1] * 5


def test_with_colour_the_shades_are_coloured_too(monkeypatch):
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    out = printed(a_year_of_study(), monkeypatch, 80)
    assert "\x1b[3" in out or "\x1b[9" in out


def test_month_names_sit_over_the_week_of_their_first_day(monkeypatch):
    calendar = a_year_of_study(date(2027, 1, 20))
    out = printed(calendar, monkeypatch, 80)
    months = out.splitlines()[1]
    column = next(n for n, week in enumerate(calendar.weeks) if date(2027, 1, 1) in [d.on for d in week.days])
    assert calendar.weeks[column].label == "2026-W53"
    assert months[LABEL_WIDTH + column :].startswith("Jan")
    assert months.split() == ["Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan"]


def test_the_streak_shows_with_its_grace_rule_and_this_week_against_its_goal(monkeypatch):
    first = TODAY - timedelta(days=9)
    minutes = {first + timedelta(days=n): 45 for n in range(10) if n != 4}
    calendar = build_calendar(TODAY, 52, minutes, {}, [DailyTargetChange(40, first)])
    out = printed(calendar, monkeypatch, 80)
    assert f"Streak: 9 days, longest 9 days ({GRACE_NOTE})" in out
    assert "This week" in out and "2h15m of 4h40m" in out
    assert "(40m today)" in out


def test_a_met_week_says_so(monkeypatch):
    minutes = {TODAY - timedelta(days=n): 240 for n in range(3)}  # 12h by Wednesday, over 7 × 30m
    out = printed(build_calendar(TODAY, 4, minutes, {}, []), monkeypatch, 60)
    assert "12h of 3h30m met ✔" in out


def test_an_empty_calendar_says_how_to_log_study(monkeypatch):
    out = printed(build_calendar(TODAY, 52, {}, {}, []), monkeypatch, 80)
    assert "Streak: 0 days, longest 0 days" in out
    assert "Nothing logged in these weeks yet. Log study time: llmpath study 30m" in out
    assert {cell for row in grid_of(out) for cell in row} == {SHADE_GLYPHS[0], FUTURE_GLYPH}


def test_the_json_has_every_day_to_today_the_streak_and_the_week():
    calendar = a_year_of_study()
    data = json.loads(json.dumps(calendar_json(calendar)))
    assert set(data) == {"from", "to", "weeks", "target", "days", "streak", "week"}
    assert (data["from"], data["to"], data["weeks"], data["target"]) == ("2025-05-12", "2026-05-06", 52, 30)
    assert len(data["days"]) == 51 * 7 + 3
    assert [day["on"] for day in data["days"][-3:]] == ["2026-05-04", "2026-05-05", "2026-05-06"]
    assert set(data["days"][0]) == {"on", "minutes", "target", "topics", "papers", "level"}
    shown = {day["on"]: day for day in data["days"]}
    for week in calendar.weeks:
        for day in week.days:
            if not day.future:
                assert shown[day.on.isoformat()] == day.to_json()
    assert data["streak"] == {
        "current": calendar.streak.current,
        "longest": calendar.streak.longest,
        "grace": GRACE_NOTE,
    }
    assert data["week"] == {"label": "2026-W19", "total": calendar.week_total, "goal": 210}
