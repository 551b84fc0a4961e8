"""`next` in brief, `show` in full: the first `next` fits a 24-line terminal and says how to start
later on the track; web addresses are never split, at any width; what the store holds is shown safely."""

import re
import sqlite3

import pytest
from hostile import ESCAPES, MARKUP, leaked

import samples

SCREEN_LINES = 24
WIDTHS = (60, 80, 100, 120)
LATER_START = re.compile(r"llmpath track use (\S+) --from (\S+)")


def lines_of(result):
    return result.stdout.rstrip("\n").split("\n")


# --- the first next ----------------------------------------------------------------------------------


@pytest.mark.parametrize("track", ["developer", "specialist", "complete", "researcher"])
def test_the_first_next_fits_a_screen_and_its_later_start_works(cli, cli_json, track):
    cli("track", "use", track)
    out = cli("next")
    assert len(lines_of(out)) <= SCREEN_LINES, out.stdout
    named, start = LATER_START.search(out.stdout).groups()
    assert named == track
    tracks = {t["id"]: t for t in cli_json("track")["tracks"]}
    stages = [s["id"] for s in cli_json("roadmap", "--track", track)["stages"]]
    points = {p["id"]: p["stage"] for p in tracks[track]["entry_points"]}
    expected = points[start] if points else stages[int(start) - 1]  # an entry point, or a stage by number
    assert expected != stages[0]

    cli("track", "use", track, "--from", start)  # the command as the hint gives it

    assert cli_json("next")["next"][0]["stage"] == expected
    assert not LATER_START.search(cli("next").stdout)  # a start is chosen: the hint has done its work


def test_the_developer_track_offers_its_entry_points_past_the_newcomers(cli):
    out = cli("next").stdout
    assert "llmpath track use developer --from ml  (or research, engineering)" in out


def test_the_later_start_hint_goes_once_a_topic_on_the_track_is_marked(cli):
    cli("start", "programming-foundations")
    assert not LATER_START.search(cli("next").stdout)
    cli("undo")
    assert LATER_START.search(cli("next").stdout)


def test_next_stays_within_a_screen_as_the_learner_goes_on(cli, cli_json):
    for _ in range(12):
        out = cli("next")
        assert len(lines_of(out)) <= SCREEN_LINES, out.stdout
        cli("done", cli_json("next")["next"][0]["id"])


# --- next in brief, show in full --------------------------------------------------------------------


def test_next_shows_the_first_items_and_where_the_rest_is(cli, cli_json):
    out = cli("next").stdout
    topic = cli_json("show", "programming-foundations")
    points = [item for group in topic["checklist"] for item in group["items"]]
    assert f"3 of {len(points)}" in out and f"2 of {len(topic['resources'])}" in out
    assert points[2] in out and points[3] not in out
    assert "All of it: llmpath show programming-foundations" in out
    assert "Begin it:  llmpath start programming-foundations" in out

    shown = cli("show", "programming-foundations").stdout
    assert all(point in shown for point in points)
    assert all(resource["title"] in shown for resource in topic["resources"])


def test_a_topic_in_progress_is_finished_not_begun(cli):
    cli("start", "programming-foundations")
    out = cli("next").stdout
    assert "Finish it: llmpath done programming-foundations" in out and "Begin it" not in out


def test_one_more_item_is_shown_rather_than_left_out(cli, cli_json):
    cli("done", "developer-prerequisites")
    out = cli("next").stdout  # Neural network fundamentals: four checklist points
    points = [
        i for g in cli_json("show", "nn-foundations-neural-network-fundamentals")["checklist"] for i in g["items"]
    ]
    assert len(points) == 4 and all(point in out for point in points) and " of 4" not in out


# --- web addresses ----------------------------------------------------------------------------------


def assert_whole(output, urls):
    """Each address stands whole on one line of the output, and the box around it is whole too."""
    lines = output.split("\n")
    for url in urls:
        assert any(url in line for line in lines), f"{url} is split or missing:\n{output}"
    width = max(len(line) for line in lines if line.startswith("╭"))
    assert all(len(line) == width for line in lines if line.startswith(("│", "╰")))


