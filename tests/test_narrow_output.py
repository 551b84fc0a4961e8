"""Views at any terminal width from 40 columns: no line is wider than the terminal, and no word is
split across lines. Ids stay whole, on one line, since a learner copies them; the only line that
may be wider than the terminal is an id longer than the terminal itself, alone on its line."""

from collections import Counter

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len


@pytest.fixture
def records(cli, cli_json):
    """A few records, so that marks, skipped counts and reads show; and what the views print, as JSON."""
    cli("done", "programming-foundations")
    cli("start", "nn-foundations-regularization-strategies")
    cli("skip", "ml-foundations")
    cli("papers", "log", "lora", "--pass", "1")
    return {
        view: cli_json(*view.split())
        for view in ("list", "list --track specialist", "roadmap", "progress", "papers", "next")
    }


def expected_words(view: str, data: dict) -> tuple[list[str], set[str]]:
    """The words a view prints whole, from what its JSON holds: titles' words and ids; and the ids."""
    if view.startswith("list"):
        titles = [t["title"] + (" (optional)" if t["optional"] else "") for t in data["topics"]]
        ids = [t["id"] for t in data["topics"]]
    elif view == "roadmap":
        titles = [s["title"] for s in data["stages"]] + [t["title"] for s in data["stages"] for t in s["topics"]]
        ids = []
    elif view == "progress":
        titles, ids = [s["title"] for s in data["stages"]] + ["Overall"], []
    else:  # papers
        titles, ids = [p["title"] for p in data["papers"]], [p["id"] for p in data["papers"]]
    return [word for title in titles for word in title.split()] + ids, set(ids)


VIEWS = ["list", "list --track specialist", "roadmap", "progress", "papers"]


@pytest.mark.parametrize("view", VIEWS)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(width=st.integers(40, 120))
@example(width=40)
@example(width=60)
def test_views_fit_the_terminal_and_split_no_word(cli, records, monkeypatch, view, width):
    monkeypatch.setenv("COLUMNS", str(width))
    out = cli(*view.split()).stdout
    printed, ids = expected_words(view, records[view])
    missing = Counter(printed) - Counter(out.split())
    assert not missing, f"split or missing at {width} columns: {sorted(missing)}\n{out}"
    for line in out.splitlines():
        alone = line.strip()
        assert cell_len(line) <= width or (alone in ids and line == alone), f"wider than {width}: {line!r}"


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(width=st.integers(40, 120))
@example(width=40)
def test_the_paper_to_read_next_keeps_its_id_whole(cli, records, monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    suggestion = records["progress"]["papers"]["suggestion"]["id"]
    for view in ("progress", "next"):
        out = cli(view).stdout
        # `read next: bert, BERT: Pre-training…`, the title cut to fit, the id never
        assert any(word.startswith(f"{suggestion},") for word in out.split()), f"{view} at {width} columns:\n{out}"
        assert all(cell_len(line) <= width for line in out.splitlines()), out
