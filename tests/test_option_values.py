"""What a user types for an option or an argument comes out as Typer's own coercion gives it: llmpath
gives the plain cases (a missing value, a default, a word for a `str`, digits for an `int` in its
bounds) without building Typer's pydantic validators, and leaves every other value to Typer."""

import os
import subprocess
import sys

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st

from llmpath.cli import app
from llmpath.cli.coercion import CoercionWhenNeeded

typer_runtime = pytest.importorskip("typer._coercion", reason="Typer built on click coerces without pydantic")


def parameter(command_path: list[str], name: str):
    command = typer.main.get_command(app)
    for step in command_path:
        command = command.commands[step]
    ctx = typer.Context(command, info_name=command_path[-1])
    (found,) = [param for param in command.get_params(ctx) if param.name == name]
    return found, ctx


def outcome(coercion, value, param, ctx):
    try:
        return "value", coercion.coerce(value, param=param, ctx=ctx)
    except typer.BadParameter as error:
        return "error", error.format_message()


PARAMETERS = [
    (["calendar"], "weeks"),  # int, 1..520, default 52
    (["next"], "count"),  # int, 1..50
    (["log"], "limit"),  # int, at least 1
    (["show"], "topic"),  # str argument
    (["list"], "stage"),  # str | None
    (["list"], "status"),  # list[str]
    (["calendar"], "as_json"),  # bool flag
    (["papers", "log"], "pass_number"),  # int | None, 1..3
]

typed = st.one_of(
    st.none(),
    st.text(max_size=8),
    st.integers(-5, 600).map(str),
    st.sampled_from(["007", "+3", " 3", "3 ", "1_0", "٣", "²", "52", "0", "-1", "3.0"]),
    st.booleans(),
)


@pytest.mark.parametrize(("command_path", "name"), PARAMETERS)
@settings(max_examples=150, deadline=None)
@given(value=typed)
def test_a_value_comes_out_as_typer_gives_it(command_path, name, value):
    param, ctx = parameter(command_path, name)
    if isinstance(value, str) and (param.multiple or param.nargs != 1):
        value = (value,)
    theirs = outcome(typer_runtime.build_runtime_param(param.type_descriptor), value, param, ctx)
    assert outcome(CoercionWhenNeeded(param), value, param, ctx) == theirs


@pytest.mark.parametrize(
    "args", [["next"], ["progress"], ["list", "--status", "done"], ["calendar", "--weeks", "12"], ["log", "-n", "3"]]
)
def test_reads_import_neither_pydantic_nor_the_orm_nor_yaml(llmpath_home, args):
    """Pydantic, SQLAlchemy and YAML cost a read command more than the rest of its start-up: the
    store is read with sqlite3 and the roadmap from its cache, and options need no validators."""
    code = (
        f"import sys; sys.argv = ['llmpath', *{args!r}]; from llmpath.entry import main\n"
        "try: main()\nexcept SystemExit as end: assert not end.code, end.code\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', 'sqlalchemy', 'sqlmodel', 'yaml'}))"
    )
    env = {**os.environ, "LLMPATH_HOME": str(llmpath_home)}
    subprocess.run([sys.executable, "-m", "llmpath", "next"], env=env, check=True, capture_output=True)
    shown = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    assert shown.stdout.splitlines()[-1] == "[]"
