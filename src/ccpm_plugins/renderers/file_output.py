"""Writing rendered files: atomic replacement, and ZIP packages that repeat byte for byte."""

from __future__ import annotations

import contextlib
import io
import os
import zipfile
from pathlib import Path

from ccpm_core.errors import RenderError

__all__ = [
    "FIXED_ZIP_TIME",
    "check_output_folders",
    "repack_zip_with_fixed_times",
    "write_atomically",
]

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Timestamp of every repacked ZIP entry: the earliest that ZIP can store."""


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, so a failed write leaves no half file.

    Creates the parent folder when it is missing. Raises
    :class:`~ccpm_core.errors.RenderError` when the file cannot be written.
    """
    check_output_folders(path)
    # Named by process id, so two processes writing one report do not share it.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        msg = (
            f"cannot write {path}: {error.strerror or error}; check that the folder is "
            "writable and that the file is not open in another program"
        )
        raise RenderError(msg) from error


def check_output_folders(path: Path) -> None:
    """Raise RenderError when a folder part of the output ``path`` is an existing file.

    Creating the folders would otherwise fail with a bare "File exists", which
    does not say which part of the path is the file.
    """
    for folder in path.parents:
        if folder.exists() or folder.is_symlink():
            if not folder.is_dir():
                msg = (
                    f"cannot write {path}: {folder} is a file, not a folder; choose an "
                    "output path whose folders are folders"
                )
                raise RenderError(msg)
            return


def repack_zip_with_fixed_times(package: bytes) -> bytes:
    """Return the ZIP ``package`` with every entry dated :data:`FIXED_ZIP_TIME`, order kept.

    Office libraries stamp entries with the current time, so without this the
    same content gives different bytes on every run.
    """
    repacked = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(repacked, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(entry.filename))
    return repacked.getvalue()
