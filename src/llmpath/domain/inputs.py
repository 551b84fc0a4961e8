"""Free text the learner types (notes, titles): kept as typed, but only if it is safe to keep and show.

Control characters are refused rather than stripped: a note with an escape sequence would later
rewrite the terminal it is shown in, and silently changing what the learner wrote is worse than
asking again.
"""

from __future__ import annotations

import unicodedata

from ..errors import UsageError

MAX_NOTE = 2000
MAX_TITLE = 300
ALLOWED_CONTROLS = {"\n", "\t"}


def _check(text: str, what: str, limit: int, allowed: set[str]) -> str:
    if len(text) > limit:
        raise UsageError(f"the {what} is {len(text)} characters long; keep it to {limit}")
    for char in text:
        if char in allowed:
            continue
        if unicodedata.category(char) in ("Cc", "Cs"):
            raise UsageError(f"the {what} contains a control character ({char!r}); remove it and try again")
    return text


def clean_note(note: str | None) -> str | None:
    """The note without surrounding blanks, None when empty; refused when too long or unsafe."""
    if note is None or not note.strip():
        return None
    return _check(note.strip(), "note", MAX_NOTE, ALLOWED_CONTROLS)


def clean_title(title: str) -> str:
    """A one-line title with runs of blanks folded; refused when empty, too long or unsafe."""
    folded = " ".join(title.split())
    if not folded:
        raise UsageError("the title is empty; give the paper's title")
    return _check(folded, "title", MAX_TITLE, set())
