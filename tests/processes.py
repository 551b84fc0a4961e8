"""Running llmpath as a shell prompt runs it: a fresh interpreter through the console script's entry."""

import os
import subprocess
import sys


def run_badge(home, *args, **options):
    code = "import sys; from llmpath.entry import main; sys.exit(main())"
    return subprocess.run(
        [sys.executable, "-c", code, "badge", *args],
        env=os.environ | {"LLMPATH_HOME": str(home)},
        **({"capture_output": True, "text": True} | options),
    )
