"""Listing the results files of a folder: every ``.json`` file, subfolders included.

The listing fails, naming the entry, on anything it cannot read: a folder it
cannot list, a ``.json`` link whose target is missing, or a ``.json`` entry
that is neither a file nor a folder. Entries it leaves out on purpose (names
starting with a dot, and files with another ending) are returned, so the
caller can tell the user about them.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import attrs

from ccpm_core.errors import InputError

__all__ = ["FolderListing", "list_results_folder"]

RESULTS_ENDING = ".json"
"""The ending of a results file, compared without regard to case (``B.JSON`` counts)."""


@attrs.frozen
class FolderListing:
    """The entries of a results folder, each list sorted by path."""

    files: list[Path]
    """Results files to read."""
    hidden: list[Path]
    """Files and folders whose names start with a dot, left out with everything inside them."""
    other: list[Path]
    """Files with another ending than ``.json``, and links to missing targets with one."""
    loops: list[Path]
    """Links to a folder that contains the listed folder, such as ``loop -> ..``."""


def list_results_folder(folder: Path) -> FolderListing:
    """List the results files under ``folder``, following links to other folders once.

    Raises InputError naming the entry when a folder cannot be listed, a
    ``.json`` link points nowhere, or a ``.json`` entry is a device or pipe.
    """
    files: list[Path] = []
    hidden: list[Path] = []
    other: list[Path] = []
    loops: list[Path] = []
    # Following a link to a folder above `folder` would list its whole tree.
    root = folder.resolve()
    # Folders already listed, by device and inode, so a link back up the tree
    # (such as `loop -> ..`) or two links to one folder list it once.
    listed: set[tuple[int, int]] = set()
    # An explicit stack instead of recursion, so deep trees cannot exhaust the call stack.
    pending = [folder]

    while pending:
        current = pending.pop()
        identity, entries = _scan(current)
        if identity in listed:
            continue
        listed.add(identity)

        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith("."):
                hidden.append(path)
                continue
            mode = _target_mode(entry)
            if mode is not None and stat.S_ISDIR(mode):
                if entry.is_symlink() and root.is_relative_to(path.resolve()):
                    loops.append(path)
                else:
                    pending.append(path)
            elif not entry.name.lower().endswith(RESULTS_ENDING):
                other.append(path)
            elif mode is None:
                raise _broken_link(path)
            elif stat.S_ISREG(mode):
                files.append(path)
            else:
                msg = (
                    f"{path}: not a regular file (a device, pipe or socket); results files "
                    "are regular files written by `ccpm score --format json`, so remove or "
                    "rename this entry"
                )
                raise InputError(msg)

    return FolderListing(
        files=sorted(files), hidden=sorted(hidden), other=sorted(other), loops=sorted(loops)
    )


def _scan(folder: Path) -> tuple[tuple[int, int], list[os.DirEntry[str]]]:
    """Return the device and inode of ``folder`` and its entries; raise InputError naming it."""
    try:
        status = folder.stat()
        with os.scandir(folder) as iterator:
            entries = list(iterator)
    except OSError as error:
        msg = (
            f"{folder}: cannot list the folder ({error.strerror or error}); make it readable, "
            "or move it out of the folder of results files"
        )
        raise InputError(msg) from None
    return (status.st_dev, status.st_ino), entries


def _target_mode(entry: os.DirEntry[str]) -> int | None:
    """Return the file mode of the entry's target (links followed); None for a broken link."""
    try:
        return entry.stat(follow_symlinks=True).st_mode
    except OSError as error:
        # ENOENT is a link to a missing target, ELOOP a link that leads back to itself.
        if entry.is_symlink() and error.errno in (errno.ENOENT, errno.ELOOP):
            return None
        raise _unreadable(Path(entry.path), error.strerror or str(error)) from None


def _broken_link(path: Path) -> InputError:
    target = os.readlink(path)
    msg = (
        f"{path}: a symbolic link to {target}, which does not exist or leads back to "
        "itself; restore the target or remove the link"
    )
    return InputError(msg)


def _unreadable(path: Path, reason: str) -> InputError:
    msg = f"{path}: cannot read this entry ({reason}); make it readable or remove it"
    return InputError(msg)
