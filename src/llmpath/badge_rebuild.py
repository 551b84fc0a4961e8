"""Rebuild the badge file from the SQLite store with the standard library only, read-only.

The slow path of `llmpath badge`, taken when the badge file is missing, damaged or older than the
database (say, a write was interrupted before it refreshed the file). It reads the same records
the tracker derives progress from; `next` here is the topic in progress or else the first open
topic in track order, without the prerequisite rules of `llmpath next`, which the next write
restores.
"""

import sqlite3
from datetime import date, timedelta

from .badge import database_signature, write_cache

DEFAULT_TARGET = 2
CLOSED = ("done", "skipped")


def _query(connection, sql, *params):
    return connection.execute(sql, params).fetchall()


def _track_topics(connection, track):
    sql = "SELECT st.topic_id FROM stage_topic st JOIN stage s ON s.id = st.stage_id WHERE s.track_id = ? ORDER BY s.position, st.position"
    return [row[0] for row in _query(connection, sql, track)]


def _fields(connection):
    settings = dict(_query(connection, "SELECT key, value FROM setting"))
    meta = dict(_query(connection, "SELECT key, value FROM meta"))
    track = settings.get("active_track") or meta.get("default_track")
    topics = _track_topics(connection, track)
    if not topics:  # the active track left the roadmap: fall back to the default one
        track = meta.get("default_track")
        topics = _track_topics(connection, track)
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
    target_row = _query(connection, "SELECT target FROM paper_target ORDER BY set_on DESC, id DESC LIMIT 1")
    in_progress = [t for t, s in zip(topics, statuses, strict=True) if s == "in_progress"]
    open_topics = [t for t, s in zip(topics, statuses, strict=True) if s not in CLOSED]
    next_topic = (in_progress or open_topics or [None])[0]
    title = _query(connection, "SELECT title FROM topic WHERE id = ?", next_topic)[0][0] if next_topic else ""
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
        connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
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
