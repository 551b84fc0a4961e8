"""`llmpath badge`: one short line for a shell prompt, for example `llm 37% 1/2 papers`.

A prompt runs this before every line the learner types, so it must add almost nothing to the
interpreter's own start: it imports only `os`, `stat`, `sys` and `time`, all loaded with the
interpreter itself (not pathlib, json or datetime, and none of typer, rich, sqlmodel, pydantic,
yaml or platformdirs), and llmpath.safetext, which imports nothing. It reads the small badge
file that every command changing progress or settings refreshes, and prints. The file is stamped
with the store generation it was made from and exists only while the store is at it (writers
remove it before they commit); when it is missing or damaged, it is rebuilt from the store's
read model with the domain's own rules (llmpath.app.caches), and failing that the badge prints
nothing. A prompt must never show an error, so every failure ends in silence and exit status 0.

Topic titles are data: they are made visible (llmpath.safetext) when the file is written, and
again when it is shown, since the file may have been written by something else.
"""

import os
import stat
import sys
import time

from .safetext import ascii_text, visible

BADGE_NAME = "badge.txt"
DATABASE_NAME = "llmpath.db"
FORMAT_LINE = "llmpath-badge 4"  # 4: {today} and its day; 3: stamped with the store generation; 2: made visible
DEFAULT_TEMPLATE = "llm {percent}% {papers}/{target} papers"
MAX_BYTES = 64 * 1024  # many times the badge file's size: read no further, whatever is there
FIELDS = ("track", "percent", "done", "total", "papers", "target", "next", "today")
TEXT_FIELDS = ("track", "next")  # the others are figures
# Besides the fields: the week and the day the figures are true in, and what {today} shows after it.
DATED = ("week", "day", "next_day")
USAGE = """Usage: llmpath badge [--format TEMPLATE] [--ascii] [--refresh]

  Print one short line for a shell prompt: progress of the active track and this week's papers
  against the target. Prints nothing before the first llmpath command, and never an error.

  --format TEMPLATE  Fields: {percent} {done} {total} {track} {papers} {target} {next}
                     {today}: minutes studied today against your daily target, 25/30m
                     (default: "llm {percent}% {papers}/{target} papers")
  --ascii            Leave out any character that is not printable ASCII.
  --refresh          Bring the cached badge up to date from the store and print nothing. With
                     a PostgreSQL store the prompt never asks the server: it shows the badge
                     the last command on this machine left, and starts this in the background
                     when that is over a minute old, at most once a minute.

  Example:
    llmpath badge --format "{track} {percent}% · next: {next}"
"""


def data_dir():
    """LLMPATH_HOME, else the platform's user data directory."""
    home = os.environ.get("LLMPATH_HOME")
    return os.path.expanduser(home) if home else default_data_dir()


def default_data_dir():
    """The platform's user data directory for llmpath, whatever LLMPATH_HOME says.

    Mirrors platformdirs' user_data_dir for llmpath without importing it; a test keeps the two
    in agreement.
    """
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~\\AppData\\Local")
        return os.path.join(base, "llmpath")
    if sys.platform == "darwin":
        return os.path.expanduser("~/Library/Application Support/llmpath")
    base = os.environ.get("XDG_DATA_HOME", "").strip() or os.path.expanduser("~/.local/share")
    return os.path.join(base, "llmpath")


def read_cache(path):
    """The badge file's fields, or None when it is missing, damaged or not a regular file.

    Opened without waiting and read only when it is a regular file, and then only so far: a FIFO,
    a device or a huge file in its place must never hold up a prompt.
    """
    try:
        # Windows has no O_NONBLOCK, and no FIFO can take a file's place there.
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            if not stat.S_ISREG(os.fstat(handle).st_mode):
                return None
            lines = os.read(handle, MAX_BYTES).decode("utf-8").splitlines()
        finally:
            os.close(handle)
    except (OSError, UnicodeDecodeError):
        return None
    if not lines or lines[0] != FORMAT_LINE:
        return None
    fields = dict(line.split("=", 1) for line in lines[1:] if "=" in line)
    if any(name not in fields for name in (*FIELDS, *DATED, "generation")):
        return None
    return fields


WEEK_FORMAT = "%G-W%V"
DAY_FORMAT = "%Y-%m-%d"


