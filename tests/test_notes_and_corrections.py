"""Fixing any record, and notes and links of the learner's own on topics: each a change of the one
history (undoable, logged, exported and imported), through the CLI, on SQLite and PostgreSQL."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmpath.safetext import LINK_SCHEMES, link_problem

pytestmark = pytest.mark.stores


def readings(cli_json, paper="lora"):
    return [(r["on"], r["note"], r["pass"]) for r in cli_json("papers", "show", paper)["history"]]


def week_count(cli_json, week="2026-W47"):
    return cli_json("papers", "--week", "--of", week)["count"]


# --- removing and amending a reading ------------------------------------------------------------------


def test_unlog_removes_the_latest_reading_and_undo_brings_it_back(cli, cli_json):
    cli("papers", "log", "lora", "--on", "2026-11-16")
    cli("papers", "log", "lora", "--on", "2026-11-18", "--note", "second")
    out = cli("papers", "unlog", "lora").stdout
    assert "Removed your reading of LoRA" in out and "2026-11-18" in out
    assert readings(cli_json) == [("2026-11-16", None, None)]
    assert week_count(cli_json) == 1
    cli("undo")
    assert [r[0] for r in readings(cli_json)] == ["2026-11-16", "2026-11-18"]
    # Removing it again after the undo is a change of its own; so is undoing that.
    cli("papers", "unlog", "lora")
    cli("undo")
    cli("papers", "unlog", "lora", "--on", "2026-11-16")
    assert readings(cli_json) == [("2026-11-18", "second", None)]
    cli("papers", "unlog", "lora")
    assert readings(cli_json) == [] and week_count(cli_json) == 0
    assert cli_json("papers")["papers"][0]["reads"] == 0 or all(p["reads"] == 0 for p in cli_json("papers")["papers"])


def test_unlog_of_what_is_not_logged_is_refused_and_changes_nothing(cli, store_contents):
    cli("papers", "log", "lora", "--on", "2026-11-16")
    before = store_contents()
    error = cli("papers", "unlog", "lora", "--on", "2026-11-17", code=2).stderr
    assert "no reading of lora on 2026-11-17" in error and "papers show lora" in error
    assert "no reading of bert is logged" in cli("papers", "unlog", "bert", code=2).stderr
    assert "in the future" in cli("papers", "unlog", "lora", "--on", "2999-01-01", code=2).stderr
    assert store_contents() == before


def test_logging_the_same_day_again_with_a_note_or_pass_amends_that_reading(cli, cli_json):
    cli("papers", "log", "lora", "--on", "2026-11-16", "--note", "skimmed")
    out = cli("papers", "log", "lora", "--on", "2026-11-16", "--pass", "2").stdout
    assert "Changed the pass of your reading" in " ".join(out.split())
    assert readings(cli_json) == [("2026-11-16", "skimmed", 2)]
    out = cli("papers", "log", "lora", "--on", "2026-11-16", "--note", "low rank, at last", "--pass", "3").stdout
    assert "Changed the note and pass" in " ".join(out.split())
    assert readings(cli_json) == [("2026-11-16", "low rank, at last", 3)]
    assert "nothing changed" in cli("papers", "log", "lora", "--on", "2026-11-16").stdout
    assert "nothing changed" in cli("papers", "log", "lora", "--on", "2026-11-16", "--pass", "3").stdout
    assert week_count(cli_json) == 1 and cli_json("papers", "show", "lora")["reads"] == 1
    cli("undo")
    assert readings(cli_json) == [("2026-11-16", "skimmed", 2)]
    kinds = [e["kind"] for e in cli_json("log")["entries"]]
    assert kinds[:3] == ["undo", "read_correction", "read_correction"]


# --- --note with a status the topic has already ---------------------------------------------------------


def test_a_note_given_with_the_status_a_topic_has_is_kept_as_a_note(cli, cli_json):
    cli("done", "math-foundations")
    out = cli("done", "math-foundations", "--note", "revisited eigenvectors").stdout
    assert "already done; your note is kept" in out
    shown = cli_json("show", "math-foundations")
    assert [n["note"] for n in shown["notes"]] == ["revisited eigenvectors"]
    assert shown["status"] == "done" and len(shown["history"]) == 1
    assert "nothing changed" in cli("done", "math-foundations").stdout  # without a note: nothing to keep
    assert [e["kind"] for e in cli_json("log")["entries"]] == ["note", "status"]


# --- notes and links --------------------------------------------------------------------------------


def test_note_adds_a_dated_note_that_show_and_log_list_and_undo_takes_back(cli, cli_json):
    out = cli("note", "rag-retrieval-methods", "hybrid search beat BM25", "--on", "2026-11-20").stdout
    assert "noted on" in out and "2026-11-20" in out
    shown = cli_json("show", "rag-retrieval-methods")
    assert shown["status"] == "todo"
    assert [(n["note"], n["on"]) for n in shown["notes"]] == [("hybrid search beat BM25", "2026-11-20")]
    text = cli("show", "rag-retrieval-methods").stdout
    assert "Your notes" in text and "hybrid search beat BM25" in text
    entry = cli_json("log")["entries"][0]
    assert (entry["kind"], entry["on"], entry["notes"][0]["note"]) == ("note", "2026-11-20", "hybrid search beat BM25")
    cli("undo")
    assert cli_json("show", "rag-retrieval-methods")["notes"] == []


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "the note is empty"), ("a\x1b[31m", "control or invisible"), ("x" * 2001, "keep it to 2000")],
)
def test_a_bad_note_is_refused_and_changes_nothing(cli, store_contents, text, message):
    cli("next")  # the store made
    before = store_contents()
    assert message in cli("note", "math-foundations", text, code=2).stderr
    assert store_contents() == before


def test_link_adds_a_resource_of_your_own_beside_the_roadmaps(cli, cli_json):
    url = "https://example.org/" + "very-long-path/" * 8 + "hybrid-search"
    cli("link", "programming-foundations", url, "--title", "Hybrid search notes")
    cli("link", "programming-foundations", "file:///home/me/notes/python.md")
    shown = cli_json("show", "programming-foundations")
    assert [(link["url"], link["title"]) for link in shown["links"]] == [
        (url, "Hybrid search notes"),
        ("file:///home/me/notes/python.md", None),
    ]
    assert shown["resources"]  # the roadmap's are still there
    for command in (("show", "programming-foundations"), ("next",)):
        text = cli(*command).stdout
        assert "Your links" in text and "Hybrid search notes" in text
        assert any(url in line for line in text.splitlines()), "a long link is shown whole, on one line"
    assert cli_json("next")["next"][0]["links"][0]["url"] == url
    error = cli("link", "programming-foundations", url, code=2).stderr
    assert "has that link already" in error
    cli("undo")
    assert len(cli_json("show", "programming-foundations")["links"]) == 1


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", "does not start with"),
        ("ftp://example.org/x", "does not start with"),
        ("example.org/page", "does not start with"),
        ("https:///path-only", "names no host"),
        ("https://exa mple.org", "contains a blank"),
        ("https://example.org/\x1b]8;;evil\x07", "control or invisible"),
        ("https://example.org/\u202e", "control or invisible"),
        ("http://[::1", "not a valid address"),
        ("https://example.org/" + "x" * 2000, "keep it to 2000"),
    ],
)
def test_a_link_without_a_web_or_file_address_is_refused(cli, store_contents, url, message):
    cli("next")  # the store made
    before = store_contents()
    error = cli("link", "math-foundations", url, code=2).stderr
    assert message in error and len(error.strip().splitlines()) == 1
    assert store_contents() == before


@given(url=st.text(max_size=60))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_kept_link_is_always_a_whole_web_or_file_address(url):
    if link_problem(url) is None:
        scheme, _, rest = url.partition("://")
        assert scheme.lower() in LINK_SCHEMES and rest and not any(c.isspace() for c in url)


# --- exported and imported ---------------------------------------------------------------------------


def test_notes_links_and_corrections_travel_in_the_export(cli, cli_json, tmp_path, another_store):
    cli("papers", "log", "lora", "--on", "2026-11-16", "--note", "skimmed")
    cli("papers", "log", "lora", "--on", "2026-11-16", "--pass", "2")
    cli("papers", "log", "bert", "--on", "2026-11-17")
    cli("papers", "unlog", "bert")
    cli("note", "math-foundations", "3b1b first")
    cli("link", "math-foundations", "https://example.org/la", "--title", "Linear algebra")
    backup = tmp_path / "backup.json"
    cli("export", "-o", str(backup))
    data = json.loads(backup.read_text())
    assert [c["withdrawn"] for c in data["read_corrections"]] == [False, True]
    assert data["topic_notes"][0]["note"] == "3b1b first" and data["topic_links"][0]["url"] == "https://example.org/la"
    before = (readings(cli_json), readings(cli_json, "bert"), cli_json("show", "math-foundations"))
    another_store()
    cli("import", str(backup))
    after = (readings(cli_json), readings(cli_json, "bert"), cli_json("show", "math-foundations"))
    assert after[:2] == before[:2] == ([("2026-11-16", "skimmed", 2)], [])
    assert (after[2]["notes"], after[2]["links"]) == (before[2]["notes"], before[2]["links"])
    cli("import", str(backup))  # twice equals once
    assert len(cli_json("show", "math-foundations")["notes"]) == 1


def test_an_import_whose_correction_names_no_reading_is_refused(cli, tmp_path, store_contents):
    cli("papers", "log", "lora", "--on", "2026-11-16")
    cli("papers", "unlog", "lora")
    data = json.loads(cli("export").stdout)
    data["read_corrections"][0]["read"] = "not-a-reading"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    before = store_contents()
    error = cli("import", str(bad), code=2).stderr
    assert "read_corrections[0].read" in error and "no reading of the file" in error
    data["read_corrections"][0]["read"] = data["paper_reads"][0]["uid"]
    data["topic_links"] = [
        {**data["changes"][0], "change": data["changes"][0]["uid"], "topic": "x", "url": "javascript:x", "title": None}
    ]
    bad.write_text(json.dumps(data))
    assert "topic_links[0].url" in cli("import", str(bad), code=2).stderr
    assert store_contents() == before
