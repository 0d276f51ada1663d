"""Benchmark rotation's solver against a hand planner's greedy rule and a HiGHS MIP.

    python benchmarks/run.py            # every size (S, M, L, XL), relaxed and tight
    BENCH=quick python benchmarks/run.py  # S and M only, shorter limits

Each solve runs in its own process, so its peak memory (max RSS, whole process) is its own.
Every plan is passed through ``rotation.checker.check_plan``; a plan that breaks a rule is
reported as such. Writes ``benchmarks/results.md`` (the measured tables; the notes on what
each speed-up bought are kept in ``benchmarks/notes.md`` and appended).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))


@dataclass(frozen=True)
class Size:
    """One instance size of issue 6."""

    name: str
    posts: int
    candidates: int
    months: int
    regions: int
    limit: float  # seconds every engine gets


FULL = [Size("S", 5, 20, 36, 0, 60), Size("M", 20, 80, 48, 0, 30),
        Size("L", 60, 250, 60, 0, 60), Size("XL", 150, 600, 60, 30, 60)]
QUICK = [Size("S", 5, 20, 36, 0, 10), Size("M", 20, 80, 48, 0, 15)]
SEED = 1
ENGINES = ("rotation", "greedy", "highs")


def problem_of(size: Size, tight: bool) -> Any:
    """The generated instance (same arguments, same problem)."""
    from rotation.generate import generate_problem

    return generate_problem(posts=size.posts, candidates=size.candidates, months=size.months,
                            seed=SEED, tight=tight, regions=size.regions)


def run_one(engine: str, size: Size, tight: bool) -> dict[str, Any]:
    """Solve one instance with one engine, in this process; check the plan."""
    from rotation.checker import check_plan

    problem = problem_of(size, tight)
    row: dict[str, Any] = {"engine": engine}
    started = time.monotonic()
    if engine == "rotation":
        from rotation.solver import SolveOptions, solve

        cover_times: list[tuple[float, float]] = []

        def progress(p: Any) -> None:
            if p.goal == "cover":
                cover_times.append((time.monotonic() - started, p.value))

        result = solve(problem, SolveOptions(time_limit=size.limit, workers=2), progress)
        plan = result.secondments
        row.update(status=result.status, build=result.build_seconds,
                   first=cover_times[0][0] if cover_times else None,
                   cover_times=cover_times, objective=result.objective,
                   bound=result.best_bound,
                   floor=(result.goals.vacant_post_months
                          if result.status == "OPTIMAL" and result.goals is not None
                          else result.vacancy_floor))
    elif engine == "greedy":
        from greedy import solve_greedy

        found = solve_greedy(problem)
        plan = found.secondments
        row.update(status="HEURISTIC", build=0.0, first=found.seconds)
    else:
        from mip import solve_mip

        mip = solve_mip(problem, size.limit)
        plan = mip.secondments
        row.update(status="OPTIMAL" if mip.proven else ("FEASIBLE" if plan else "UNKNOWN"),
                   build=mip.build_seconds, first=mip.first_seconds)
    row["final"] = time.monotonic() - started
    report = check_plan(problem, plan)
    goals = report.goals
    row.update(breaches=len(report.breaches), vacant=goals.vacant_post_months,
               shortfall=goals.pledge_shortfall_months, secondments=len(plan),
               balance=(problem.settings.weight_preference * goals.preference_penalty
                        + problem.settings.weight_travel * goals.travel_minutes
                        + problem.settings.weight_cost * goals.backfill_cost) if plan else None)
    return row


def measure(engine: str, size: Size, tight: bool) -> dict[str, Any]:
    """Run one solve in a child process and add its peak memory (max RSS, MB)."""
    command = [sys.executable, __file__, "--one", engine, size.name, str(int(tight)),
               str(size.limit)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    output = child.stdout.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        return {"engine": engine, "status": f"ERROR (exit {child.returncode})"}
    row: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    row["peak_mb"] = usage.ru_maxrss / 1024
    return row


def time_to_cover(ours: dict[str, Any], cover: int) -> float | None:
    """Seconds our search took to reach a plan with at most ``cover`` vacant post-months."""
    for seconds, value in ours.get("cover_times", []):
        if value <= cover:
            return float(seconds)
    return ours["final"] if ours.get("vacant", cover + 1) <= cover else None


END_TO_END_RUNS = 3
"""`rotation solve` runs per S instance for the end-to-end figure (their median is shown)."""


def end_to_end(size: Size, tight: bool) -> list[str]:
    """Time `rotation solve` as a planner runs it, from the command to its exit (start-up,
    reading the workbook, the solve, the check and writing the plan), on the instance's
    workbook from `rotation generate`: the median of a few runs and their range."""
    command = str(Path(sys.executable).with_name("rotation"))
    arguments = ["--posts", str(size.posts), "--candidates", str(size.candidates),
                 "--months", str(size.months), "--seed", str(SEED),
                 "--regions", str(size.regions), *(["--tight"] if tight else [])]
    with tempfile.TemporaryDirectory() as folder:
        workbook, plan = Path(folder) / "instance.xlsx", Path(folder) / "plan.xlsx"
        subprocess.run([command, "generate", str(workbook), *arguments], check=True,
                       capture_output=True)
        seconds, said = [], ""
        for _ in range(END_TO_END_RUNS):
            started = time.monotonic()
            done = subprocess.run([command, "solve", str(workbook), "-o", str(plan), "--force",
                                   "--time-limit", f"{size.limit:g}"],
                                  capture_output=True, text=True)
            seconds.append(time.monotonic() - started)
            said = next((line for line in (done.stdout + done.stderr).splitlines()
                         if line.startswith("Plan ")), f"exit {done.returncode}")
    seconds.sort()
    name = f"{size.name} {'tight' if tight else 'relaxed'}"
    return [f"| {name} | {seconds[len(seconds) // 2]:.2f} | {seconds[0]:.2f}-{seconds[-1]:.2f} "
            f"| {said} |"]


def _cell(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def table(results: list[tuple[str, list[dict[str, Any]]]]) -> list[str]:
    """The results as Markdown rows, engines side by side per instance."""
    lines = ["| instance | engine | status | build s | first plan s | final s | vacant | "
             "vacant floor | pledge short | balance | best bound | gap | breaches | peak MB | "
             "baseline time / our time to its cover |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, rows in results:
        ours = next(r for r in rows if r["engine"] == "rotation")
        for row in rows:
            gap = None
            if row["engine"] == "rotation" and row.get("bound") is not None and row.get(
                    "objective"):
                gap = f"{100 * (row['objective'] - row['bound']) / row['objective']:.2f}%"
            ratio = None
            if row["engine"] != "rotation" and row.get("vacant") is not None:
                ours_time = time_to_cover(ours, row["vacant"])
                if ours_time is not None and ours_time > 0:
                    ratio = f"{row['final'] / ours_time:.1f}×"
                elif ours_time is None:
                    ratio = "ours never reached it"
            lines.append(
                f"| {name} | {row['engine']} | {row['status']} | {_cell(row.get('build'), 2)} "
                f"| {_cell(row.get('first'), 2)} | {_cell(row.get('final'), 2)} | "
                f"{_cell(row.get('vacant'))} | {_cell(row.get('floor'))} | "
                f"{_cell(row.get('shortfall'))} | "
                f"{_cell(row.get('balance'), 0)} | {_cell(row.get('bound'), 0)} | "
                f"{_cell(gap)} | {_cell(row.get('breaches'))} | {_cell(row.get('peak_mb'), 0)} "
                f"| {_cell(ratio)} |")
    return lines


def machine() -> list[str]:
    """Where and with what the numbers were measured."""
    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return [f"- date: {date.today().isoformat()}",
            f"- machine: {cpu}, {os.cpu_count()} cores, {platform.system()} "
            f"{platform.release()}",
            f"- Python {platform.python_version()}, rotation {installed('rotation')}, "
            f"OR-Tools {installed('ortools')}, highspy {installed('highspy')}"]


def main() -> None:
    """Run every instance with every engine and write results.md."""
    quick = os.environ.get("BENCH", "").lower() == "quick"
    sizes = QUICK if quick else FULL
    started = time.monotonic()
    results: list[tuple[str, list[dict[str, Any]]]] = []
    for size in sizes:
        for tight in (False, True):
            name = f"{size.name} {'tight' if tight else 'relaxed'}"
            rows = []
            for engine in ENGINES:
                print(f"{name}: {engine} ...", file=sys.stderr, flush=True)
                rows.append(measure(engine, size, tight))
            results.append((name, rows))
    whole = ["| instance | median s | range s | what it said |", "|---|---|---|---|"]
    for tight in (False, True):
        print(f"{sizes[0].name} {'tight' if tight else 'relaxed'}: rotation solve end to end "
              "...", file=sys.stderr, flush=True)
        whole += end_to_end(sizes[0], tight)
    minutes = (time.monotonic() - started) / 60
    limits = ", ".join(f"{s.name} {s.limit:g}s" for s in sizes)
    lines = ["# Benchmark results", "",
             f"Written by `make bench{' BENCH=quick' if quick else ''}` "
             f"({'quick mode: S and M only' if quick else 'full run'}; "
             f"this run took {minutes:.1f} minutes).", "", *machine(),
             f"- instances: `rotation.generate.generate_problem(seed={SEED})`, sizes "
             + ", ".join(f"{s.name} {s.posts}/{s.candidates}/{s.months}"
                         + (f" ({s.regions} regions)" if s.regions else "") for s in sizes),
             f"- time limit per engine: {limits}; rotation with 2 workers",
             "", *table(results), "",
             f"`rotation solve` end to end ({END_TO_END_RUNS} runs each, on the same "
             "instances' workbooks from `rotation generate`; the target is under 5 s):", "",
             *whole, ""]
    notes = HERE / "notes.md"
    if notes.exists():
        lines += [notes.read_text()]
    (HERE / "results.md").write_text("\n".join(lines))
    print(f"Wrote {HERE / 'results.md'} in {minutes:.1f} minutes", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        _engine, size_name, tight_flag, limit = sys.argv[2:6]
        chosen = next(s for s in FULL if s.name == size_name)
        chosen = Size(chosen.name, chosen.posts, chosen.candidates, chosen.months,
                      chosen.regions, float(limit))
        print(json.dumps(run_one(_engine, chosen, tight_flag == "1")))
    elif len(sys.argv) > 1:  # --help, or anything else: say how to run it, run nothing
        print(__doc__)
        sys.exit(0 if sys.argv[1] in ("-h", "--help") else 2)
    else:
        main()
