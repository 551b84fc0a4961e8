"""`llmpath shell-init`: what it adds to a shell's start, and what its snippets add to each prompt.

1. `llmpath shell-init bash` (the installed console script, which a shell runs as it starts)
   against `python -c "import re, sys"`, which is what every pip-generated console script costs
   before it runs a line of ours (goal: 1.2x).
2. Each snippet's prompt hook, timed in one shell process over many calls against an empty
   function (goal: under 2 ms), and the processes a prompt starts, counted with strace when it is
   installed (goal: none).
Usage: python bench/shell_init.py [ROUNDS]
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from common import alternate, environment, llmpath_command, report, seed

SHELL_INIT_GOAL = 1.2
HOOK_GOAL_MS = 2.0
CALLS = 1000
PROMPTS = 10  # prompts traced for the processes they start

# Per shell: `source` the snippet given as the first argument, then either time CALLS prompts and
# CALLS calls of an empty function (printing microseconds for each), or run PROMPTS prompts.
SOURCE = {"bash": 'source "$1"; PS1="$ "', "zsh": 'source "$1"; zmodload zsh/datetime', "fish": "source $argv[1]"}
PROMPT = {
    "bash": "_llmpath_prompt",
    "zsh": "_llmpath_precmd",
    "fish": "emit fish_prompt; fish_right_prompt >/dev/null",
}
TIMER = {
    "bash": """
prompt() { %(prompt)s; }
noop() { :; }
time_calls() {
    local i start=$EPOCHREALTIME
    for ((i = 0; i < CALLS; i++)); do "$1"; done
    echo $(( ${EPOCHREALTIME/./} - ${start/./} ))
}
time_calls noop >/dev/null
echo $(time_calls prompt) $(time_calls noop)
""",
    "zsh": """
prompt() { %(prompt)s }
noop() { : }
time_calls() {
    local i start=$EPOCHREALTIME
    for ((i = 0; i < CALLS; i++)); do $1; done
    printf '%%.0f\n' $(( (EPOCHREALTIME - start) * 1e6 ))
}
time_calls noop >/dev/null
print $(time_calls prompt) $(time_calls noop)
""",
    "fish": """
function prompt; %(prompt)s; end
function noop; end
function time_calls
    set -l start (date +%%s%%N)
    for i in (seq $CALLS)
        $argv[1]
    end
    math "("(date +%%s%%N)" - $start) / 1000"
end
time_calls noop >/dev/null
echo (time_calls prompt) (time_calls noop)
""",
}
LOOP = {
    "bash": "for ((i = 0; i < %(n)d; i++)); do %(prompt)s; done",
    "zsh": "for ((i = 0; i < %(n)d; i++)); do %(prompt)s; done",
    "fish": "for i in %(numbers)s; %(prompt)s; end",  # not (seq): that would start a process
}


def run_shell(shell: str, script: str, snippet: Path, env: dict[str, str], prefix: Sequence[str] = ()) -> str:
    argv = (
        [shell, "--no-config", "-c", script, str(snippet)]
        if shell == "fish"
        else [shell, "-c", script, shell, str(snippet)]
    )
    return subprocess.run([*prefix, *argv], env=env, capture_output=True, text=True, check=True).stdout


def hook_cost(shell: str, snippet: Path, env: dict[str, str]) -> tuple[float, float]:
    """Microseconds per prompt and per call of an empty function, in one shell process."""
    script = SOURCE[shell] + TIMER[shell] % {"prompt": PROMPT[shell]}
    hook, empty = run_shell(shell, script, snippet, env | {"CALLS": str(CALLS)}).split()
    return float(hook) / CALLS, float(empty) / CALLS


def processes_per_prompt(shell: str, snippet: Path, env: dict[str, str]) -> float | None:
    """Processes started by one prompt (by strace; None without it), the shell's own start aside."""
    if not shutil.which("strace"):
        return None
    with tempfile.NamedTemporaryFile(suffix=".strace") as log:
        trace = ["strace", "-f", "-o", log.name, "-e", "trace=execve,fork,vfork,clone,clone3"]
        numbers = " ".join(map(str, range(PROMPTS)))
        script = SOURCE[shell] + "\n" + LOOP[shell] % {"n": PROMPTS, "numbers": numbers, "prompt": PROMPT[shell]}
        run_shell(shell, script, snippet, env, trace)
        calls = re.findall(r"^\d+ +(?:execve|fork|vfork|clone3?)\(.*$", Path(log.name).read_text(), re.MULTILINE)
    return (len([call for call in calls if "CLONE_THREAD" not in call]) - 1) / PROMPTS


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    llmpath = llmpath_command()
    with tempfile.TemporaryDirectory() as home:
        env = environment(Path(home))
        commands = {
            'python -c "import re, sys"': [sys.executable, "-c", "import re, sys"],
            "llmpath shell-init bash": [*llmpath, "shell-init", "bash"],
        }
        report("Shell start", alternate(commands, env, rounds), 'python -c "import re, sys"', SHELL_INIT_GOAL)

        seed(llmpath, env)
        print(f"\nPrompt hooks  ({CALLS} prompts in one shell process; processes counted over {PROMPTS} prompts)")
        for shell in ("bash", "zsh", "fish"):
            if not shutil.which(shell):
                print(f"  {shell:<5} not installed")
                continue
            snippet = Path(home) / f"snippet.{shell}"
            snippet.write_text(
                subprocess.run(
                    [*llmpath, "shell-init", shell], env=env, capture_output=True, text=True, check=True
                ).stdout
            )
            hook, empty = hook_cost(shell, snippet, env)
            started = processes_per_prompt(shell, snippet, env)
            over = (hook - empty) / 1000
            verdict = "ok" if over < HOOK_GOAL_MS and not started else "over the goal"
            counted = "processes not counted (no strace)" if started is None else f"{started:g} processes a prompt"
            print(
                f"  {shell:<5} {hook / 1000:.3f} ms a prompt ({over:.3f} ms over an empty function), {counted}  {verdict}"
            )


if __name__ == "__main__":
    main()
