"""The export format: everything a learner recorded, as versioned JSON, and its validation.

    {
      "format": "llmpath-export",      always this string
      "version": 1,                    this layout; a later llmpath reads every earlier version
      "exported_at": "2026-11-25T08:00:00+00:00",
      "llmpath": "0.1.0",              the version that wrote the file
      "status_events": [{"uid", "batch", "topic", "status", "on", "at", "note"}],
      "undos":         [{"uid", "batch", "at"}],
      "paper_reads":   [{"uid", "paper", "on", "at", "note", "pass"}],
      "own_papers":    [{"id", "title", "created_at"}],
      "paper_targets": [{"uid", "target", "on", "at"}],
      "settings":      [{"key", "value", "updated_at"}]
    }

`status` is todo, in_progress, done or skipped; `on` is the learner's local date (YYYY-MM-DD);
`at` and the other times are ISO 8601 with a UTC offset; `pass` is 1, 2, 3 or null; a setting's
empty value means it was cleared. Records with a `uid` are never changed once written, so importing
merges by uid: importing twice equals importing once. A setting is taken from the file only when it
is newer than the one in the store.

A file to import is not trusted: it is refused whole, naming the first problem, when it is not
JSON (or is JSON that Python cannot hold: nesting a thousand deep, numbers of thousands of digits,
NaN), when a text is longer than its field's limit, or when a text holds a control, bidi or
invisible character (llmpath.domain.inputs.unsafe, the rule for typed notes too).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from .domain.inputs import MAX_ID, MAX_NOTE, MAX_TITLE, unsafe
from .domain.papers import MAX_TARGET, MIN_TARGET
from .domain.state import STATUSES
from .errors import UsageError

FORMAT_NAME = "llmpath-export"
FORMAT_VERSION = 1

# The longest text each kind of field may hold, in characters: as when typed or read from a roadmap.
# A setting's key is a prefix and an id (start_stage:developer); its value, an id or empty.
TEXT_LIMITS = {"id": MAX_ID, "key": 2 * MAX_ID, "note": MAX_NOTE, "title": MAX_TITLE, "status": 20}
# A whole number in the file has a few digits; far longer ones are refused before Python turns
# them into numbers, which it will not do past 4300 digits.
MAX_DIGITS = 20

SECTIONS: dict[str, dict[str, str]] = {
    # field -> kind; a kind ending in "?" may be null
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
}
# The field that identifies a record: a file may not hold two records with the same one.
KEYS = {"own_papers": "id", "settings": "key"}


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
    elif kind == "pass":
        if value not in (1, 2, 3) or not isinstance(value, int) or isinstance(value, bool):
            raise _Bad("expected 1, 2 or 3")
    elif kind == "target":
        if isinstance(value, bool) or not isinstance(value, int) or not MIN_TARGET <= value <= MAX_TARGET:
            raise _Bad(f"expected a whole number from {MIN_TARGET} to {MAX_TARGET}")


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
    """The document's records by section, or a UsageError naming the first problem and its place."""
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise UsageError(f'not an llmpath export: it has no "format": "{FORMAT_NAME}"')
    version = data.get("version")
    if version != FORMAT_VERSION:
        raise UsageError(
            f"export format version {version!r} is not one this llmpath reads (it reads {FORMAT_VERSION}); upgrade llmpath"
        )
    records: dict[str, list[dict[str, Any]]] = {}
    for section, fields in SECTIONS.items():
        entries = data.get(section, [])
        if not isinstance(entries, list):
            raise UsageError(f"{section}: expected a list")
        for i, entry in enumerate(entries):
            where = f"{section}[{i}]"
            if not isinstance(entry, dict):
                raise UsageError(f"{where}: expected an object")
            missing = [f for f, kind in fields.items() if f not in entry and not kind.endswith("?")]
            if missing:
                raise UsageError(f"{where}: missing {missing[0]!r}")
            for field, kind in fields.items():
                try:
                    _check_value(kind, entry.get(field))
                except _Bad as problem:
                    raise UsageError(f"{where}.{field}: {problem}") from None
        key = KEYS.get(section, "uid")
        seen: dict[str, int] = {}
        for i, entry in enumerate(entries):
            if entry[key] in seen:
                raise UsageError(
                    f"{section}[{i}].{key}: {entry[key]!r} is already used by {section}[{seen[entry[key]]}]"
                )
            seen[entry[key]] = i
        records[section] = [{f: e.get(f) for f in fields} for e in entries]
    return records


def document(records: dict[str, list[dict[str, Any]]], exported_at: str, version: str) -> dict[str, Any]:
    return {"format": FORMAT_NAME, "version": FORMAT_VERSION, "exported_at": exported_at, "llmpath": version, **records}
