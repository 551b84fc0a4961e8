"""Size limits and hostile content: whatever a roadmap or an import file holds, llmpath ends with one
line naming the problem, stores nothing of it, and never shows a traceback."""

import json
import time

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import samples
from llmpath.files import MAX_IMPORT_BYTES, MAX_ROADMAP_BYTES
from llmpath.safetext import MAX_ID, MAX_TEXT, MAX_TITLE, MAX_URL

EVENT = {
    "uid": "u1",
    "batch": "b1",
    "topic": "math-foundations",
    "status": "done",
    "on": "2026-01-01",
    "at": "2026-01-01T00:00:00+00:00",
    "note": None,
}


def export_file(path, **sections):
    path.write_text(json.dumps({"format": "llmpath-export", "version": 1, **sections}), encoding="utf-8")
    return path


def refused(result, *phrases):
    assert len(result.stderr.splitlines()) == 1, result.stderr
    for phrase in phrases:
        assert phrase in result.stderr, result.stderr


def import_stdin(content):
    """`llmpath import -` given `content` on standard input; refused, with one line."""
    from typer.testing import CliRunner

    from llmpath.cli import app

    result = CliRunner().invoke(app, ["import", "-"], input=content, catch_exceptions=False)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result


# --- import: file size --------------------------------------------------------------------------


def test_an_import_file_over_the_limit_is_refused_before_anything_is_stored(cli, tmp_path, llmpath_home):
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(MAX_IMPORT_BYTES + 1)  # sparse: no disk space needed
    refused(cli("import", str(big), code=2), f"{big}: is over the 32 MiB limit")
    refused(import_stdin(b" " * (MAX_IMPORT_BYTES + 1)), "error: standard input: is over the 32 MiB limit")
    assert not llmpath_home.exists()


def test_an_import_file_of_exactly_the_limit_is_read(cli, tmp_path):
    path = export_file(tmp_path / "full.json", status_events=[EVENT])
    with path.open("a") as handle:
        handle.write(" " * (MAX_IMPORT_BYTES - path.stat().st_size))
    assert path.stat().st_size == MAX_IMPORT_BYTES
    assert "Imported 1 change (1 status event)" in cli("import", str(path)).stdout


# --- import: hostile JSON -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"[" * 100_000, "not JSON (nested too deeply)"),
        (b'{"format": "llmpath-export", "version": ' + b"9" * 5000 + b"}", "not JSON (a number of 5000 digits)"),
        (b'{"format": "llmpath-export", "version": 1, "x": NaN}', "not JSON (NaN is not a number JSON allows)"),
        (b'{"version": Infinity}', "not JSON (Infinity is not a number JSON allows)"),
        (b"[-Infinity]", "not JSON (-Infinity is not a number JSON allows)"),
        (b"\x00\x01\x02\x03", "not JSON (line 1, column 1"),
        (b'{"format": "\xc3\x28"}', "not UTF-8 text (byte 12)"),
        ("{}".encode("utf-16"), "not UTF-8 text (byte 0)"),
        (b"", "not JSON (line 1, column 1: Expecting value)"),
    ],
)
def test_hostile_json_gets_one_line_and_changes_nothing(cli, tmp_path, llmpath_home, content, reason):
    path = tmp_path / "hostile.json"
    path.write_bytes(content)
    refused(cli("import", str(path), code=2), f"error: {path}: {reason}", "; nothing was imported")
    refused(import_stdin(content), f"error: standard input: {reason}")
    assert not llmpath_home.exists()


@pytest.mark.parametrize(
    ("section", "record", "where", "limit"),
    [
        ("status_events", dict(EVENT, note="n" * 2001), "status_events[0].note", 2000),
        ("status_events", dict(EVENT, uid="u" * 201), "status_events[0].uid", 200),
        ("own_papers", {"id": "own-x", "title": "t" * 301, "created_at": EVENT["at"]}, "own_papers[0].title", 300),
        (
            "settings",
            {"key": "active_track", "value": "v" * 201, "updated_at": EVENT["at"]},
            "settings[0].value",
            200,
        ),
    ],
)
def test_an_imported_text_over_its_limit_is_refused(cli, tmp_path, llmpath_home, section, record, where, limit):
    path = export_file(tmp_path / "long.json", **{section: [record]})
    refused(cli("import", str(path), code=2), f"{where}: {limit + 1} characters; at most {limit}; nothing was imported")
    assert not llmpath_home.exists()


