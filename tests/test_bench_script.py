"""The benchmark script's command line: asked for help, it says how to run it and runs nothing
(a full run takes about twelve minutes of both cores)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"


def test_help_and_unknown_arguments_print_the_usage_and_run_nothing() -> None:
    for argument, code in (("--help", 0), ("-h", 0), ("--sizes", 2)):
        done = subprocess.run([sys.executable, str(SCRIPT), argument], capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == code, argument
        assert "BENCH=quick" in done.stdout  # the usage
        assert "rotation ..." not in done.stderr  # no instance was started
