"""`llmpath badge`: one short line for a shell prompt, for example `llm 37% 1/2 papers`.

A prompt runs this before every line the learner types, so it must add almost nothing to the
interpreter's own start: it imports only `os`, `sys` and `time` (not pathlib, json or datetime,
and none of typer, rich, sqlmodel, pydantic, yaml or platformdirs), reads the small badge file
that every command changing progress or settings refreshes, and prints. When that file is
missing, damaged or older than the database, it is rebuilt from the store with the standard
library's sqlite3 (llmpath.badge_rebuild); failing that, the badge prints nothing. A prompt must
never show an error, so every failure ends in silence and exit status 0.
"""

import os
import sys
import time

BADGE_NAME = "badge.txt"
DATABASE_NAME = "llmpath.db"
FORMAT_LINE = "llmpath-badge 1"
DEFAULT_TEMPLATE = "llm {percent}% {papers}/{target} papers"
FIELDS = ("track", "percent", "done", "total", "papers", "target", "next")
USAGE = """Usage: llmpath badge [--format TEMPLATE] [--ascii]

  Print one short line for a shell prompt: progress of the active track and this week's papers
  against the target. Prints nothing before the first llmpath command, and never an error.

  --format TEMPLATE  Fields: {percent} {done} {total} {track} {papers} {target} {next}
                     (default: "llm {percent}% {papers}/{target} papers")
  --ascii            Leave out any character that is not ASCII.

  Example:
    llmpath badge --format "{track} {percent}% · next: {next}"
"""


def data_dir():
    """LLMPATH_HOME, else the platform's user data directory, as platformdirs names it.

    Mirrors platformdirs' user_data_dir for llmpath without importing it; a test keeps the two
    in agreement.
    """
    home = os.environ.get("LLMPATH_HOME")
    if home:
        return os.path.expanduser(home)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~\\AppData\\Local")
        return os.path.join(base, "llmpath")
    if sys.platform == "darwin":
        return os.path.expanduser("~/Library/Application Support/llmpath")
    base = os.environ.get("XDG_DATA_HOME", "").strip() or os.path.expanduser("~/.local/share")
    return os.path.join(base, "llmpath")


def database_signature(database):
    """Size and mtime of the database and of a non-empty write-ahead log, as one string."""
    parts = []
    for path in (database, database + "-wal"):
        try:
            stat = os.stat(path)
        except OSError:
            parts.append("-")
            continue
        parts.append("-" if path.endswith("-wal") and not stat.st_size else f"{stat.st_size}:{stat.st_mtime_ns}")
    return ",".join(parts)


def read_cache(path):
    """The badge file's fields, or None when it is missing or damaged."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if not lines or lines[0] != FORMAT_LINE:
        return None
    fields = dict(line.split("=", 1) for line in lines[1:] if "=" in line)
    if any(name not in fields for name in (*FIELDS, "week", "db")):
        return None
    return fields


def current_week():
    return time.strftime("%G-W%V", time.localtime())


def write_cache(path, fields, signature):
    """Write the badge file atomically; fields hold one line each."""
    import tempfile

    values = {name: " ".join(str(fields[name]).split()) for name in (*FIELDS, "week")}
    # For shell snippets set up with --ascii, which cannot filter text themselves.
    values["next_ascii"] = values["next"].encode("ascii", "ignore").decode("ascii")
    lines = [FORMAT_LINE, *(f"{name}={value}" for name, value in values.items()), f"db={signature}"]
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
    text = template.format(**values)
    if ascii_only:
        text = text.encode("ascii", "ignore").decode("ascii")
    return " ".join(text.split())


def parse(args):
    """(template, ascii_only, wants_help); raises ValueError on anything else."""
    template, ascii_only, wants_help = DEFAULT_TEMPLATE, False, False
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg in ("-h", "--help"):
            wants_help = True
        elif arg == "--ascii":
            ascii_only = True
        elif arg == "--format" and rest:
            template = rest.pop(0)
        elif arg.startswith("--format="):
            template = arg[len("--format=") :]
        else:
            raise ValueError(f"unknown option {arg!r}")
    if template != DEFAULT_TEMPLATE:
        check_template(template)
    return template, ascii_only, wants_help


def check_template(template):
    """Refuse anything but literal text and bare {field} names: the shell snippets can do no more."""
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
            raise ValueError(f"--format {template!r} has an unknown field {{{field}}}; use only {known}")


def badge_line(template=DEFAULT_TEMPLATE, ascii_only=False):
    """The badge text, or "" when there is no store yet or nothing can be read."""
    directory = data_dir()
    database = os.path.join(directory, DATABASE_NAME)
    if not os.path.exists(database):
        return ""
    cache = os.path.join(directory, BADGE_NAME)
    fields = read_cache(cache)
    if fields is None or fields["db"] != database_signature(database):
        from .badge_rebuild import rebuild

        fields = rebuild(database, cache)
        if fields is None:
            return ""
    return render(fields, template, ascii_only)


def main(args):
    try:
        template, ascii_only, wants_help = parse(args)
    except ValueError as problem:
        # A mistake in how the badge is set up, shown once while setting it up; everything that
        # can go wrong at prompt time is silent.
        print(f"llmpath badge: {problem}; see llmpath badge --help", file=sys.stderr)
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
