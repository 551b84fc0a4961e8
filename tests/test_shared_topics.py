"""A topic two tracks share shows under its module only on a track whose stage lists that module:
the specialist track lists modules, the complete track lists some of their topics one by one, and
there they have no module. Every view of a track follows it: list, roadmap, show, next, their
--json and the Markdown export."""

from dataclasses import dataclass

import pytest

from llmpath.paths import bundled_roadmap
from llmpath.roadmap.loader import load_roadmap

ROADMAP = load_roadmap(bundled_roadmap())


@dataclass(frozen=True)
class Shared:
    topic: str
    title: str
    module: str
    module_title: str
    listed_on: str  # a track whose stage holding the topic lists its module
    listed_stage: str
    bare_on: str  # a track whose stage holding the topic lists the topic, not its module
    bare_stage: str


def shared_topics() -> list[Shared]:
    found = []
    for topic in ROADMAP.topics.values():
        if topic.module is None:
            continue
        holding = [(track.id, stage) for track in ROADMAP.tracks for stage in track.stages if topic.id in stage.topics]
        listed = [(track, stage) for track, stage in holding if topic.module in stage.modules]
        bare = [(track, stage) for track, stage in holding if topic.module not in stage.modules]
        if listed and bare:
            module = ROADMAP.modules[topic.module]
            (listed_on, listed_stage), (bare_on, bare_stage) = listed[0], bare[0]
            found.append(
                Shared(
                    topic.id, topic.title, module.id, module.title, listed_on, listed_stage.id, bare_on, bare_stage.id
                )
            )
    return found


SHARED = shared_topics()


def test_the_bundled_roadmap_shares_topics_of_the_specialist_modules_with_the_complete_track():
    pairs = {(s.topic, s.listed_on, s.bare_on) for s in SHARED}
    assert {("scaling-laws", "specialist", "complete"), ("prompt-engineering", "specialist", "complete")} <= pairs


def ids(shared: Shared) -> str:
    return shared.topic


def module_heading_in_list(out: str, topic_id: str) -> str | None:
    """The module heading `list` prints a topic under: stage titles start a line, module titles are
    indented two spaces, topic lines further."""
    heading = None
    for line in out.splitlines():
        if not line.startswith(" "):
            heading = None
        elif not line.startswith("   "):
            heading = line.strip()
        elif f" {topic_id} " in f"{line} ":
            return heading
    raise AssertionError(f"{topic_id} is not listed:\n{out}")


def module_heading_in_markdown(text: str, title: str) -> str | None:
    """The `###` heading a topic's checklist line is under, within its stage's `##`."""
    heading = None
    for line in text.splitlines():
        if line.startswith("## "):
            heading = None
        elif line.startswith("### "):
            heading = line.removeprefix("### ")
        elif line.startswith("- [") and line.endswith(f"] {title}"):
            return heading
    raise AssertionError(f"{title} is not in the checklist:\n{text}")


def bring_up_next(cli, track: str, stage: str, topic: str) -> None:
    """Make `topic` the next step on `track`: start at its stage, the topics before it done."""
    cli("track", "use", track, "--from", stage)
    stage_topics = next(s for t in ROADMAP.tracks if t.id == track for s in t.stages if s.id == stage).topics
    before = stage_topics[: stage_topics.index(topic)]
    if before:
        cli("done", *before)


