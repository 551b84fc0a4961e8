"""Shell completion: a TAB completing a topic id, as Typer's bash and zsh scripts run `llmpath`
for it, against a bare Typer command printing a Rich table (goal: 1.5x at most). Also timed, for
information: a TAB completing a command's name, which the Typer app answers itself.
Usage: python bench/completion.py [ROUNDS]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from common import BARE_TABLE, alternate, environment, llmpath_command, report, seed

TAB_GOAL = 1.5


def tab(llmpath: list[str], *protocol: str) -> list[str]:
    """`llmpath` run as a completion script runs it: the instruction and the command line in its
    environment (through env(1), which costs about a millisecond)."""
    return ["env", *protocol, *llmpath]


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    llmpath = llmpath_command()
    with tempfile.TemporaryDirectory() as home:
        env = environment(Path(home))
        seed(llmpath, env)  # a store synced from the bundled roadmap, with some history
        commands = {
            BARE_TABLE: [sys.executable, str(Path(__file__).with_name("bare_typer_table.py"))],
            "TAB a topic id (bash)": tab(
                llmpath, "_LLMPATH_COMPLETE=complete_bash", "COMP_WORDS=llmpath\ndone\ntok", "COMP_CWORD=2"
            ),
            "TAB a topic id (zsh)": tab(
                llmpath, "_LLMPATH_COMPLETE=complete_zsh", "_TYPER_COMPLETE_ARGS=llmpath done tok"
            ),
            "TAB a command (bash, app)": tab(
                llmpath, "_LLMPATH_COMPLETE=complete_bash", "COMP_WORDS=llmpath\nd", "COMP_CWORD=1"
            ),
        }
        answer = subprocess.run(commands["TAB a topic id (bash)"], env=env, capture_output=True, text=True, check=True)
        assert answer.stdout.startswith("tokenization-"), answer  # timing a TAB that finds nothing proves nothing
        report("Shell completion", alternate(commands, env, rounds), BARE_TABLE, TAB_GOAL)


if __name__ == "__main__":
    main()
