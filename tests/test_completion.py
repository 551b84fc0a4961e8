"""Shell completion: topic, paper, track and stage names from the store, at each TAB.

A TAB is pressed here as Typer's completion scripts press it: the console script runs with
_LLMPATH_COMPLETE and the command line in its environment, and its answer is read in the format of
that shell's script. The fast path (llmpath.completion, which answers before the Typer app is
imported) must answer exactly as the app does, and the table it reads command lines with is
derived from the app. Real bash, zsh and fish run Typer's scripts at the end.
"""

import contextlib
import io
import os
import re
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from commands import ALL
from hostile import CORPUS, SHELL, hostile_text, leaked
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from llmpath import completion
from llmpath.cli import app
from llmpath.paths import bundled_roadmap
from samples import tiny, write

CONSOLE = Path(sys.executable).with_name("llmpath")  # the console script, as the shell runs it
SHELLS = ("bash", "zsh", "fish")
TIMEOUT = 60
HEAVY = ("typer", "click", "rich", "sqlmodel", "sqlalchemy", "yaml", "psycopg")
ZSH_LIST = ("_arguments '*: :((", "))'\n")  # around the (value, help) pairs of Typer's zsh answer


def protocol(shell, line, action="get-args"):
    """The environment Typer's script for `shell` runs llmpath with, for a TAB at the end of `line`."""
    if shell == "bash":
        words = line.split(" ")  # the script joins COMP_WORDS with newlines: its IFS
        return {"COMP_WORDS": "\n".join(words), "COMP_CWORD": str(len(words) - 1)}
    return {"_TYPER_COMPLETE_ARGS": line} | ({"_TYPER_COMPLETE_FISH_ACTION": action} if shell == "fish" else {})


