"""Output paths, validated before any work: a folder that can be created, a file whose folder is writable.

Each check raises :class:`~ical_verify.proofs_check.errors.UsageError` with one line naming the value and what
is valid; nothing is created by a check (writability is probed with a temporary file that is removed at once).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from .errors import UsageError


def _writable(folder: Path) -> bool:
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def _nearest_existing(path: Path) -> Path:
    p = path.absolute()
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def check_folder(value: str | Path, flag: str = "--out") -> Path:
    """``value`` as an output folder: an existing writable folder, or one that can be created.

    >>> import tempfile
    >>> check_folder(tempfile.gettempdir() + "/ical-verify-new/report").name
    'report'
    """
    p = Path(value)
    if p.exists():
        if not p.is_dir():
            raise UsageError(f"{flag} {value} is a file, not a folder: give a folder (it is created if missing)")
        if not _writable(p):
            raise UsageError(f"{flag} {value}: the folder is not writable: give a folder in a writable place")
        return p
    base = _nearest_existing(p)
    if not base.is_dir():
        raise UsageError(f"{flag} {value}: {base} is a file, not a folder: give a folder path")
    if not _writable(base):
        raise UsageError(f"{flag} {value}: cannot create a folder there ({base} is not writable): give a folder "
                         "in a writable place")
    return p


def check_file(value: str | Path, flag: str = "--out", example: str = "report.tex") -> Path:
    """``value`` as an output file: not a folder, in an existing writable folder."""
    p = Path(value)
    if p.is_dir():
        raise UsageError(f"{flag} {value} is a folder: give a file name such as {example}")
    if not p.parent.is_dir():
        raise UsageError(f"{flag} {value}: folder {p.parent} does not exist: give a file in an existing folder")
    if not _writable(p.parent):
        raise UsageError(f"{flag} {value}: folder {p.parent} is not writable: give a file in a writable folder")
    return p
