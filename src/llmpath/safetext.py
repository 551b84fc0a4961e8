"""Untrusted text made safe to show: no byte of it may act on a terminal, a prompt or a shell.

Roadmap files, imported backups, notes and anything read back from the store are data, never
commands. Before such text reaches standard output, standard error, the badge or a shell snippet,
`visible` turns every character that can move the cursor, recolour the screen, set the window
title, reorder the line or hide itself into something the reader can see:

- C0 controls, ESC and DEL become Unicode control pictures (ESC shows as ␛, CR as ␍);
- C1 controls, bidirectional overrides and isolates, invisible separators and zero-width spaces
  become a visible code such as <U+202E>;
- a newline is kept only where the text is a body that may span lines, and a tab becomes a space.

JSON keeps every character (it is for programs), but `json_text` spells the same characters as
\\u escapes, which JSON readers decode back to the original.

Standard library only and no imports at all: the prompt badge uses it.
"""

MAX_SHOWN = 2000  # characters of one value shown on one line before it is cut with an ellipsis

_PICTURE_BASE = 0x2400  # U+2400..U+241F picture the C0 controls; U+2421 pictures DEL
# Characters that reorder or hide text without being controls in the C0/C1 sense.
_INVISIBLE = frozenset(
    [0x061C, 0x115F, 0x1160, 0x180E, 0x200B, 0x200E, 0x200F, 0x2028, 0x2029, 0x3164, 0xFEFF, 0xFFA0]
    + list(range(0x202A, 0x202F))  # LRE, RLE, PDF, LRO, RLO
    + list(range(0x2060, 0x2070))  # word joiner, invisible operators, LRI, RLI, FSI, PDI, deprecated formats
    + list(range(0xFFF9, 0xFFFC))  # interlinear annotation controls
)


def _needs_code(code: int) -> bool:
    """C1 controls, invisible characters and lone surrogates (which no encoding can write)."""
    return 0x80 <= code < 0xA0 or code in _INVISIBLE or 0xD800 <= code < 0xE000


class _Table(dict):
    """A str.translate table filled in as characters are met.

    Building a table of every unsafe character up front costs milliseconds at import, which the
    prompt badge cannot afford; this one costs one lookup per distinct character ever seen.
    """

    def __init__(self, replace) -> None:  # noqa: ANN001 - a function of one code point
        super().__init__()
        self.replace = replace

    def __missing__(self, code: int) -> str:
        self[code] = value = self.replace(code)
        return value


def _shown(code: int, keep_newlines: bool) -> str:
    if code == 0x0A and keep_newlines:
        return "\n"
    if code == 0x09:
        return " "
    if code < 0x20:
        return chr(_PICTURE_BASE + code)
    if code == 0x7F:
        return "\u2421"
    return f"<U+{code:04X}>" if _needs_code(code) else chr(code)


_ONE_LINE = _Table(lambda code: _shown(code, keep_newlines=False))
_BODY = _Table(lambda code: _shown(code, keep_newlines=True))
_JSON = _Table(lambda code: f"\\u{code:04x}" if code == 0x7F or _needs_code(code) else chr(code))


def visible(text: object, newlines: bool = False) -> str:
    """`text` with every control, override and invisible character shown visibly.

    With `newlines`, line breaks are kept (a note or a topic's body); otherwise the result is one
    line.
    """
    return str(text).translate(_BODY if newlines else _ONE_LINE)


def clipped(text: object, limit: int = MAX_SHOWN) -> str:
    """`visible(text)` cut to `limit` characters with an ellipsis: for quoting a value in a message."""
    shown = visible(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def is_clean(text: str, newlines: bool = False) -> bool:
    """True when `visible` would leave the text exactly as it is."""
    return text.translate(_BODY if newlines else _ONE_LINE) == text


def json_text(dumped: str) -> str:
    """JSON text (from json.dumps with ensure_ascii=False) with DEL, C1 controls and invisible
    characters written as \\u escapes: the same data, but nothing a terminal acts on.

    json.dumps already escapes C0 controls; outside strings JSON holds only ASCII punctuation, so
    every character replaced here sits inside a string, where \\u escapes are valid.
    """
    return dumped.translate(_JSON)


def ascii_text(text: str) -> str:
    """Visible text with everything that is not printable ASCII left out (for `--ascii`)."""
    return visible(text).encode("ascii", "ignore").decode("ascii")


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

    Text may not hold a character that `visible` would have to show differently: a
    control, a bidi override, an invisible character. Multi-line text (a note, a body) may hold
    line breaks, and tabs, which are shown as a space and hide nothing.
    """
    kept = text.replace("\t", " ") if multiline else text
    if is_clean(kept, newlines=multiline):
        return None
    char = next(c for c in kept if not is_clean(c, newlines=multiline))
    return f"contains U+{ord(char):04X}, a control or invisible character"


LINK_SCHEMES = ("http", "https", "file")


def link_problem(url: str) -> str | None:
    """Why `url` may not be kept as a learner's link, or None when it may: a web address (http,
    https) with a host, or a file:// path; whole, without blanks, controls or invisible characters."""
    from urllib.parse import urlsplit

    if len(url) > MAX_URL:
        return f"is {len(url)} characters long; keep it to {MAX_URL}"
    if any(c.isspace() for c in url):
        return "contains a blank; a link is one address without spaces (encode a space as %20)"
    problem = unsafe(url)
    if problem:
        return problem
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed [ of an IPv6 host
        return "is not a valid address"
    if parts.scheme.lower() not in LINK_SCHEMES:
        return f"does not start with {', '.join(s + '://' for s in LINK_SCHEMES)}"
    if parts.scheme.lower() != "file" and not parts.hostname:
        return "names no host"
    if parts.scheme.lower() == "file" and not parts.path:
        return "names no file"
    return None
