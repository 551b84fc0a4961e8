"""The badge in real bash, zsh and fish prompts.

Most tests start the shell as a user does: interactive, in a pseudo-terminal, with the snippet in
its start-up file; they type a few commands and read what the terminal showed. Tests of the text
alone call the prompt functions in `shell -c`. Every shell runs under a timeout, in an empty
directory that must stay empty: a name or a title run as code would leave a file there.
"""

import fcntl
import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

import pytest
from hostile import ESCAPES, INVISIBLE, SHELL, hostile_text
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from llmpath import badge, shell

SHELLS = ("bash", "zsh", "fish")
TIMEOUT = 20
FIELDS = {"track": "developer", "percent": 37, "done": 5, "total": 12, "papers": 1, "target": 2, "today": "25/30m"}
BADGE = "llm 37% 1/2 papers"
# What a terminal acts on: C0 controls but the newline a shell ends a line with, DEL, C1 controls.
CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
TYPED = "false\ntrue\nexit\n"  # what the user types: a failing command, so prompts show status 1
SLOW_EXAMPLES = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def need(name):
    if not shutil.which(name):
        pytest.skip(f"{name} is not installed")


@pytest.fixture(params=SHELLS)
def shell_name(request):
    need(request.param)
    return request.param


@pytest.fixture
def place(tmp_path):
    """A fresh place for one shell run: a data directory, an empty working directory, a home."""
    return Place(Path(tempfile.mkdtemp(dir=tmp_path)))


class Place:
    def __init__(self, root):
        self.root = root
        self.home = root / "llmpath"  # LLMPATH_HOME, unless a test names the data directory
        self.cwd = root / "cwd"
        self.user = root / "user"
        for path in (self.home, self.cwd, self.user):
            path.mkdir()

    def write_badge(self, directory=None, **fields):
        path = (directory or self.home) / badge.BADGE_NAME
        today = {"week": badge.current_week(), "day": badge.current_day(), "next_day": "0/30m"}
        badge.write_cache(str(path), FIELDS | {"next": "Attention"} | today | fields, "sig")
        return path

    def environment(self, **extra):
        """A small environment, so nothing from the one running the tests reaches the shell."""
        env = {
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
            "HOME": str(self.user),
            "TERM": "xterm",
            "LC_ALL": "C.UTF-8",
            "XDG_CONFIG_HOME": str(self.user / "config"),
            "XDG_DATA_HOME": str(self.user / "data"),
            "LLMPATH_HOME": str(self.home),
        }
        env.update(extra)
        return {name: value for name, value in env.items() if value is not None}

    def snippet_file(self, name, default_dir=None, template=badge.DEFAULT_TEMPLATE, ascii_only=False):
        path = self.root / f"snippet.{name}"
        path.write_text(shell.snippet(name, default_dir or str(self.root / "unused"), template, ascii_only))
        return path

    def load(self, name, **options):
        """The start-up file's line that loads the snippet."""
        return "source " + shell.quoted(str(self.snippet_file(name, **options)), name)

    def assert_nothing_ran(self):
        assert not list(self.cwd.iterdir()), "the shell ran text as a command"


ESCAPE = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\x08")


