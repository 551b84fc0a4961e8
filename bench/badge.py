"""The prompt badge: what it adds to a shell prompt.

1. `llmpath badge` (the installed console script) against `python -c "import re, sys"`, which is
   what every pip-generated console script costs before it runs a line of ours (goal: 1.15x).
2. The bash snippet from `llmpath shell-init bash`: the time one prompt's hook takes, measured in
   one bash process over many calls against an empty function (goal: under 2 ms).
Usage: python bench/badge.py [ROUNDS]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from common import alternate, environment, llmpath_command, report

BADGE_GOAL = 1.15
CALLS = 2000

HOOK_TIMER = r"""
noop() { :; }
time_calls() {
    local fn=$1 i start end
    start=$EPOCHREALTIME
    for ((i = 0; i < CALLS; i++)); do "$fn"; done
    end=$EPOCHREALTIME
    echo $(( (${end/./} - ${start/./}) ))
}
"""


def hook_cost(env: dict[str, str], llmpath: list[str]) -> tuple[float, float]:
    """Microseconds per call of the badge hook and of an empty function, in one bash."""
    snippet = subprocess.run(
        [*llmpath, "shell-init", "bash"], env=env, capture_output=True, text=True, check=True
    ).stdout
    script = f"CALLS={CALLS}\n{snippet}\n{HOOK_TIMER}\ntime_calls noop >/dev/null\necho $(time_calls _llmpath_badge) $(time_calls noop)"
    hook, empty = subprocess.run(
        ["bash", "--norc", "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    return int(hook) / CALLS, int(empty) / CALLS


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    llmpath = llmpath_command()
    with tempfile.TemporaryDirectory() as home:
        env = environment(Path(home))
        subprocess.run([*llmpath, "done", "math-foundations"], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([*llmpath, "papers", "log", "lora"], env=env, check=True, stdout=subprocess.DEVNULL)
        commands = {
            'python -c "import re, sys"': [sys.executable, "-c", "import re, sys"],
            "llmpath badge": [*llmpath, "badge"],
        }
        report("Prompt badge", alternate(commands, env, rounds), 'python -c "import re, sys"', BADGE_GOAL)
        hook, empty = hook_cost(env, llmpath)
        verdict = "ok" if (hook - empty) / 1000 < 2 else "over the 2 ms goal"
        print(
            f"\nBash prompt hook: {hook / 1000:.3f} ms a prompt ({(hook - empty) / 1000:.3f} ms over an empty function)  {verdict}"
        )


if __name__ == "__main__":
    main()
