"""The paper log: domain rules, and every papers command and error path through the CLI."""

import itertools
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmpath import paths
from llmpath.domain.papers import PaperLog, Read, TargetChange, suggest
from llmpath.roadmap.loader import load_roadmap
from llmpath.roadmap.schema import PRIORITIES

pytestmark = pytest.mark.stores

TODAY = date(2026, 11, 25)  # Wednesday, 2026-W48
MONDAY = date(2026, 11, 23)
SEQUENCE = itertools.count()


def read(paper, on):
    n = next(SEQUENCE)
    return Read(f"u{n}", paper, on, datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=n))


def weeks_ago(n, day=0):
    return MONDAY - timedelta(weeks=n) + timedelta(days=day)


# --- domain ------------------------------------------------------------------------------------------


def test_a_paper_read_twice_in_a_week_counts_once():
    log = PaperLog([read("a", weeks_ago(0, 0)), read("a", weeks_ago(0, 1)), read("b", weeks_ago(0, 2))], [])
    week = log.week(MONDAY)
    assert len(week.reads) == 3 and week.papers == ("a", "b") and week.count == 2 and week.met


def test_a_read_again_next_week_counts_again():
    log = PaperLog([read("a", weeks_ago(1, 6)), read("a", weeks_ago(0, 0))], [])
    assert log.week(weeks_ago(1)).count == 1 and log.week(MONDAY).count == 1


def test_each_week_keeps_the_target_it_had():
    log = PaperLog([], [TargetChange(3, weeks_ago(2, 3)), TargetChange(1, weeks_ago(0, 2))])
    assert log.target_for(weeks_ago(3)) == 2  # the default before any change
    assert log.target_for(weeks_ago(2)) == 3  # set midweek: that week already
    assert log.target_for(weeks_ago(1)) == 3
    assert log.target_for(MONDAY) == 1


def test_streak_counts_consecutive_weeks_that_met_their_target():
    reads = [read(p, weeks_ago(w, 1)) for w in (1, 2, 3) for p in ("x", "y")] + [read("z", weeks_ago(5, 1))]
    log = PaperLog(reads, [])
    assert log.streak(MONDAY, TODAY) == 3  # this week is under way and does not break it
    assert log.streak(weeks_ago(1), TODAY) == 3
    assert log.streak(weeks_ago(4), TODAY) == 0  # a past week that missed
    log = PaperLog([*reads, read("p", TODAY), read("q", TODAY)], [])
    assert log.streak(MONDAY, TODAY) == 4


@settings(max_examples=60, deadline=None)
@given(
    weeks=st.lists(st.lists(st.sampled_from("abcd"), max_size=4), min_size=1, max_size=90),
    targets=st.lists(st.tuples(st.integers(0, 90), st.integers(1, 3)), max_size=3),
    back=st.integers(0, 3),
)
def test_a_streak_of_any_length_is_each_week_met_in_turn(weeks, targets, back):
    """Long streaks are told from weekly counts read a stretch at a time: the same answer as
    walking back week by week through the tallies."""
    reads = [read(paper, weeks_ago(ago, ago % 7)) for ago, papers in enumerate(weeks) for paper in papers]
    log = PaperLog(reads, [TargetChange(target, weeks_ago(ago)) for ago, target in targets])
    monday = weeks_ago(back)
    expected, week = 0, monday
    if not log.week(week).met and back == 0:
        week -= timedelta(weeks=1)  # the week under way does not break it
    while week >= weeks_ago(len(weeks)) and log.week(week).met:
        expected, week = expected + 1, week - timedelta(weeks=1)
    if back > 0 and not log.week(monday).met:
        expected = 0
    assert log.streak(monday, TODAY) == expected


@pytest.mark.parametrize(("count", "target"), [(0, 2), (3, 2), (1, 50), (194, 2), (50, 50), (51, 50)])
def test_the_week_bar_fits_a_narrow_terminal_and_shows_every_part(count, target):
    from llmpath.render.papers import BAR_CELLS, week_bar

    bar = week_bar(count, target).plain
    assert len(bar) <= BAR_CELLS + 2
    assert ("░" in bar) == (count < target)
    assert bar.count("█") >= min(count, 1)


def test_view_has_eight_weeks_and_days_left():
    log = PaperLog([read("a", TODAY)], [])
    view = log.view(MONDAY, TODAY)
    assert [w.label for w in view.history][-1] == "2026-W48" and len(view.history) == 8
    assert view.is_current and view.days_left == 5
    assert log.view(weeks_ago(1), TODAY).days_left == 0


