"""What every command shares: exit codes, messages on stderr, loading an input, JSON output.

Messages for people go to stderr; stdout carries results (a table, a list of breaches, or
with --json one JSON document), so a planner can pipe or redirect it.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from rotation.domain import Problem
from rotation.findings import Finding, InvalidInput

EXIT_OK = 0
EXIT_BREACHES = 1
EXIT_INVALID = 2
EXIT_INFEASIBLE = 3
EXIT_NO_PLAN = 4
EXIT_INTERRUPTED = 130

Command = TypeVar("Command", bound=Callable[..., Any])

json_option = click.option("--json", "as_json", is_flag=True,
                           help="Print the result as one JSON document on stdout.")


def say(message: str = "") -> None:
    """A message for the person at the terminal (stderr)."""
    click.echo(message, err=True)


def print_findings(findings: list[Finding]) -> None:
    """Errors, then warnings, one a line, then a count."""
    errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity == "warning"]
    for finding in errors + warnings:
        say(str(finding))
    if errors or warnings:
        say(f"{len(errors)} error(s), {len(warnings)} warning(s)")


def fail(code: int, message: str, document: dict[str, Any] | None = None) -> NoReturn:
    """Say why, print the JSON document if one is given, and exit with ``code``."""
    say(message)
    if document is not None:
        emit_json(document)
    sys.exit(code)


def emit_json(document: dict[str, Any]) -> None:
    """One JSON document on stdout, keys in a stable order."""
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


def load_problem(path: Path, *, as_json: bool = False) -> tuple[Problem, list[Finding]]:
    """Read and validate an input, or list every error and exit 2."""
    from rotation.io.reader import read_problem
    from rotation.report import findings_document

    try:
        return read_problem(path)
    except InvalidInput as exc:
        print_findings(exc.findings)
        fail(EXIT_INVALID, f"{path} is not valid: nothing was written.",
             findings_document(path, exc.findings) if as_json else None)


def exit_130_on_ctrl_c(command: Command) -> Command:
    """Make Ctrl-C end the command with exit code 130 and one line, not a traceback.

    Outputs are written atomically, so an interrupted command never leaves half a file.
    """
    @functools.wraps(command)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except KeyboardInterrupt:
            fail(EXIT_INTERRUPTED, "Interrupted (Ctrl-C). No partial file was left behind.")

    return guarded  # type: ignore[return-value]