@pytest.fixture(autouse=True)
def wide(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # no title wrapped: what is compared is whole


@pytest.mark.parametrize("shared", SHARED, ids=ids)
def test_list_shows_the_module_heading_only_on_the_track_that_lists_the_module(cli, cli_json, shared):
    bare = cli("list", "--track", shared.bare_on).stdout
    listed = cli("list", "--track", shared.listed_on).stdout
    assert module_heading_in_list(bare, shared.topic) is None
    assert module_heading_in_list(listed, shared.topic) == shared.module_title

    for track, module, title in (
        (shared.bare_on, None, shared.title),
        (shared.listed_on, shared.module, f"{shared.module_title} › {shared.title}"),
    ):
        row = next(t for t in cli_json("list", "--track", track)["topics"] if t["id"] == shared.topic)
        assert (row["module"], row["display_title"]) == (module, title), track


@pytest.mark.parametrize("shared", SHARED, ids=ids)
def test_the_roadmap_tree_has_a_module_branch_only_on_the_track_that_lists_the_module(cli, cli_json, shared):
    bare = cli("roadmap", "--track", shared.bare_on, "--stage", shared.bare_stage).stdout
    listed = cli("roadmap", "--track", shared.listed_on, "--stage", shared.listed_stage).stdout
    assert shared.title in bare and shared.module_title not in bare
    assert shared.module_title in listed

    for track, stage, module in (
        (shared.bare_on, shared.bare_stage, None),
        (shared.listed_on, shared.listed_stage, shared.module),
    ):
        (shown,) = cli_json("roadmap", "--track", track, "--stage", stage)["stages"]
        row = next(t for t in shown["topics"] if t["id"] == shared.topic)
        assert row["module"] == module, track


@pytest.mark.parametrize("shared", SHARED, ids=ids)
def test_the_markdown_export_puts_the_topic_under_its_module_only_on_the_track_that_lists_it(cli, shared):
    bare = cli("export", "--markdown", "--track", shared.bare_on).stdout
    listed = cli("export", "--markdown", "--track", shared.listed_on).stdout
    assert module_heading_in_markdown(bare, shared.title) is None
    assert module_heading_in_markdown(listed, shared.title) == shared.module_title


@pytest.mark.parametrize("shared", SHARED, ids=ids)
def test_show_follows_the_active_track(cli, cli_json, shared):
    cli("track", "use", shared.bare_on)
    bare = cli("show", shared.topic).stdout
    bare_json = cli_json("show", shared.topic)
    cli("track", "use", shared.listed_on)
    listed = cli("show", shared.topic).stdout
    listed_json = cli_json("show", shared.topic)

    assert shared.module_title not in bare
    assert f"{shared.module_title} › {shared.title}" in listed
    assert (bare_json["module"], bare_json["display_title"]) == (None, shared.title)
    assert listed_json["module"] == shared.module
    # Whichever track is viewed, show names every track holding the topic.
    assert bare_json["on_tracks"] == listed_json["on_tracks"]


@pytest.mark.parametrize("shared", SHARED, ids=ids)
def test_show_of_a_topic_off_the_active_track_follows_the_first_track_holding_it(cli, cli_json, shared):
    holding = [t for t in ROADMAP.tracks if shared.topic in t.topic_ids()]
    elsewhere = next(t for t in ROADMAP.tracks if t not in holding)
    first = holding[0]
    cli("track", "use", elsewhere.id)
    shown = cli_json("show", shared.topic)
    expected = shared.module if first.id == shared.listed_on else None
    assert (shown["module"], shown["on_tracks"][0]["track"]) == (expected, first.id)
    stage_title = next(s.title for s in first.stages if shared.topic in s.topics)
    assert stage_title in cli("show", shared.topic).stdout


@pytest.mark.parametrize("shared", SHARED, ids=ids)
@pytest.mark.parametrize("listed", [False, True], ids=["bare", "listed"])
def test_next_shows_the_module_only_on_the_track_that_lists_it(cli, cli_json, shared, listed):
    track, stage = (shared.listed_on, shared.listed_stage) if listed else (shared.bare_on, shared.bare_stage)
    bring_up_next(cli, track, stage, shared.topic)

    (first, *_) = cli_json("next")["next"]
    out = cli("next").stdout

    assert first["id"] == shared.topic
    assert first["module"] == (shared.module if listed else None)
    assert (shared.module_title in out) is listed
    assert shared.title in out


@pytest.mark.parametrize("shared", SHARED, ids=ids)
def test_a_topic_off_the_track_viewed_is_named_with_its_own_module(shared):
    """A prerequisite `next` names may lie on another track: no stage of the one viewed says
    otherwise, so its title keeps the module that tells it apart."""
    tracks = {track.id: track for track in ROADMAP.tracks}
    elsewhere = next(track for track in ROADMAP.tracks if shared.topic not in track.topic_ids())
    assert ROADMAP.display_title(shared.topic, elsewhere) == f"{shared.module_title} › {shared.title}"
    assert ROADMAP.display_title(shared.topic, tracks[shared.listed_on]) == f"{shared.module_title} › {shared.title}"
    assert ROADMAP.display_title(shared.topic, tracks[shared.bare_on]) == shared.title


@pytest.mark.parametrize("shared", SHARED, ids=ids)
def test_messages_name_a_shared_topic_as_the_active_track_shows_it(cli, shared):
    qualified = f"{shared.module_title} › {shared.title}"
    cli("track", "use", shared.bare_on)
    assert cli("done", shared.topic).stdout.splitlines()[0] == f"✔ done {shared.title}"
    assert f"noted on {shared.title} (" in cli("note", shared.topic, "why").stdout
    assert f"  {shared.title}  why" in cli("log").stdout
    cli("track", "use", shared.listed_on)
    assert cli("start", shared.topic).stdout.splitlines()[0] == f"▶ in progress {qualified}"
