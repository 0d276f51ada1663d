"""Shared test set-up: the repository root and the Highland sample."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    # A shell starts a background job with Ctrl-C ignored, and the commands the Ctrl-C tests
    # start would inherit that and never see it: they are to see it as at a terminal.
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def highland_path() -> Path:
    """The Highland sample input workbook shipped in inputs/."""
    return ROOT / "inputs" / "highland.xlsx"