def tab(line, shell="bash", action="get-args", **env):
    """What the console script answers to a TAB at the end of `line`."""
    return subprocess.run(
        [str(CONSOLE)],
        env=os.environ | {completion.VARIABLE: f"complete_{shell}"} | protocol(shell, line, action) | env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def names(stdout, shell="bash"):
    """{id: title} in an answer (bash's holds no titles: None)."""
    lines = [line for line in stdout.split("\n") if line]
    if shell == "bash":
        return dict.fromkeys(lines)
    if shell == "fish":
        return dict(line.split("\t", 1) if "\t" in line else (line, None) for line in lines)
    if stdout == "_files\n":  # nothing to offer: zsh offers file names instead
        return {}
    start, end = ZSH_LIST
    assert stdout.startswith(start) and stdout.endswith(end), stdout
    found = {}
    for pair in stdout[len(start) : -len(end)].split("\n"):
        value, _, title = pair[1:-1].partition('":"')
        for escaped, plain in (("\\\\:", ":"), ("\\`", "`"), ("\\$", "$"), ("''", "'"), ('""', '"')):
            title = title.replace(escaped, plain)
        found[value] = title
    return found


def offered(line, shell="bash", **env):
    """{id: title} a TAB at the end of `line` offers; it must succeed and say nothing else."""
    result = tab(line, shell, **env)
    assert (result.returncode, result.stderr) == (0, ""), result
    return names(result.stdout, shell)


def topics(cli_json):
    """{id: title as shown} of every topic the tracks hold."""
    tracks = [t["id"] for t in cli_json("track")["tracks"]]
    return {t["id"]: t["display_title"] for track in tracks for t in cli_json("list", "--track", track)["topics"]}


def clipped(title):
    """A title as long as a TAB shows it."""
    return title if len(title) <= completion.DESCRIPTION_LENGTH else title[: completion.DESCRIPTION_LENGTH - 1] + "…"


# --- names, as each shell asks for them ---------------------------------------------------------


@pytest.mark.parametrize("shell", SHELLS)
def test_a_topic_completes_from_the_start_of_its_id_with_its_title(cli, cli_json, shell):
    cli("next")
    known = topics(cli_json)
    expected = {i: clipped(title) for i, title in known.items() if i.startswith("tokenization-")}
    found = offered("llmpath done tokenization-", shell)
    assert found == (dict.fromkeys(expected) if shell == "bash" else expected)
    assert len(expected) > 1


def test_every_topic_is_offered_for_an_empty_word_and_each_command_that_takes_one(cli, cli_json):
    cli("next")
    every = set(topics(cli_json))
    for line in ("llmpath done ", "llmpath done alpha beta ", "llmpath show ", "llmpath papers --topic "):
        assert set(offered(line)) == every, line


def test_a_title_word_completes_to_the_ids_of_the_topics_it_starts(cli, cli_json):
    cli("next")
    known = topics(cli_json)
    # The first word of a section's title where no id starts with it: bash puts the id in its place.
    words = {title.split(" › ")[-1].split()[0].lower(): i for i, title in known.items()}
    tried = 0
    for word, topic_id in sorted(words.items()):
        if len(word) < 5 or not word.isalpha() or any(i.startswith(word) for i in known):
            continue
        found = offered(f"llmpath start {word}")
        assert topic_id in found, (word, found)
        if len(found) == 1:  # one candidate: what the same word names for `show`
            assert cli_json("show", word)["id"] == topic_id
        tried += 1
        if tried == 3:
            break
    assert tried == 3


def test_papers_complete_with_the_learners_own(cli, cli_json):
    cli("papers", "log", "Notes on rotary embeddings from our reading group", "--new")
    catalog = {p["id"]: p for p in cli_json("papers")["papers"]}
    own = [i for i, p in catalog.items() if p["own"]]
    assert len(own) == 1
    assert set(offered("llmpath papers show ")) == set(catalog)
    assert list(offered(f"llmpath papers log {own[0][:5]}")) == own
    found = offered("llmpath papers show lo", "fish")
    assert found == {i: clipped(f"{p['title']} ({p['year']})") for i, p in catalog.items() if i.startswith("lo")}


def test_tracks_and_stages_complete_by_the_track_in_question(cli, cli_json):
    cli("next")
    tracks = {t["id"]: t for t in cli_json("track")["tracks"]}

    def stages(track):
        listed = [s["id"] for s in cli_json("roadmap", "--track", track)["stages"]]
        return listed + [e["id"] for e in tracks[track]["entry_points"]]

    active = cli_json("track")["active"]
    assert offered("llmpath track use ", "fish") == {i: t["title"] for i, t in tracks.items()}
    assert list(offered("llmpath next --track ")) == list(tracks)
    assert list(offered("llmpath roadmap --stage ")) == stages(active)
    other = next(t for t in tracks if t != active and tracks[t]["entry_points"] == [])
    assert list(offered(f"llmpath list -t {other} -s ")) == stages(other)
    assert list(offered(f"llmpath track use {other} --from ")) == stages(other)
    # A track named otherwise than by its id: the stages of every track.
    every = offered(f"llmpath roadmap --track {other[:3].upper()} --stage ")
    assert set(every) == {s for t in tracks for s in stages(t)}


def test_a_custom_roadmap_completes_once_the_store_holds_it(cli, tmp_path):
    roadmap = write(tmp_path / "roadmap.yaml", tiny())
    cli("--roadmap", str(roadmap), "next")
    assert list(offered(f"llmpath --roadmap {roadmap} done ")) == ["alpha", "beta", "gamma", "delta"]
    assert list(offered("llmpath done ", LLMPATH_ROADMAP=str(roadmap))) == ["alpha", "beta", "gamma", "delta"]
    assert list(offered(f"llmpath --roadmap {roadmap} track use main --from ")) == ["first", "second", "late"]
    # The bundled roadmap is not the one the store holds: the next command syncs it; until then, nothing.
    assert offered("llmpath done ") == {}


# --- nothing to read, and nothing written -------------------------------------------------------


@pytest.mark.parametrize("shell", SHELLS)
def test_without_a_store_a_tab_offers_nothing_and_creates_nothing(llmpath_home, shell):
    result = tab("llmpath done tok", shell)
    assert (result.returncode, result.stdout, result.stderr) == (0, "_files\n" if shell == "zsh" else "\n", "")
    if shell == "fish":  # asked first whether there is anything to offer: no, so fish offers file names
        assert tab("llmpath done tok", "fish", action="is-args").returncode == 1
    assert not llmpath_home.exists()


def test_a_damaged_store_offers_nothing_and_stays_as_it_was(llmpath_home):
    llmpath_home.mkdir()
    (llmpath_home / "llmpath.db").write_bytes(b"not a database\n" * 100)
    for line in ("llmpath done tok", "llmpath papers show lo", "llmpath roadmap --stage "):
        result = tab(line)
        assert (result.returncode, result.stdout, result.stderr) == (0, "\n", "")
    assert (llmpath_home / "llmpath.db").read_bytes() == b"not a database\n" * 100
    assert sorted(p.name for p in llmpath_home.iterdir()) == ["llmpath.db"]


@pytest.mark.stores
def test_a_tab_changes_nothing_and_imports_no_heavy_library(cli, cli_json, store, store_contents, llmpath_home):
    cli("papers", "log", "Our own preprint on long context", "--new")
    own = [p["id"] for p in cli_json("papers")["papers"] if p["own"]]
    before, files = store_contents(), sorted(p.name for p in llmpath_home.iterdir())
    code = (
        "import sys; from llmpath.entry import main; code = main(); "
        f"print(code, sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}), file=sys.stderr)"
    )
    env = {completion.VARIABLE: "complete_bash"} | protocol("bash", "llmpath papers show own")
    run = subprocess.run(
        [sys.executable, "-c", code], env=os.environ | env, capture_output=True, text=True, timeout=TIMEOUT
    )
    assert run.stderr == "0 []\n"
    assert run.stdout.split() == own
    assert store_contents() == before
    assert sorted(p.name for p in llmpath_home.iterdir()) == files


# --- a server's store: the names the last change on this machine saw ----------------------------


@pytest.mark.server_only
def test_a_servers_names_come_from_the_file_this_machines_changes_leave(cli, cli_json, llmpath_home, tmp_path):
    cli("done", "math-foundations")
    assert "math-foundations" in offered("llmpath done ")
    # Changes that change the names: the file follows them.
    cli("papers", "log", "Our own preprint on long context", "--new")
    own = [p["id"] for p in cli_json("papers")["papers"] if p["own"]]
    assert set(own) < set(offered("llmpath papers show "))
    cli("track", "use", "researcher")
    assert set(offered("llmpath roadmap --stage ")) == {s["id"] for s in cli_json("roadmap")["stages"]}
    # Made from another database, or another roadmap: not trusted, and the server is not asked.
    other = "postgresql://someone:secret@127.0.0.1:1/elsewhere"
    assert offered("llmpath papers show ", LLMPATH_DATABASE_URL=other) == {}
    roadmap = write(tmp_path / "roadmap.yaml", tiny())
    assert offered("llmpath done ", LLMPATH_ROADMAP=str(roadmap)) == {}
    (llmpath_home / completion.INDEX_NAME).write_text("llmpath-completion 0\n")
    assert offered("llmpath papers show ") == {}


# --- untrusted names and titles -----------------------------------------------------------------


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.one_of(st.sampled_from(CORPUS), hostile_text))
def test_titles_are_shown_on_one_line_and_without_control_bytes(cli, llmpath_home, title):
    cli("next")
    with sqlite3.connect(llmpath_home / "llmpath.db") as connection:  # as if edited by hand
        connection.execute("UPDATE track SET title = ? WHERE id = 'developer'", (title,))
    for shell in ("zsh", "fish"):
        found = offered("llmpath track use ", shell)
        assert list(found) == ["developer", "specialist", "complete", "researcher"]  # one a line
        assert not leaked(found["developer"] or ""), found
        assert len(found["developer"] or "") <= completion.DESCRIPTION_LENGTH


