"""The daily loop through the real CLI: next, done, start, skip, show, the views (roadmap, list,
progress) and tracks; and where. Undo is in test_history.py, --help in test_docs.py."""

import os

import pytest

import samples
from llmpath import paths

pytestmark = pytest.mark.stores


def statuses(cli_json, track="developer"):
    return {t["id"]: t["status"] for t in cli_json("list", "--track", track)["topics"]}


def history(cli_json, topic):
    return cli_json("show", topic)["history"]


# --- next ----------------------------------------------------------------------------------------


def test_next_on_a_fresh_store(cli, llmpath_home, store):
    result = cli("next")
    assert "Programming foundations" in result.stdout
    assert "Why next" in result.stdout
    if store == "sqlite":  # a server's store comes ready-made in these tests; its first change writes the badge
        assert (llmpath_home / "llmpath.db").exists() and (llmpath_home / "badge.txt").exists()


def test_next_json(cli_json):
    data = cli_json("next", "-n", "3")
    assert data["track"] == "developer"
    # The optional "Machine learning foundations" comes after every required topic that is ready.
    assert [item["id"] for item in data["next"]][:2] == ["programming-foundations", "math-foundations"]
    assert "ml-foundations" not in [item["id"] for item in data["next"]]
    first = data["next"][0]
    assert {"id", "title", "stage", "status", "reason", "checklist", "resources", "papers"} <= set(first)
    assert first["stage"] == "developer-prerequisites" and first["status"] == "todo"


def test_next_shows_details_and_papers(cli):
    cli("done", "developer-prerequisites")
    out = cli("next").stdout
    assert "Neural networks foundations for LLMs › Neural network fundamentals" in out
    assert "Intermediate" in out and "12-20 weeks" in out
    cli("done", "nn-foundations", "traditional-lms", "tokenization", "embeddings")
    out = cli("next").stdout
    assert "The transformer architecture › Architecture fundamentals" in out
    assert "Attention Is All You Need (2017, arXiv 1706.03762) · Essential" in out


def test_next_says_what_blocks_everything(cli, tmp_path, monkeypatch):
    roadmap = samples.write(
        tmp_path / "r.yaml", samples.tiny(lambda d: d["topics"][1]["prerequisites"].append("delta"))
    )
    monkeypatch.setenv("LLMPATH_ROADMAP", str(roadmap))
    cli("done", "alpha")
    result = cli("next")
    assert "waits on prerequisites" in result.stdout
    assert "Beta  needs  Delta" in result.stdout


def test_next_on_a_finished_track_suggests_another(cli, cli_json, tmp_path, monkeypatch):
    monkeypatch.setenv("LLMPATH_ROADMAP", str(samples.write(tmp_path / "r.yaml", samples.tiny())))
    cli("done", "first", "second")
    assert cli_json("next")["finished"] is True
    out = cli("next").stdout
    assert "finished Main" in out and "llmpath track use levels" in out


# --- done, start, skip ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "tokenization-preprocessing",
        "Tokenization Preprocessing",
        "tokenization › preprocessing",
        "tokenization-preproc",
        "tokenizaton-preprocesing",
    ],
)
def test_done_by_id_title_prefix_or_close_match(cli, cli_json, query):
    cli("done", query)
    assert statuses(cli_json)["tokenization-preprocessing"] == "done"


def test_done_many_and_a_module_and_a_stage(cli, cli_json):
    cli("done", "math-foundations", "embeddings")
    marked = statuses(cli_json)
    assert marked["math-foundations"] == "done"
    embeddings = [t["id"] for t in cli_json("list", "--track", "developer")["topics"] if t["module"] == "embeddings"]
    assert [marked[t] for t in embeddings] == ["done"] * 6
    cli("done", "developer-part-2")
    assert all(v == "done" for k, v in statuses(cli_json).items() if k.startswith(("sft-", "pre-training-")))


def test_done_again_changes_nothing(cli, cli_json):
    cli("done", "math-foundations")
    out = cli("done", "math-foundations").stdout
    assert "already done" in out
    assert len(history(cli_json, "math-foundations")) == 1


def test_done_ahead_of_prerequisites_is_allowed_with_a_notice(cli, cli_json):
    out = " ".join(cli("done", "transformer-positional-encoding").stdout.split())
    assert "notice: The transformer architecture › Positional encoding is ahead of its prerequisites" in out
    assert statuses(cli_json)["transformer-positional-encoding"] == "done"


