"""What every command prints with --json is what docs/json.md says it prints: the doc is the spec.

A field printed but not in the doc, in the doc but never printed, or of another type than the doc
gives, fails here; so does a command with --json that the doc leaves out. The commands come from
walking the Typer app (tests/commands.py); each runs on a new store, then on one holding a topic
done, one in progress with a note and a link, one skipped, a paper read with a note and a pass, an
undone change, study time logged to a topic with a note and a study timer running, so that every
list the doc describes has something in it."""

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from commands import ALL, name, required_arguments, takes_json

from samples import tiny, write

pytestmark = pytest.mark.stores

DOC = Path(__file__).resolve().parents[1] / "docs" / "json.md"
BLOCK = re.compile(r"^```json-shape (?P<name>.+)\n(?P<body>(?:.*\n)*?)```$", re.MULTILINE)
# `name: type`, then two spaces or more and what it means; or `...part`, the fields of a shared part.
LINE = re.compile(r"(?P<indent> *)(?:\.\.\.(?P<part>\w+)|(?P<name>\w+): (?P<kinds>[a-z |]+?))(?: {2,}\S.*)?")
KINDS = {"string", "integer", "number", "boolean", "null", "object"}
LIST_KINDS = {f"list of {kind}" for kind in KINDS - {"null"}}

JSON_COMMANDS = [(path, command) for path, command in ALL if takes_json(command)]
# A value for each kind of required argument a command with --json takes, by the argument's name:
# a topic with resources, a paper the records below read, a track with estimates and entry points.
ARGUMENTS = {"topic": "math-foundations", "paper": "lora", "name": "developer"}


@dataclass
class Field:
    kinds: tuple[str, ...]
    fields: dict[str, "Field"] = field(default_factory=dict)  # of the object, or of each one in the list


def blocks() -> dict[str, list[str]]:
    """The doc's json-shape blocks by name: `llmpath CMD [OPTIONS]` for a command, else a shared part."""
    return {match["name"].strip(): match["body"].splitlines() for match in BLOCK.finditer(DOC.read_text("utf-8"))}


def expanded(lines: list[str], parts: dict[str, list[str]], indent: str = "") -> Iterator[str]:
    for line in lines:
        match = LINE.fullmatch(line)
        if match and match["part"]:
            assert match["part"] in parts, f"docs/json.md: {line.strip()!r} names no json-shape block"
            yield from expanded(parts[match["part"]], parts, indent + match["indent"])
        else:
            yield indent + line


def shape(lines: Iterator[str]) -> dict[str, Field]:
    """The fields a block documents, nested by indentation."""
    top: dict[str, Field] = {}
    open_fields: list[tuple[int, Field | None, dict[str, Field]]] = [(-1, None, top)]
    for line in lines:
        match = LINE.fullmatch(line)
        assert match and match["name"], f"docs/json.md: cannot read {line!r}; write `name: type  what it is`"
        kinds = tuple(kind.strip() for kind in match["kinds"].split("|"))
        unknown = [kind for kind in kinds if kind not in KINDS | LIST_KINDS]
        assert not unknown, f"docs/json.md: {line.strip()!r}: {unknown} is no type; use {sorted(KINDS | LIST_KINDS)}"
        depth = len(match["indent"])
        while open_fields[-1][0] >= depth:
            open_fields.pop()
        parent = open_fields[-1][1]
        assert parent is None or {"object", "list of object"} & set(parent.kinds), (
            f"docs/json.md: {line.strip()!r} is indented under a field that holds no object"
        )
        documented = Field(kinds)
        open_fields[-1][2][match["name"]] = documented
        open_fields.append((depth, documented, documented.fields))
    return top


def documented() -> dict[str, dict[str, Field]]:
    """Each command block's fields, by its invocation: `papers --week`, `show`..."""
    found = blocks()
    parts = {block: lines for block, lines in found.items() if not block.startswith("llmpath")}
    return {
        block.removeprefix("llmpath").strip(): shape(expanded(lines, parts))
        for block, lines in found.items()
        if block.startswith("llmpath")
    }


def command_of(invocation: str) -> str:
    return " ".join(word for word in invocation.split() if not word.startswith("-"))


def kind_of(value: object) -> str:
    if value is None:
        return "null"
    for kind, types in (("boolean", bool), ("integer", int), ("number", float), ("string", str), ("object", dict)):
        if isinstance(value, types):
            return kind
    return "list"


def mismatches(value: dict, fields: dict[str, Field], where: str, seen: set[str]) -> Iterator[str]:
    """How a printed object differs from the fields the doc gives it; the paths compared go to `seen`."""
    for key in value.keys() - fields.keys():
        yield f"{where}{key}: printed, but not in docs/json.md"
    for key in fields.keys() - value.keys():
        yield f"{where}{key}: in docs/json.md, but not printed"
    for key in value.keys() & fields.keys():
        seen.add(where + key)
        yield from mismatched_value(value[key], fields[key], where + key, seen)


