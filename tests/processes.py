"""Running llmpath in processes of its own: as a shell prompt runs it, and many shells at once."""

import os
import subprocess
import sys
import time

import pytest

LLMPATH = [sys.executable, "-m", "llmpath"]
TIMEOUT = 180  # seconds for a whole batch of processes: only a hang comes near it
QUIET = ("busy", "locked", "Traceback")


def run_badge(home, *args, **options):
    code = "import sys; from llmpath.entry import main; sys.exit(main())"
    return subprocess.run(
        [sys.executable, "-c", code, "badge", *args],
        env=os.environ | {"LLMPATH_HOME": str(home)},
        **({"capture_output": True, "text": True} | options),
    )


def env_for(home, **extra):
    return os.environ | {"LLMPATH_HOME": str(home), "NO_COLOR": "1"} | extra


def spawn(home, *args, **extra):
    return subprocess.Popen(
        [*LLMPATH, *args],
        env=env_for(home, **extra),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(processes, timeout=TIMEOUT):
    """Wait for every process (killing them all if any hangs); each must exit 0 and say nothing
    of a busy or locked store. Returns (args, stdout) for each."""
    deadline = time.monotonic() + timeout
    results = []
    try:
        for p in processes:
            out, err = p.communicate(timeout=max(0.1, deadline - time.monotonic()))
            results.append((p.args[len(LLMPATH) :], out, err, p.returncode))
    except subprocess.TimeoutExpired:
        for p in processes:
            p.kill()
            p.communicate()
        pytest.fail(f"processes still running after {timeout}s")
    for args, _out, err, code in results:
        assert code == 0, (args, err)
        assert not any(word in err for word in QUIET), (args, err)
    return [(args, out) for args, out, _err, _code in results]
