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
_INVISIBLE = (
    [0x061C, 0x115F, 0x1160, 0x180E, 0x200B, 0x200E, 0x200F, 0x2028, 0x2029, 0x3164, 0xFEFF, 0xFFA0]
    + list(range(0x202A, 0x202F))  # LRE, RLE, PDF, LRO, RLO
    + list(range(0x2060, 0x2070))  # word joiner, invisible operators, LRI, RLI, FSI, PDI, deprecated formats
    + list(range(0xFFF9, 0xFFFC))  # interlinear annotation controls
)


def _code(char: int) -> str:
    return f"<U+{char:04X}>"


def _build_table(keep_newlines: bool) -> dict[int, str]:
    table = {c: chr(_PICTURE_BASE + c) for c in range(0x20)}
    table[0x7F] = "\u2421"
    table[0x09] = " "
    if keep_newlines:
        del table[0x0A]
    for c in range(0x80, 0xA0):
        table[c] = _code(c)
    for c in _INVISIBLE:
        table[c] = _code(c)
    for c in range(0xD800, 0xE000):  # lone surrogates cannot be encoded at all
        table[c] = _code(c)
    return table


_ONE_LINE = _build_table(keep_newlines=False)
_BODY = _build_table(keep_newlines=True)
_JSON = {c: f"\\u{c:04x}" for c in (0x7F, *range(0x80, 0xA0), *_INVISIBLE, *range(0xD800, 0xE000))}


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
