"""A study group on a PostgreSQL store: its roles, its row-level security, and the cohort's rows.

Privacy is the database's, not llmpath's: every table of records carries its owner (the database
user who wrote the row, migration 0008), and row-level security lets each login see and change
only its own rows, with `psql` as with llmpath. Instructors and sharing learners see the cohort
only through the functions below, which run as a role of their own (NOLOGIN, owning nothing but
them) that may read the owned tables' columns except notes and reading passes, and return only
the learners the caller may see.

The roles are the cluster's, so their names carry the database's: `<prefix>_learner`,
`<prefix>_instructor` and `<prefix>_cohort`, the prefix made from the database name.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from . import queries

# What a learner may do: read the roadmap, append records, keep their read model.
DATASET_TABLES = (
    "meta", "migration", "track", "stage", "stage_topic", "module", "topic", "prerequisite", "topic_alias", "paper",
    "paper_topic",
)  # fmt: skip
RECORD_TABLES = (
    "change", "status_event", "paper_read", "paper_target", "setting_change", "own_paper", "read_correction",
    "topic_note", "topic_link", "study_session", "study_timer", "study_target",
)  # fmt: skip
DERIVED_TABLES = ("taken_back", "topic_status", "learner")
# The columns the cohort may read: never a note, never a reading pass.
COHORT_COLUMNS = {
    "change": "id, kind, recorded_at, reverts, imported_by, owner",
    "paper_read": "id, uid, change_id, paper_id, read_on, owner",
    "read_correction": "id, change_id, read_uid, withdrawn, owner",
    "paper_target": "id, change_id, target, set_on, owner",
    "setting_change": "id, change_id, key, value, owner",
    "taken_back": "change_id, owner",
    "topic_status": "owner, topic_id, status, since",
    "learner": "owner, shared",
}
NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def quoted(identifier: str) -> str:
    """An identifier (a role, a database) as SQL text: in double quotes, any inside doubled."""
    return '"' + identifier.replace('"', '""') + '"'


def role_prefix(database: str) -> str:
    return "llmpath_" + hashlib.sha256(database.encode()).hexdigest()[:10]


def roles(connection: Any) -> dict[str, str]:
    database = connection.execute("SELECT current_database()").fetchone()[0]
    prefix = role_prefix(database)
    return {kind: f"{prefix}_{kind}" for kind in ("learner", "instructor", "cohort")}


def _visible(role: dict[str, str]) -> str:
    """Whether the caller (session_user: the login, whatever role the function runs as) may see
    the learner `who` in the cohort: an instructor sees every learner, a learner those who share."""
    return f"""
CREATE OR REPLACE FUNCTION llmpath_cohort_learners()
RETURNS TABLE (owner varchar, last_active timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT l.owner, (SELECT max(c.recorded_at) FROM change c WHERE c.owner = l.owner)
    FROM learner l
    WHERE EXISTS (
        SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid
        WHERE r.rolname = l.owner AND g.rolname = '{role["learner"]}'
    )
      AND (l.owner = session_user OR l.shared OR pg_has_role(session_user, '{role["instructor"]}', 'MEMBER'))
$$"""


def _cohort_function(name: str, columns: str, body: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}
RETURNS TABLE ({columns})
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    {body}
$$"""


IN_FORCE = f"change_id {queries.IN_FORCE}"
COHORT_FUNCTIONS = (
    ("llmpath_cohort_standings()", "owner varchar, topic_id varchar, status varchar, since date",
     "SELECT owner, topic_id, status, since FROM topic_status WHERE owner IN (SELECT owner FROM llmpath_cohort_learners())"),
    ("llmpath_cohort_reads(first date, last date)", "owner varchar, paper_id varchar, read_on date",
     f"SELECT r.owner, r.paper_id, r.read_on FROM paper_read r WHERE r.read_on BETWEEN first AND last"
     f" AND {queries.READ_IN_FORCE}"
     " AND owner IN (SELECT owner FROM llmpath_cohort_learners())"),
    ("llmpath_cohort_targets()", "owner varchar, change_id integer, target integer, set_on date",
     f"SELECT owner, change_id, target, set_on FROM paper_target WHERE {IN_FORCE}"
     " AND owner IN (SELECT owner FROM llmpath_cohort_learners())"),
    ("llmpath_cohort_settings()", "owner varchar, id integer, change_id integer, key varchar, value varchar",
     f"SELECT owner, id, change_id, key, value FROM setting_change WHERE {IN_FORCE}"
     " AND owner IN (SELECT owner FROM llmpath_cohort_learners())"),
)  # fmt: skip


def init(connection: Any) -> dict[str, str]:
    """Create the group's roles and functions and turn row-level security on; run again, it
    changes nothing. The caller is the database's owner, in a transaction."""
    role = roles(connection)
    for name in role.values():
        if connection.execute("SELECT 1 FROM pg_roles WHERE rolname = ?", (name,)).fetchone() is None:
            connection.execute(f"CREATE ROLE {quoted(name)} NOLOGIN")
    learner, instructor, cohort = role["learner"], role["instructor"], role["cohort"]
    connection.execute(f"GRANT {quoted(learner)} TO {quoted(instructor)}")
    connection.execute(f"GRANT {quoted(cohort)} TO current_user")  # to hand it the functions, below
    connection.execute(f"GRANT {quoted(instructor)} TO current_user")  # the group's owner sees the whole cohort
    database = connection.execute("SELECT current_database()").fetchone()[0]
    connection.execute(f"GRANT CONNECT ON DATABASE {quoted(database)} TO {quoted(learner)}")
    connection.execute(f"GRANT USAGE ON SCHEMA public TO {quoted(learner)}, {quoted(cohort)}")
    connection.execute(f"GRANT SELECT ON {', '.join(DATASET_TABLES)} TO {quoted(learner)}")
    connection.execute(f"GRANT SELECT, INSERT ON {', '.join(RECORD_TABLES)} TO {quoted(learner)}")
    connection.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(DERIVED_TABLES)} TO {quoted(learner)}")
    connection.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {quoted(learner)}")
    for table, columns in COHORT_COLUMNS.items():
        connection.execute(f"GRANT SELECT ({columns}) ON {table} TO {quoted(cohort)}")
    for table in (*RECORD_TABLES, *DERIVED_TABLES):
        connection.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        connection.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")  # its owner too
        connection.execute(f"DROP POLICY IF EXISTS llmpath_own ON {table}")
        connection.execute(
            f"CREATE POLICY llmpath_own ON {table} USING (owner = current_user) WITH CHECK (owner = current_user)"
        )
        connection.execute(f"DROP POLICY IF EXISTS llmpath_cohort ON {table}")
        connection.execute(f"CREATE POLICY llmpath_cohort ON {table} FOR SELECT TO {quoted(cohort)} USING (true)")
    connection.execute(_visible(role))
    connection.execute(f"ALTER FUNCTION llmpath_cohort_learners() OWNER TO {quoted(cohort)}")
    for signature, columns, body in COHORT_FUNCTIONS:
        connection.execute(_cohort_function(signature, columns, body))
        connection.execute(f"ALTER FUNCTION {signature} OWNER TO {quoted(cohort)}")
    for signature in ("llmpath_cohort_learners()", *(f[0] for f in COHORT_FUNCTIONS)):
        connection.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
        connection.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {quoted(learner)}")
    return role


