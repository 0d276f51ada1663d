"""Errors and warnings about an input, each pointing at a sheet, row and column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Location:
    """Where in the input a finding points: a sheet, and optionally a row and column.

    ``row`` is the row number as Excel shows it (the header is row 1).
    """

    sheet: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = [self.sheet]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Finding:
    """One thing wrong with (error) or worth knowing about (warning) an input."""

    severity: Severity
    message: str
    location: Location | None = None

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{self.severity}: {where}{self.message}"


def error(message: str, sheet: str | None = None, row: int | None = None,
          column: str | None = None) -> Finding:
    """An error, located when a sheet is given."""
    return Finding("error", message, Location(sheet, row, column) if sheet else None)


def warning(message: str, sheet: str | None = None, row: int | None = None,
            column: str | None = None) -> Finding:
    """A warning, located when a sheet is given."""
    return Finding("warning", message, Location(sheet, row, column) if sheet else None)


class InvalidInput(Exception):
    """The input cannot be planned from; ``findings`` lists every error (and warning)."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        errors = [f for f in findings if f.severity == "error"]
        super().__init__(f"{len(errors)} error(s) in the input")

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]
