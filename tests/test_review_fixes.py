"""Regression tests for defects found in review: each names what used to go wrong."""

import json
import os
import sqlite3

import pytest

import samples
from llmpath.errors import RoadmapError
from llmpath.roadmap.loader import parse_roadmap
from llmpath.store import migrations, queries
from processes import run_badge


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


def test_the_schema_readers_trust_is_the_latest_migration():
    assert queries.SCHEMA == migrations.latest()


def test_a_store_from_a_newer_llmpath_is_refused(cli, llmpath_home):
    cli("next")
    with sqlite3.connect(llmpath_home / "llmpath.db") as conn:
        conn.execute("INSERT INTO migration (name, applied_at) VALUES ('9999_from_the_future', '2030-01-01')")
    conn.close()
    result = cli("next", code=1)
    assert "upgraded by a newer llmpath" in result.stderr


def test_a_badge_file_that_cannot_be_written_does_not_fail_a_saved_change(cli, cli_json, llmpath_home):
    cli("done", "math-foundations")
    cli("done", "classical-ml")
    (llmpath_home / "badge.txt").unlink()
    (llmpath_home / "badge.txt").mkdir()
    result = cli("undo")
    assert "warning: saved" in result.stderr and "undone" in result.stdout
    (llmpath_home / "badge.txt").rmdir()
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


# --- second review: papers, backups, badge -------------------------------------------------------


def test_badge_percent_is_rounded_once_and_agrees_with_the_fallback(cli, llmpath_home):
    cli("done", "programming-foundations", "math-foundations")  # 2 of 135: 1.48%
    fast = run_badge(llmpath_home).stdout
    (llmpath_home / "badge.txt").unlink()
    assert fast == run_badge(llmpath_home).stdout == "llm 1% 0/2 papers\n"


def test_badge_fallback_follows_the_starting_stage_and_names_the_module(cli, llmpath_home):
    cli("track", "use", "developer", "--from", "Part 3")
    fast = run_badge(llmpath_home, "--format", "{next}").stdout
    (llmpath_home / "badge.txt").unlink()
    assert fast == run_badge(llmpath_home, "--format", "{next}").stdout == "Model Evaluation › Benchmark Suites\n"


def test_badge_fallback_uses_the_target_in_force_this_week(cli, llmpath_home, tmp_path):
    doc = {
        "format": "llmpath-export",
        "version": 1,
        "paper_targets": [
            {"uid": "t1", "target": 3, "on": "2026-01-05", "at": "2026-01-05T00:00:00+00:00"},
            {"uid": "t2", "target": 4, "on": "2999-12-20", "at": "2026-01-06T00:00:00+00:00"},
        ],
    }
    (tmp_path / "t.json").write_text(json.dumps(doc))
    cli("import", str(tmp_path / "t.json"))
    fast = run_badge(llmpath_home).stdout
    (llmpath_home / "badge.txt").unlink()
    assert fast == run_badge(llmpath_home).stdout == "llm 0% 0/3 papers\n"


@pytest.mark.parametrize("template", ["{track[x]}", "{track.upper}", "{percent:>5}", "{next!r}", "{", "}"])
def test_templates_beyond_bare_fields_are_refused(cli, llmpath_home, template):
    cli("done", "math-foundations")
    result = run_badge(llmpath_home, "--format", template)
    assert result.returncode == 2 and result.stderr.startswith("llmpath badge: ") and "Traceback" not in result.stderr
    assert cli("shell-init", "bash", "--format", template, code=2).stderr.startswith("error: ")


def test_badge_survives_a_closed_or_full_stdout(cli, llmpath_home):
    import subprocess
    import sys

    cli("done", "math-foundations")
    code = "import sys; from llmpath.entry import main; sys.exit(main())"
    with open("/dev/full", "w") as full:
        run = subprocess.run(
            [sys.executable, "-c", code, "badge"],
            env=os.environ | {"LLMPATH_HOME": str(llmpath_home)},
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert run.returncode == 0 and "Traceback" not in run.stderr


def test_an_older_target_set_the_same_day_does_not_win(cli, cli_json, tmp_path):
    cli("papers", "target", "5")
    today = cli_json("papers", "--week")["monday"]
    doc = {
        "format": "llmpath-export",
        "version": 1,
        "paper_targets": [{"uid": "old", "target": 3, "on": today, "at": "2000-01-01T00:00:00+00:00"}],
    }
    (tmp_path / "t.json").write_text(json.dumps(doc))
    cli("import", str(tmp_path / "t.json"))
    assert cli_json("papers", "--week")["target"] == 5


def test_a_cleared_setting_stays_cleared_after_importing_an_older_export(cli, cli_json, tmp_path):
    cli("track", "use", "developer", "--from", "Part 2")
    cli("export", "-o", str(tmp_path / "old.json"))
    cli("track", "use", "developer", "--from", "1")
    cli("import", str(tmp_path / "old.json"))
    assert cli_json("next")["next"][0]["stage"] == "developer-prerequisites"


def test_malformed_times_and_repeated_ids_in_an_import_are_refused(cli, tmp_path):
    base = {"format": "llmpath-export", "version": 1}
    cases = [
        (
            {"undos": [{"uid": "u", "batch": "b", "at": "0001-01-01T00:00:00+01:00"}]},
            "undos[0].at: is outside the range of times",
        ),
        (
            {
                "undos": [
                    {"uid": "u", "batch": "b1", "at": "2026-01-01T00:00:00+00:00"},
                    {"uid": "u", "batch": "b2", "at": "2026-01-01T00:00:00+00:00"},
                ]
            },
            "undos[1].uid: 'u' is already used by undos[0]",
        ),
    ]
    for extra, message in cases:
        (tmp_path / "bad.json").write_text(json.dumps({**base, **extra}))
        result = cli("import", str(tmp_path / "bad.json"), code=2)
        assert message in result.stderr and len(result.stderr.splitlines()) == 1


def test_doctor_leaves_no_file_behind(cli, llmpath_home):
    cli("done", "math-foundations")
    before = sorted(p.name for p in llmpath_home.iterdir())
    cli("doctor")
    assert sorted(p.name for p in llmpath_home.iterdir()) == before


def test_a_data_dir_with_uri_characters(cli, cli_json, tmp_path, monkeypatch):
    home = tmp_path / "odd#dir?x=1"
    monkeypatch.setenv("LLMPATH_HOME", str(home))
    cli("done", "math-foundations")
    assert "schema is current" in " ".join(cli("doctor").stdout.split())
    assert not (tmp_path / "odd").exists()
    (home / "badge.txt").unlink()
    assert run_badge(home).stdout == "llm 1% 0/2 papers\n"


def test_the_first_weeks_of_year_one_do_not_crash(cli):
    result = cli("papers", "--week", "--of", "0001-W01", "--json")
    assert json.loads(result.stdout)["week"] == "0001-W01"
