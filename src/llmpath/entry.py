"""The console script's entry point: kept light so fast paths skip the Typer app."""

import sys


def main() -> int | None:
    args = sys.argv[1:]
    if args[:1] == ["badge"]:
        # Runs before every shell prompt: the standard-library badge, never the Typer app.
        from .badge import main as badge

        return badge(args[1:])
    if args == ["--version"]:
        from . import __version__

        print(f"llmpath {__version__}")
        return None
    from .cli import app

    return app()