def terminal(argv, env, cwd):
    """Run `argv` in a pseudo-terminal and type TYPED once it shows something; what the terminal
    showed until the program exited, without escape sequences, a carriage return read as a new
    line."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the pseudo-terminal is now its controlling terminal
        try:
            os.chdir(cwd)
            os.execvpe(argv[0], argv, env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 200, 0, 0))
    shown, deadline = b"", time.monotonic() + TIMEOUT
    try:
        while time.monotonic() < deadline:
            if not select.select([fd], [], [], 0.1)[0]:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the program exited and the terminal closed
                break
            if not chunk:
                break
            if not shown:
                os.write(fd, TYPED.encode())
            shown += chunk
        else:
            raise AssertionError(f"{argv[0]} was still running after {TIMEOUT} s; it showed {shown!r}")
    finally:
        os.close(fd)
        if os.waitpid(pid, os.WNOHANG) == (0, 0):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    return ESCAPE.sub("", shown.decode("utf-8", "replace")).replace("\r", "\n")


def interactive(name, place, startup, env=None):
    """Start `name` as an interactive shell whose start-up file holds `startup`; what it showed."""
    env = env or place.environment()
    if name == "bash":
        (place.root / "bashrc").write_text(startup)
        argv = ["bash", "--noprofile", "--rcfile", str(place.root / "bashrc"), "-i"]
    elif name == "zsh":
        zdotdir = place.root / "zdotdir"
        zdotdir.mkdir(exist_ok=True)
        (zdotdir / ".zshenv").write_text("unsetopt global_rcs\n")  # the system's zshrc is not the user's
        (zdotdir / ".zshrc").write_text(startup)
        argv, env = ["zsh", "-i"], env | {"ZDOTDIR": str(zdotdir)}
    else:
        (place.root / "config.fish").write_text(startup)
        argv = [
            "fish",
            "--no-config",
            "--private",
            "-C",
            "source " + shell.quoted(str(place.root / "config.fish"), "fish"),
        ]
    shown = terminal(argv, env, place.cwd)
    place.assert_nothing_ran()
    return shown


def run(argv, place, env=None):
    result = subprocess.run(
        argv, cwd=place.cwd, env=env or place.environment(), capture_output=True, text=True, timeout=TIMEOUT
    )
    assert result.returncode == 0, result.stderr
    place.assert_nothing_ran()
    return result.stdout


def badge_text(name, place, snippet_path, expand=True):
    """What the snippet's badge function makes of the badge file; with `expand`, as the shell's
    prompt expansion shows it (zsh's shows characters its C library cannot print as codes)."""
    script = {
        "bash": 'source "$1"; _llmpath_badge; PS1=\'$_llmpath_badge_text\'; printf %s "${PS1@P}"',
        "zsh": 'source "$1"; _llmpath_badge; print -rn -- "%s"' % ("${(%):-%9v}" if expand else "$psvar[9]"),
        "fish": "source $argv[1]; _llmpath_badge",
    }[name]
    argv = (
        [name, "--no-config", "-c", script, str(snippet_path)]
        if name == "fish"
        else [name, "-c", script, name, str(snippet_path)]
    )
    return run(argv, place)


# --- the snippet as users load it ----------------------------------------------------------------

LOADERS = {
    "bash": 'eval "$(llmpath shell-init bash)"\nPS1="$ "',
    "zsh": 'eval "$(llmpath shell-init zsh)"\nPROMPT="$ "',
    "fish": "llmpath shell-init fish | source\nfunction fish_prompt; echo -n '$ '; end",
}


def test_the_console_scripts_snippet_shows_the_badge(cli, llmpath_home, shell_name, place):
    if not (Path(sys.executable).parent / "llmpath").exists():
        pytest.skip("the llmpath console script is not installed beside this Python")
    env = place.environment(LLMPATH_HOME=str(llmpath_home))
    assert "llm " not in interactive(shell_name, place, LOADERS[shell_name], env)  # no store yet: nothing
    cli("done", "math-foundations")
    cli("papers", "log", "lora")
    assert "llm 1% 1/2 papers" in interactive(shell_name, place, LOADERS[shell_name], env)


# --- wherever the prompt is set --------------------------------------------------------------------

# Each start-up file ends in a prompt showing the last command's status: after `false` it shows 1,
# so the badge must be in front of it once, and every hook after ours must still see that status.
BASH = {
    "PS1 set after the snippet": "{load}\nPS1='later($?)$ '",
    "a theme's hook added before": 'theme() {{ PS1="theme($?)$ "; }}\nPROMPT_COMMAND=theme\n{load}',
    "a theme's hook added after": '{load}\ntheme() {{ PS1="theme($?)$ "; }}\nPROMPT_COMMAND="${{PROMPT_COMMAND:+$PROMPT_COMMAND; }}theme"',
    "a theme's hook appended naively": '{load}\ntheme() {{ PS1="theme($?)$ "; }}\nPROMPT_COMMAND="$PROMPT_COMMAND;theme;"',
    "a theme's hook in an array": '{load}\ntheme() {{ PS1="theme($?)$ "; }}\nPROMPT_COMMAND+=(theme)',
    "a starship-like hook that takes the others over": (
        '{load}\nstarship_precmd() {{ local s=$?; eval "$_PRESERVED_PROMPT_COMMAND"; PS1="star($s)$ "; }}\n'
        "_PRESERVED_PROMPT_COMMAND=$PROMPT_COMMAND; PROMPT_COMMAND=starship_precmd"
    ),
    "set -u": "set -u\n{load}\nPS1='strict($?)$ '",
    "bash-preexec, which runs a theme's precmd function": (
        "{bash_preexec}\n{load}\n"
        "PROMPT_COMMAND=$'__bp_precmd_invoke_cmd\\n'\"$PROMPT_COMMAND\"$'\\n__bp_interactive_mode'"
    ),
    "bash-preexec in an array": '{bash_preexec}\n{load}\nPROMPT_COMMAND=(__bp_precmd_invoke_cmd "$PROMPT_COMMAND" __bp_interactive_mode)',
}
# What bash-preexec does at each prompt: run the precmd functions with the user's status, then
# __bp_interactive_mode, which must come last. The theme shows whether it still does.
BASH_PREEXEC = """
__bp_precmd_invoke_cmd() {{ local status=$? hook; for hook in "${{precmd_functions[@]}}"; do __bp_status $status; "$hook"; done; }}
__bp_status() {{ return $1; }}
__bp_interactive_mode() {{ :; }}
theme() {{ local s=$?; [[ ${{PROMPT_COMMAND[*]}} == *__bp_interactive_mode ]] || s=moved; PS1="theme($s)$ "; }}
precmd_functions=(theme)
"""
ZSH = {
    "PROMPT set after the snippet": "{load}\nPROMPT='later(%?)$ '",
    "a theme's precmd hook added before": 'theme() {{ PROMPT="theme($?)$ "; }}\nautoload -Uz add-zsh-hook\nadd-zsh-hook precmd theme\n{load}',
    "a theme's precmd hook added after": '{load}\ntheme() {{ PROMPT="theme($?)$ "; }}\nautoload -Uz add-zsh-hook\nadd-zsh-hook precmd theme',
    "a precmd function": '{load}\nprecmd() {{ PROMPT="plain($?)$ "; }}',
    "unusual options": "setopt ksh_arrays sh_word_split extended_glob no_unset\n{load}\nPROMPT='odd(%?)$ '",
}
FISH = {
    "a right prompt defined before": 'function fish_right_prompt; echo -n "right($status)"; end\n{load}',
    "a right prompt defined after": '{load}\nfunction fish_right_prompt; echo -n "right($status)"; end',
    "no right prompt": "{load}\nfunction fish_prompt; echo -n \"left($status)\"'$ '; end",
}


def status_prompt(startup):
    """The prompt's own text after `false`: its name, then the status it was given, 1."""
    return re.search(r"(\w+)\((?:\$\?|%\?|\$s)\)", startup).group(1) + "(1)$ "


@pytest.mark.parametrize("case", BASH)
def test_bash_shows_the_badge_once_in_front_of_any_prompt(case, place):
    need("bash")
    if (
        case.endswith("array")
        and subprocess.run(["bash", "-c", "((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 501))"]).returncode
    ):
        pytest.skip("bash before 5.1 runs only the first element of PROMPT_COMMAND")
    place.write_badge()
    startup = BASH[case].format(load=place.load("bash"), bash_preexec=BASH_PREEXEC.format())
    shown = interactive("bash", place, startup)
    assert f"[{BADGE}] {status_prompt(startup)}" in shown and "unbound" not in shown, shown
    assert shown.count(BADGE) == shown.count(f"[{BADGE}] ") and f"[{BADGE}] [" not in shown, shown


@pytest.mark.parametrize("case", ZSH)
def test_zsh_shows_the_badge_once_in_front_of_any_prompt(case, place):
    need("zsh")
    place.write_badge()
    startup = ZSH[case].format(load=place.load("zsh"))
    shown = interactive("zsh", place, startup)
    assert f"[{BADGE}] {status_prompt(startup)}" in shown, shown
    assert shown.count(BADGE) == shown.count(f"[{BADGE}] ") and f"[{BADGE}] [" not in shown, shown


@pytest.mark.parametrize("case", FISH)
def test_fish_shows_the_badge_after_the_right_prompt(case, place):
    need("fish")
    place.write_badge()
    startup = FISH[case].format(load=place.load("fish"))
    shown = interactive("fish", place, startup)
    if "right(" in startup:
        assert f"right(1) {BADGE}" in shown, shown
        assert shown.count(BADGE) == len(re.findall(rf"right\(\d\) {BADGE}", shown)), shown
    else:
        assert "left(1)$ " in shown and BADGE in shown, shown


PLACED_BY_HAND = {
    "bash": "{load}\nPS1='($_llmpath_badge_text) $ '",
    "zsh": "{load}\nPROMPT='$ '\nRPROMPT='(%9v)'",
    "fish": "{load}\nfunction fish_prompt; echo -n -s '(' (_llmpath_badge) ') $ '; end",
}


def test_a_badge_placed_by_hand_is_left_where_it_is(shell_name, place):
    place.write_badge()
    shown = interactive(shell_name, place, PLACED_BY_HAND[shell_name].format(load=place.load(shell_name)))
    assert shown.count(BADGE) == shown.count(f"({BADGE})") > 0, shown


# --- whatever the data holds -----------------------------------------------------------------------

DIRECTORY_NAMES = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"), min_size=1, max_size=16
)


