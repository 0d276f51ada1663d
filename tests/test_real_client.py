"""The real-client check: every workbook the tool writes opens and prints in LibreOffice.

openpyxl reads back happily files that a spreadsheet program refuses or "repairs", and the
people who use a plan open it in Excel or LibreOffice, not in Python. So each workbook is
converted to PDF by LibreOffice headless (``soffice --convert-to pdf``), the nearest thing to
a person opening and printing it that runs unattended. A workbook fails if no PDF appears, if
what appears is not a PDF, or if it has fewer pages than the workbook has sheets (every sheet
the tool writes has something on it, so each prints at least one page).

The workbooks: the template, the Highland sample written by ``write_problem``, a generated
input, the plan ``rotation solve`` makes of it, a ``rotation diff`` workbook, the agency files
of ``rotation split`` and, when those commands exist, ``rotation compare`` and
``rotation stress`` workbooks and a replanned plan (``rotation solve --previous``). Skipped,
with the reason, when LibreOffice is not installed (``.ci/run`` installs it where it can).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from rotation.cli import main
from rotation.io.writer import write_problem
from rotation.samples import highland_problem

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
CONVERT_SECONDS = 300  # every workbook in one LibreOffice run; about 10 s on 2 cores
PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")

pytestmark = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed (no `soffice` on PATH), so the workbooks cannot be "
           "opened in a real spreadsheet program; install libreoffice-calc-nogui to run this "
           "check (.ci/run does so when it runs as root with apt-get).",
)


def run(*args: object) -> str:
    """Run ``rotation ARGS`` and return what it printed; fail the test unless it succeeds."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, f"rotation {' '.join(map(str, args))}:\n{result.output}"
    return result.output


def make_diff_pair(plan: Path, folder: Path) -> Path:
    """An "old" copy of the plan with one secondment dropped and one shortened, so the diff
    has added and moved rows to show."""
    book = load_workbook(plan)
    sheet = book["Secondments"]
    header = [cell.value for cell in sheet[1]]
    assert sheet.max_row >= 3, "the generated plan should hold at least two secondments"
    sheet.cell(row=2, column=header.index("end") + 1).value = (
        sheet.cell(row=2, column=header.index("start") + 1).value)
    sheet.delete_rows(sheet.max_row)
    old = folder / "old-plan.xlsx"
    book.save(old)
    return old


def has_option(command: str, option: str) -> bool:
    """Whether ``rotation COMMAND`` exists and takes ``option``."""
    commands = main.commands  # type: ignore[attr-defined]
    return command in commands and any(option in p.opts for p in commands[command].params)


