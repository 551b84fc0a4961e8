"""Median wall time of the read commands and `done`, as ratios to their references.

Reads (next, progress, list, roadmap, show) against a bare Typer command printing a Rich table
(goal: 1.3x at most); `done` against `python -c "import typer, rich, sqlmodel"`.
Usage: python bench/read_commands.py [ROUNDS]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from common import BARE_TABLE, alternate, environment, llmpath_command, read_commands, report

READ_GOAL = 1.3


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    llmpath = llmpath_command()
    with tempfile.TemporaryDirectory() as home:
        env = environment(Path(home))
        # A synced store with some history, as a learner has after a few weeks.
        subprocess.run(
            [*llmpath, "done", "programming-foundations", "math-foundations", "--on", "yesterday"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run(
            [*llmpath, "start", "nn-foundations-learning-algorithms"], env=env, check=True, stdout=subprocess.DEVNULL
        )
        report("Read commands", alternate(read_commands(llmpath), env, rounds), BARE_TABLE, READ_GOAL)
        # `done` then `undo` alternately, so every `done` really writes.
        writes = {
            "import typer, rich, sqlmodel": [sys.executable, "-c", "import typer, rich, sqlmodel"],
            "llmpath done": [*llmpath, "done", "tokenization-preprocessing"],
            "llmpath undo": [*llmpath, "undo"],
        }
        report("Write commands", alternate(writes, env, max(rounds // 2, 5)), "import typer, rich, sqlmodel")


if __name__ == "__main__":
    main()
