"""Shell completion at the speed of a TAB: topic, paper, track and stage names from the store.

`llmpath --install-completion` installs Typer's completion script for bash, zsh or fish. At each
TAB that script runs `llmpath` with _LLMPATH_COMPLETE set. When the word being completed is the
value of a parameter that names a topic, a paper, a track or a stage, llmpath.entry answers here,
before the Typer app is imported: the command line is read with COMMANDS, a table of the app's
parameters that a test derives from the app itself, and the answer is printed as Typer's scripts
read it. Everything else (command and option names, other values, a command line this reading
does not follow) is left to the Typer app, which reaches the same names through the
`autocompletion` callbacks below.

The names come from the store as the read commands see it (app.readmodel: the standard library's
sqlite3, nothing written, nothing created). A PostgreSQL store is never asked at a TAB: its names
come from the cache file the last change made on this machine left (app.caches), when that file
was made from the same database and roadmap. No store yet, a store still to be brought up to this
release or roadmap, a damaged one, or any failure: no names, and never an error.

Names and titles are data. Only ids made of letters, digits, `-`, `_` and `.` are offered (nothing
a shell acts on), and titles are shown on one line, made visible and cut short.

Module level imports only `os` and `sys`, which the interpreter has loaded already: the Typer app
imports this module for its callbacks, and the fast path pays only for what a TAB needs.
"""

import os
import sys

TOPIC, PAPER, TRACK, STAGE = "topic", "paper", "track", "stage"
VARIABLE = "_LLMPATH_COMPLETE"  # the variable Typer's scripts set: _{PROG_NAME}_COMPLETE
SHELLS = {"complete_bash": "bash", "complete_zsh": "zsh", "complete_fish": "fish"}
HELP = ("-h", "--help")  # every command's
MANY = "..."  # after an argument's kind: it takes any number of values

# Each command's parameters, as far as telling which one a word is the value of needs: its
# arguments in order (the kind of name each completes, "" for any other value), its options that
# take a value (their names, and the kind of name they complete or None) and its flags. A test
# derives the same table from the app (tests/test_completion.py), so the two cannot drift apart.
COMMANDS = {
    "": ((), {"--roadmap": None}, "--version --install-completion --show-completion"),
    "next": ((), {"--count -n": None, "--track -t": TRACK}, "--json"),
    "done": ((TOPIC + MANY,), {"--note": None, "--on": None}, ""),
    "start": ((TOPIC + MANY,), {"--note": None, "--on": None}, ""),
    "skip": ((TOPIC + MANY,), {"--note": None, "--on": None}, ""),
    "reset": ((TOPIC + MANY,), {"--note": None, "--on": None}, ""),
    "undo": ((), {}, "--list --json"),
    "log": ((), {"--since": None, "--limit -n": None}, "--week --json"),
    "show": ((TOPIC,), {}, "--json"),
    "note": ((TOPIC, ""), {"--on": None}, ""),
    "link": ((TOPIC, ""), {"--title": None}, ""),
    "status": ((), {"--track -t": TRACK}, "--json"),
    "roadmap": ((), {"--stage -s": STAGE, "--status": None, "--track -t": TRACK}, "--json"),
    "list": ((), {"--stage -s": STAGE, "--status": None, "--track -t": TRACK}, "--json"),
    "progress": ((), {"--track -t": TRACK}, "--json"),
    "export": ((), {"--output -o": None, "--track -t": TRACK}, "--markdown"),
    "import": (("",), {}, ""),
    "doctor": ((), {}, "--repair --json"),
    "badge": ((), {"--format": None}, "--ascii"),
    "shell-init": (("",), {"--format": None}, "--ascii"),
    "where": ((), {}, "--json"),
    "track": ((), {}, "--json"),
    "track show": ((TRACK,), {}, "--json"),
    "track use": ((TRACK,), {"--from": STAGE}, ""),
    "study": ((), {}, "--json"),
    "study log": (("", TOPIC), {"--on": None, "--note": None}, ""),
    "study start": ((TOPIC,), {}, ""),
    "study stop": ((), {"--length": None, "--note": None}, ""),
    "study target": (("",), {}, ""),
    "calendar": ((), {"--weeks -w": None}, "--json"),
    "papers": ((), {"--of": None, "--topic": TOPIC}, "--week --unread --json"),
    "papers list": ((), {"--topic": TOPIC}, "--unread --json"),
    "papers log": ((PAPER,), {"--on": None, "--note": None, "--pass": None}, "--new"),
    "papers unlog": ((PAPER,), {"--on": None}, ""),
    "papers show": ((PAPER,), {}, "--json"),
    "papers target": (("",), {}, ""),
    "papers next": ((), {"--count -n": None}, "--json"),
    "group": ((), {"--track -t": TRACK}, "--json"),
    "group init": ((), {}, ""),
    "group add": (("",), {}, "--instructor"),
    "group remove": (("",), {}, ""),
    "group share": (("",), {}, ""),
}
GROUPS = {name.rpartition(" ")[0] for name in COMMANDS if name}  # the commands that hold subcommands


def parameters(command):
    """A command's (arguments, {option name: kind or None}, {flag names}) from COMMANDS."""
    arguments, options, flags = COMMANDS[command]
    return (
        arguments,
        {name: kind for names, kind in options.items() for name in names.split()},
        {*flags.split(), *HELP},
    )


# --- what the shell asks ----------------------------------------------------------------------


def split_words(line):
    """`line` split into words as a POSIX shell splits them, a word in an unclosed quote kept as
    typed so far: what Click's split_arg_string does (a test keeps the two in agreement)."""
    import shlex

    lexer = shlex.shlex(line, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    words = []
    try:
        words.extend(lexer)
    except ValueError:  # the line ends inside a quote or after a backslash
        words.append(lexer.token)
    return words


def request(shell):
    """The words before the one being completed (after the program's name), and that one, read
    from the environment as Typer's completion classes read it (typer._completion_classes)."""
    if shell == "bash":
        words = split_words(os.environ["COMP_WORDS"])
        cword = int(os.environ["COMP_CWORD"])
        try:
            incomplete = words[cword]
        except IndexError:
            incomplete = ""
        return words[1:cword], incomplete
    line = os.environ.get("_TYPER_COMPLETE_ARGS", "")
    words = split_words(line)[1:]
    if words and not line.endswith(" "):
        return words[:-1], words[-1]
    return words, ""


def wanted(words, incomplete):
    """(kind, track, roadmap) when `incomplete` is the value of a parameter that completes from
    the store, with the track and the --roadmap the command line names (or None); None for any
    other word, which the Typer app then completes as Click reads the line: an option or command
    name, any other value, and a line this reading does not follow (`--`, `--option=value`,
    `-nVALUE`, an unknown option, an option's value that starts with `-`)."""
    if incomplete.startswith("-") or "=" in incomplete:
        return None
    command, arguments, track, roadmap = "", 0, None, None
    position = 0
    while position < len(words):
        word = words[position]
        kinds, options, flags = parameters(command)
        position += 1
        if word in options:
            if position == len(words):  # the word being completed is this option's value
                return (options[word], track, roadmap) if options[word] else None
            value = words[position]
            if value.startswith("-"):
                return None
            if word == "--roadmap":
                roadmap = value
            elif options[word] == TRACK:
                track = value
            position += 1
        elif word.startswith("-"):
            if word not in flags:
                return None
        elif command in GROUPS:
            command = f"{command} {word}".strip()
            if command not in COMMANDS:
                return None
        else:
            if argument_kind(kinds, arguments) == TRACK:
                track = word
            arguments += 1
    if command in GROUPS:
        return None  # a command's name
    kind = argument_kind(parameters(command)[0], arguments)
    return (kind, track, roadmap) if kind else None


def argument_kind(kinds, index):
    """The kind of name the `index`th argument completes; "" or None for none."""
    for position, kind in enumerate(kinds):
        if kind.endswith(MANY):
            return kind[: -len(MANY)]
        if position == index:
            return kind
    return None


# --- the names ----------------------------------------------------------------------------------
#
# An entry is (value, title, names, track): an id, the title shown beside it, the normalized names
# a typed word may start (llmpath.domain.matcher's), and for a stage the track it belongs to.

INDEX_NAME = "completion.txt"
INDEX_FORMAT = "llmpath-completion 1"
INDEX_STAMP = ("database", "roadmap", "active", "own")
MAX_INDEX_BYTES = 64 * 1024 * 1024  # many times the index of the largest roadmap llmpath reads
DESCRIPTION_LENGTH = 60  # characters: a title beside an id on one line of a terminal


def entries_of(state, kind):
    """The entries of `kind` in the learner's state, named by the domain's own rules."""
    from .domain.matcher import normalize, paper_candidates, topic_candidates

    if kind == TOPIC:
        return [(unit.id, unit.label, names, "") for unit, names in topic_candidates(state.roadmap)]
    if kind == PAPER:
        return [(unit.id, unit.label, names, "") for unit, names in paper_candidates(state.papers.values())]
    if kind == TRACK:
        return [(t.id, t.title, [normalize(t.id), normalize(t.title)], "") for t in state.roadmap.tracks]
    return [
        (unit.id, unit.title, [normalize(unit.id), normalize(unit.title)], track.id)
        for track in state.roadmap.tracks
        for unit in (*track.stages, *track.entry_points)  # an entry point names the stage it starts at
    ]


def index_stamp(state, database, roadmap):
    """What the names of a server's store depend on: the database (its label), the digest of the
    roadmap it holds, the active track and the learner's own papers."""
    import hashlib

    own = "\n".join(f"{paper.id}\t{paper.title}" for paper in state.own_papers)
    return {
        "database": database,
        "roadmap": roadmap,
        "active": state.active_track().id,
        "own": hashlib.sha256(own.encode("utf-8", "surrogatepass")).hexdigest(),
    }


def index_text(state, stamp):
    """The cache file of every entry, for a server's store (written by app.caches only)."""
    lines = [INDEX_FORMAT, *(f"{name}={stamp[name]}" for name in INDEX_STAMP)]
    for kind in (TOPIC, PAPER, TRACK, STAGE):
        for value, title, names, track in entries_of(state, kind):
            if offerable(value):  # titles go one-line and visible: a tab or a newline never splits a line
                lines.append("\t".join((kind, value, description(title), track, *names)))
    return "\n".join(lines) + "\n"


def read_index(path):
    """(stamp, {kind: entries}) from the cache file at `path`; None when it is missing or damaged."""
    from .files import read_regular

    try:
        lines = read_regular(path, MAX_INDEX_BYTES).decode("utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    stamp = dict(line.partition("=")[::2] for line in lines[1 : 1 + len(INDEX_STAMP)])
    if lines[0] != INDEX_FORMAT or set(stamp) != set(INDEX_STAMP):
        return None
    index = {}
    for line in lines[1 + len(INDEX_STAMP) :]:
        if line:
            fields = line.split("\t")
            if len(fields) < 4:
                return None
            kind, value, title, track, *names = fields
            index.setdefault(kind, []).append((value, title, names, track))
    return stamp, index


def stored_entries(kind, roadmap):
    """(active track, entries of `kind`) from the store the command line uses, as read commands
    read it, or from a server's cache file; None when neither can be read as it stands."""
    from .paths import resolve
    from .store.database import database_of

    paths = resolve(roadmap)
    database = database_of(paths)
    if database.is_server:
        from .roadmap.digest import roadmap_digest

        found = read_index(paths.data_dir / INDEX_NAME)
        if found is None:
            return None
        stamp, index = found
        if (stamp["database"], stamp["roadmap"]) != (database.label, roadmap_digest(paths.roadmap)):
            return None  # made from another store, or from another roadmap than this command line's
        return stamp["active"], index.get(kind, [])
    from .app import readmodel

    state = readmodel.try_open(paths)  # None for no store, or one the next command must prepare
    if state is None:
        return None
    try:
        return state.active_track().id, entries_of(state, kind)
    finally:
        readmodel.close_reads()


def offered(kind, incomplete, track=None, roadmap=None):
    """(id, title) of each name of `kind` that `incomplete` may stand for, for a command line that
    names `track` and `roadmap` (--roadmap); [] when nothing can be read: a TAB never shows an error."""
    try:
        found = stored_entries(kind, roadmap)
    except Exception:  # noqa: BLE001 - a damaged store, a config that cannot be read: no names
        return []
    if found is None:
        return []
    active, entries = found
    if kind == STAGE:
        entries = of_track(entries, track, active)
    seen = set()
    return [
        (value, description(title))
        for value, title, _names, _track in matching([e for e in entries if offerable(e[0])], incomplete)
        if not (value in seen or seen.add(value))  # an entry point's id may name a stage on several tracks
    ]


def of_track(entries, track, active):
    """The stages (and entry points) of the track a command line names by its id, of every track
    when it names one otherwise (this reading does not decide which), of the active one when none."""
    if not track:
        return [entry for entry in entries if entry[3] == active]
    named = track.strip().lower()
    return [entry for entry in entries if entry[3] == named] or entries


def matching(entries, incomplete):
    """The entries whose id starts with `incomplete` (case ignored), else those with a name it
    starts, as the matcher compares names: so a word of a title finds its topic's id."""
    typed = incomplete.lower()
    found = [entry for entry in entries if entry[0].startswith(typed)]
    if found or not typed:
        return found
    from .domain.matcher import normalize

    key = normalize(incomplete)
    return [entry for entry in entries if key and any(name.startswith(key) for name in entry[2])]


def offerable(value):
    """Whether an id may go onto a command line: letters, digits, `-`, `_` and `.` only, nothing
    a shell would act on, and not starting like an option."""
    return (
        value.isascii()
        and value.replace("-", "").replace("_", "").replace(".", "").isalnum()
        and not value.startswith("-")
    )


def description(title):
    """A title as shown beside its id: one line, made visible, cut short."""
    from .safetext import clipped

    return clipped(" ".join(str(title).split()), DESCRIPTION_LENGTH)


# --- the answer -----------------------------------------------------------------------------------


def zsh_quoted(text):
    """`text` escaped as Typer's zsh completion escapes a value or a help text."""
    return text.replace('"', '""').replace("'", "''").replace("$", "\\$").replace("`", "\\`").replace(":", r"\\:")


def answer(shell, items):
    """Print `items` ((id, title) pairs) as Typer's script for `shell` reads them; the exit status."""
    if shell == "fish":
        action = os.environ.get("_TYPER_COMPLETE_FISH_ACTION", "")
        if action == "is-args":  # whether there is anything to offer: otherwise fish offers files
            return 0 if items else 1
        lines = [f"{value}\t{title}" if title else value for value, title in items] if action == "get-args" else []
    elif shell == "zsh":
        pairs = [f'"{zsh_quoted(v)}":"{zsh_quoted(t)}"' if t else f'"{zsh_quoted(v)}"' for v, t in items]
        lines = ["_arguments '*: :((" + "\n".join(pairs) + "))'"] if pairs else ["_files"]
    else:
        lines = [value for value, _title in items]
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
    return 0


def main(instruction):
    """Answer a TAB for a parameter that completes from the store: the exit status. None when the
    TAB is the Typer app's to answer (see `wanted`), or the instruction is not a completion."""
    shell = SHELLS.get(instruction)
    if shell is None:
        return None
    try:
        words, incomplete = request(shell)
    except (KeyError, ValueError):  # not what Typer's scripts send: the app says what is wrong
        return None
    found = wanted(words, incomplete)
    if found is None:
        return None
    kind, track, roadmap = found
    return answer(shell, offered(kind, incomplete, track, roadmap))


# --- the Typer app's callbacks (`autocompletion=`) ----------------------------------------------


def completer(kind, track_parameter=None):
    """An `autocompletion` callback offering names of `kind`; for stages, of the track given as
    the command's parameter `track_parameter`. The app uses these when it answers a TAB itself."""

    def complete(ctx, incomplete):
        track = ctx.params.get(track_parameter) if track_parameter else None
        roadmap = ctx.find_root().params.get("roadmap")
        # Typer's zsh and fish scripts show a help text as Rich markup: a title is not markup.
        from rich.markup import escape

        return [(value, escape(title)) for value, title in offered(kind, incomplete, track, roadmap)]

    return complete


topics = completer(TOPIC)
papers = completer(PAPER)
tracks = completer(TRACK)