def optional_workbooks(input_path: Path, plan: Path, folder: Path) -> dict[str, Path]:
    """Workbooks of ``rotation compare``, ``rotation stress`` and a replan (``solve
    --previous``), for those of the commands and options that exist."""
    books: dict[str, Path] = {}
    for name in ("compare", "stress"):
        if has_option(name, "--output"):
            books[name] = folder / f"{name}.xlsx"
            run(name, input_path, "-o", books[name], "--time-limit", "10", "--workers", "2")
    if has_option("solve", "--previous"):
        books["replanned plan"] = folder / "replanned.xlsx"
        run("solve", input_path, "-o", books["replanned plan"], "--previous", plan,
            "--time-limit", "20", "--workers", "2")
    return books


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every kind of workbook the tool writes, by a label saying what it is."""
    folder = tmp_path_factory.mktemp("workbooks")
    books = {"template": folder / "template.xlsx", "sample input": folder / "highland.xlsx",
             "generated input": folder / "generated.xlsx", "plan": folder / "plan.xlsx",
             "diff": folder / "changes.xlsx"}
    run("template", books["template"])
    write_problem(books["sample input"], highland_problem())
    run("generate", books["generated input"], "--posts", "3", "--candidates", "8",
        "--months", "18", "--seed", "4")
    run("solve", books["generated input"], "-o", books["plan"], "--time-limit", "20",
        "--workers", "2")
    old = make_diff_pair(books["plan"], tmp_path_factory.mktemp("old"))
    run("diff", old, books["plan"], "-o", books["diff"])
    run("split", books["plan"], folder / "agencies")
    for index, path in enumerate(sorted((folder / "agencies").glob("*.xlsx")), start=1):
        books[f"agency file {index} ({path.name})"] = path
    books |= optional_workbooks(books["generated input"], books["plan"], folder)
    return books


def convert_to_pdf(paths: list[Path], out_dir: Path, profile: Path) -> str:
    """Convert workbooks to PDF in one LibreOffice run; return what it printed.

    A private profile keeps parallel runs from sharing (and locking) one; on time-out the
    whole process group goes, as LibreOffice starts a child process of its own.
    """
    command = [str(SOFFICE), f"-env:UserInstallation={profile.as_uri()}", "--headless",
               "--norestore", "--nolockcheck", "--convert-to", "pdf", "--outdir", str(out_dir),
               *map(str, paths)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True, env={**os.environ, "HOME": str(profile)})
    try:
        output, _ = process.communicate(timeout=CONVERT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"LibreOffice took more than {CONVERT_SECONDS} s to convert the workbooks")
    return output.decode(errors="replace")


@pytest.fixture(scope="module")
def pdfs(workbooks: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
         ) -> tuple[dict[str, Path], str]:
    """The PDF LibreOffice made of each workbook (by label), and what LibreOffice printed."""
    out_dir = tmp_path_factory.mktemp("pdf")
    profile = tmp_path_factory.mktemp("libreoffice-profile")
    stems = [path.stem for path in workbooks.values()]
    assert len(set(stems)) == len(stems), "two workbooks would make the same PDF name"
    log = convert_to_pdf(list(workbooks.values()), out_dir, profile)
    return {label: out_dir / f"{path.stem}.pdf" for label, path in workbooks.items()}, log


def pdf_pages(path: Path) -> int:
    """How many pages a PDF has, counted from its page objects."""
    return len(PAGE.findall(path.read_bytes()))


def test_every_workbook_kind_is_checked(workbooks: dict[str, Path]) -> None:
    expected = {"template", "sample input", "generated input", "plan", "diff"}
    assert expected <= set(workbooks)
    assert any(label.startswith("agency file") for label in workbooks)


def test_libreoffice_prints_every_workbook(workbooks: dict[str, Path],
                                           pdfs: tuple[dict[str, Path], str]) -> None:
    made, log = pdfs
    problems = []
    for label, workbook in workbooks.items():
        pdf = made[label]
        sheets = len(load_workbook(workbook).sheetnames)
        if not pdf.exists():
            problems.append(f"{label} ({workbook.name}): LibreOffice made no PDF")
        elif not pdf.read_bytes().startswith(b"%PDF-"):
            problems.append(f"{label} ({workbook.name}): the PDF is not a PDF")
        elif (pages := pdf_pages(pdf)) < sheets:
            problems.append(f"{label} ({workbook.name}): {pages} page(s) printed for "
                            f"{sheets} sheets")
    # LibreOffice says "Error: source file could not be loaded" of a file it refuses.
    problems += [f"LibreOffice: {line}" for line in log.splitlines() if line.startswith("Error")]
    assert not problems, "\n".join(problems) + f"\nLibreOffice said:\n{log}"


def test_the_plan_prints_each_sheet_on_few_pages(workbooks: dict[str, Path],
                                                  pdfs: tuple[dict[str, Path], str]) -> None:
    # The small plan (3 posts, 18 months) is a few pages a sheet once the print set-up fits
    # the sheets to the paper; without it LibreOffice spreads the wide sheets over dozens.
    made, _ = pdfs
    sheets = len(load_workbook(workbooks["plan"]).sheetnames)
    assert pdf_pages(made["plan"]) <= 2 * sheets
