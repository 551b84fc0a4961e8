"""Rebuild the badge file from the SQLite store with the standard library only, read-only.

The slow path of `llmpath badge`, taken when the badge file is missing, damaged or older than the
database (say, a write was interrupted before it refreshed the file). It reads the same records
the tracker derives progress from. Its `{next}` is the topic in progress, else the first open topic
from the learner's starting stage on, without the prerequisite rules of `llmpath next`; the next
change restores the exact one.
"""

import os
import sqlite3
from datetime import date, timedelta

from .badge import database_signature, write_cache

DEFAULT_TARGET = 2
CLOSED = ("done", "skipped")


def _query(connection, sql, *params):
    return connection.execute(sql, params).fetchall()


def connect_read_only(database):
    """A connection that cannot change the database and leaves no files behind.

    `immutable` keeps SQLite from creating -wal and -shm files, which is safe only while no
    write-ahead log holds data; otherwise the log must be read, in plain read-only mode.
    """
    from urllib.parse import quote

    uri = "file:" + quote(os.path.abspath(database)) + "?mode=ro"
    try:
        wal_has_data = os.path.getsize(database + "-wal") > 0
    except OSError:
        wal_has_data = False
    return sqlite3.connect(uri if wal_has_data else uri + "&immutable=1", uri=True)


def _track_topics(connection, track):
    """(stage id, topic id) of the track, in order."""
    sql = "SELECT st.stage_id, st.topic_id FROM stage_topic st JOIN stage s ON s.id = st.stage_id WHERE s.track_id = ? ORDER BY s.position, st.position"
    return _query(connection, sql, track)


def _learning_order(pairs, start_stage):
    """Topics from the starting stage on, then the earlier ones, as `llmpath next` meets them."""
    cut = next((i for i, (stage, _) in enumerate(pairs) if stage == start_stage), 0)
    return [topic for _, topic in pairs[cut:] + pairs[:cut]]


def _fields(connection):
    settings = dict(_query(connection, "SELECT key, value FROM setting"))
    meta = dict(_query(connection, "SELECT key, value FROM meta"))
    track = settings.get("active_track") or meta.get("default_track")
    pairs = _track_topics(connection, track)
    if not pairs:  # the active track left the roadmap: fall back to the default one
        track = meta.get("default_track")
        pairs = _track_topics(connection, track)
    topics = [topic for _, topic in pairs]
    aliases = dict(_query(connection, "SELECT alias, topic_id FROM topic_alias"))
    undone = {row[0] for row in _query(connection, "SELECT batch FROM undo")}
    status = {}
    for topic, state, batch in _query(
        connection, "SELECT topic_id, status, batch FROM status_event ORDER BY recorded_at, id"
    ):
        if batch in undone:
            continue
        seen = set()
        while topic in aliases and topic not in seen:
            seen.add(topic)
            topic = aliases[topic]
        status[topic] = state
    statuses = [status.get(t, "todo") for t in topics]
    done, skipped = statuses.count("done"), statuses.count("skipped")
    counted = len(topics) - skipped
    percent = round(100 * done / counted) if counted > 0 else (100 if topics else 0)

    today = date.today()
    monday = today - timedelta(days=today.weekday())
    sunday = monday + timedelta(days=6)
    papers = _query(
        connection,
        "SELECT count(DISTINCT paper_id) FROM paper_read WHERE read_on BETWEEN ? AND ?",
        monday.isoformat(),
        sunday.isoformat(),
    )[0][0]
    target_row = _query(
        connection,
        "SELECT target FROM paper_target WHERE set_on <= ? ORDER BY set_on DESC, recorded_at DESC LIMIT 1",
        sunday.isoformat(),
    )
    order = _learning_order(pairs, settings.get("start_stage:" + str(track)))
    in_progress = [t for t in order if status.get(t) == "in_progress"]
    open_topics = [t for t in order if status.get(t, "todo") not in CLOSED]
    next_topic = (in_progress or open_topics or [None])[0]
    title = ""
    if next_topic:
        row = _query(
            connection,
            "SELECT t.title, m.title FROM topic t LEFT JOIN module m ON m.id = t.module_id WHERE t.id = ?",
            next_topic,
        )
        title = f"{row[0][1]} › {row[0][0]}" if row and row[0][1] else (row[0][0] if row else "")
    return {
        "track": track or "",
        "percent": percent,
        "done": done,
        "total": counted,
        "papers": papers,
        "target": target_row[0][0] if target_row else DEFAULT_TARGET,
        "next": title,
        "week": f"{today.isocalendar()[0]:04d}-W{today.isocalendar()[1]:02d}",
    }


def rebuild(database, cache):
    """Fields read from the store, written to the badge file when possible; None if unreadable."""
    signature = database_signature(database)
    try:
        connection = connect_read_only(database)
        try:
            fields = _fields(connection)
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    try:
        write_cache(cache, fields, signature)
    except OSError:
        pass  # a read-only data directory still gets its badge, just not a cached one
    fields["db"] = signature
    return {name: str(value) for name, value in fields.items()}
