"""The commands on a PostgreSQL store on loopback, as median ratios to their references.

Reads (next, progress, list, roadmap, show) against a bare Typer command printing a Rich table
(goal: 2x at most); `done` and `undo` against `python -c "import typer, rich, sqlmodel, psycopg"`
(goal: 1.5x); the badge, which reads its cache and never the server, against
`python -c "import re, sys"` (goal: unchanged from SQLite, 1.15x); and `llmpath group` for a
cohort of 50 learners against `llmpath next` (goal: 2x).

Usage: python bench/server.py ADMIN_URL [ROUNDS]
  ADMIN_URL: a PostgreSQL user that may create databases and roles, e.g. the test server's
  (`eval "$(bash .ci/postgres)"; python bench/server.py "$LLMPATH_TEST_DATABASE_URL"`).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from common import BARE_TABLE, alternate, environment, llmpath_command, read_commands, report

LEARNERS = 50


def database_url(admin: str, name: str) -> str:
    parts = urlsplit(admin)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


def run(llmpath: list[str], env: dict[str, str], *args: str) -> str:
    return subprocess.run([*llmpath, *args], env=env, check=True, capture_output=True, text=True).stdout


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    admin, rounds = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 15
    name = f"llmpath_bench_{uuid.uuid4().hex[:8]}"
    suffix = uuid.uuid4().hex[:6]
    with psycopg.connect(admin, autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory() as home:
            owner = environment(Path(home) / "owner") | {"LLMPATH_DATABASE_URL": database_url(admin, name)}
            llmpath = llmpath_command()
            run(llmpath, owner, "group", "init")
            print(f"... a cohort of {LEARNERS} learners, each with some progress", file=sys.stderr)
            learner = {}
            for i in range(LEARNERS):
                url = run(llmpath, owner, "group", "add", f"bench{i}_{suffix}").strip().splitlines()[-1]
                learner = environment(Path(home) / f"learner{i}") | {"LLMPATH_DATABASE_URL": url}
                run(llmpath, learner, "done", "programming-foundations", "math-foundations")
                run(llmpath, learner, "papers", "log", "lora")
            env = learner  # the last learner: reads and writes as a learner does
            run(llmpath, env, "start", "nn-foundations-learning-algorithms")
            report("Read commands on PostgreSQL", alternate(read_commands(llmpath), env, rounds), BARE_TABLE, 2.0)
            writes = {
                "import typer, rich, sqlmodel, psycopg": [
                    sys.executable,
                    "-c",
                    "import typer, rich, sqlmodel, psycopg",
                ],
                "llmpath done": [*llmpath, "done", "tokenization-preprocessing"],
                "llmpath undo": [*llmpath, "undo"],
            }
            report("Write commands on PostgreSQL", alternate(writes, env, max(rounds // 2, 5)),
                   "import typer, rich, sqlmodel, psycopg", 1.5)  # fmt: skip
            badge = {
                'python -c "import re, sys"': [sys.executable, "-c", "import re, sys"],
                "llmpath badge": [*llmpath, "badge"],
            }
            report("Prompt badge on PostgreSQL", alternate(badge, env, rounds * 2), 'python -c "import re, sys"', 1.15)
            owner_view = owner
            cohort = {"llmpath next": [*llmpath, "next"], f"llmpath group ({LEARNERS} learners)": [*llmpath, "group"]}
            report("The cohort (as the group's owner)", alternate(cohort, owner_view, rounds), "llmpath next", 2.0)
    finally:
        with psycopg.connect(admin, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for (role,) in server.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (f"bench%_{suffix}",)):
                server.execute(f'DROP OWNED BY "{role}"')
                server.execute(f'DROP ROLE "{role}"')


if __name__ == "__main__":
    main()