def test_ambiguous_lists_candidates_and_changes_nothing(cli, cli_json, store_contents):
    cli("next")
    before = store_contents()
    result = cli("done", "Applications", code=2)
    assert result.stderr.startswith("error: 'Applications' matches 5 topics")
    assert "embeddings-applications" in result.stderr and "Embeddings › Applications" in result.stderr
    assert store_contents() == before


def test_unknown_topic_says_did_you_mean(cli, cli_json):
    result = cli("done", "math-foundatoins-and-more-words", code=2)
    assert "did you mean" in result.stderr and result.stdout == ""
    assert "done" not in statuses(cli_json).values()


def test_one_bad_name_among_several_changes_nothing(cli, cli_json):
    cli("done", "math-foundations", "no-such-thing-at-all", code=2)
    assert "done" not in statuses(cli_json).values()


def test_note_and_backfilled_date(cli, cli_json):
    cli("done", "math-foundations", "--note", "  3Blue1Brown was great  ", "--on", "2026-01-05")
    (event,) = history(cli_json, "math-foundations")
    assert event["note"] == "3Blue1Brown was great" and event["on"] == "2026-01-05"


def test_a_multi_line_note_is_kept(cli, cli_json):
    cli("done", "math-foundations", "--note", "line one\n\tline two")
    assert cli_json("show", "math-foundations")["history"][0]["note"] == "line one\n\tline two"


@pytest.mark.parametrize("day", ["2026-02-30", "tomorrow", "2999-01-01", "05/01/2026"])
def test_bad_dates_are_refused_and_change_nothing(cli, cli_json, day):
    result = cli("done", "math-foundations", "--on", day, code=2)
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    assert statuses(cli_json)["math-foundations"] == "todo"


def test_start_puts_a_topic_first(cli, cli_json):
    cli("start", "rag-retrieval-methods")
    first = cli_json("next")["next"][0]
    assert (first["id"], first["status"]) == ("rag-retrieval-methods", "in_progress")
    assert "llmpath done rag-retrieval-methods" in cli("next").stdout


def test_skip_leaves_the_percentage(cli, cli_json):
    cli("skip", "developer-prerequisites")
    cli("done", "nn-foundations")
    data = cli_json("progress")
    # The stage's two required topics are skipped (the optional one is counted apart); the total leaves them out.
    assert (data["done"], data["skipped"], data["total"]) == (6, 2, 126)
    assert data["percent"] == round(100 * 6 / 126, 1)


# --- show, roadmap, list, progress ----------------------------------------------------------------


def test_show_everything_about_a_topic(cli, cli_json):
    cli("done", "transformer-positional-encoding", "--note", "RoPE clicked")
    out = cli("show", "Transformer Positional Encoding").stdout
    for expected in (
        "The transformer architecture › Positional encoding",
        "RoPE",
        "Checklist",
        "Papers",
        "History",
        "RoPE clicked",
    ):
        assert expected in out
    data = cli_json("show", "transformer-positional-encoding")
    assert "roformer" in data["papers"] and data["on_tracks"] == [{"track": "developer", "stage": "developer-part-1"}]


def test_show_takes_one_topic_not_a_module(cli):
    assert "matches 6 topics" in cli("show", "tokenization", code=2).stderr


def test_roadmap_tree_with_counts_and_filters(cli):
    cli("done", "tokenization")
    out = cli("roadmap").stdout
    assert "Part 1: The foundations  6/30" in out and "Tokenization  6/6" in out
    out = cli("roadmap", "--stage", "2").stdout  # counted as the source counts its parts
    assert "Part 2" in out and "Part 1" not in out
    out = cli("roadmap", "--status", "done").stdout
    assert "Subword algorithms" in out and "Learning algorithms" not in out


def test_roadmap_json(cli, cli_json):
    cli("done", "math-foundations")
    data = cli_json("roadmap", "--stage", "Prerequisites")
    (stage,) = data["stages"]
    assert stage["done"] == 1 and [t["status"] for t in stage["topics"]] == ["todo", "done", "todo"]


