"""The store on a PostgreSQL server: choosing it, and its faults, each one line and nothing recorded."""

import json
import os
import socket
import stat
from urllib.parse import urlsplit, urlunsplit

import pytest

pytestmark = pytest.mark.server_only


def with_url(url, **changes):
    parts = urlsplit(url)
    user = changes.get("user", parts.username)
    password = changes.get("password", parts.password)
    host = changes.get("host", parts.hostname)
    port = changes.get("port", parts.port)
    path = changes.get("path", parts.path)
    return urlunsplit((parts.scheme, f"{user}:{password}@{host}:{port}", path, parts.query, ""))


def one_line_error(result):
    assert result.stdout == "" and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    return result.stderr


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_server_that_does_not_answer_is_one_line_and_changes_nothing(cli, store, monkeypatch):
    url = os.environ["LLMPATH_DATABASE_URL"]
    cli("done", "math-foundations")
    monkeypatch.setenv("LLMPATH_DATABASE_URL", with_url(url, port=free_port()))
    message = one_line_error(cli("done", "classical-ml", code=1))
    assert message.startswith("error: cannot reach the PostgreSQL server 127.0.0.1:") and "nothing was saved" in message
    monkeypatch.setenv("LLMPATH_DATABASE_URL", url)
    topics = json.loads(cli("list", "--json").stdout)["topics"]
    assert [t["id"] for t in topics if t["status"] == "done"] == ["math-foundations"]


def test_a_refused_login_and_a_missing_database_name_what_to_fix(cli, store, monkeypatch):
    url = os.environ["LLMPATH_DATABASE_URL"]
    monkeypatch.setenv("LLMPATH_DATABASE_URL", with_url(url, password="not-the-password"))
    message = one_line_error(cli("next", code=1))
    assert "refused the login of" in message and "check the user and password" in message
    assert "not-the-password" not in message
    monkeypatch.setenv("LLMPATH_DATABASE_URL", with_url(url, path="/no_such_llmpath_database"))
    assert "has no such database" in one_line_error(cli("next", code=1))


def test_where_masks_the_password(cli, store, monkeypatch):
    url = os.environ["LLMPATH_DATABASE_URL"]
    password = urlsplit(url).password
    shown = cli("where").stdout + cli("where", "--json").stdout + cli("doctor").stdout
    assert password not in shown and ":***@" in shown


def test_a_url_in_config_toml_is_used_only_when_its_owner_alone_can_read_it(
    cli, cli_json, store, llmpath_home, monkeypatch
):
    url = os.environ["LLMPATH_DATABASE_URL"]
    cli("done", "math-foundations")
    monkeypatch.delenv("LLMPATH_DATABASE_URL")
    config = llmpath_home / "config.toml"
    config.write_text(f'database_url = "{url}"\n')
    config.chmod(0o644)
    message = one_line_error(cli("next", code=2))
    assert "holds a password and others can read it" in message and "chmod 600" in message
    config.chmod(0o600)
    assert cli_json("progress")["done"] == 1  # the server's history, not a new local store
    assert not (llmpath_home / "llmpath.db").exists()
    assert stat.S_IMODE(config.stat().st_mode) == 0o600


@pytest.mark.sqlite_only
def test_a_url_that_is_not_postgresql_is_refused(cli, monkeypatch):
    monkeypatch.setenv("LLMPATH_DATABASE_URL", "mysql://user:secret@host/db")
    message = one_line_error(cli("next", code=2))
    assert "not a postgresql:// URL" in message and "secret" not in message


def test_a_connection_lost_mid_command_records_nothing_and_says_so(cli, cli_json, monkeypatch):
    from llmpath.store import queries

    cli("done", "math-foundations")
    before = cli_json("progress")["done"]
    add_records = queries.add_records

    def dropped(connection, table, rows):
        # The server ends the session after the change row went in, before its records do.
        connection.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        add_records(connection, table, rows)

    with monkeypatch.context() as patch:
        patch.setattr(queries, "add_records", dropped)
        message = one_line_error(cli("done", "classical-ml", code=1))
    assert "PostgreSQL server" in message and "nothing was saved" in message
    assert cli_json("progress")["done"] == before
    assert [row["kind"] for row in json.loads(cli("export").stdout)["changes"]][-1] == "status"


def test_a_schema_from_a_newer_llmpath_is_refused_in_one_line(cli, store_sql):
    import psycopg

    cli("next")
    with psycopg.connect(os.environ["LLMPATH_DATABASE_URL"], autocommit=True) as connection:
        connection.execute("INSERT INTO migration (name, applied_at) VALUES ('9999_from_the_future', now())")
    message = one_line_error(cli("next", code=1))
    assert "upgraded by a newer llmpath (schema 9999_from_the_future)" in message and "upgrade llmpath" in message
