"""The prompt badge: `llmpath badge` (the installed console script) against
`python -c "import re, sys"`, which is what every pip-generated console script costs before it runs
a line of ours (goal: 1.15x), in its default format and with today's study minutes. A starship custom module runs it at every prompt; the snippets of
`llmpath shell-init` start no Python at all (bench/shell_init.py times them).
Usage: python bench/badge.py [ROUNDS]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from common import alternate, environment, llmpath_command, report, seed

BADGE_GOAL = 1.15


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    llmpath = llmpath_command()
    with tempfile.TemporaryDirectory() as home:
        env = environment(Path(home))
        seed(llmpath, env)
        commands = {
            'python -c "import re, sys"': [sys.executable, "-c", "import re, sys"],
            "llmpath badge": [*llmpath, "badge"],
            "llmpath badge {today}": [*llmpath, "badge", "--format", "{today} {percent}%"],
        }
        report("Prompt badge", alternate(commands, env, rounds), 'python -c "import re, sys"', BADGE_GOAL)


if __name__ == "__main__":
    main()
