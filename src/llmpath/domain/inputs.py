"""Free text the learner types (notes, titles): kept as typed, but only if it is safe to keep and show.

Control characters are refused rather than stripped: a note with an escape sequence would later
rewrite the terminal it is shown in, and silently changing what the learner wrote is worse than
asking again. `unsafe` is the one rule for every text llmpath keeps: typed here, imported
(llmpath.exchange) or read from a roadmap (llmpath.roadmap.fields).
"""

from __future__ import annotations

from ..errors import UsageError
from ..safetext import is_clean

# The longest text llmpath keeps, in characters, whether typed, imported or read from a roadmap.
# Each is many times what real text needs; they keep one runaway value from filling the store and
# every screen it is shown on.
MAX_ID = 200  # an id, or a reference to one
MAX_TITLE = 300  # a title, or any other one-line text
MAX_NOTE = 2000  # a note
MAX_URL = 2000  # a web address
MAX_TEXT = 5000  # a body, a description, a paper's contribution, a checklist point


def unsafe(text: str, multiline: bool = False) -> str | None:
    """Why `text` may not be kept, or None when it may.

    Text may not hold a character that llmpath.safetext would have to show differently: a
    control, a bidi override, an invisible character. Multi-line text (a note, a body) may hold
    line breaks, and tabs, which are shown as a space and hide nothing.
    """
    kept = text.replace("\t", " ") if multiline else text
    if is_clean(kept, newlines=multiline):
        return None
    char = next(c for c in kept if not is_clean(c, newlines=multiline))
    return f"contains U+{ord(char):04X}, a control or invisible character"


def _check(text: str, what: str, limit: int, multiline: bool) -> str:
    if len(text) > limit:
        raise UsageError(f"the {what} is {len(text)} characters long; keep it to {limit}")
    problem = unsafe(text, multiline)
    if problem:
        raise UsageError(f"the {what} {problem}; remove it and try again")
    return text


def clean_note(note: str | None) -> str | None:
    """The note without surrounding blanks, None when empty; refused when too long or unsafe."""
    if note is None or not note.strip():
        return None
    return _check(note.strip(), "note", MAX_NOTE, multiline=True)


def clean_title(title: str) -> str:
    """A one-line title with runs of blanks folded; refused when empty, too long or unsafe."""
    folded = " ".join(title.split())
    if not folded:
        raise UsageError("the title is empty; give the paper's title")
    return _check(folded, "title", MAX_TITLE, multiline=False)
