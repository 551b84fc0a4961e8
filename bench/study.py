"""Median wall time of the study-time commands, as ratios to their references.

1. Writes, on the bundled roadmap with a small store: `llmpath study 30m`, and `llmpath study stop`
   right after a `llmpath study start` (so that every stop stops a timer), against
   `python -c "import typer, rich, sqlmodel"`. Goal: at most 1.2x.
2. Reads over two years of daily study (an import of a generated export file: a session most days,
   a day missed now and then, the daily target raised once): `llmpath calendar` and `llmpath study`
   (today and the streak) against a bare Typer command printing a Rich table. Goal: at most 1.3x.

Each part runs its commands alternately, round after round (common.alternate).
Usage: python bench/study.py [ROUNDS]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from common import BARE_TABLE, BENCH_DIR, alternate, environment, llmpath_command, report

WRITE_GOAL = 1.2
READ_GOAL = 1.3
WRITE_REFERENCE = "import typer, rich, sqlmodel"
HISTORY_DAYS = 2 * 365
LOGGED = 30  # minutes each `study 30m` adds to today, which holds 24 hours at most
MOST_WRITE_ROUNDS = 24 * 60 // LOGGED - 2  # and the warm-up run, with a round to spare


def history(today: date) -> dict:
    """An export file (format version 3) of HISTORY_DAYS days of study up to yesterday: 20 to 90
    minutes a day, every eleventh day missed, the target raised from 30 to 45 minutes halfway."""
    at = datetime.now(UTC).isoformat()
    changes, sessions, targets = [], [], []
    for back in range(HISTORY_DAYS, 0, -1):
        if back % 11 == 0:
            continue
        day = today - timedelta(days=back)
        change = f"bench-study-{back}"
        minutes = 20 + (back * 37) % 71
        changes.append({"uid": change, "kind": "study", "summary": f"studied {minutes}m", "at": at,
                        "reverts": None, "imported_by": None})  # fmt: skip
        sessions.append({"uid": f"s{back}", "change": change, "topic": None, "minutes": minutes,
                         "on": day.isoformat(), "at": at, "note": None, "timer": None})  # fmt: skip
    halfway = (today - timedelta(days=HISTORY_DAYS // 2)).isoformat()
    changes.append({"uid": "bench-target", "kind": "study_target", "summary": "set the daily study target to 45m",
                    "at": at, "reverts": None, "imported_by": None})  # fmt: skip
    targets.append({"uid": "t1", "change": "bench-target", "target": 45, "on": halfway, "at": at})
    empty = ("status_events", "paper_reads", "own_papers", "paper_targets", "setting_changes", "read_corrections",
             "topic_notes", "topic_links", "study_timers")  # fmt: skip
    return {
        "format": "llmpath-export",
        "version": 3,
        "exported_at": at,
        "llmpath": "bench",
        "changes": changes,
        **dict.fromkeys(empty, []),
        "study_sessions": sessions,
        "study_targets": targets,
    }


def run(command: list[str], env: dict[str, str]) -> None:
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    llmpath = llmpath_command()
    with tempfile.TemporaryDirectory() as writes_home, tempfile.TemporaryDirectory() as reads_home:
        env = environment(Path(writes_home))
        run([*llmpath, "start", "transformer-attention-mechanisms"], env)  # where the time goes
        writes = {
            WRITE_REFERENCE: [sys.executable, "-c", WRITE_REFERENCE],
            "llmpath study 30m": [*llmpath, "study", "30m"],
            "llmpath study start": [*llmpath, "study", "start"],
            "llmpath study stop": [*llmpath, "study", "stop"],
        }
        medians = alternate(writes, env, min(rounds, MOST_WRITE_ROUNDS))
        report("Study writes (bundled roadmap)", medians, WRITE_REFERENCE, WRITE_GOAL)

        env = environment(Path(reads_home))
        today = datetime.now().astimezone().date()  # the learner's local day, as llmpath takes it
        export = Path(reads_home) / "history.json"
        export.write_text(json.dumps(history(today)), encoding="utf-8")
        run([*llmpath, "import", str(export)], env)
        reads = {
            BARE_TABLE: [sys.executable, str(BENCH_DIR / "bare_typer_table.py")],
            "llmpath calendar": [*llmpath, "calendar"],
            "llmpath study": [*llmpath, "study"],
        }
        report(f"Study reads ({HISTORY_DAYS} days of study)", alternate(reads, env, rounds), BARE_TABLE, READ_GOAL)


if __name__ == "__main__":
    main()