def test_ids_a_shell_would_act_on_are_never_offered(cli, llmpath_home):
    cli("next")
    with sqlite3.connect(llmpath_home / "llmpath.db") as connection:
        for hostile, track in zip(
            (SHELL[0], "two words", "-rf"), ("specialist", "complete", "researcher"), strict=True
        ):
            connection.execute("UPDATE track SET id = ? WHERE id = ?", (hostile, track))
    assert list(offered("llmpath track use ")) == ["developer"]


# --- the fast path and the app ------------------------------------------------------------------


def fast_answer(shell, line, action="get-args"):
    """(exit status, stdout) of the fast path in this process; None when it leaves the TAB to the app."""
    out = io.StringIO()
    with mock.patch.dict(os.environ, protocol(shell, line, action)), contextlib.redirect_stdout(out):
        code = completion.main(f"complete_{shell}")
    return None if code is None else (code, out.getvalue())


def app_answer(shell, line, action="get-args"):
    """(exit status, stdout) of the Typer app's own completion, in this process."""
    env = {completion.VARIABLE: f"complete_{shell}"} | protocol(shell, line, action)
    result = CliRunner().invoke(app, [], env=env, prog_name="llmpath")
    return result.exit_code, result.stdout


def app_table():
    """COMMANDS as the app has it: every command's arguments, options and flags, each parameter's
    kind found by completing it through the app (the kind whose names it offers)."""
    from typer import Context

    kinds = {}
    for kind, line in (
        (completion.TOPIC, "show "),
        (completion.PAPER, "papers show "),
        (completion.TRACK, "track use "),
    ):
        kinds[kind] = set(names(app_answer("bash", "llmpath " + line)[1]))
    kinds[completion.STAGE] = set(names(app_answer("bash", "llmpath roadmap --stage ")[1]))
    assert all(kinds.values()) and len({frozenset(known) for known in kinds.values()}) == len(kinds)

    def kind_of(command, parameter):
        context = Context(command, info_name="llmpath")
        values = {item.value for item in parameter.shell_complete(context, "")}
        return next((kind for kind, known in kinds.items() if values == known), None)

    table = {}
    for path, command in ALL:
        arguments = tuple(
            (kind_of(command, p) or "") + (completion.MANY if p.nargs == -1 else "")
            for p in command.params
            if p.param_type_name == "argument"
        )
        options, flags = {}, set()
        for p in command.params:
            if p.param_type_name == "option":
                if p.is_flag or p.count:
                    flags.update(p.opts + p.secondary_opts)
                else:
                    options.update(dict.fromkeys(p.opts + p.secondary_opts, kind_of(command, p)))
        table[" ".join(path)] = (arguments, options, flags | set(completion.HELP))
    return table


