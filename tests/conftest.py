"""Every test gets its own data directory; none touches the real home. The app's click command is built
once per test process, as the console script builds it once per run.

Tests of a module marked `stores` run twice: on the SQLite file, and on a PostgreSQL database of
their own (a copy of a prepared template), on the server LLMPATH_TEST_DATABASE_URL names (`bash
.ci/postgres` starts one). Without a server those runs skip, saying why; with CI set they fail.
"""

import inspect
import os
import uuid
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


SERVER_VARIABLE = "LLMPATH_TEST_DATABASE_URL"


STORE_FIXTURES = {"cli", "cli_json", "store_sql", "store_contents", "another_store", "llmpath_home", "store"}


def pytest_generate_tests(metafunc):
    marked = metafunc.definition.get_closest_marker("stores")
    if metafunc.definition.get_closest_marker("sqlite_only"):
        return
    if metafunc.definition.get_closest_marker("server_only"):
        metafunc.parametrize("store", ["postgresql"], indirect=True)
    elif marked:
        # A test of the domain alone, in a `stores` module, runs once: it asks for no store.
        if STORE_FIXTURES & set(inspect.signature(metafunc.function).parameters):
            metafunc.parametrize("store", ["sqlite", "postgresql"], indirect=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With CI set, a PostgreSQL run that skips (no server, no psql, no shell) fails: a missing
    piece of the machine must never pass silently."""
    outcome = yield
    report = outcome.get_result()
    params = getattr(getattr(item, "callspec", None), "params", {})
    if os.environ.get("CI") and report.skipped and params.get("store") == "postgresql":
        report.outcome = "failed"
        report.longrepr = f"skipped on PostgreSQL with CI set: {report.longrepr}"


@pytest.fixture(autouse=True)
def store(request, llmpath_home, monkeypatch):
    """The kind of store the test runs on; for PostgreSQL, a database of its own, dropped after."""
    kind = getattr(request, "param", "sqlite")
    monkeypatch.delenv("LLMPATH_DATABASE_URL", raising=False)
    if kind == "sqlite":
        yield kind
        return
    server = request.getfixturevalue("postgres_server")
    name = f"llmpath_test_{uuid.uuid4().hex[:16]}"
    server.create(name)
    monkeypatch.setenv("LLMPATH_DATABASE_URL", server.url_of(name))
    try:
        yield kind
    finally:
        from llmpath.app.readmodel import close_reads

        close_reads()
        server.drop(name)


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory, worker_id):
    """The test server, with a template database prepared once per worker process."""
    from postgres_server import Server

    url = os.environ.get(SERVER_VARIABLE)
    if not url:
        reason = f'no PostgreSQL server for the tests: set {SERVER_VARIABLE} (`eval "$(bash .ci/postgres)"` starts one)'
        if os.environ.get("CI"):
            pytest.fail(reason + "; with CI set, a missing server fails the run")
        pytest.skip(reason)
    server = Server(url, f"llmpath_template_{worker_id}")
    server.prepare_template(tmp_path_factory.mktemp("template-home"))
    yield server
    server.close()


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
def store_sql(store, llmpath_home):
    """Run one query on the store the test runs on, SQLite or PostgreSQL, read-only; `?` placeholders."""
    import sqlite3

    def run(sql, params=()):
        if store == "sqlite":
            connection = sqlite3.connect(f"file:{llmpath_home / 'llmpath.db'}?mode=ro", uri=True)
            try:
                return connection.execute(sql, params).fetchall()
            finally:
                connection.close()
        import psycopg

        with psycopg.connect(os.environ["LLMPATH_DATABASE_URL"]) as connection:
            cursor = connection.execute(sql.replace("?", "%s"), params or None)
            return [tuple(row) for row in cursor.fetchall()] if cursor.description else []

    return run


@pytest.fixture
def store_contents(store, llmpath_home, store_sql):
    """Everything the store holds, as SQL or rows: what "changes nothing" compares. (The file's bytes
    are no measure: committed pages may still sit in the write-ahead log beside it.)"""
    import sqlite3

    def dump():
        if store == "postgresql":
            tables = [row[0] for row in store_sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
            return {table: sorted(map(repr, store_sql(f'SELECT * FROM "{table}"'))) for table in sorted(tables)}
        connection = sqlite3.connect(f"file:{llmpath_home / 'llmpath.db'}?mode=ro", uri=True)
        try:
            return list(connection.iterdump())
        finally:
            connection.close()

    return dump


@pytest.fixture
def another_store(store, monkeypatch, tmp_path, request):
    """Switch the test to another new store of the same kind, with its own data directory."""

    def switch(name="other"):
        home = tmp_path / name
        monkeypatch.setenv("LLMPATH_HOME", str(home))
        if store == "postgresql":
            from llmpath.app.readmodel import close_reads

            close_reads()
            server = request.getfixturevalue("postgres_server")
            database = f"llmpath_test_{uuid.uuid4().hex[:16]}"
            server.create(database)
            request.addfinalizer(lambda: server.drop(database))
            monkeypatch.setenv("LLMPATH_DATABASE_URL", server.url_of(database))
        return home

    return switch
