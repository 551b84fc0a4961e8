"""Loading a roadmap: each validation error names the file, the entry's path and what is wrong;
through the CLI, a missing or broken roadmap is one line."""

import copy

import pytest
import yaml

import samples
from llmpath.errors import RoadmapError
from llmpath.roadmap.loader import load_roadmap, parse_roadmap

VALID = samples.TINY


def parse(data):
    return parse_roadmap(yaml.safe_dump(data, sort_keys=False), "custom.yaml")


def broken(change):
    data = copy.deepcopy(VALID)
    change(data)
    with pytest.raises(RoadmapError) as info:
        parse(data)
    message = str(info.value)
    assert message.startswith("custom.yaml: ")
    assert "\n" not in message
    return message


def test_the_valid_example_loads():
    roadmap = parse(VALID)
    track = roadmap.track("main")
    assert track.topic_ids() == ["alpha", "beta", "gamma"]
    assert roadmap.requirements(roadmap.track("levels"), "delta") == ["alpha"]
    assert roadmap.requirements(track, "gamma") == ["alpha", "beta"]


def test_missing_required_field():
    message = broken(lambda d: d["topics"][1].pop("title"))
    assert "topics[1] (beta): missing required field 'title'" in message


def test_unknown_field():
    assert "topics[0].titel" not in broken(lambda d: d["topics"][0].update(titel="x"))
    assert "unknown field 'titel'" in broken(lambda d: d["topics"][0].update(titel="x"))


def test_bad_slug():
    assert "topics[0].id: 'Alpha One' is not a lowercase slug" in broken(
        lambda d: d["topics"][0].update(id="Alpha One")
    )


def test_duplicate_topic_id():
    message = broken(lambda d: d["topics"][1].update(id="alpha"))
    assert "topics[1].id: id 'alpha' is already used by topics[0]" in message


def test_topic_id_clashing_with_a_module():
    assert "topics[2].id: id 'mod' is already used by modules[0]" in broken(lambda d: d["topics"][2].update(id="mod"))


def test_unknown_prerequisite():
    message = broken(lambda d: d["topics"][1]["prerequisites"].append("nowhere"))
    assert "topics[1].prerequisites[1]: 'nowhere' is not a topic, module or stage id" in message


def test_stage_names_an_unknown_topic():
    message = broken(lambda d: d["tracks"][0]["stages"][0]["topics"].append("nowhere"))
    assert "tracks[0].stages[0].topics[2]: 'nowhere' is not a topic id" in message


def test_stage_names_an_unknown_module():
    message = broken(lambda d: d["tracks"][0]["stages"][1].update(modules=["nowhere"]))
    assert "tracks[0].stages[1].modules[0]: 'nowhere' is not a module id" in message


def test_topic_on_no_track():
    message = broken(lambda d: d["topics"].append({"id": "lost", "title": "Lost"}))
    assert "topics[4] (lost): this topic is on no track" in message


def test_topic_twice_on_one_track():
    message = broken(lambda d: d["tracks"][0]["stages"][0]["topics"].append("gamma"))
    assert "tracks[0].stages[1].modules[0]: topic 'gamma' is already on this track" in message


def test_paper_names_an_unknown_topic():
    assert "papers[0].topics[0]: 'nowhere' is not a topic id" in broken(
        lambda d: d["papers"][0].update(topics=["nowhere"])
    )


def test_bad_arxiv_id():
    assert "papers[0].arxiv: '17.06' is not an arXiv id" in broken(lambda d: d["papers"][0].update(arxiv="17.06"))


def test_bad_priority():
    assert "papers[0].priority: expected one of" in broken(lambda d: d["papers"][0].update(priority="Urgent"))


def test_bad_year():
    assert "papers[0].year: expected a whole number from 1900 to 2100" in broken(
        lambda d: d["papers"][0].update(year="soon")
    )


def test_cycle():
    message = broken(lambda d: d["topics"][0].update(prerequisites=["beta"]))
    assert "prerequisites form a cycle: " in message and "alpha" in message and "beta" in message


def test_module_requiring_itself():
    assert "cycle: gamma -> gamma" in broken(lambda d: d["modules"][0].update(prerequisites=["mod"]))


def test_bad_estimate_unit():
    message = broken(lambda d: d["tracks"][0]["stages"][1]["estimate"].update(unit="days"))
    assert "tracks[0].stages[1].estimate.unit: expected one of weeks, months" in message


def test_unknown_default_track():
    assert "default_track: 'other' is not a track id" in broken(lambda d: d.update(default_track="other"))


def test_entry_point_outside_its_track():
    message = broken(lambda d: d["tracks"][0]["entry_points"][0].update(stage="elsewhere"))
    assert "tracks[0].entry_points[0].stage: 'elsewhere' is not a stage of track 'main'" in message


def test_alias_clashing_with_an_id():
    assert "topics[0].aliases[0]: 'beta' is already an id" in broken(lambda d: d["topics"][0].update(aliases=["beta"]))


def test_checklist_of_the_wrong_shape():
    assert "topics[0].checklist: expected a list of points" in broken(lambda d: d["topics"][0].update(checklist="one"))


def test_resource_link_that_is_not_a_web_address():
    assert "topics[1].resources[0].url: expected an http(s) address" in broken(
        lambda d: d["topics"][1]["resources"][0].update(url="ftp://x")
    )


def test_entry_that_is_not_a_mapping():
    assert "topics[1]: expected a mapping, got text" in broken(lambda d: d["topics"].__setitem__(1, "beta"))


def test_wrong_format_version():
    assert "version: this llmpath reads roadmap format 1, not 2" in broken(lambda d: d.update(version=2))


