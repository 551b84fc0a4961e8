"""Timing helpers shared by the bench scripts: run commands alternately, report median ratios."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def wall_time(command: Sequence[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def alternate(commands: dict[str, Sequence[str]], env: dict[str, str], rounds: int) -> dict[str, float]:
    """Median wall time of each command, run in turn round after round so drift hits all alike."""
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():  # warm the file cache once
        wall_time(command, env)
    for _ in range(rounds):
        for name, command in commands.items():
            samples[name].append(wall_time(command, env))
    return {name: statistics.median(times) for name, times in samples.items()}


def llmpath_command() -> list[str]:
    """The installed console script next to this interpreter, as a user runs it."""
    script = Path(sys.executable).with_name("llmpath")
    return [str(script)] if script.exists() else [sys.executable, "-m", "llmpath"]


BARE_TABLE = "bare typer + rich table"


def read_commands(llmpath: Sequence[str]) -> dict[str, list[str]]:
    """The read commands every bench times, with their reference first: a bare Typer command
    printing a Rich table."""
    return {
        BARE_TABLE: [sys.executable, str(BENCH_DIR / "bare_typer_table.py")],
        "llmpath next": [*llmpath, "next"],
        "llmpath progress": [*llmpath, "progress"],
        "llmpath list": [*llmpath, "list"],
        "llmpath roadmap": [*llmpath, "roadmap"],
        "llmpath show": [*llmpath, "show", "transformer-positional-encoding"],
    }


def seed(llmpath: Sequence[str], env: dict[str, str]) -> None:
    """Some progress and a paper this week, so that the badge has something to show."""
    for args in (["done", "math-foundations"], ["papers", "log", "lora"]):
        subprocess.run([*llmpath, *args], env=env, check=True, stdout=subprocess.DEVNULL)


def environment(home: Path) -> dict[str, str]:
    env = dict(os.environ, LLMPATH_HOME=str(home), NO_COLOR="1", COLUMNS="80")
    env.pop("LLMPATH_ROADMAP", None)
    # pip writes bytecode for an installed package; an editable checkout gets it on the warm-up
    # run, unless the environment forbids it, which would time the compiler instead of llmpath.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def report(title: str, medians: dict[str, float], reference: str, goal: float | None = None) -> None:
    base = medians[reference]
    print(f"\n{title}  (reference: {reference}, median {base * 1000:.1f} ms)")
    for name, value in medians.items():
        if name == reference:
            continue
        verdict = ""
        if goal is not None:
            verdict = "  ok" if value / base <= goal else f"  over the {goal}x goal"
        print(f"  {name:<28} {value * 1000:7.1f} ms  {value / base:5.2f}x{verdict}")