def assert_numbered(output):
    """Each address printed under the box has its number on its resource's line inside it."""
    lines = output.split("\n")
    numbers = re.findall(r"^\[(\d+)\] https://", output, re.MULTILINE)
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)]
    for number in numbers:
        assert any(f"[{number}] " in line and line.startswith("│") for line in lines), output


def assert_in_the_box(output, urls):
    lines = output.split("\n")
    for url in urls:
        assert any(url in line and line.startswith("│") for line in lines), f"{url} left the box:\n{output}"


def shown_urls(output, resources):
    """The addresses of the resources whose title the output shows."""
    return [r["url"] for r in resources if r["url"] and r["title"] in output]


@pytest.mark.parametrize("width", WIDTHS)
def test_no_address_of_the_bundled_roadmap_is_split(cli, cli_json, monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    for topic in ("programming-foundations", "math-foundations", "ml-foundations"):
        resources = cli_json("show", topic)["resources"]
        out = cli("show", topic).stdout
        assert_whole(out, [r["url"] for r in resources if r["url"]])
        assert_numbered(out)
    cli("start", "ml-foundations")
    out = cli("next").stdout  # Machine learning foundations, in progress: addresses among its first resources
    resources = cli_json("show", "ml-foundations")["resources"]
    assert shown_urls(out, resources)
    assert_whole(out, shown_urls(out, resources))
    assert_numbered(out)


def url_of_length(length, tag):
    start = f"https://example.org/{tag}/"
    return start + "x" * (length - len(start))


def addresses_roadmap(lengths):
    """A track per length: its one topic has three resources, with addresses of that length and
    the two after it; so that `next`, which shows three of three, meets every length."""

    def change(data):
        data["tracks"] += [
            {"id": f"l{n}", "title": f"L{n}", "stages": [{"id": f"s{n}", "title": "S", "topics": [f"t{n}"]}]}
            for n in lengths
        ]
        data["topics"] += [
            {
                "id": f"t{n}",
                "title": f"T{n}",
                "resources": [
                    {
                        "title": f"R{n}-{k} {'with a title too long for one line ' * k}",
                        "url": url_of_length(n + k, f"{n}-{k}"),
                    }
                    for k in range(3)
                ],
            }
            for n in lengths
        ]

    return samples.tiny(change)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_address_is_split_whatever_its_length(cli, tmp_path, monkeypatch, width):
    lengths = range(width - 30, width + 6, 3)
    monkeypatch.setenv("LLMPATH_ROADMAP", str(samples.write(tmp_path / "r.yaml", addresses_roadmap(lengths))))
    monkeypatch.setenv("COLUMNS", str(width))
    for n in lengths:
        urls = [url_of_length(n + k, f"{n}-{k}") for k in range(3)]
        out, shown = cli("next", "--track", f"l{n}").stdout, cli("show", f"t{n}").stdout
        assert_whole(out, urls)
        assert_whole(shown, urls)
        assert_numbered(out)
        assert_numbered(shown)
        fitting = [url for url in urls if len(url) <= width - 20]  # room to spare beside labels and bullets
        assert_in_the_box(out, fitting)
        assert_in_the_box(shown, fitting)


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    monkeypatch.setenv("LLMPATH_ROADMAP", str(samples.write(tmp_path / "tiny.yaml", samples.tiny())))


@pytest.mark.parametrize("text", ESCAPES + MARKUP, ids=range(len(ESCAPES + MARKUP)))
@pytest.mark.parametrize("padding", [0, 200], ids=["short", "long"])
def test_an_address_the_store_holds_is_shown_safely_and_literally(cli, tiny, llmpath_home, text, padding):
    cli("done", "alpha")  # beta, with its resource, is next
    url = f"https://example.org/{'x' * padding}{text}"
    connection = sqlite3.connect(llmpath_home / "llmpath.db")
    with connection:
        connection.execute("UPDATE topic SET data = json_set(data, '$.resources[0].url', ?) WHERE id = 'beta'", (url,))
    connection.close()
    for command in (["next"], ["show", "beta"]):
        out = cli(*command).stdout
        assert not leaked(out), leaked(out)
        if text in MARKUP:
            assert_whole(out, [url])  # never read as markup: shown as it is, whole