def test_the_fast_paths_table_is_the_apps(cli):
    cli("next")
    table = {path: completion.parameters(path) for path in completion.COMMANDS}
    assert table == app_table(), "a command or parameter changed: update llmpath.completion.COMMANDS"


def test_every_topic_paper_track_and_stage_parameter_completes_its_kind():
    for path, command in ALL:
        arguments, options, _flags = completion.parameters(" ".join(path))
        positions = [p.name for p in command.params if p.param_type_name == "argument"]
        for p in command.params:
            named = {
                "TOPIC": completion.TOPIC,
                "PAPER": completion.PAPER,
                "STAGE": completion.STAGE,
            }.get(p.metavar)
            if "--track" in p.opts or (path == ("track", "use") and p.name == "name"):
                named = completion.TRACK
            if p.param_type_name == "option":
                assert options.get(p.opts[0]) == named, (path, p.name)
            elif named:
                assert completion.argument_kind(arguments, positions.index(p.name)) == named, (path, p.name)


def parameter_lines():
    """A line ending where each parameter of the app that takes a value is to be completed."""
    for path, command in ALL:
        start = " ".join(("llmpath", *path))
        arguments = [p for p in command.params if p.param_type_name == "argument"]
        for index, _argument in enumerate(arguments):
            yield start + " x" * index + " "
        for p in command.params:
            if p.param_type_name == "option" and not (p.is_flag or p.count):
                yield f"{start} {p.opts[0]} "