@pytest.mark.parametrize(("option", "value"), [("--status", "finished"), ("--stage", "Part 9"), ("--track", "nowhere")])
def test_view_filters_refuse_bad_values(cli, option, value):
    result = cli("roadmap", option, value, code=2)
    assert result.stderr.startswith("error: ")


@pytest.mark.parametrize("value", ["²", "٣", "0", "99"])
def test_odd_stage_numbers_are_refused(cli, value):
    assert cli("list", "--stage", value, code=2).stderr.startswith("error: ")


def test_list_json_in_track_order(cli, cli_json):
    topics = cli_json("list")["topics"]
    assert len(topics) == 135
    assert [t["position"] for t in topics] == list(range(1, 136))
    assert {"id", "title", "stage", "status"} <= set(topics[0])
    specialist = cli_json("list", "--track", "specialist", "--status", "todo")["topics"]
    assert specialist[0]["id"] == "python-basics" and len(specialist) == 52


def test_list_text_shows_ids_under_headings(cli):
    out = cli("list", "--stage", "Part 1").stdout
    assert "Part 1: The foundations" in out and "  Embeddings" in out
    assert "embeddings-applications" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_progress_text_and_json(cli, cli_json):
    cli("done", "math-foundations", "--on", "yesterday")
    cli("skip", "programming-foundations")
    out = cli("progress").stdout
    assert "Overall" in out and "Skipped: 1" in out and "Pace:" in out
    data = cli_json("progress")
    assert {"track", "done", "skipped", "total", "percent", "stages"} <= set(data)
    assert data["stages"][0] == {
        "id": "developer-prerequisites",
        "title": "Prerequisites",
        "done": 1,
        "skipped": 1,
        "in_progress": 0,
        "total": 1,
        "percent": 100.0,
        "optional": {"done": 0, "skipped": 0, "total": 1},
    }


def test_progress_names_the_level_reached(cli, cli_json):
    cli("track", "use", "specialist")
    assert cli_json("progress")["level"] == {"reached": None, "working_on": "Practitioner (Junior)"}
    cli("done", "specialist-junior")
    assert cli_json("progress")["level"]["reached"] == "Practitioner (Junior)"
    assert "Level reached: Practitioner (Junior)" in cli("progress").stdout


def test_lists_and_candidates_fit_80_columns(cli):
    out = cli("list", "--track", "specialist").stdout + cli("list").stdout
    assert max(len(line) for line in out.splitlines()) <= 80
    err = cli("show", "overview", code=2).stderr + cli("done", "Applications", code=2).stderr
    assert max(len(line) for line in err.splitlines()[1:]) <= 80


# --- tracks ----------------------------------------------------------------------------------------


def test_track_lists_and_switches(cli, cli_json):
    data = cli_json("track")
    assert data["active"] == "developer" and [t["id"] for t in data["tracks"]] == [
        "developer",
        "specialist",
        "complete",
        "researcher",
    ]
    assert "Active track: LLM specialist roadmap" in cli("track", "use", "specialist").stdout
    assert cli_json("next")["next"][0]["id"] == "python-basics"
    assert cli_json("next", "--track", "researcher")["next"][0]["id"] == "math-foundations"
    assert "* " in cli("track").stdout


def test_done_once_counts_on_every_track(cli, cli_json):
    cli("done", "math-foundations")
    done_on = {t["id"]: t["done"] for t in cli_json("track")["tracks"]}
    assert done_on == {"developer": 1, "specialist": 0, "complete": 1, "researcher": 1}


def test_starting_later_marks_nothing(cli, cli_json):
    out = cli("track", "use", "developer", "--from", "research").stdout
    assert "starting at Part 3" in out
    first = cli_json("next")["next"][0]
    assert first["stage"] == "developer-part-3"
    assert "chose to start" in first["reason"]
    assert cli_json("progress")["done"] == 0 and cli_json("progress")["total"] == 128
    cli("track", "use", "developer", "--from", "Part 4")
    assert cli_json("next")["next"][0]["stage"] == "developer-part-4"
    cli("track", "use", "developer", "--from", "prerequisites")
    assert cli_json("next")["next"][0]["id"] == "programming-foundations"


def test_track_use_refuses_unknowns(cli):
    assert "no track named" in cli("track", "use", "astronaut", code=2).stderr
    assert "no track named ''" in cli("track", "use", "", code=2).stderr
    assert "has no stage" in cli("track", "use", "developer", "--from", "Part 7", code=2).stderr


