"""Topics the roadmap marks optional are counted apart: never in a total, a percent or what is left,
offered by `next` after every required topic that is ready, never required by another topic; a track
whose required topics are done or skipped is finished. The rule over any statuses, then through the
real CLI on both stores."""

from datetime import UTC, date, datetime

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import samples
from llmpath.domain.planner import plan
from llmpath.domain.progress import track_progress
from llmpath.domain.records import MemoryRecords
from llmpath.domain.state import Event, State
from llmpath.roadmap.loader import parse_roadmap

pytestmark = pytest.mark.stores

TODAY = date(2026, 11, 25)
AT = datetime(2026, 11, 25, tzinfo=UTC)
MAIN = ["alpha", "extra", "beta", "gamma"]  # the main track's topics in order; `extra` is optional


def with_optional_topic(data):
    """The tiny roadmap with an optional topic in its first stage, which module `mod` (the second
    stage) names as a prerequisite through the stage."""
    data["topics"].append({"id": "extra", "title": "Extra", "optional": True})
    data["tracks"][0]["stages"][0]["topics"] = ["alpha", "extra", "beta"]
    return data


ROADMAP = parse_roadmap(yaml.safe_dump(samples.tiny(with_optional_topic), sort_keys=False))


@given(statuses=st.lists(st.sampled_from(["todo", "in_progress", "done", "skipped"]), min_size=4, max_size=4))
def test_optional_topics_are_never_in_the_figures(statuses):
    events = [
        Event(f"u{n}", n, topic, status, TODAY, AT, None)
        for n, (topic, status) in enumerate(zip(MAIN, statuses, strict=True), start=1)
        if status != "todo"
    ]
    state = State(ROADMAP, MemoryRecords(events=events))
    track = ROADMAP.track("main")
    progress = track_progress(state, track, TODAY)
    required = {topic: status for topic, status in zip(MAIN, statuses, strict=True) if topic != "extra"}
    tally = progress.tally
    assert (tally.total, tally.optional) == (3, 1)
    assert tally.done == list(required.values()).count("done")
    assert tally.counted == 3 - list(required.values()).count("skipped")
    assert (tally.optional_done, tally.optional_skipped) == (statuses[1] == "done", statuses[1] == "skipped")
    assert 0 <= tally.percent <= 100
    finished = all(status in ("done", "skipped") for status in required.values())
    assert progress.finished == plan(state, track).finished == finished
    for topic in ("beta", "gamma"):  # what they require never holds the optional topic
        assert "extra" not in ROADMAP.requirements(track, topic)


@pytest.fixture
def optional_roadmap(tmp_path, monkeypatch):
    path = samples.write(tmp_path / "tiny.yaml", samples.tiny(with_optional_topic))
    monkeypatch.setenv("LLMPATH_ROADMAP", str(path))


def test_progress_counts_an_optional_topic_apart(cli, cli_json, optional_roadmap):
    cli("done", "extra")
    data = cli_json("progress")
    assert (data["done"], data["total"], data["percent"]) == (0, 3, 0.0)
    assert data["optional"] == {"done": 1, "skipped": 0, "total": 1}
    assert data["stages"][0]["optional"] == {"done": 1, "skipped": 0, "total": 1} and data["stages"][0]["total"] == 2
    assert "Optional: 1 of 1 done (outside the total)" in cli("progress").stdout
    cli("skip", "extra")
    assert "Optional: 0 of 1 done, 1 skipped (outside the total)" in cli("progress").stdout
    assert cli_json("progress")["optional"] == {"done": 0, "skipped": 1, "total": 1}
    cli("undo")
    assert "First  0/2 +1/1 optional" in cli("roadmap").stdout
    assert cli_json("status")["total"] == 3
    assert "0 of 3 topics done (0%). Optional: 1 of 1 done." in cli("export", "--markdown").stdout


def test_next_offers_an_optional_topic_after_the_required_ones_that_are_ready(cli, cli_json, optional_roadmap):
    suggestions = cli_json("next", "-n", "3")["next"]
    assert [s["id"] for s in suggestions] == ["alpha", "extra"]  # beta and gamma wait on alpha
    assert suggestions[1]["optional"] is True and suggestions[1]["reason"].startswith("it is optional")
    cli("done", "alpha", "beta")
    assert cli_json("next")["next"][0]["id"] == "gamma"  # the open optional topic holds nothing back


def test_a_track_is_finished_when_its_required_topics_are(cli, cli_json, optional_roadmap):
    cli("done", "alpha", "beta", "gamma")
    data = cli_json("next")
    assert data["finished"] is True and [s["id"] for s in data["next"]] == ["extra"]
    out = cli("next").stdout
    assert "You have finished Main: every required topic is done or skipped." in out
    assert "Optional, if you want more: Extra, llmpath show extra" in out
    assert "Time left: none, the track is finished" in cli("progress").stdout
    assert cli_json("progress")["percent"] == 100.0


def test_show_names_what_a_topic_builds_on_and_an_open_optional_topic_leaves_it_met(cli, cli_json, optional_roadmap):
    assert "Builds on: First (first)" in cli("show", "gamma").stdout  # its module's prerequisite: a stage
    cli("done", "alpha", "beta")
    assert "Builds on: First (first, met)" in cli("show", "gamma").stdout
    assert cli_json("show", "gamma")["prerequisites"] == [{"id": "first", "title": "First", "met": True}]


def test_an_optional_topic_done_is_not_this_weeks_progress_nor_pace(cli, cli_json, optional_roadmap):
    cli("done", "extra")
    data = cli_json("progress")
    assert (data["done_this_week"], data["optional"]["done"]) == (0, 1)
    assert cli_json("status")["done_this_week"] == 0
    assert "- [x] Extra *(optional)*" in cli("export", "--markdown").stdout


def test_a_stage_of_optional_topics_only_has_nothing_left_to_count(cli, cli_json, tmp_path, monkeypatch):
    def extras(data):
        with_optional_topic(data)
        data["topics"].append({"id": "more", "title": "More", "optional": True})
        data["tracks"][0]["stages"].append({"id": "extras", "title": "Extras", "topics": ["more"]})

    monkeypatch.setenv("LLMPATH_ROADMAP", str(samples.write(tmp_path / "extras.yaml", samples.tiny(extras))))
    stage = cli_json("progress")["stages"][-1]
    assert (stage["total"], stage["percent"], stage["optional"]) == (0, 100.0, {"done": 0, "skipped": 0, "total": 1})
    assert "Extras  0/1 optional" in cli("roadmap").stdout


def test_what_show_calls_met_is_what_next_goes_by_after_a_later_start(cli, cli_json):
    """Starting at a later stage takes the stages before it as known: `show` and `next` agree."""
    cli("track", "use", "developer", "--from", "2")
    first = cli_json("next")["next"][0]
    assert first["prerequisites"] and all(p["met"] for p in first["prerequisites"])
    assert ", met)" in cli("show", first["id"]).stdout
