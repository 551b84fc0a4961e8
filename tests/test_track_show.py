"""What the roadmap says about a track and its stages reaches the learner: `track show`, `show STAGE`
and, on entering a stage, `next`. Every field the loader keeps on a track or a stage is shown by one
of them: a field added to the schema and shown nowhere fails here."""

import dataclasses
from pathlib import Path

import pytest

from llmpath.roadmap.loader import load_roadmap
from llmpath.roadmap.schema import Estimate
from samples import tiny, write

BUNDLED = load_roadmap(Path(__file__).resolve().parents[1] / "data" / "roadmap.yaml")
SHOWN_FROM = 30  # a value counts as shown when its first characters are; a long one wraps


def flat(text: str) -> str:
    return " ".join(text.split())


def texts(value: object) -> list[str]:
    """The texts a learner would read for a field's value: its words, lines, items or parts."""
    if value is None or isinstance(value, bool):
        return []
    if isinstance(value, str):
        return [line for line in value.splitlines() if line.strip()]
    if isinstance(value, int):
        return [str(value)]
    if isinstance(value, Estimate):
        return [value.text()]
    if isinstance(value, tuple):
        return [text for item in value for text in texts(item)]
    assert dataclasses.is_dataclass(value), f"add {type(value).__name__} to texts()"
    return [text for part in dataclasses.fields(value) for text in texts(getattr(value, part.name))]


def unshown(value: object, where: str, out: str) -> list[str]:
    return [f"{where}: {text!r}" for text in texts(value) if flat(text)[:SHOWN_FROM] not in out]


