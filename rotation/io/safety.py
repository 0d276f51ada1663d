"""Checks made on a workbook file before any of it is parsed.

Workbooks arrive by email from several organisations. An ``.xlsx`` file is a zip archive of
XML parts, so a hostile one can declare parts that expand to gigabytes (a zip bomb) or XML
that expands itself (an entity bomb). The archive is inspected here before openpyxl opens it,
and openpyxl parses XML through defusedxml, which refuses entity declarations outright.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl.xml

MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_PART_RATIO = 200
MAX_PARTS = 2000
# A ratio test on tiny parts means nothing: highly repetitive small XML compresses well.
_RATIO_FLOOR_BYTES = 1024 * 1024
# Excel saves a password-protected workbook (and an old .xls) as an OLE compound file.
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MACRO_PART = "vbaproject.bin"


class UnsafeFile(Exception):
    """The file is refused before parsing; the message is one plain line."""


def defusedxml_in_force() -> bool:
    """Whether openpyxl parses XML through defusedxml."""
    return bool(openpyxl.xml.DEFUSEDXML)


def inspect_workbook(path: Path) -> None:
    """Refuse a file that is too large, not a zip archive, or a zip bomb. Parses nothing."""
    if not defusedxml_in_force():
        raise UnsafeFile("the safe XML reader (defusedxml) is not available: reinstall rotation")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise UnsafeFile(f"{path.name} is {size / 1e6:.0f} MB; a planning workbook is far "
                         f"smaller (the limit is {MAX_FILE_BYTES // (1024 * 1024)} MB)")
    if _starts_with(path, _OLE_SIGNATURE):
        raise UnsafeFile(f"{path.name} is password-protected or an old-style .xls file: open "
                         "it in Excel, remove the password (File > Info > Protect Workbook) "
                         "and save it as 'Excel Workbook (*.xlsx)'")
    if not zipfile.is_zipfile(path):
        raise UnsafeFile(f"{path.name} is not an Excel workbook (.xlsx): save it from Excel "
                         "as 'Excel Workbook (*.xlsx)'")
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnsafeFile(f"{path.name} is a damaged workbook: {exc}") from exc
    if len(parts) > MAX_PARTS:
        raise UnsafeFile(f"{path.name} has {len(parts)} parts; a workbook has a few dozen")
    declared = sum(part.file_size for part in parts)
    if declared > MAX_UNCOMPRESSED_BYTES:
        raise UnsafeFile(f"{path.name} would expand to {declared / 1e6:,.0f} MB: refused as a "
                         "possible zip bomb")
    for part in parts:
        if part.file_size > _RATIO_FLOOR_BYTES and part.compress_size > 0 and (
                part.file_size / part.compress_size > MAX_PART_RATIO):
            raise UnsafeFile(f"{path.name}: part {part.filename} expands "
                             f"{part.file_size // part.compress_size}-fold: refused as a "
                             "possible zip bomb")


def inspect_text_file(path: Path) -> None:
    """Refuse a CSV file too large to be a planning table, before reading it into memory."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise UnsafeFile(f"{path.name} is {size / 1e6:.0f} MB; a planning table is far "
                         f"smaller (the limit is {MAX_FILE_BYTES // (1024 * 1024)} MB)")


def has_macros(path: Path) -> bool:
    """Whether a workbook carries a VBA macro project (never run: openpyxl executes nothing)."""
    if path.is_dir() or not zipfile.is_zipfile(path):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
    return any(name.casefold().rsplit("/", 1)[-1] == _MACRO_PART for name in names)


def _starts_with(path: Path, signature: bytes) -> bool:
    """Whether the file's first bytes are ``signature``."""
    with path.open("rb") as handle:
        return handle.read(len(signature)) == signature
