"""Every test gets its own data directory; none touches the real home. The app's click command is built
once per test process, as the console script builds it once per run."""

from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.fixture(scope="session", autouse=True)
def app_built_once():
    """Typer's CliRunner turns the Typer app into its click command on every invoke: the signatures and
    type hints of every command, about 25 ms each time, thousands of times in this suite. A click
    command is made to be invoked again and again, so each app is turned into one here once, and
    every in-process run (the `cli` fixture and the tests' own CliRunner) invokes that same command."""
    import typer.testing

    build = getattr(typer.testing, "_get_command", None)
    if build is None:  # a Typer whose CliRunner builds it differently: leave it be
        yield
        return
    built = {}

    def once(app):
        if id(app) not in built:
            built[id(app)] = (app, build(app))  # the app is kept, so its id is never reused
        return built[id(app)][1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing, "_get_command", once)
        yield


@pytest.fixture(autouse=True)
def llmpath_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("LLMPATH_HOME", str(home))
    monkeypatch.delenv("LLMPATH_ROADMAP", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    return home


@pytest.fixture
def seeds():
    if not SEEDS.is_dir():
        pytest.skip(f"source roadmaps not found at {SEEDS} (the ../shared/seeds folder beside the repository)")
    return SEEDS


@pytest.fixture
def cli():
    """Run the real CLI in-process; a command that should succeed must exit 0 (code=None: any code)."""
    from typer.testing import CliRunner

    from llmpath.cli import app

    runner = CliRunner()

    def run(*args: str, code: int = 0):
        result = runner.invoke(app, list(args), catch_exceptions=False)
        assert code is None or result.exit_code == code, (
            f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
        if code:
            assert "Traceback" not in result.stderr + result.stdout
        return result

    return run


@pytest.fixture
def cli_json(cli):
    import json

    def run(*args: str):
        return json.loads(cli(*args, "--json").stdout)

    return run


@pytest.fixture
def store_contents(llmpath_home):
    """Everything the store holds, as SQL: what "changes nothing" compares. (The file's bytes are
    no measure: committed pages may still sit in the write-ahead log beside it.)"""
    import sqlite3

    def dump():
        connection = sqlite3.connect(f"file:{llmpath_home / 'llmpath.db'}?mode=ro", uri=True)
        try:
            return list(connection.iterdump())
        finally:
            connection.close()

    return dump