def mismatched_value(value: object, documented: Field, where: str, seen: set[str]) -> Iterator[str]:
    kind = kind_of(value)
    if kind == "list":
        items = tuple(k.removeprefix("list of ") for k in documented.kinds if k.startswith("list of "))
        if not items:
            yield f"{where}: a list, but docs/json.md says {' | '.join(documented.kinds)}"
        for item in value if items else ():
            yield from mismatched_value(item, Field(items, documented.fields), where + "[]", seen)
    elif kind not in documented.kinds and not (kind == "integer" and "number" in documented.kinds):
        yield f"{where}: {kind} {value!r}, but docs/json.md says {' | '.join(documented.kinds)}"
    elif kind == "object":
        yield from mismatches(value, documented.fields, where + ".", seen)


def paths(fields: dict[str, Field], where: str = "") -> Iterator[str]:
    for key, documented in fields.items():
        yield where + key
        inside = "[]." if any(k.startswith("list of") for k in documented.kinds) else "."
        yield from paths(documented.fields, where + key + inside)


def test_the_doc_has_a_block_for_every_command_with_json_and_none_for_others():
    commands = {command_of(invocation) for invocation in documented()}
    with_json = {name(path) for path, _command in JSON_COMMANDS}
    assert with_json - commands == set(), "add a json-shape block for these commands to docs/json.md"
    assert commands - with_json == set(), "docs/json.md has blocks for commands that take no --json"


def test_the_readme_links_the_doc():
    assert "(docs/json.md)" in (DOC.parents[1] / "README.md").read_text("utf-8")


# What the records alone do not reach: a track with levels, and (below) a topic that waits.
MORE_RUNS = {"progress": [["--track", "specialist"]], "next": [["-n", "5"]]}  # five: some build on others


def test_every_command_prints_what_the_doc_says(cli, store, another_store, monkeypatch, tmp_path):
    shapes = documented()
    commands = {name(path): command for path, command in JSON_COMMANDS}
    problems: list[str] = []
    seen: dict[str, set[str]] = {invocation: set() for invocation in shapes}

    def check(invocation: str, *more: str, given: dict[str, str] | None = None) -> None:
        command = commands.get(command_of(invocation))
        assert command, f"docs/json.md has a block for llmpath {invocation}, which takes no --json"
        values = {**ARGUMENTS, **(given or {})}
        missing = [a for a in required_arguments(command) if a not in values]
        assert not missing, f"add an example value for {missing} of llmpath {invocation} to ARGUMENTS"
        arguments = [values[a] for a in required_arguments(command)]
        printed = json.loads(cli(*invocation.split(), *arguments, *more, "--json").stdout)
        found = mismatches(printed, shapes[invocation], "", seen[invocation])
        problems.extend(f"{' '.join(['llmpath', invocation, *more])}: {problem}" for problem in found)

    def check_all() -> None:
        for invocation in shapes:
            if command_of(invocation) == "group":  # a study group lives on a server, set up by its owner
                if store == "sqlite":
                    assert "lives on a PostgreSQL store" in cli(*invocation.split(), "--json", code=2).stderr
                    continue
                cli("group", "init")
            check(invocation)
            for more in MORE_RUNS.get(invocation, []):
                check(invocation, *more)

    check_all()  # a new store: empty lists, nulls
    check("track show", given={"name": "researcher"})  # the track with questions and closing advice
    check("show", given={"topic": "tokenization-fundamentals"})  # a topic with prerequisites and a former id
    cli("done", "programming-foundations")
    cli("start", ARGUMENTS["topic"], "--note", "started on the train")
    cli("note", ARGUMENTS["topic"], "BM25 first, then dense")
    cli("link", ARGUMENTS["topic"], "https://example.org/hybrid", "--title", "Hybrid search")
    cli("skip", "ml-foundations")
    cli("papers", "log", ARGUMENTS["paper"], "--pass", "2", "--note", "low rank")
    cli("track", "use", "developer", "--from", "research")
    cli("done", "nn-foundations-learning-algorithms")
    cli("undo")
    cli("study", "30m", ARGUMENTS["topic"], "--note", "derived BM25")
    cli("study", "start")
    check_all()
    if store == "postgresql":  # a learner of the group who shares, for the cohort to have a row
        login = f"ada_{uuid.uuid4().hex[:8]}"
        monkeypatch.setenv("LLMPATH_DATABASE_URL", cli("group", "add", login).stdout.split()[-1])
        monkeypatch.setenv("LLMPATH_HOME", str(tmp_path / login))
        cli("done", "programming-foundations")
        cli("group", "share", "on")
        check("group")

    # `next` on a track whose every topic waits on one elsewhere: it says what blocks them.
    roadmap = tiny(lambda d: d["tracks"].append({"id": "waiting", "title": "Waiting", "stages": [
        {"id": "later", "title": "Later", "topics": ["beta"]}]}))  # fmt: skip
    another_store()
    monkeypatch.setenv("LLMPATH_ROADMAP", str(write(tmp_path / "roadmap.yaml", roadmap)))
    check("next", "--track", "waiting")

    assert not problems, "\n".join(dict.fromkeys(problems))  # each once, in the order found
    unseen = [
        f"llmpath {invocation}: {path}"
        for invocation, fields in shapes.items()
        if seen[invocation] or store == "postgresql"  # on SQLite, `group` prints no JSON to see
        for path in paths(fields)
        if path not in seen[invocation]
    ]
    assert not unseen, "documented but never printed here; give the test records that print them:\n" + "\n".join(unseen)
