"""Read limits of the scan running, asked of its file access (hdslint.files: the scan's
`FileAccess` holds its `ReadLimits` and refuses every read outside them)."""

from __future__ import annotations

from pathlib import Path

from hdslint import files
from hdslint.files import NotRegularFile as NotRegularFile  # noqa: PLC0414


def inside_allowed(path: Path) -> bool:
    """Whether `path` (symlinks resolved) lies under the scan's roots; True when there are
    none (library use). For a caller that words its own refusal before reading."""
    return files.current().inside(path)


def too_large(path: Path, factor: int = 1) -> str | None:
    """Why a file is too large to parse, or None."""
    return files.current().too_large(path, factor)


def read_regular(path: Path, max_bytes: int | None = None) -> bytes:
    """The bytes of `path` if it is a regular file (symlinks followed), else NotRegularFile
    (see hdslint.files.read_regular), read through the scan's file access (recorded)."""
    return files.current().read(path, max_bytes)