def test_imported_texts_at_their_limits_are_kept(cli, cli_json, tmp_path):
    note = "n" * 1999 + "\N{GRINNING FACE}"
    event = dict(EVENT, uid="u" * 200, note=note)
    paper = {"id": "own-" + "x" * 196, "title": "t" * 300, "created_at": EVENT["at"]}
    cli("import", str(export_file(tmp_path / "full.json", status_events=[event], own_papers=[paper])))
    assert cli_json("show", "math-foundations")["history"][0]["note"] == note


@pytest.mark.parametrize(
    ("text", "code"),
    [("\u202e", "U+202E"), ("\u200b", "U+200B"), ("\x1b[2J", "U+001B"), ("\x85", "U+0085"), ("a\rb", "U+000D")],
)
def test_imported_text_with_a_control_or_invisible_character_is_refused(cli, tmp_path, llmpath_home, text, code):
    path = export_file(tmp_path / "bidi.json", status_events=[dict(EVENT, note=f"seen {text}")])
    refused(cli("import", str(path), code=2), f"status_events[0].note: contains {code}, a control or invisible")
    assert not llmpath_home.exists()


JSONISH = st.text(alphabet='[]{}",:0123456789.eE-+ \\nulltruefalseNaInfiy\x00\u202e', max_size=60)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(st.binary(max_size=200), JSONISH.map(str.encode)))
def test_random_bytes_given_to_import_never_give_a_traceback(cli, tmp_path, content):
    """`cli` fails on an exception; a refusal is one line."""
    path = tmp_path / "random.json"
    path.write_bytes(content)
    refused(cli("import", str(path), code=2), f"error: {path}: ")
    refused(import_stdin(content), "error: standard input: ")


# --- typed arguments -----------------------------------------------------------------------------


def test_a_huge_topic_name_is_refused_quickly(cli):
    result = cli("done", "x" * 20_000, code=2)
    assert "20000 characters long" in result.stderr and len(result.stderr) < 200


# --- roadmap: file size and fields --------------------------------------------------------------


def test_a_roadmap_with_a_50_mb_title_is_refused_by_its_size_before_parsing(cli, tmp_path, monkeypatch):
    path = tmp_path / "roadmap.yaml"
    # What yaml.safe_dump writes for a 50 MB title (one plain line), without the minute PyYAML takes to write it.
    text = yaml.safe_dump(samples.tiny(lambda d: d["topics"][0].update(title="TITLE")), sort_keys=False)
    assert text.count("title: TITLE\n") == 1
    path.write_text(text.replace("title: TITLE\n", "title: " + "x" * 50_000_000 + "\n"), encoding="utf-8")
    assert path.stat().st_size > MAX_ROADMAP_BYTES
    monkeypatch.setenv("LLMPATH_ROADMAP", str(path))
    started = time.monotonic()
    refused(cli("next", code=1), f"{path}: is over the 8 MiB limit")
    assert time.monotonic() - started < 10  # about a second: 8 MiB read, nothing parsed


def at(data, where):
    """The mapping holding the field named by a path like topics.1.resources.0.url, and the field."""
    *steps, field = where.split(".")
    for step in steps:
        data = data[int(step)] if step.isdigit() else data[step]
    return data, field


# Where each kind of field sits in samples.TINY, its limit, and how the loader names it.
FIELDS = [
    ("topics.1.id", MAX_ID, "topics[1].id"),
    ("topics.0.title", MAX_TITLE, "topics[0].title"),
    ("tracks.1.stages.0.level", MAX_TITLE, "tracks[1].stages[0].level"),
    ("topics.0.body", MAX_TEXT, "topics[0].body"),
    ("tracks.0.description", MAX_TEXT, "tracks[0].description"),
    ("papers.0.contribution", MAX_TEXT, "papers[0].contribution"),
    ("topics.1.resources.0.url", MAX_URL, "topics[1].resources[0].url"),
]


