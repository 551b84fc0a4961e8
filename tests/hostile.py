"""Hostile strings, and the independent check that none of their control bytes reached an output.

The check is written here from the issue's list, not imported from llmpath.safetext, so that a
mistake in the code under test cannot hide itself.
"""

from hypothesis import strategies as st

ESCAPES = [
    "\x1b]0;pwned\x07",  # OSC: sets the window title
    "\x1b[2J\x1b[H",  # CSI: clears the screen
    "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x9b31m red via C1 CSI",
    "\x85 next line \x8d reverse line feed",
    "a\rOVERWRITTEN",
    "bell\x07 back\x08space del\x7f",
    "nul\x00byte",
]
INVISIBLE = [
    "admin\u202egnp.exe",  # right-to-left override
    "\u2066isolate\u2069 \u200e\u200f marks",
    "zero\u200bwidth\ufeffbom",
    "line\u2028separator\u2029para",
]
MARKUP = ["[/bold]", "[/i] x", "[todo]", "[link=https://evil.example]click[/link]", "[bold red]loud", ":smiley:"]
SHELL = ["$(touch pwned)", "`touch pwned`", "'; rm -rf ~ #", '" }', "${HOME}"]
CORPUS = ESCAPES + INVISIBLE + MARKUP + SHELL + ["x" * 290]

FORBIDDEN = (
    {chr(c) for c in range(0x20) if c != 0x0A}
    | {chr(0x7F)}
    | {chr(c) for c in range(0x80, 0xA0)}
    | set("\u061c\u200b\u200e\u200f\u2028\u2029\ufeff")
    | {chr(c) for c in range(0x202A, 0x202F)}
    | {chr(c) for c in range(0x2066, 0x206A)}
)

# Text a learner or a file might hold: any characters, hostile ones made likely.
hostile_text = st.text(
    alphabet=st.one_of(st.sampled_from(sorted(FORBIDDEN | set("[]/\\$`'\"{}:;"))), st.characters()),
    min_size=1,
    max_size=40,
)


def leaked(output: str) -> list[str]:
    """The forbidden characters found in `output`, for an assertion message."""
    return sorted({repr(c) for c in output if c in FORBIDDEN})
