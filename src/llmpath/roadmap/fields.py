"""Typed readers for the fields of one roadmap entry (one mapping of the file).

Each reader checks one kind of value (text, slug id, whole number, true/false, list) and reports a
problem as an Invalid naming the entry's path (``topics[17].prerequisites[0]``); the loader adds
the file name. Every text field has a length limit and may hold no control, bidi or invisible
character (llmpath.safetext.unsafe, the same rule as for notes and imports).
"""

from __future__ import annotations

import re
from typing import Any

from ..safetext import MAX_ID, MAX_TEXT, MAX_TITLE, MAX_URL, clipped, unsafe

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# The fields that may be longer than a title; ids get MAX_ID, any other field MAX_TITLE.
FIELD_LIMITS = {
    "url": MAX_URL,
    **dict.fromkeys(("body", "description", "contribution", "checklist", "answer", "closing"), MAX_TEXT),
}
# Only bodies may span lines: the bundled roadmap's hold paragraphs; anything else is one line.
MULTILINE_FIELDS = ("body",)


class Invalid(Exception):
    """A problem in the roadmap, at `path` (an entry or field; empty for the whole file)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)


class Entry:
    """One mapping of the file, with its path, reading typed fields and refusing unknown ones."""

    def __init__(self, value: Any, path: str, fields: tuple[str, ...]) -> None:
        if not isinstance(value, dict):
            raise Invalid(path, f"expected a mapping, got {kind_of(value)}")
        unknown = [k for k in value if k not in fields]
        if unknown:
            raise Invalid(path, f"unknown field {quoted(unknown[0])} (known: {', '.join(fields)})")
        self.value = value
        self.path = path
        ident = value.get("id")
        # The id names the entry in messages only once it is known to be a short slug.
        usable = isinstance(ident, str) and len(ident) <= MAX_ID and SLUG.match(ident)
        self.label = f"{path} ({ident})" if usable else path

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def text(self, key: str, required: bool = True, limit: int | None = None) -> str | None:
        value = self.value.get(key)
        if value is None:
            if required:
                raise Invalid(self.label, f"missing required field {key!r}")
            return None
        return read_text(value, self.at(key), key, limit)

    def ident(self, key: str = "id") -> str:
        value = self.text(key, limit=MAX_ID)
        if not SLUG.match(value):
            raise Invalid(self.at(key), f"{value!r} is not a lowercase slug like 'rag-basics'")
        return value

    def integer(self, key: str, low: int, high: int, required: bool = False) -> int | None:
        value = self.value.get(key)
        if value is None:
            if required:
                raise Invalid(self.label, f"missing required field {key!r}")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise Invalid(self.at(key), f"expected a whole number from {low} to {high}, got {quoted(value)}")
        return value

    def flag(self, key: str) -> bool:
        value = self.value.get(key, False)
        if not isinstance(value, bool):
            raise Invalid(self.at(key), f"expected true or false, got {quoted(value)}")
        return value

    def texts(self, key: str, slugs: bool = False) -> tuple[str, ...]:
        return read_texts(self.value.get(key), self.at(key), key, slugs)

    def entries(self, key: str, required: bool = False) -> list[tuple[str, Any]]:
        value = self.value.get(key)
        if value is None:
            if required:
                raise Invalid(self.label, f"missing required field {key!r}")
            return []
        if not isinstance(value, list):
            raise Invalid(self.at(key), f"expected a list, got {kind_of(value)}")
        return [(f"{self.at(key)}[{i}]", item) for i, item in enumerate(value)]


def read_text(value: Any, where: str, key: str, limit: int | None = None) -> str:
    """`value` stripped, if it is non-empty text within the field's limit and safe to show."""
    if not isinstance(value, str) or not value.strip():
        raise Invalid(where, f"expected non-empty text, got {kind_of(value)}")
    limit = limit or FIELD_LIMITS.get(key, MAX_TITLE)
    if len(value) > limit:
        raise Invalid(where, f"{len(value)} characters; at most {limit}")
    text = value.strip()
    problem = unsafe(text, multiline=key in MULTILINE_FIELDS)
    if problem:
        raise Invalid(where, problem)
    return text


def read_texts(value: Any, where: str, key: str, slugs: bool = False) -> tuple[str, ...]:
    """A list of texts (of ids, with `slugs`) under `key`; nothing when the field is absent."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise Invalid(where, f"expected a list, got {kind_of(value)}")
    out = []
    seen: set[str] = set()  # a set finds a repeat in constant time: a stage may list thousands
    for i, item in enumerate(value):
        text = read_text(item, f"{where}[{i}]", key, MAX_ID if slugs else None)
        if slugs and not SLUG.match(text):
            raise Invalid(f"{where}[{i}]", f"{text!r} is not a lowercase slug id")
        if slugs and text in seen:
            raise Invalid(f"{where}[{i}]", f"{text!r} is listed twice")
        seen.add(text)
        out.append(text)
    return tuple(out)


def quoted(value: Any) -> str:
    """A value for a message: a scalar quoted and cut short, anything else by its kind (a YAML
    alias can make a list vast)."""
    return clipped(repr(value), 80) if isinstance(value, (str, int, float)) else kind_of(value)


def kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )
