"""Ctrl-C during `rotation solve`: exit 130, a complete labelled plan or none, old output intact.

These run the real command in a child process and send it SIGINT, as a terminal does.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import ROOT

ROTATION = Path(sys.executable).parent / "rotation"
EXIT_INTERRUPTED = 130


@pytest.fixture(scope="module")
def slow_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 20-post tight input: its search runs far longer than these tests wait."""
    path = tmp_path_factory.mktemp("inputs") / "tight.xlsx"
    subprocess.run([str(ROTATION), "generate", str(path), "--posts", "20", "--candidates",
                    "80", "--months", "48", "--tight", "--seed", "2"],
                   check=True, capture_output=True, cwd=ROOT)
    return path


def interrupt_solve(input_path: Path, output: Path, wait_for: str) -> tuple[int, str]:
    """Start `rotation solve`, send SIGINT once stderr shows ``wait_for``; exit code, stderr."""
    with subprocess.Popen(
            [str(ROTATION), "solve", str(input_path), "-o", str(output), "--force",
             "--time-limit", "300", "--workers", "2"],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=ROOT) as child:
        assert child.stderr is not None
        seen = []
        for line in child.stderr:
            seen.append(line)
            if wait_for in line:
                break
        child.send_signal(signal.SIGINT)
        started = time.monotonic()
        killer = threading.Timer(120, child.kill)  # one that never stops fails, not hangs
        killer.start()
        try:
            seen.append(child.stderr.read())
            code = child.wait()
        finally:
            killer.cancel()
    assert time.monotonic() - started < 60, "the search did not stop promptly"
    return code, "".join(seen)


@pytest.mark.slow
def test_ctrl_c_after_a_plan_writes_it_labelled_and_exits_130(slow_input: Path,
                                                              tmp_path: Path) -> None:
    """Stopped once a plan exists: the best plan so far is written, marked interrupted."""
    output = tmp_path / "plan.xlsx"
    code, stderr = interrupt_solve(slow_input, output, wait_for=" goal 1/")
    assert code == EXIT_INTERRUPTED, stderr
    assert "Traceback" not in stderr
    assert "interrupted — not proven optimal" in stderr
    summary = {row[0]: row[1] for row in
               load_workbook(output)["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["status"] == "FEASIBLE"
    assert summary["interrupted"] == "yes"
    assert summary["status_in_words"] == "interrupted — not proven optimal"
    check = subprocess.run([str(ROTATION), "check", str(slow_input), str(output)],
                           capture_output=True, text=True, cwd=ROOT)
    assert check.returncode == 0, check.stderr


@pytest.mark.slow
def test_ctrl_c_before_any_plan_writes_nothing_and_keeps_the_old_output(
        slow_input: Path, tmp_path: Path) -> None:
    """Stopped before any plan: exit 130, and the file already there is left as it was."""
    output = tmp_path / "plan.xlsx"
    output.write_bytes(b"the previous plan")
    code, stderr = interrupt_solve(slow_input, output, wait_for="Planning ")
    assert code == EXIT_INTERRUPTED, stderr
    assert "Traceback" not in stderr
    assert output.read_bytes() == b"the previous plan"
    assert not [p for p in tmp_path.iterdir() if p.name != "plan.xlsx"]  # no temporary left


def test_ctrl_c_after_a_solver_has_run_still_reaches_python() -> None:
    """Every solver leaves SIGINT to Python (CP-SAT's own handler would reset it afterwards
    to the system default, and the next Ctrl-C would kill the program mid-way)."""
    script = (
        "import os, signal, time\n"
        "from ortools.sat.python import cp_model\n"
        "from rotation.solver.interrupt import new_solver\n"
        "model = cp_model.CpModel()\n"
        "model.add(model.new_bool_var('x') == 1)\n"
        "new_solver().solve(model)\n"
        "try:\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    time.sleep(5)\n"
        "except KeyboardInterrupt:\n"
        "    print('handled')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "handled", done
