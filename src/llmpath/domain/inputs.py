"""Free text the learner types (notes, titles): kept as typed, but only if it is safe to keep and show.

Control characters are refused rather than stripped: a note with an escape sequence would later
rewrite the terminal it is shown in, and silently changing what the learner wrote is worse than
asking again, by the one rule for every text llmpath keeps (llmpath.safetext.unsafe), typed here,
imported (llmpath.exchange) or read from a roadmap (llmpath.roadmap.fields).
"""

from __future__ import annotations

from ..errors import UsageError
from ..safetext import MAX_NOTE, MAX_TITLE, link_problem, unsafe


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


def clean_url(url: str) -> str:
    """A learner's link as typed, without surrounding blanks; refused unless it is http, https or file."""
    kept = url.strip()
    problem = link_problem(kept)
    if problem:
        raise UsageError(f"the link {problem}; give a full address such as https://example.org/page")
    return kept


def clean_link_title(title: str | None) -> str | None:
    """A link's optional title: folded to one line, None when empty."""
    if title is None or not title.strip():
        return None
    return clean_title(title)
