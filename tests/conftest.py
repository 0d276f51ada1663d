"""Shared test set-up: the repository root and the Highland sample."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def highland_path() -> Path:
    """The Highland sample input workbook shipped in inputs/."""
    return ROOT / "inputs" / "highland.xlsx"