def current_week():
    return time.strftime(WEEK_FORMAT, time.localtime())


def current_day():
    return time.strftime(DAY_FORMAT, time.localtime())


def seconds_left_in(week):
    """Seconds from now until the local midnight that ends ISO week `week`; 0 unless it is this week."""
    return _seconds_to_midnight(WEEK_FORMAT, week, lambda today: 7 - today.tm_wday)  # to next Monday


def seconds_left_in_day(day):
    """Seconds from now until the local midnight that ends `day` (YYYY-MM-DD); 0 unless it is today."""
    return _seconds_to_midnight(DAY_FORMAT, day, lambda _today: 1)


def _seconds_to_midnight(form, period, days_to_end):
    now = time.time()
    today = time.localtime(now)
    if time.strftime(form, today) != period:
        return 0
    # mktime carries a day past the month's end, and finds the offset in force then (summer time).
    end = time.mktime((today.tm_year, today.tm_mon, today.tm_mday + days_to_end(today), 0, 0, 0, 0, 0, -1))
    return max(0, int(end - now))


def shown(text, ascii_only=False):
    """`text` made visible, or cut to printable ASCII with `ascii_only`."""
    return ascii_text(text) if ascii_only else visible(text)


def one_line(text):
    return " ".join(text.split())


def write_cache(path, fields, generation):
    """Write the badge file atomically, one visible line for each value."""
    import tempfile

    values = {name: one_line(shown(str(fields[name]))) for name in (*FIELDS, *DATED)}
    # For the shell snippets, which can neither filter text nor tell the time without a process:
    # --ascii shows track_ascii and next_ascii, and fish compares the file's age with week_ends_in
    # and day_ends_in.
    for name in TEXT_FIELDS:
        values[name + "_ascii"] = one_line(shown(values[name], ascii_only=True))
    values["week_ends_in"] = seconds_left_in(values["week"])
    values["day_ends_in"] = seconds_left_in_day(values["day"])
    lines = [FORMAT_LINE, *(f"{name}={value}" for name, value in values.items()), f"generation={generation}"]
    handle, temp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".badge.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def render(fields, template, ascii_only):
    values = {name: fields[name] for name in FIELDS}
    if fields["week"] != current_week():
        values["papers"] = "0"  # a new week starts at zero, whether or not a command ran since Monday
    if fields["day"] != current_day():
        values["today"] = fields["next_day"]  # and a new day at zero minutes, against the target
    text = template.format(**values)
    return one_line(shown(text, ascii_only))


class Refresh(Exception):  # noqa: N818 - a request, not an error
    """`llmpath badge --refresh`: what the prompt starts in the background to bring the badge up to date."""


def parse(args):
    """(template, ascii_only, wants_help); raises ValueError on an unknown option.

    The template is checked apart (check_template), so that `llmpath shell-init` can tell an
    option it does not know from a template it refuses.
    """
    template, ascii_only, wants_help = DEFAULT_TEMPLATE, False, False
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg in ("-h", "--help"):
            wants_help = True
        elif arg == "--refresh":
            raise Refresh
        elif arg == "--ascii":
            ascii_only = True
        elif arg == "--format" and rest:
            template = rest.pop(0)
        elif arg.startswith("--format="):
            template = arg[len("--format=") :]
        else:
            raise ValueError(f"unknown option {arg!r}")
    return template, ascii_only, wants_help


def check_template(template):
    """Refuse anything but literal text and bare {field} names: the shell snippets can do no more."""
    if template == DEFAULT_TEMPLATE:
        return  # known good, and a prompt then does not import string
    import string

    known = ", ".join("{" + f + "}" for f in FIELDS)
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as error:
        raise ValueError(
            f"--format {template!r} is not a template ({error}); use {known}, and {{{{ for a brace"
        ) from None
    for _literal, field, spec, conversion in parsed:
        if field is not None and (field not in FIELDS or spec or conversion):
            raise ValueError(f"--format {template!r} has an unknown field {{{shown(field)}}}; use only {known}")


REFRESH_NAME = "badge.refresh"
REFRESH_EVERY = 60  # seconds: how old a server's badge may grow before it is refreshed, and how often
CONFIG_NAME = "config.toml"


