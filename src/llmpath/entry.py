"""The console script's entry point: kept light so fast paths skip the Typer app."""

from __future__ import annotations

import sys


def main() -> None:
    args = sys.argv[1:]
    if args == ["--version"]:
        from . import __version__

        print(f"llmpath {__version__}")
        return
    from .cli import app

    app()