def is_initialised(connection: Any) -> bool:
    row = connection.execute("SELECT relforcerowsecurity FROM pg_class WHERE relname = 'change'").fetchone()
    return bool(row and row[0])


def policies(connection: Any) -> dict[str, set[str]]:
    """The row-level security policies on each table of records, for `doctor`."""
    found: dict[str, set[str]] = {}
    for table, policy in connection.execute(
        "SELECT tablename, policyname FROM pg_policies WHERE schemaname = 'public'"
    ).fetchall():
        found.setdefault(table, set()).add(policy)
    return found


def add_learner(connection: Any, name: str, password: str, instructor: bool) -> None:
    """A login for a new learner. The server is sent only a SCRAM verifier of the password, made
    here (libpq's PQencryptPasswordConn): the password itself never reaches its logs."""
    role = roles(connection)
    verifier = connection.raw.pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256")
    quoted_verifier = verifier.decode("ascii").replace("'", "''")  # a verifier holds no quote; quoted all the same
    connection.execute(
        f"CREATE ROLE {quoted(name)} LOGIN PASSWORD '{quoted_verifier}' IN ROLE {quoted(role['learner'])}"
    )
    if instructor:
        connection.execute(f"GRANT {quoted(role['instructor'])} TO {quoted(name)}")


def remove_learner(connection: Any, name: str) -> bool:
    """End a learner's login and their place in the cohort; their records stay. False: no such learner."""
    role = roles(connection)
    member = connection.execute(
        "SELECT 1 FROM pg_roles WHERE rolname = ? AND pg_has_role(rolname, ?, 'MEMBER')", (name, role["learner"])
    ).fetchone()
    if member is None:
        return False
    connection.execute(f"ALTER ROLE {quoted(name)} NOLOGIN")
    connection.execute(f"REVOKE {quoted(role['learner'])}, {quoted(role['instructor'])} FROM {quoted(name)}")
    return True


def role_exists(connection: Any, name: str) -> bool:
    return connection.execute("SELECT 1 FROM pg_roles WHERE rolname = ?", (name,)).fetchone() is not None


def set_shared(connection: Any, shared: bool) -> None:
    connection.execute(
        "INSERT INTO learner (owner, shared) VALUES (current_user, ?)"
        " ON CONFLICT (owner) DO UPDATE SET shared = excluded.shared",
        (shared,),
    )


def cohort(connection: Any, first: str, last: str) -> dict[str, list[Any]]:
    """What the caller may see of the cohort: learners, standings, the week's reads, targets, settings."""
    return {
        "learners": connection.execute("SELECT owner, last_active FROM llmpath_cohort_learners()").fetchall(),
        "standings": connection.execute("SELECT * FROM llmpath_cohort_standings()").fetchall(),
        "reads": connection.execute("SELECT * FROM llmpath_cohort_reads(?, ?)", (first, last)).fetchall(),
        "targets": connection.execute("SELECT * FROM llmpath_cohort_targets()").fetchall(),
        "settings": connection.execute("SELECT * FROM llmpath_cohort_settings()").fetchall(),
    }
