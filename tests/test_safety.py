"""Hostile files are refused before parsing: zip bombs, oversized files, non-workbooks."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from rotation.io import safety
from rotation.io.safety import UnsafeFile, inspect_workbook


def _zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_defusedxml_is_in_force() -> None:
    assert safety.defusedxml_in_force()


def test_a_small_ordinary_archive_passes(tmp_path: Path) -> None:
    inspect_workbook(_zip(tmp_path / "ok.xlsx", {"xl/workbook.xml": b"<workbook/>"}))


def test_a_zip_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    bomb = _zip(tmp_path / "bomb.xlsx", {"xl/worksheets/sheet1.xml": b"\0" * (60 * 1024 * 1024)})
    with pytest.raises(UnsafeFile, match="zip bomb"):
        inspect_workbook(bomb)


def test_a_declared_huge_total_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    monkeypatch.setattr(safety, "MAX_UNCOMPRESSED_BYTES", 1000)
    archive = _zip(tmp_path / "big.xlsx", {"a.xml": b"x" * 2000})
    with pytest.raises(UnsafeFile, match="expand"):
        inspect_workbook(archive)


def test_an_oversized_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety, "MAX_FILE_BYTES", 10)
    archive = _zip(tmp_path / "large.xlsx", {"a.xml": b"<a/>"})
    with pytest.raises(UnsafeFile, match="limit"):
        inspect_workbook(archive)


def test_a_renamed_text_file_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_text("name,agency\nPerson 1,HC\n")
    with pytest.raises(UnsafeFile, match="not an Excel workbook"):
        inspect_workbook(fake)