@pytest.mark.parametrize(("field", "limit", "where"), FIELDS)
def test_a_roadmap_text_over_its_limit_is_refused_naming_the_entry(cli, tmp_path, monkeypatch, field, limit, where):
    def grow(data):
        entry, key = at(data, field)
        entry[key] = "https://" + "e" * (limit - 7) if key == "url" else "e" * (limit + 1)

    path = samples.write(tmp_path / "custom.yaml", samples.tiny(grow))
    monkeypatch.setenv("LLMPATH_ROADMAP", str(path))
    result = cli("next", code=1)
    assert result.stderr == f"error: custom.yaml: {where}: {limit + 1} characters; at most {limit}\n"


def test_a_roadmap_with_every_text_at_its_limit_loads(cli, cli_json, tmp_path, monkeypatch):
    def fill(data):
        for field, limit, _ in FIELDS[1:]:  # the id is referred to elsewhere: see below
            entry, key = at(data, field)
            entry[key] = "https://" + "e" * (limit - 8) if key == "url" else "e" * limit
        data["topics"][0]["checklist"] = ["c" * MAX_TEXT]
        data["topics"][3]["id"] = "d" * MAX_ID
        data["tracks"][1]["stages"][1]["topics"] = ["d" * MAX_ID]

    monkeypatch.setenv("LLMPATH_ROADMAP", str(samples.write(tmp_path / "custom.yaml", samples.tiny(fill))))
    assert cli_json("show", "alpha")["title"] == "e" * MAX_TITLE
    assert cli_json("show", "d" * MAX_ID)["id"] == "d" * MAX_ID


def test_a_store_made_from_ids_at_their_limit_exports_and_imports_again(cli, tmp_path, monkeypatch):
    long_id = "l" * MAX_ID

    def lengthen(data):
        data["tracks"][1]["id"] = long_id

    monkeypatch.setenv("LLMPATH_ROADMAP", str(samples.write(tmp_path / "custom.yaml", samples.tiny(lengthen))))
    cli("track", "use", long_id, "--from", "senior")  # a setting keyed start_stage:<the id>
    cli("done", "alpha", "--note", "n" * 2000)
    cli("export", "-o", str(tmp_path / "backup.json"))
    monkeypatch.setenv("LLMPATH_HOME", str(tmp_path / "other"))
    assert (
        "Imported 3 changes (1 status event, 2 setting changes)" in cli("import", str(tmp_path / "backup.json")).stdout
    )


def test_a_checklist_point_over_its_limit_is_refused(cli, tmp_path, monkeypatch):
    def grow(data):
        data["topics"][2]["checklist"]["Group"] = ["x", "c" * (MAX_TEXT + 1)]

    monkeypatch.setenv("LLMPATH_ROADMAP", str(samples.write(tmp_path / "custom.yaml", samples.tiny(grow))))
    refused(cli("next", code=1), f"custom.yaml: topics[2].checklist.Group[1]: {MAX_TEXT + 1} characters")


def test_a_billion_laughs_roadmap_is_refused_at_once(cli, tmp_path, monkeypatch):
    """YAML aliases can make a list of 9**9 items in a few hundred bytes: it must never be printed."""
    laughs = "&a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"
    for i in range(1, 10):
        laughs += f", &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]"
    path = tmp_path / "laughs.yaml"
    path.write_text(
        "version: 1\n"
        "tracks: [{id: t, title: T, stages: [{id: s, title: S, topics: [a]}]},\n"
        f"         {{id: u, title: U, stages: [{{id: v, title: V, topics: [a]}}], description: [{laughs}]}}]\n"
        "modules: [{id: m, title: M, number: *a9}]\n"
        "topics: [{id: a, title: A}]\n"
    )
    monkeypatch.setenv("LLMPATH_ROADMAP", str(path))
    started = time.monotonic()
    refused(cli("next", code=1), "laughs.yaml: modules[0].number: expected a whole number from 0 to 10000, got a list")
    assert time.monotonic() - started < 10


def test_the_bundled_roadmap_is_well_within_its_limits(cli):
    from llmpath.paths import bundled_roadmap

    assert bundled_roadmap().stat().st_size < MAX_ROADMAP_BYTES / 10
    assert "(bundled) is valid: " in " ".join(cli("doctor").stdout.split())