def test_suggest_puts_unread_essentials_first_and_prefers_the_topic_in_focus():
    roadmap = load_roadmap(paths.bundled_roadmap())
    track = roadmap.track("developer")
    picks = suggest(roadmap.papers_of_priority, {"bert"}, ["sft-advanced-peft"], track.topic_ids(), 3)
    assert picks[0].id == "lora"
    assert all(p.priority == "Essential" for p in picks)
    assert "bert" not in [p.id for p in suggest(roadmap.papers_of_priority, {"bert"}, [], track.topic_ids(), 60)]


BUNDLED = load_roadmap(paths.bundled_roadmap())


@settings(max_examples=60, deadline=None)
@given(
    read=st.sets(st.sampled_from(sorted(BUNDLED.papers))),
    focus=st.lists(st.sampled_from(sorted(BUNDLED.topics)), max_size=3),
    track=st.sampled_from([t.id for t in BUNDLED.tracks]),
    count=st.integers(1, 90),
)
def test_suggest_ranks_all_unread_papers_as_one_sort_would(read, focus, track, count):
    """Reading the catalog a priority at a time gives what ranking every unread paper at once gives."""
    topics = BUNDLED.track(track).topic_ids()
    order = {topic: i for i, topic in enumerate(topics)}

    def rank(paper):
        on_track = [order[t] for t in paper.topics if t in order]
        closeness = 0 if set(focus) & set(paper.topics) else 1 if on_track else 2
        return (PRIORITIES.index(paper.priority), closeness, min(on_track, default=len(order)), paper.year or 0)

    everything = sorted((p for p in BUNDLED.papers.values() if p.id not in read), key=rank)[:count]
    assert suggest(BUNDLED.papers_of_priority, read, focus, topics, count) == everything


# --- CLI ---------------------------------------------------------------------------------------------


def week(cli_json, *args):
    return cli_json("papers", "--week", *args)


@pytest.mark.parametrize(
    "query",
    [
        "lora",
        "2106.09685",
        "arXiv:2106.09685v2",
        "https://arxiv.org/abs/2106.09685",
        "LoRA: Low-Rank Adaptation of Large Language Models",
        "LoRA: Low-Rank",
        "LoRA low rank adaption",
    ],
)
def test_log_by_id_arxiv_title_prefix_or_close_match(cli, cli_json, query):
    out = cli("papers", "log", query).stdout
    assert "Logged LoRA" in out and "This week" in out
    assert [p["paper"] for p in week(cli_json)["papers"]] == ["lora"]


def test_the_tables_wording_finds_its_paper(cli, cli_json):
    cli("papers", "log", "Attention Is All You Need (Vaswani et al.)")
    assert week(cli_json)["papers"][0]["paper"] == "attention-is-all-you-need"


def test_an_unknown_title_is_refused_with_suggestions(cli, cli_json):
    result = cli("papers", "log", "Attention for sequence transduction", code=2)
    assert "did you mean" in result.stderr or "matches" in result.stderr
    assert "add --new" in result.stderr
    assert week(cli_json)["count"] == 0


def test_new_adds_an_own_paper_that_can_be_logged_again(cli, cli_json):
    out = cli("papers", "log", "Our lab's long-context preprint", "--new").stdout
    assert "own-our-lab-s-long-context-preprint" in out and "added as your own paper" in out
    cli("papers", "log", "own-our-lab-s-long-context-preprint", "--on", "2026-11-02")
    cli("papers", "log", "Our lab's long-context preprint", "--on", "2026-11-01")
    data = cli_json("papers", "show", "our lab's long-context")
    assert data["own"] is True and data["reads"] == 3
    assert week(cli_json)["count"] == 1


def test_new_with_a_known_title_logs_the_catalog_paper(cli, cli_json):
    cli("papers", "log", "lora", "--new")
    assert [p["id"] for p in cli_json("papers")["papers"] if p["own"]] == []


def test_new_never_takes_a_close_catalog_title_for_the_paper(cli, cli_json):
    """'Attention is not all you need' is another paper, however close its title."""
    out = cli("papers", "log", "Attention is not all you need", "--new").stdout
    assert "own-attention-is-not-all-you-need" in out
    assert cli_json("papers", "show", "attention-is-all-you-need")["reads"] == 0


def test_pass_note_and_backfill(cli, cli_json):
    cli("papers", "log", "lora", "--pass", "1", "--on", "2026-11-02")
    cli("papers", "log", "lora", "--pass", "3", "--note", "re-derived the rank bound")
    history = cli_json("papers", "show", "lora")["history"]
    assert [(h["pass"], h["on"]) for h in history][0] == (1, "2026-11-02")
    assert history[1]["note"] == "re-derived the rank bound"
    out = cli("papers", "show", "lora").stdout
    assert "Reading notebook" in out and "re-derive" in out and "skim" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pass", "4"], "--pass"),
        (["--on", "2999-01-01"], "in the future"),
        (["--on", "2026-02-30"], "not a real day"),
    ],
)
def test_bad_log_options_are_refused(cli, cli_json, args, message):
    result = cli("papers", "log", "lora", *args, code=2)
    assert message in result.stderr
    assert week(cli_json)["count"] == 0


