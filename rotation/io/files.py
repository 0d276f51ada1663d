"""Writing output files so that nothing is lost or half-written."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


class OutputError(Exception):
    """An output cannot be written where asked; the message says why in plain words."""


def check_output_path(target: Path, *, force: bool, inputs: tuple[Path, ...] = ()) -> None:
    """Refuse to overwrite an input, or an existing file without ``force``."""
    resolved = target.resolve()
    for source in inputs:
        if source.exists() and source.resolve() == resolved:
            raise OutputError(f"the output {target} is the input file: choose another name with -o")
    if target.is_dir():
        raise OutputError(f"{target} is a folder: give a file name ending in .xlsx")
    if target.exists() and not force:
        raise OutputError(f"{target} already exists: use --force to replace it")


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; move it into place only if the block succeeds.

    An error or Ctrl-C inside the block removes the temporary file and leaves any existing
    ``target`` untouched.
    """
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix,
                                        dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write in {folder}: {exc.strerror or exc}") from exc
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        try:
            # mkstemp makes the file private to its owner; give it the usual permissions.
            os.chmod(temporary, 0o666 & ~_current_umask())
            os.replace(temporary, target)
        except PermissionError as exc:
            raise OutputError(
                f"cannot replace {target}: it may be open in Excel or read-only; "
                "close it and try again"
            ) from exc
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def input_sha256(source: Path) -> str:
    """SHA-256 of an input workbook, or of a CSV folder's files in name order."""
    import hashlib

    digest = hashlib.sha256()
    files = sorted(p for p in source.iterdir() if p.is_file()) if source.is_dir() else [source]
    for file in files:
        if source.is_dir():
            digest.update(file.name.encode())
        with file.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 16), b""):
                digest.update(block)
    return digest.hexdigest()