@SLOW_EXAMPLES
@given(name=DIRECTORY_NAMES)
@example(name="$(touch pwned)")
@example(name="`touch pwned`")
@example(name='it\'s "quoted" }')
@example(name="a b\nc\\")
@example(name="two \\\\ back\\'slashes")
@example(name="dé✦ ${HOME} ~ * \x1b]0;x\x07 \u202e")
def test_any_data_directory_name_is_quoted_for_the_shell(tmp_path, shell_name, name):
    place = Place(Path(tempfile.mkdtemp(dir=tmp_path)))
    data = place.root / f"d{name}" / "llmpath"  # the platform default, from XDG_DATA_HOME or HOME
    data.mkdir(parents=True)
    place.write_badge(data)
    snippet = place.snippet_file(shell_name, default_dir=str(data))
    assert snippet.read_text().isascii()
    check = subprocess.run([shell_name, "-n", str(snippet)], capture_output=True, text=True, timeout=TIMEOUT)
    assert check.returncode == 0, check.stderr
    startup = f"source {shell.quoted(str(snippet), shell_name)}\n"
    shown = interactive(shell_name, place, startup, place.environment(LLMPATH_HOME=None))
    assert BADGE in shown, shown


TEMPLATE_PARTS = st.lists(
    st.one_of(
        st.sampled_from([f"{{{field}}}" for field in badge.FIELDS]),
        hostile_text.map(lambda text: text.replace("{", "{{").replace("}", "}}")),
        st.sampled_from(["%", "%9v", "%F{{red}}", "\\w", "\\$", "$_lp_track", "'", '"', "`", "\\"]),
    ),
    max_size=6,
)


