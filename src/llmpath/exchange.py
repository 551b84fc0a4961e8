"""The export format: everything a learner recorded, as versioned JSON, and its validation.

    {
      "format": "llmpath-export",        always this string
      "version": 3,                      this layout; a later llmpath reads every earlier version
      "exported_at": "2026-11-25T08:00:00+00:00",
      "llmpath": "0.1.0",                the version that wrote the file
      "changes":         [{"uid", "kind", "summary", "at", "reverts", "imported_by"}],
      "status_events":   [{"uid", "change", "topic", "status", "on", "at", "note"}],
      "paper_reads":     [{"uid", "change", "paper", "on", "at", "note", "pass"}],
      "read_corrections":[{"uid", "change", "read", "withdrawn", "note", "pass", "at"}],
      "topic_notes":     [{"uid", "change", "topic", "note", "on", "at"}],
      "topic_links":     [{"uid", "change", "topic", "url", "title", "at"}],
      "study_sessions":  [{"uid", "change", "topic", "minutes", "on", "at", "note", "timer"}],
      "study_timers":    [{"uid", "change", "topic", "started_at", "at"}],
      "study_targets":   [{"uid", "change", "target", "on", "at"}],
      "own_papers":      [{"id", "change", "title", "created_at"}],
      "paper_targets":   [{"uid", "change", "target", "on", "at"}],
      "setting_changes": [{"change", "key", "value"}]
    }

`changes` is the history, oldest first: one entry per command that changed something. Every
record names the change that made it by that change's uid; an undo names the change it reverts in
`reverts`, and a change that came with an import names that import in `imported_by`. `kind` is
status, paper_read, paper_target, setting, note, link, read_correction, study, study_timer,
study_target, import, sync or undo;
`status` is todo, in_progress, done or skipped; a read correction names the reading it removes
(`withdrawn`) or amends (the `note` and `pass` given, null where unchanged) by its uid; a link's
`url` is http, https or file; `minutes` and a study target are whole minutes, at most a day's;
a study session that stopped a timer names it in `timer`; `on` is the learner's local date (YYYY-MM-DD); `at` and the other times are ISO
8601 with a UTC offset; `pass` is 1, 2, 3 or null; a setting's empty value means it was cleared.
These are the names the store's tables and the read path use too.

Importing merges by uid: a change already in the store is skipped, so importing twice equals
importing once. The new changes join the end of the history as one import, which `llmpath undo`
takes back as a whole. Version 2 files (without corrections, notes, links and study time) still import, and so do version 1 files
(status events grouped by "batch", "undos" naming a batch, "settings" with their times): each
batch, read, target and setting becomes a change.

A file to import is not trusted: it is refused whole, naming the first problem, when it is not
JSON (or is JSON that Python cannot hold: nesting a thousand deep, numbers of thousands of digits,
NaN), when a text is longer than its field's limit, or when a text holds a control, bidi or
invisible character (llmpath.safetext.unsafe, the rule for typed notes too).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from .domain.history import (
    KINDS,
    PAPER_READ,
    PAPER_TARGET,
    SETTING,
    STATUS,
    UNDO,
    read_summary,
    status_summary,
    target_summary,
)
from .domain.papers import MAX_TARGET, MIN_TARGET
from .domain.state import STATUSES
from .domain.study import DAY_MINUTES
from .errors import UsageError
from .safetext import MAX_ID, MAX_NOTE, MAX_TITLE, link_problem, unsafe

FORMAT_NAME = "llmpath-export"
FORMAT_VERSION = 3

# The longest text each kind of field may hold, in characters: as when typed or read from a roadmap.
# A setting's key is a prefix and an id (start_stage:developer); its value, an id or empty.
TEXT_LIMITS = {
    "id": MAX_ID,
    "key": 2 * MAX_ID,
    "note": MAX_NOTE,
    "summary": MAX_NOTE,
    "title": MAX_TITLE,
    "status": 20,
    "kind": 20,
}
# A whole number in the file has a few digits; far longer ones are refused before Python turns
# them into numbers, which it will not do past 4300 digits.
MAX_DIGITS = 20

# Each version's sections: field -> kind; a kind ending in "?" may be null.
LAYOUTS: dict[int, dict[str, dict[str, str]]] = {
    1: {
        "status_events": {
            "uid": "id",
            "batch": "id",
            "topic": "id",
            "status": "status",
            "on": "date",
            "at": "time",
            "note": "note?",
        },
        "undos": {"uid": "id", "batch": "id", "at": "time"},
        "paper_reads": {"uid": "id", "paper": "id", "on": "date", "at": "time", "note": "note?", "pass": "pass?"},
        "own_papers": {"id": "id", "title": "title", "created_at": "time"},
        "paper_targets": {"uid": "id", "target": "target", "on": "date", "at": "time"},
        "settings": {"key": "key", "value": "setting", "updated_at": "time?"},
    },
    2: {
        "changes": {
            "uid": "id",
            "kind": "kind",
            "summary": "summary",
            "at": "time",
            "reverts": "id?",
            "imported_by": "id?",
        },
        "status_events": {
            "uid": "id",
            "change": "id",
            "topic": "id",
            "status": "status",
            "on": "date",
            "at": "time",
            "note": "note?",
        },
        "paper_reads": {
            "uid": "id",
            "change": "id",
            "paper": "id",
            "on": "date",
            "at": "time",
            "note": "note?",
            "pass": "pass?",
        },
        "own_papers": {"id": "id", "change": "id", "title": "title", "created_at": "time"},
        "paper_targets": {"uid": "id", "change": "id", "target": "target", "on": "date", "at": "time"},
        "setting_changes": {"change": "id", "key": "key", "value": "setting"},
    },
}
LAYOUTS[3] = {
    **LAYOUTS[2],
    "read_corrections": {
        "uid": "id",
        "change": "id",
        "read": "id",
        "withdrawn": "flag",
        "note": "note?",
        "pass": "pass?",
        "at": "time",
    },
    "topic_notes": {"uid": "id", "change": "id", "topic": "id", "note": "note", "on": "date", "at": "time"},
    "topic_links": {"uid": "id", "change": "id", "topic": "id", "url": "url", "title": "title?", "at": "time"},
    "study_sessions": {
        "uid": "id",
        "change": "id",
        "topic": "id?",
        "minutes": "minutes",
        "on": "date",
        "at": "time",
        "note": "note?",
        "timer": "id?",
    },
    "study_timers": {"uid": "id", "change": "id", "topic": "id?", "started_at": "time", "at": "time"},
    "study_targets": {"uid": "id", "change": "id", "target": "daily_target", "on": "date", "at": "time"},
}
SECTIONS = LAYOUTS[FORMAT_VERSION]
# The field that identifies a record: a file may not hold two records with the same one.
KEYS = {"own_papers": "id", "settings": "key", "setting_changes": None}


class _Bad(Exception):
    pass


def _check_text(value: str, limit: int, multiline: bool = False) -> None:
    if len(value) > limit:
        raise _Bad(f"{len(value)} characters; at most {limit}")
    problem = unsafe(value, multiline)
    if problem:
        raise _Bad(problem)


def _check_value(kind: str, value: Any) -> None:
    if kind.endswith("?"):
        if value is None:
            return
        kind = kind[:-1]
    if kind in TEXT_LIMITS:
        if not isinstance(value, str) or not value.strip():
            raise _Bad("expected non-empty text")
        _check_text(value, TEXT_LIMITS[kind], multiline=kind == "note")
        if kind == "status" and value not in STATUSES:
            raise _Bad(f"expected one of {', '.join(STATUSES)}")
        if kind == "kind" and value not in KINDS:
            raise _Bad(f"expected one of {', '.join(KINDS)}")
    elif kind == "date":
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            raise _Bad("expected a date YYYY-MM-DD") from None
    elif kind == "setting":
        if not isinstance(value, str):
            raise _Bad("expected text (empty for a cleared setting)")
        _check_text(value, MAX_ID)
    elif kind == "time":
        try:
            moment = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise _Bad("expected an ISO 8601 time") from None
        if moment.tzinfo is None:
            raise _Bad("expected a time with its UTC offset")
        try:
            moment.astimezone(UTC)
        except OverflowError:
            raise _Bad("is outside the range of times") from None
    elif kind in ("minutes", "daily_target"):
        least = 0 if kind == "minutes" else 1  # a session stopped at once holds 0; a target never does
        if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= DAY_MINUTES:
            raise _Bad(f"expected a whole number of minutes from {least} to {DAY_MINUTES}")
    elif kind == "flag":
        if not isinstance(value, bool):
            raise _Bad("expected true or false")
    elif kind == "url":
        if not isinstance(value, str):
            raise _Bad("expected a link")
        problem = link_problem(value)
        if problem:
            raise _Bad(f"the link {problem}")
    elif kind == "pass":
        if value not in (1, 2, 3) or not isinstance(value, int) or isinstance(value, bool):
            raise _Bad("expected 1, 2 or 3")
    elif kind == "target":
        if isinstance(value, bool) or not isinstance(value, int) or not MIN_TARGET <= value <= MAX_TARGET:
            raise _Bad(f"expected a whole number from {MIN_TARGET} to {MAX_TARGET}")


def problem_in(fields: dict[str, str], entry: dict[str, Any]) -> str | None:
    """What is wrong with one record of a layout's section (`fields`), as `: missing 'x'` or
    `.field: what`; None when it is sound. Imports refuse a file with such a record; an export
    leaves out a stored record with one (the store's copy was damaged)."""
    missing = [f for f, kind in fields.items() if f not in entry and not kind.endswith("?")]
    if missing:
        return f": missing {missing[0]!r}"
    for field, kind in fields.items():
        try:
            _check_value(kind, entry.get(field))
        except _Bad as problem:
            return f".{field}: {problem}"
    return None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _integer(digits: str) -> int:
    if len(digits) > MAX_DIGITS:
        raise ValueError(f"a number of {len(digits)} digits")
    return int(digits)


def parse(content: bytes) -> dict[str, list[dict[str, Any]]]:
    """The records of an export file's bytes, or a UsageError naming the first problem."""
    try:
        data = json.loads(content.decode("utf-8"), parse_constant=_no_constant, parse_int=_integer)
    except UnicodeDecodeError as error:
        raise UsageError(f"not UTF-8 text (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise UsageError(f"not JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None
    except RecursionError:
        raise UsageError("not JSON (nested too deeply)") from None
    except ValueError as error:
        raise UsageError(f"not JSON ({error})") from None
    return validate(data)


def validate(data: Any) -> dict[str, list[dict[str, Any]]]:
    """The document's records by section, in the current layout, or a UsageError naming the first
    problem and its place."""
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise UsageError(f'not an llmpath export: it has no "format": "{FORMAT_NAME}"')
    version = data.get("version")
    if version not in LAYOUTS or isinstance(version, bool):
        known = " and ".join(str(v) for v in LAYOUTS)
        raise UsageError(
            f"export format version {version!r} is not one this llmpath reads (it reads {known}); upgrade llmpath"
        )
    records: dict[str, list[dict[str, Any]]] = {}
    for section, fields in LAYOUTS[version].items():
        entries = data.get(section, [])
        if not isinstance(entries, list):
            raise UsageError(f"{section}: expected a list")
        for i, entry in enumerate(entries):
            where = f"{section}[{i}]"
            if not isinstance(entry, dict):
                raise UsageError(f"{where}: expected an object")
            problem = problem_in(fields, entry)
            if problem:
                raise UsageError(f"{where}{problem}")
        key = KEYS.get(section, "uid")
        seen: dict[str, int] = {}
        for i, entry in enumerate(entries if key else ()):
            if entry[key] in seen:
                raise UsageError(
                    f"{section}[{i}].{key}: {entry[key]!r} is already used by {section}[{seen[entry[key]]}]"
                )
            seen[entry[key]] = i
        records[section] = [{f: e.get(f) for f in fields} for e in entries]
    if version == 1:
        records = _from_version_1(records)
    for section in SECTIONS:  # an earlier version's file has none of the later kinds
        records.setdefault(section, [])
    _check_references(records)
    return records


def _check_references(records: dict[str, list[dict[str, Any]]]) -> None:
    """Every record names a change of the file; an undo or an imported change, an earlier one."""
    earlier: set[str] = set()
    for i, change in enumerate(records["changes"]):
        for field in ("reverts", "imported_by"):
            if change[field] is not None and change[field] not in earlier:
                raise UsageError(f"changes[{i}].{field}: {change[field]!r} is no earlier change of the file")
        earlier.add(change["uid"])
    for section, entries in records.items():
        for i, entry in enumerate(entries if section != "changes" else ()):
            if entry["change"] not in earlier:
                raise UsageError(f"{section}[{i}].change: {entry['change']!r} is no change of the file")
    timers = {timer["uid"] for timer in records["study_timers"]}
    for i, session in enumerate(records["study_sessions"]):
        if session["timer"] is not None and session["timer"] not in timers:
            raise UsageError(f"study_sessions[{i}].timer: {session['timer']!r} is no timer of the file")
    readings = {read["uid"] for read in records["paper_reads"]}
    for i, correction in enumerate(records["read_corrections"]):
        if correction["read"] not in readings:
            raise UsageError(f"read_corrections[{i}].read: {correction['read']!r} is no reading of the file")


def _from_version_1(old: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """A version 1 file in the current layout: each batch, read, target, own paper and setting
    becomes a change (ordered by time, the only order version 1 had), each undo one reverting its
    batch. Change uids are those the store's own upgrade gives the same records, so a store and
    its old export still merge."""
    changes: list[tuple[str, dict[str, Any]]] = []
    batches: dict[str, list[dict[str, Any]]] = {}
    for event in old["status_events"]:
        batches.setdefault(event["batch"], []).append(event)
    for batch, events in batches.items():
        first = min((e["at"] for e in events), key=_utc_key)
        summary = status_summary(events[0]["status"], (e["topic"] for e in events))
        changes.append((first, _change(f"batch:{batch}", STATUS, summary, first)))
    for read in old["paper_reads"]:
        changes.append(
            (
                read["at"],
                _change(f"read:{read['uid']}", PAPER_READ, read_summary(read["paper"]), read["at"]),
            )
        )
    for target in old["paper_targets"]:
        summary = target_summary(target["target"])
        changes.append((target["at"], _change(f"target:{target['uid']}", PAPER_TARGET, summary, target["at"])))
    for paper in old["own_papers"]:
        uid = f"own-paper:{paper['id']}"
        changes.append((paper["created_at"], _change(uid, PAPER_READ, f"added {paper['id']}", paper["created_at"])))
    epoch = datetime(1970, 1, 1, tzinfo=UTC).isoformat()
    for setting in old["settings"]:
        at = setting["updated_at"] or epoch
        summary = f"{setting['key']} = {setting['value']}" if setting["value"] else f"{setting['key']} cleared"
        changes.append((at, _change(f"setting:{setting['key']}", SETTING, summary, at)))
    ordered = [change for _, change in sorted(changes, key=lambda pair: _utc_key(pair[0]))]
    known = {change["uid"] for change in ordered}
    for undo in sorted(old["undos"], key=lambda u: _utc_key(u["at"])):
        if f"batch:{undo['batch']}" in known:
            undone = _change(undo["uid"], UNDO, "undid an earlier change", undo["at"])
            ordered.append({**undone, "reverts": f"batch:{undo['batch']}"})
    return {
        "changes": ordered,
        "status_events": [
            {**{k: v for k, v in e.items() if k != "batch"}, "change": f"batch:{e['batch']}"}
            for e in old["status_events"]
        ],
        "paper_reads": [{**r, "change": f"read:{r['uid']}"} for r in old["paper_reads"]],
        "own_papers": [{**p, "change": f"own-paper:{p['id']}"} for p in old["own_papers"]],
        "paper_targets": [{**t, "change": f"target:{t['uid']}"} for t in old["paper_targets"]],
        "setting_changes": [
            {"change": f"setting:{s['key']}", "key": s["key"], "value": s["value"]} for s in old["settings"]
        ],
    }


def _change(uid: str, kind: str, summary: str, at: str) -> dict[str, Any]:
    return {"uid": uid, "kind": kind, "summary": summary, "at": at, "reverts": None, "imported_by": None}


def _utc_key(at: str) -> datetime:
    return datetime.fromisoformat(at).astimezone(UTC)


def document(records: dict[str, list[dict[str, Any]]], exported_at: str, version: str) -> dict[str, Any]:
    return {"format": FORMAT_NAME, "version": FORMAT_VERSION, "exported_at": exported_at, "llmpath": version, **records}
