"""Regression tests for defects found in review: each names what used to go wrong."""

import json
import os
import sqlite3

import pytest

import samples
from llmpath import snapshot
from llmpath.errors import RoadmapError
from llmpath.loader import parse_roadmap
from llmpath.store import migrations


@pytest.fixture
def roadmap_file(tmp_path, monkeypatch):
    path = tmp_path / "roadmap.yaml"
    monkeypatch.setenv("LLMPATH_ROADMAP", str(path))

    def write(change=None):
        return samples.write(path, samples.tiny(change))

    write()
    return write


def statuses(cli_json):
    return {t["id"]: t["status"] for t in cli_json("list")["topics"]}


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(cli, cli_json, roadmap_file):
    cli("next")
    path = roadmap_file()
    before = path.stat()
    text = path.read_text().replace("title: Alpha", "title: Alfa!")
    path.write_text(text)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert cli_json("list")["topics"][0]["title"] == "Alfa!"


def test_a_snapshot_from_another_version_is_rebuilt(cli, cli_json, llmpath_home):
    cli("done", "math-foundations")
    stale = json.loads((llmpath_home / "snapshot.json").read_text())
    stale["llmpath"] = "0.0.1"
    stale["roadmap"]["papers"][0]["unexpected_field"] = 1  # what an older or newer reader chokes on
    (llmpath_home / "snapshot.json").write_text(json.dumps(stale))
    assert cli_json("progress")["done"] == 1


def test_the_snapshot_schema_matches_the_migrations():
    assert snapshot.SCHEMA == migrations.latest()


def test_a_store_from_a_newer_llmpath_is_refused(cli, llmpath_home):
    cli("next")
    with sqlite3.connect(llmpath_home / "llmpath.db") as conn:
        conn.execute("INSERT INTO migration (name, applied_at) VALUES ('9999_from_the_future', '2030-01-01')")
    conn.close()
    (llmpath_home / "snapshot.json").unlink()
    result = cli("next", code=1)
    assert "upgraded by a newer llmpath" in result.stderr


def test_a_snapshot_that_cannot_be_written_does_not_fail_a_saved_change(cli, cli_json, llmpath_home):
    cli("done", "math-foundations")
    cli("done", "classical-ml")
    (llmpath_home / "snapshot.json").unlink()
    (llmpath_home / "snapshot.json").mkdir()
    result = cli("undo")
    assert "warning: saved" in result.stderr and "undone" in result.stdout
    (llmpath_home / "snapshot.json").rmdir()
    marked = {t["id"]: t["status"] for t in cli_json("list", "--track", "complete")["topics"]}
    assert (marked["math-foundations"], marked["classical-ml"]) == ("done", "todo")


def test_a_retired_topic_id_does_not_hide_a_module_of_that_name(cli, cli_json, roadmap_file):
    cli("done", "gamma")

    def gamma_becomes_a_module(d):
        d["topics"][2].update(id="eps", module="gamma")
        d["modules"].append({"id": "gamma", "title": "Gamma module"})
        d["tracks"][0]["stages"][1]["modules"] = ["mod", "gamma"]
        d["topics"].append({"id": "zeta", "title": "Zeta", "module": "gamma"})
        d["topics"].append({"id": "gamma-keeper", "title": "Keeper", "module": "mod"})

    roadmap_file(gamma_becomes_a_module)
    cli("done", "gamma")
    marked = statuses(cli_json)
    assert (marked["eps"], marked["zeta"]) == ("done", "done")


def test_a_prerequisite_listed_twice_is_a_roadmap_error():
    data = samples.tiny(lambda d: d["topics"][1]["prerequisites"].append("alpha"))
    import yaml

    with pytest.raises(RoadmapError, match=r"topics\[1\]\.prerequisites\[1\]: 'alpha' is listed twice"):
        parse_roadmap(yaml.safe_dump(data))


def test_a_mapping_key_that_is_a_list_is_a_roadmap_error():
    with pytest.raises(RoadmapError, match="not a roadmap"):
        parse_roadmap("? [a, b]\n: c\n", "odd.yaml")


def _rename(old, new, aliases):
    def change(d):
        for topic in d["topics"]:
            if topic["id"] == old:
                topic.update(id=new, aliases=aliases)
        for track in d["tracks"]:
            for stage in track["stages"]:
                stage["topics"] = [new if t == old else t for t in stage.get("topics", [])]
        for topic in d["topics"]:
            topic["prerequisites"] = [new if p == old else p for p in topic.get("prerequisites", [])]
        for paper in d["papers"]:
            paper["topics"] = [new if t == old else t for t in paper["topics"]]

    return change


def test_progress_survives_an_alias_dropped_later_and_chained_renames(cli, cli_json, roadmap_file):
    cli("done", "alpha")
    roadmap_file(_rename("alpha", "alpha-2", ["alpha"]))
    assert statuses(cli_json)["alpha-2"] == "done"
    roadmap_file(_rename("alpha", "alpha-3", ["alpha-2"]))  # the first alias is gone from the file
    assert statuses(cli_json)["alpha-3"] == "done"
    assert cli_json("show", "alpha")["id"] == "alpha-3"  # the oldest id still finds it


def test_show_follows_an_old_id(cli, cli_json, roadmap_file):
    roadmap_file(_rename("alpha", "alpha-2", ["alpha"]))
    assert cli_json("show", "alpha")["id"] == "alpha-2"


def test_a_huge_topic_name_is_refused_quickly(cli):
    result = cli("done", "x" * 20_000, code=2)
    assert "20000 characters long" in result.stderr and len(result.stderr) < 200


@pytest.mark.parametrize("value", ["²", "٣", "0", "99"])
def test_odd_stage_numbers_are_refused(cli, value):
    assert cli("list", "--stage", value, code=2).stderr.startswith("error: ")


@pytest.mark.parametrize("note", ["\udcff", "\x1b]0;pwned\x07\x1b[2J", "a\x00b", "x" * 2001])
def test_unsafe_or_huge_notes_are_refused(cli, cli_json, note):
    result = cli("done", "math-foundations", "--note", note, code=2)
    assert result.stderr.startswith("error: the note") and len(result.stderr.splitlines()) == 1
    assert statuses(cli_json)["math-foundations"] == "todo"


def test_a_multi_line_note_is_kept(cli, cli_json):
    cli("done", "math-foundations", "--note", "line one\n\tline two")
    assert cli_json("show", "math-foundations")["history"][0]["note"] == "line one\n\tline two"


def test_show_a_retired_topic_whose_module_is_gone(cli, roadmap_file):
    cli("done", "gamma")

    def drop_module(d):
        d["topics"].pop(2)
        d["modules"] = []
        d["tracks"][0]["stages"][1] = {"id": "second", "title": "Second", "topics": ["delta"]}

    roadmap_file(drop_module)
    assert "Retired" in cli("show", "gamma").stdout


def test_lists_and_candidates_fit_80_columns(cli):
    out = cli("list", "--track", "specialist").stdout + cli("list").stdout
    assert max(len(line) for line in out.splitlines()) <= 80
    err = cli("show", "overview", code=2).stderr + cli("done", "Applications", code=2).stderr
    assert max(len(line) for line in err.splitlines()[1:]) <= 80