@SLOW_EXAMPLES
@given(parts=TEMPLATE_PARTS, ascii_only=st.booleans())
@example(parts=["{track} ", "$(touch pwned) `touch pwned` '\" \\ %9v %% \\u {{x}}", " {next}"], ascii_only=False)
@example(parts=ESCAPES + INVISIBLE + ["\n", "{percent}"], ascii_only=False)
@example(parts=["✦ {next} \x1b[2J"], ascii_only=True)
def test_a_template_shows_in_the_shell_as_llmpath_badge_shows_it(tmp_path, shell_name, parts, ascii_only):
    place = Place(Path(tempfile.mkdtemp(dir=tmp_path)))
    template = "".join(parts)
    cache = place.write_badge(track="dé\x1b[2Jv ✦", next="Transformers › Attention \\ $(touch pwned) `x` %9v 'q\"=")
    snippet = place.snippet_file(shell_name, template=template, ascii_only=ascii_only)
    shown = badge_text(shell_name, place, snippet)
    text = badge_text(shell_name, place, snippet, expand=False) if shell_name == "zsh" else shown
    assert not CONTROLS.search(shown)
    if text.isascii():  # nothing in it, % included, is read as a prompt escape
        assert shown == text
    expected = badge.render(badge.read_cache(str(cache)), template, ascii_only)
    if ascii_only:  # up to spaces: the ASCII copy of each title is trimmed, as the badge trims its line
        assert all(" " <= char <= "~" for char in shown), shown
        assert "".join(text.split()) == "".join(expected.split())
    else:
        assert badge.one_line(text) == expected


# Text a file written by something else might hold, one line of it, valid UTF-8: bash and fish show
# bytes that are not (which llmpath never writes) as they are; zsh shows them as codes.
FOREIGN_TEXT = hostile_text.map(lambda text: text.replace("\n", "").encode("utf-8", "replace").decode())


