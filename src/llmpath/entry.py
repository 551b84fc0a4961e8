"""The console script's entry point: kept light so fast paths skip the Typer app."""

import os
import sys


def tolerate_any_encoding() -> None:
    """Let stdout and stderr replace what their encoding cannot show (PYTHONIOENCODING=ascii,
    cp1252, LANG=C) instead of raising after a change was already saved. A handler the user chose
    (PYTHONIOENCODING=utf-8:backslashreplace) is kept; the C locale's surrogateescape raises like
    strict does for any character outside its encoding."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "strict") in ("strict", "surrogateescape"):
            reconfigure(errors="replace")


def main() -> int | None:
    tolerate_any_encoding()
    args = sys.argv[1:]
    instruction = os.environ.get("_LLMPATH_COMPLETE")
    if instruction:
        # A TAB: topic, paper, track and stage names come from the store without the Typer app,
        # which answers every other completion.
        from . import completion

        answered = completion.main(instruction)
        if answered is not None:
            return answered
    if args[:1] == ["badge"]:
        # Runs before every shell prompt: the standard-library badge, never the Typer app.
        from .badge import main as badge

        return badge(args[1:])
    if args[:1] == ["shell-init"]:
        # Runs at every shell start. Other forms (--help, a mistyped option) are the Typer app's.
        from . import shell

        request = shell.parse(args[1:])
        if request is not None:
            return shell.main(*request)
    if args == ["--version"]:
        from . import __version__

        print(f"llmpath {__version__}")
        return None
    from .cli import only_invoked

    return only_invoked(args)()