def uses_server(directory):
    """Whether the store is a PostgreSQL server's (LLMPATH_DATABASE_URL, or a database_url in
    config.toml), judged without parsing anything: the prompt never talks to the server."""
    if os.environ.get("LLMPATH_DATABASE_URL"):
        return True
    try:
        handle = os.open(os.path.join(directory, CONFIG_NAME), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            return stat.S_ISREG(os.fstat(handle).st_mode) and b"database_url" in os.read(handle, MAX_BYTES)
        finally:
            os.close(handle)
    except OSError:
        return False


def _age(path, now):
    """Seconds since `path` was last written; None when it is not there."""
    try:
        return now - os.stat(path).st_mtime
    except OSError:
        return None


def refresh_due(directory, cache, now):
    """Whether the badge of a server's store should be refreshed: it is over a minute old (or
    missing), and no refresh started on this machine in the last minute."""
    cache_age = _age(cache, now)
    marker_age = _age(os.path.join(directory, REFRESH_NAME), now)
    return (cache_age is None or cache_age >= REFRESH_EVERY) and (marker_age is None or marker_age >= REFRESH_EVERY)


def claim_refresh(directory, cache):
    """True for the one process on this machine that should refresh now: the refresh is due, and
    this process took the marker (under a lock, so two prompts never both take it)."""
    marker = os.path.join(directory, REFRESH_NAME)
    try:
        import fcntl

        handle = os.open(marker, os.O_RDWR | os.O_CREAT | getattr(os, "O_NONBLOCK", 0), 0o600)
    except (ImportError, OSError):
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return False
        # Rechecked under the lock; a marker just created here has no refresh behind it.
        fresh = os.fstat(handle).st_size == 0
        if not fresh and not refresh_due(directory, cache, time.time()):
            return False
        os.write(handle, b"1")  # not empty any more: its time is the last refresh's
        os.utime(marker)
        return True
    except OSError:
        return False
    finally:
        os.close(handle)


def refresh_in_background():
    """Start a detached `llmpath badge --refresh`: the prompt never waits on it, nor on the network."""
    import subprocess

    subprocess.Popen(
        [sys.executable, "-m", "llmpath", "badge", "--refresh"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def badge_line(template=DEFAULT_TEMPLATE, ascii_only=False):
    """The badge text, or "" when there is no store yet or nothing can be read."""
    directory = data_dir()
    if uses_server(directory):
        cache = os.path.join(directory, BADGE_NAME)
        fields = read_cache(cache)
        if refresh_due(directory, cache, time.time()):
            refresh_in_background()
        return render(fields, template, ascii_only) if fields else ""
    database = os.path.join(directory, DATABASE_NAME)
    if not os.path.isfile(database):  # sqlite3 would wait for good on a FIFO in its place
        return ""
    cache = os.path.join(directory, BADGE_NAME)
    fields = read_cache(cache)
    if fields is None:
        from .app.caches import badge_for_prompt  # the slow path: the store's read model
        from .paths import resolve

        fields = badge_for_prompt(resolve())
        if fields is None:
            return ""
    return render(fields, template, ascii_only)


def refresh():
    """Bring the badge file up to date from the store, silently: it runs behind a prompt. With a
    server's store, at most once a minute on this machine, whoever asks."""
    try:
        directory = data_dir()
        if uses_server(directory) and not claim_refresh(directory, os.path.join(directory, BADGE_NAME)):
            return 0
        from .app.access import refresh_badge
        from .paths import resolve

        refresh_badge(resolve())
    except Exception:  # noqa: BLE001, S110 - nobody is there to read an error
        pass
    return 0


def main(args):
    try:
        template, ascii_only, wants_help = parse(args)
        check_template(template)
    except Refresh:
        return refresh()
    except ValueError as problem:
        # A mistake in how the badge is set up, shown once while setting it up; everything that
        # can go wrong at prompt time is silent.
        print(f"error: {problem}; see 'llmpath badge --help'", file=sys.stderr)  # as the app's usage errors
        return 2
    if wants_help:
        sys.stdout.write(USAGE)
        return 0
    try:
        line = badge_line(template, ascii_only)
        if line:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()
    except Exception:  # noqa: BLE001 - a prompt must never show an error
        pass
    return 0