def test_the_fast_path_answers_as_the_app_does_for_every_parameter(cli, cli_json):
    cli("next")
    store_names = set(topics(cli_json)) | {t["id"] for t in cli_json("track")["tracks"]}
    answered = 0
    for line in parameter_lines():
        for shell, action in (("bash", ""), ("zsh", ""), ("fish", "get-args"), ("fish", "is-args")):
            fast = fast_answer(shell, line, action)
            if fast is not None:
                assert fast == app_answer(shell, line, action), (shell, action, line)
                answered += 1
        if fast_answer("bash", line) is None:  # the app's to answer: it offers no names of the store
            assert not set(names(app_answer("bash", line)[1])) & store_names, line
    assert answered >= 4 * 20


# Words of a command line besides its commands, options and flags: values, and what the fast path
# leaves to the app. (Not --version: the app's callback prints the version even while completing.)
VALUES = ["x", "developer", "tok", "Part 2"]
ODD = ["--", "-nx", "--track=x", "--nope"]
STORE_COMMANDS = sorted(
    name for name, (arguments, options, _) in completion.COMMANDS.items() if any(arguments) or any(options.values())
)


@st.composite
def command_lines(draw):
    """(words before the one completed, that word): mostly a command that completes names, with
    words of its own; now and then any command, and words it does not know."""
    command = draw(st.sampled_from(STORE_COMMANDS) | st.sampled_from(sorted(completion.COMMANDS)))
    _arguments, options, flags = completion.parameters(command)
    own = st.sampled_from(sorted(options) + sorted(flags) + VALUES * 3 + ODD)
    words = command.split() + draw(st.lists(own, max_size=3))
    if draw(st.booleans()):
        words = ["--roadmap", str(bundled_roadmap()), *words]
    typed = draw(st.sampled_from(["", "t", "tokenization-", "de", "Dev", "lo", "part", "long", "--t"]))
    return words, typed


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(line=command_lines(), shell=st.sampled_from(["bash", "zsh"]))
def test_whenever_the_fast_path_answers_the_app_finds_the_same_parameter(synced_home, line, shell):
    words, typed = line
    text = " ".join(["llmpath", *words, typed])
    with mock.patch.dict(os.environ, {"LLMPATH_HOME": str(synced_home), "LLMPATH_ROADMAP": ""}):
        fast = fast_answer(shell, text)
        event("left to the app" if fast is None else "answered")
        if fast is None:
            return
        code, out = app_answer(shell, text)
    # The app keeps only the ids that start with the word as typed; the fast path also offers the
    # ids a word of a title names, and ids whose start was typed in capitals.
    assert code == fast[0]
    assert names(out, shell) == {i: title for i, title in names(fast[1], shell).items() if i.startswith(typed)}


@pytest.fixture(scope="module")
def synced_home(tmp_path_factory):
    """A data directory synced once, for the many command lines hypothesis makes."""
    home = tmp_path_factory.mktemp("synced")
    with mock.patch.dict(os.environ, {"LLMPATH_HOME": str(home)}):
        assert CliRunner().invoke(app, ["next"]).exit_code == 0
    return home


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(" \t\n'\"\\abc-=$"), max_size=20))
def test_words_are_split_as_click_splits_them(line):
    from typer._click.shell_completion import split_arg_string

    assert completion.split_words(line) == split_arg_string(line)


# --- real shells, through Typer's scripts ---------------------------------------------------------