@SLOW_EXAMPLES
@given(text=FOREIGN_TEXT)
@example(text="".join(ESCAPES + INVISIBLE + SHELL))
def test_a_badge_file_written_elsewhere_puts_no_control_character_into_the_prompt(tmp_path, shell_name, text):
    place = Place(Path(tempfile.mkdtemp(dir=tmp_path)))
    lines = [badge.FORMAT_LINE, f"track={text}", "percent=3", "done=1", "total=2", "papers=1", "target=2"]
    lines += [f"next={text}", f"track_ascii={text}", f"next_ascii={text}", f"week={badge.current_week()}"]
    lines += ["week_ends_in=999999", "db=x"]
    (place.home / badge.BADGE_NAME).write_text("\n".join(lines) + "\n", encoding="utf-8")
    for ascii_only in (False, True):
        snippet = place.snippet_file(shell_name, template="{track}|{next}|{percent}", ascii_only=ascii_only)
        shown = badge_text(shell_name, place, snippet)
        assert shown.endswith("|3") and not CONTROLS.search(shown), repr(shown)


# --- files that are not files, and weeks that are over ---------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "directory", "device", "older format"])
def test_a_badge_file_that_is_not_one_never_holds_up_a_prompt(shell_name, place, kind):
    cache = place.home / badge.BADGE_NAME
    if kind == "fifo":
        os.mkfifo(cache)
    elif kind == "directory":
        cache.mkdir()
    elif kind == "device":
        cache.symlink_to("/dev/zero")
    else:
        place.write_badge()
        cache.write_text(cache.read_text().replace(badge.FORMAT_LINE, "llmpath-badge 1"))
    shown = interactive(shell_name, place, PLACED_BY_HAND[shell_name].format(load=place.load(shell_name)))
    assert "llm " not in shown and "()" in shown, shown  # an empty badge, shown at once


def test_a_new_week_starts_at_zero_papers(shell_name, place):
    cache = place.write_badge()
    snippet = place.snippet_file(shell_name)
    assert badge_text(shell_name, place, snippet) == BADGE
    # Written in a week that is over: bash and zsh read its name, fish its age.
    cache.write_text(cache.read_text().replace(f"week={badge.current_week()}", "week=2020-W01"))
    os.utime(cache, (time.time() - 8 * 86400,) * 2)
    assert badge_text(shell_name, place, snippet) == "llm 37% 0/2 papers"


def test_a_new_day_starts_at_zero_minutes(shell_name, place):
    cache = place.write_badge()
    snippet = place.snippet_file(shell_name, template="{today} {papers}/{target}")
    assert badge_text(shell_name, place, snippet) == "25/30m 1/2"
    # Written on a day that is over, in this week: bash and zsh read the day's date, fish the file's age.
    text = cache.read_text().replace(f"day={badge.current_day()}", "day=2020-01-01")
    cache.write_text(re.sub(r"(?m)^week_ends_in=.*$", f"week_ends_in={7 * 86400}", text))  # its week goes on
    os.utime(cache, (time.time() - 2 * 86400,) * 2)
    assert badge_text(shell_name, place, snippet) == "0/30m 1/2"


def test_a_prompt_starts_no_process(shell_name, place):
    need("strace")
    place.write_badge()
    snippet = place.snippet_file(shell_name)
    prompts = {
        "bash": 'source "$1"; PS1=\'$ \'; for i in 1 2 3; do _llmpath_prompt; done; printf %s "${PS1@P}"',
        "zsh": 'source "$1"; for i in 1 2 3; do _llmpath_precmd; done; print -rn -- "${(%)PROMPT}"',
        "fish": "source $argv[1]; for i in 1 2 3; emit fish_prompt; fish_right_prompt; end",
    }[shell_name]
    argv = (
        [shell_name, "--no-config", "-c", prompts, str(snippet)]
        if shell_name == "fish"
        else [shell_name, "-c", prompts, shell_name, str(snippet)]
    )
    log = place.root / "strace.log"
    traced = subprocess.run(
        ["strace", "-f", "-o", str(log), "-e", "trace=execve,fork,vfork,clone,clone3", *argv],
        cwd=place.cwd,
        env=place.environment(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    if traced.returncode and "ptrace" in traced.stderr:
        pytest.skip(f"strace cannot trace here: {traced.stderr.strip()}")
    assert BADGE in traced.stdout, traced.stderr
    calls = re.findall(r"^\d+ +(?:execve|fork|vfork|clone3?)\(.*$", log.read_text(), re.MULTILINE)
    processes = [call for call in calls if "CLONE_THREAD" not in call]  # a thread is no process
    assert len(processes) == 1, processes  # the shell's own start, and nothing after it