def test_every_field_of_every_track_and_stage_is_shown_by_some_command(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # no id folded across lines: what is compared is the text
    missing = []
    for track in BUNDLED.tracks:
        out = flat(cli("track", "show", track.id).stdout)
        for part in dataclasses.fields(track):
            if part.name != "stages":
                missing += unshown(getattr(track, part.name), f"{track.id}.{part.name}", out)
        for stage in track.stages:
            stage_out = flat(cli("show", stage.id).stdout)
            for part in dataclasses.fields(stage):
                missing += unshown(getattr(stage, part.name), f"{stage.id}.{part.name}", stage_out)
    assert not missing, "loaded but shown by no command:\n" + "\n".join(missing)


@pytest.mark.parametrize("width", [80, 60])
@pytest.mark.parametrize(
    "command", [["track", "show", "developer"], ["track", "show", "complete"], ["show", "developer-part-3"]]
)
def test_the_track_and_stage_views_fit_the_terminal(cli, monkeypatch, width, command):
    monkeypatch.setenv("COLUMNS", str(width))
    lines = cli(*command).stdout.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= width
    assert "\x1b[" not in "\n".join(lines)  # NO_COLOR, set for every test


def test_track_show_by_title_gives_the_estimate_path_and_entry_points(cli):
    out = flat(cli("track", "show", "LLM development roadmap").stdout)
    assert "Estimate: 12-24 months" in out
    assert "--from engineering" in out
    assert "Focus: Production deployment" in out
    recommended = flat(cli("track", "show", "complete").stdout)
    assert "Recommended path" in recommended and "Understand the Transformers Architecture" in recommended


def test_track_show_json_is_the_roadmap_and_show_stage_json_is_one_of_its_stages(cli_json):
    track = cli_json("track", "show", "specialist")
    assert track["id"] == "specialist" and track["active"] is False
    assert [stage["id"] for stage in track["stages"]] == [s.id for s in BUNDLED.track("specialist").stages]
    expert = next(stage for stage in track["stages"] if stage["id"] == "specialist-expert")
    assert expert["summary"].startswith("Goal:") and expert["estimate"] == "12+ months"
    assert cli_json("show", "specialist-expert") == {"track": "specialist", **expert}
    assert cli_json("track", "show", "developer")["active"] is True


def test_an_unknown_track_is_one_line_naming_the_tracks(cli):
    result = cli("track", "show", "nosuch", code=2)
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
    assert "developer" in result.stderr


def test_show_takes_a_stage_by_id_or_title_with_its_topics_and_their_status(cli):
    cli("done", "math-foundations")
    by_title = cli("show", "Part 1: The foundations").stdout
    assert by_title == cli("show", "developer-part-1").stdout
    assert "Learning Objectives:" in by_title and "nn-foundations-learning-algorithms" in by_title
    rows = {
        line.split()[-1]: line.split()[0] for line in cli("show", "developer-prerequisites").stdout.splitlines()[-3:]
    }
    assert rows == {"programming-foundations": "○", "math-foundations": "✔", "ml-foundations": "○"}


def test_a_topic_named_exactly_wins_over_a_stage_of_the_same_title(cli, cli_json, tmp_path, monkeypatch):
    roadmap = tiny(lambda d: d["topics"].append({"id": "first-steps", "title": "First"}))
    roadmap["tracks"][1]["stages"][0]["topics"].append("first-steps")
    monkeypatch.setenv("LLMPATH_ROADMAP", str(write(tmp_path / "roadmap.yaml", roadmap)))
    assert cli_json("show", "First")["id"] == "first-steps"  # though `first` is a stage's id
    assert cli_json("show", "second")["track"] == "main"  # no topic is named so
    assert cli("show", "Second").stdout.startswith("Stage of Main")


def test_roadmap_text_in_the_track_views_is_never_markup(cli, tmp_path, monkeypatch):
    markup = "[bold red]loud[/bold red] [link=https://example.org]x[/link]"
    roadmap = tiny()
    roadmap["tracks"][0] |= {"description": markup, "estimate": markup, "recommended_path": [markup]}
    roadmap["tracks"][0]["stages"][1] |= {"summary": markup, "body": f"Learning Objectives: {markup}"}
    monkeypatch.setenv("LLMPATH_ROADMAP", str(write(tmp_path / "roadmap.yaml", roadmap)))
    for command in (["track", "show", "main"], ["show", "second"]):
        out = flat(cli(*command).stdout)
        assert out.count(markup) >= 2, command


def test_next_says_what_a_stage_is_for_when_the_learner_enters_it_only(cli):
    objectives = "Build essential knowledge through hands-on"
    cli("done", "programming-foundations", "math-foundations", "ml-foundations")
    out = cli("next").stdout
    assert f"New stage: {objectives}" in out
    assert len(out.splitlines()) <= 24  # a screen, as every first `next`
    cli("start", "nn-foundations-neural-network-fundamentals")
    assert "New stage:" not in cli("next").stdout


def test_the_researcher_roadmaps_advice_is_the_sources_word_for_word(cli, cli_json):
    """Its introduction, research areas, answers and closing advice; the questions are ours (the
    source's did not survive), so only the answers are held to it."""
    seed = (Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_15e39e2d2248354a.txt").read_text()
    seed_lines = {line.strip().removesuffix(":") for line in seed.splitlines()}
    track = BUNDLED.track("researcher")
    assert track.research_areas == (
        "Efficiency and Compression",
        "Alignment and Safety",
        "Capabilities Research",
        "Evaluation",
    )
    assert set(track.research_areas) <= seed_lines
    assert [entry.answer for entry in track.faq] and {entry.answer for entry in track.faq} <= seed_lines
    assert "Consistency beats intensity — just 30 minutes a day." in track.closing
    assert all(sentence in seed for sentence in track.closing.split("? "))
    first, second = track.description.split(" Large language models represent")
    assert {first, "Large language models represent" + second} <= seed_lines
    shown = cli_json("track", "show", "researcher")
    assert shown["research_areas"] == list(track.research_areas) and shown["closing"] == track.closing
    assert [q["answer"] for q in shown["faq"]] == [entry.answer for entry in track.faq]
    out = flat(cli("track", "show", "researcher").stdout)
    assert "Research areas" in out and "Do I need a PhD? Increasingly no." in out