def test_the_same_paper_twice_in_one_week_counts_once(cli, cli_json):
    cli("papers", "log", "lora", "--on", "2026-11-16")
    cli("papers", "log", "lora", "--on", "2026-11-18")
    data = week(cli_json, "--of", "2026-W47")
    assert data["count"] == 1 and len(data["papers"]) == 2 and data["met"] is False
    cli("papers", "log", "bert", "--on", "2026-11-22")
    data = week(cli_json, "--of", "2026-W47")
    assert (data["count"], data["target"], data["met"]) == (2, 2, True)
    assert data["streak"] == 1


def test_week_json_shape(cli_json):
    data = cli_json("papers", "--week")
    assert {"week", "target", "count", "met", "streak", "papers", "history", "days_left"} <= set(data)
    assert data["target"] == 2 and len(data["history"]) == 8


def test_week_text(cli):
    cli("papers", "log", "lora", "--pass", "2")
    out = cli("papers", "--week").stdout
    assert "Papers, week 20" in out and "LoRA" in out and "1/2" in out and "to go" in out and "Last 8 weeks" in out


def test_another_week(cli, cli_json):
    cli("papers", "log", "lora", "--on", "2026-11-17")
    assert week(cli_json, "--of", "2026-W47")["count"] == 1
    assert week(cli_json, "--of", "2026-11-20")["week"] == "2026-W47"
    assert week(cli_json, "--of", "2026-11-20")["days_left"] == 0
    assert cli_json("papers", "--of", "2026-W47")["count"] == 1  # --of implies --week


def test_the_first_week_of_year_one_is_shown(cli):
    result = cli("papers", "--week", "--of", "0001-W01", "--json")
    assert json.loads(result.stdout)["week"] == "0001-W01"


@pytest.mark.parametrize("value", ["2026-W60", "2999-W01", "soon", "2026-13-01"])
def test_a_bad_week_is_refused(cli, value):
    result = cli("papers", "--week", "--of", value, code=2)
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1


def test_target(cli, cli_json):
    assert "Weekly target: 3 papers." in cli("papers", "target", "3").stdout
    assert week(cli_json)["target"] == 3


@pytest.mark.parametrize("value", ["0", "51", "2.5", "two", "-1", "", "٣"])
def test_target_refuses_anything_but_1_to_50(cli, cli_json, value):
    result = cli("papers", "target", value, code=2)
    assert "whole number from 1 to 50" in result.stderr
    assert week(cli_json)["target"] == 2


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


def test_catalog_list_and_filters(cli, cli_json):
    cli("papers", "log", "lora")
    papers = cli_json("papers")["papers"]
    assert papers[0]["priority"] == "Essential" and len(papers) == 84
    assert [p["priority"] for p in papers].index("Important") > max(
        i for i, p in enumerate(papers) if p["priority"] == "Essential"
    )
    unread = cli_json("papers", "list", "--unread")["papers"]
    assert "lora" not in [p["id"] for p in unread] and len(unread) == 83
    rag = cli_json("papers", "--topic", "rag-retrieval-methods")["papers"]
    assert [p["id"] for p in rag] == ["rag"]
    assert "read 1×" in cli("papers").stdout


def test_papers_next(cli, cli_json):
    cli("track", "use", "developer", "--from", "engineering")
    first = cli_json("papers", "next")["papers"][0]
    assert first["priority"] == "Essential" and first["id"] == "rag"
    assert "Log one" in cli("papers", "next").stdout
    # The store reads the catalog a priority at a time: all Essential papers, then Important ones...
    many = cli_json("papers", "next", "-n", "50")["papers"]
    priorities = [paper["priority"] for paper in many]
    assert len(many) == 50 and priorities == sorted(priorities, key=PRIORITIES.index)
    essential = {paper.id for paper in BUNDLED.papers.values() if paper.priority == "Essential"}
    assert essential == {paper["id"] for paper in many if paper["priority"] == "Essential"}


def test_next_and_progress_gain_a_papers_line(cli, cli_json):
    cli("papers", "log", "lora")
    for command in ("next", "progress"):
        out = cli(command).stdout
        line = next(line for line in out.splitlines() if line.startswith("Papers this week"))
        assert "1/2" in line and "read next:" in line and len(line) <= 80
        data = cli_json(command)["papers"]
        assert data["count"] == 1 and data["target"] == 2 and data["suggestion"]["id"] != "lora"


def test_options_before_a_subcommand_are_refused(cli):
    assert "put options after the subcommand" in cli("papers", "--unread", "list", code=2).stderr