# --- where ---------------------------------------------------------------------------------------


def test_where_prints_the_paths(cli, cli_json, llmpath_home, store):
    data = cli_json("where")
    assert data["data_dir"] == str(llmpath_home)
    if store == "sqlite":
        assert data["database"] == str(llmpath_home / "llmpath.db")
    else:  # the server's URL, its password masked
        assert data["database"].startswith("postgresql://") and ":***@" in data["database"]
        assert data["database"].rsplit("/", 1)[1] == os.environ["LLMPATH_DATABASE_URL"].rsplit("/", 1)[1]
    assert data["roadmap_is_bundled"] is True
    assert str(llmpath_home) in cli("where").stdout


def test_the_data_dir_follows_llmpath_home(llmpath_home):
    assert paths.resolve().data_dir == llmpath_home


# --- where you are ----------------------------------------------------------------------------------


def test_status_shows_where_you_are_on_one_short_screen(cli, cli_json, monkeypatch):
    first = cli("status").stdout
    assert first.startswith("LLM development roadmap  0% done") and "llmpath start programming-foundations" in first
    cli("start", "programming-foundations")
    cli("done", "math-foundations")
    cli("papers", "log", "lora")
    data = cli_json("status")
    assert data["in_progress"] == [{"id": "programming-foundations", "title": "Programming foundations"}]
    assert (data["done_this_week"], data["papers"], data["target"], data["track"]) == (1, 1, 2, "developer")
    assert set(data) == {"track", "track_title", "percent", "done", "total", "in_progress", "next",
                         "done_this_week", "papers", "target", "days_left", "study"}  # fmt: skip
    for columns in ("80", "60"):
        monkeypatch.setenv("COLUMNS", columns)
        lines = cli("status").stdout.splitlines()
        assert len(lines) <= 15 and all(len(line) <= int(columns) for line in lines), lines
        assert "in progress" in lines[1] and "llmpath done programming-foundations" in lines[-1]


def test_a_bare_number_names_that_topic_of_the_list_and_a_track_its_start(cli, cli_json):
    listed = cli_json("list")["topics"]
    assert "Mathematical foundations" in cli("done", "2").stdout
    done = {topic for topic, status in statuses(cli_json).items() if status == "done"}
    assert listed[1]["id"] == "math-foundations" and done == {"math-foundations"}
    message = cli("done", "999", code=2).stderr
    assert message == f"error: no topic number 999 on developer; `llmpath list` numbers them 1 to {len(listed)}\n"
    assert cli_json("progress", "--track", "res")["track"] == "researcher"
    assert "no track named 'zzz'" in cli("progress", "--track", "zzz", code=2).stderr


def test_progress_bars_read_without_colour_an_empty_one_included(cli):
    cli("done", "programming-foundations")
    lines = {line.split()[0]: line for line in cli("progress").stdout.splitlines() if line.strip()}
    assert "█" in lines["Prerequisites"] and "░" in lines["Prerequisites"]
    assert "░" * 20 in lines["Part"] and "█" not in lines["Part"]  # 0%: visibly empty


def test_an_error_wraps_to_the_terminal_and_stays_one_line_for_a_pipe(llmpath_home, tmp_path):
    """In a terminal, an error is wrapped to its width, long words (paths) kept whole; piped, it is
    one line, as scripts read it."""
    import pty
    import subprocess
    import sys

    args = [sys.executable, "-m", "llmpath", "done", "no-such-topic-anywhere-in-this-roadmap-at-all"]
    env = os.environ | {"COLUMNS": "40", "LINES": "24"}
    piped = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
    assert piped.returncode == 2 and piped.stderr.count("\n") == 1
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(args, env=env, stdin=follower, stdout=follower, stderr=follower)
        os.close(follower)
        output = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            output += chunk
        assert process.wait(timeout=60) == 2
    finally:
        os.close(leader)
    lines = [line for line in output.decode().replace("\r", "").splitlines() if line.strip()]
    assert lines[0].startswith("error: ") and len(lines) > 1
    assert all(len(line) <= 40 or " " not in line.strip() for line in lines), lines
    assert all(line.startswith("  ") for line in lines[1:])
