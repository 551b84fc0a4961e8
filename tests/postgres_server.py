"""The PostgreSQL server the tests use: databases made from a prepared template, and dropped."""

import os
from urllib.parse import urlsplit, urlunsplit

import psycopg


class Server:
    def __init__(self, url: str, template: str) -> None:
        self.url, self.template = url, template
        self.admin = psycopg.connect(url, autocommit=True)

    def url_of(self, database: str) -> str:
        parts = urlsplit(self.url)
        return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, ""))

    def create(self, name: str) -> None:
        """A new store: a copy of the template, its sync change given a uid of its own, as two
        stores made apart have."""
        self.admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        with psycopg.connect(self.url_of(name), autocommit=True) as connection:
            connection.execute("UPDATE change SET uid = md5(random()::text) WHERE kind = 'sync'")

    def query(self, name: str, sql: str) -> list[tuple]:
        with psycopg.connect(self.url_of(name)) as connection:
            return [tuple(row) for row in connection.execute(sql).fetchall()]

    def drop(self, name: str) -> None:
        self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def prepare_template(self, home) -> None:
        """A database migrated and synced with the bundled roadmap, copied for each test: preparing
        one costs seconds, copying it a few milliseconds."""
        from llmpath import paths
        from llmpath.app.access import read_state
        from llmpath.app.readmodel import close_reads

        self.drop(self.template)
        self.admin.execute(f'CREATE DATABASE "{self.template}"')
        saved = {name: os.environ.get(name) for name in ("LLMPATH_HOME", "LLMPATH_DATABASE_URL", "LLMPATH_ROADMAP")}
        os.environ.update(LLMPATH_HOME=str(home), LLMPATH_DATABASE_URL=self.url_of(self.template))
        os.environ.pop("LLMPATH_ROADMAP", None)
        try:
            read_state(paths.resolve())
        finally:
            close_reads()
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    def close(self) -> None:
        self.drop(self.template)
        self.admin.close()