def need(name):
    if not shutil.which(name):
        pytest.skip(f"{name} is not installed")


def script(shell, directory):
    """Typer's completion script for `shell`, in a file, as `llmpath --install-completion` writes it."""
    source = subprocess.run(
        [str(CONSOLE)],
        env=os.environ | {completion.VARIABLE: f"source_{shell}"},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    )
    path = directory / f"llmpath.{shell}"
    path.write_text(source.stdout.strip() + "\n")  # compinit wants #compdef on the first line
    return path


def shell_environment(directory):
    """The tests' environment with the console script first on PATH, as Typer's scripts call it,
    and a home of its own in `directory`, which the shell may write to."""
    return os.environ | {
        "PATH": os.pathsep.join([str(CONSOLE.parent), os.environ.get("PATH", "")]),
        "HOME": str(directory),
        "XDG_CONFIG_HOME": str(directory / "config"),
        "XDG_DATA_HOME": str(directory / "data"),
    }


def test_bash_completes_through_typers_script(cli, tmp_path):
    need("bash")
    cli("next")
    run = (
        'source "$1"; complete -p llmpath; COMP_WORDS=(llmpath done tokenization-pre); COMP_CWORD=2; '
        '_llmpath_completion llmpath; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", run, "bash", str(script("bash", tmp_path))],
        env=shell_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.stdout.splitlines() == [
        "complete -o default -F _llmpath_completion llmpath",
        "tokenization-preprocessing",
    ]


def test_fish_completes_through_typers_script_with_titles(cli, cli_json, tmp_path):
    need("fish")
    cli("next")
    papers = {p["id"]: p for p in cli_json("papers")["papers"]}
    result = subprocess.run(
        [
            "fish",
            "--no-config",
            "-c",
            'source $argv[1]; complete -C "llmpath papers show lo"',
            str(script("fish", tmp_path)),
        ],
        env=shell_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    expected = [f"{i}\t{p['title']} ({p['year']})" for i, p in papers.items() if i.startswith("lo")]
    assert sorted(result.stdout.splitlines()) == sorted(expected)


def test_zsh_completes_through_typers_script_with_titles(cli, tmp_path):
    need("zsh")
    cli("next")
    directory = tmp_path / "zdotdir"
    directory.mkdir()
    (directory / ".zshenv").write_text("unsetopt global_rcs\n")  # the system's zshrc is not the user's
    (directory / ".zshrc").write_text(
        f"autoload -Uz compinit; compinit -u -d {directory / 'compdump'}\n"
        f"source {script('zsh', tmp_path)}\nzstyle ':completion:*' verbose yes\nPROMPT='$ '\n"
    )
    env = shell_environment(tmp_path) | {"ZDOTDIR": str(directory)}
    shown = zsh_shows(env, "llmpath papers show lo\t", r"lora +-- .*\n.*|longformer +-- .*\n.*lora +-- .*")
    assert re.search(r"lora +-- LoRA: Low-Rank Adaptation", shown), shown
    assert re.search(r"longformer +-- Longformer: ", shown), shown


def zsh_shows(env, typed, wanted):
    """What an interactive zsh in a terminal showed once `typed` was typed at its prompt, until it
    showed `wanted` (a regular expression), escape sequences left out."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe("zsh", ["zsh", "-i"], env)
    shown = b""

    def text():
        return re.sub(r"\x1b\[[0-?]*[ -/]*[@-~]", "", shown.decode("utf-8", "replace")).replace("\r", "")

    def read_until(pattern):
        nonlocal shown
        deadline = time.monotonic() + TIMEOUT
        while not re.search(pattern, text()) and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.1)[0]:
                try:
                    shown += os.read(fd, 65536)
                except OSError:  # the shell is gone
                    break

    try:
        read_until(r"\$ ")
        os.write(fd, typed.encode())
        read_until(wanted)
    finally:
        os.close(fd)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    return text()