def test_empty_file():
    with pytest.raises(RoadmapError, match=r"^custom.yaml: the file is empty"):
        parse_roadmap("", "custom.yaml")


def test_not_yaml():
    with pytest.raises(RoadmapError, match=r"^custom.yaml: line 3, column 1: not valid YAML"):
        parse_roadmap("version: 1\ntracks: [oops\n", "custom.yaml")


def test_key_given_twice():
    with pytest.raises(RoadmapError, match=r"^custom.yaml: line 4: key 'title' appears twice"):
        parse_roadmap("topics:\n  - id: a\n    title: A\n    title: B\n", "custom.yaml")


def test_a_prerequisite_listed_twice_is_a_roadmap_error():
    data = samples.tiny(lambda d: d["topics"][1]["prerequisites"].append("alpha"))
    with pytest.raises(RoadmapError, match=r"topics\[1\]\.prerequisites\[1\]: 'alpha' is listed twice"):
        parse_roadmap(yaml.safe_dump(data))


def test_a_mapping_key_that_is_a_list_is_a_roadmap_error():
    with pytest.raises(RoadmapError, match="not a roadmap"):
        parse_roadmap("? [a, b]\n: c\n", "odd.yaml")


def test_missing_file(tmp_path):
    with pytest.raises(RoadmapError, match="roadmap file not found"):
        load_roadmap(tmp_path / "nope.yaml")


def test_directory_instead_of_file(tmp_path):
    with pytest.raises(RoadmapError, match="is a directory"):
        load_roadmap(tmp_path)


def test_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes("title: caf\xe9".encode("latin-1"))
    with pytest.raises(RoadmapError, match="not UTF-8"):
        load_roadmap(path)


# --- text that would act on a terminal ------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["topics"][0].update(title="evil \u202etxt.exe"), "topics[0].title: contains U+202E"),
        (lambda d: d["topics"][0].update(body="one\n\x1b]0;pwned\x07"), "topics[0].body: contains U+001B"),
        (
            lambda d: d["topics"][0].update(checklist=["one", "zero\u200bwidth"]),
            "topics[0].checklist[1]: contains U+200B",
        ),
        (lambda d: d["topics"][2].update(checklist={"Gr\u2066oup": ["x"]}), "topics[2].checklist: contains U+2066"),
        (lambda d: d["papers"][0].update(contribution="a\x85b"), "papers[0].contribution: contains U+0085"),
        (
            lambda d: d["topics"][1]["resources"][0].update(title="Si\rte"),
            "topics[1].resources[0].title: contains U+000D",
        ),
        (lambda d: d["topics"][0].update(title="two\nlines"), "topics[0].title: contains U+000A"),
        (lambda d: d["tracks"][0].update(description="two\nlines"), "tracks[0].description: contains U+000A"),
    ],
)
def test_control_bidi_and_invisible_characters_are_refused(change, expected):
    message = broken(change)
    assert f"{expected}, a control or invisible character" in message
    assert message.isprintable()


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"faq": "oops"}, "tracks[0].faq: expected a list, got text"),
        ({"faq": [{"question": "q"}]}, "tracks[0].faq[0]: missing required field 'answer'"),
        ({"faq": [{"question": "q", "answer": "a", "by": "x"}]}, "tracks[0].faq[0]: unknown field 'by'"),
        ({"research_areas": 5}, "tracks[0].research_areas: expected a list, got a number"),
        ({"closing": ["x"]}, "tracks[0].closing: expected non-empty text, got a list"),
        ({"closing": "bye\x1b[2J"}, "tracks[0].closing: contains U+001B"),
    ],
)
def test_a_tracks_questions_research_areas_and_closing_advice_are_checked(fields, expected):
    assert expected in broken(lambda d: d["tracks"][0].update(fields))


def test_a_body_may_span_lines_and_hold_tabs():
    roadmap = parse(samples.tiny(lambda d: d["topics"][0].update(body="First.\n\n\tSecond.\n")))
    assert roadmap.topics["alpha"].body == "First.\n\n\tSecond."


def test_an_id_that_is_not_a_slug_never_names_the_entry():
    message = broken(lambda d: d["topics"][1].update(id="\x1b[2J", title=None))
    assert message == "custom.yaml: topics[1].id: contains U+001B, a control or invisible character"


def test_a_checklist_point_in_a_group_is_named_by_its_group():
    assert "topics[2].checklist.Group[1]: expected non-empty text" in broken(
        lambda d: d["topics"][2].update(checklist={"Group": ["x", ""]})
    )


def test_values_quoted_in_messages_are_cut_short():
    assert len(broken(lambda d: d["topics"][0].update({"k" * 100_000: 1}))) < 300
    assert len(broken(lambda d: d["papers"][0].update(year="9" * 100_000))) < 300


def test_the_bundled_roadmap_loads():
    from llmpath.paths import bundled_roadmap

    roadmap = load_roadmap(bundled_roadmap())
    assert len(roadmap.topics) > 100
    assert any("\n" in topic.body for topic in roadmap.topics.values())  # why bodies may span lines


# --- through the CLI -----------------------------------------------------------------------------


@pytest.mark.parametrize("roadmap", ["missing.yaml", "dir", "broken.yaml"])
def test_missing_or_broken_roadmaps_give_one_line(cli, tmp_path, monkeypatch, roadmap):
    (tmp_path / "dir").mkdir()
    (tmp_path / "broken.yaml").write_text("version: 1\ntopics: {")
    monkeypatch.setenv("LLMPATH_ROADMAP", str(tmp_path / roadmap))
    result = cli("next", code=1)
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1
