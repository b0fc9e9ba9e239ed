"""Bounds that keep a scan of hostile input short and its reads inside the scanned folders.

Set once per scan (context variables, so concurrent scans in one process do not mix), read by
the sources where they open files.
"""

from __future__ import annotations

import contextvars
import os
from pathlib import Path

from hdslint import files
from hdslint.files import NotRegularFile as NotRegularFile  # noqa: PLC0414

DEFAULT_MAX_FILE_MB = 4.0

# Largest configuration or manifest file hdslint parses (plans and inventories: 25 times this).
MAX_FILE_BYTES: contextvars.ContextVar[int] = contextvars.ContextVar(
    "hdslint_max_file_bytes", default=int(DEFAULT_MAX_FILE_MB * 1_000_000)
)
# Folders whose files may be read: the scanned paths and the working folder. A symlink or a
# local module source resolving elsewhere is not followed.
ALLOWED_ROOTS: contextvars.ContextVar[tuple[Path, ...]] = contextvars.ContextVar(
    "hdslint_allowed_roots", default=()
)


def inside_allowed(path: Path) -> bool:
    """Whether `path` (symlinks resolved) lies under an allowed root; True when no roots are
    set (library use)."""
    roots = ALLOWED_ROOTS.get()
    if not roots:
        return True
    try:
        resolved = _realpath(path, roots)
    except (OSError, RuntimeError):  # a symlink loop
        return False
    return any(resolved == root or resolved.startswith(root + os.sep) for root in _strings(roots))


# Every file of a scan is checked, often twice (discovery, then its module): resolving each
# path from scratch costs one lstat per path component, which was most of a scan's system
# time on large trees. A file's real path is its folder's real path plus its name, unless
# the file itself is a symlink; folders are resolved once per scan (the cache is keyed by
# the scan's roots, which each scan sets anew).
_CACHE: list[tuple[tuple[Path, ...], dict[str, str], tuple[str, ...]]] = []


def _cache_for(roots: tuple[Path, ...]) -> tuple[dict[str, str], tuple[str, ...]]:
    if not _CACHE or _CACHE[0][0] is not roots:
        _CACHE[:] = [(roots, {}, tuple(str(root) for root in roots))]
    return _CACHE[0][1], _CACHE[0][2]


def _strings(roots: tuple[Path, ...]) -> tuple[str, ...]:
    return _cache_for(roots)[1]


def _realpath(path: Path, roots: tuple[Path, ...]) -> str:
    """`str(path.resolve())`, with folders resolved once per scan."""
    folders, _ = _cache_for(roots)
    absolute = path.absolute()
    name = absolute.name
    if name in ("", ".", ".."):
        return str(files.current().resolve(absolute))
    key = str(absolute.parent)
    real_parent = folders.get(key)
    if real_parent is None:
        real_parent = str(files.current().resolve(absolute.parent))
        folders[key] = real_parent
    candidate = Path(real_parent, name)
    if files.current().is_symlink(candidate):
        return str(files.current().resolve(candidate))
    return str(candidate)


def too_large(path: Path, factor: int = 1) -> str | None:
    """Why a file is too large to parse, or None."""
    limit = MAX_FILE_BYTES.get() * factor
    size = files.current().size(path)
    if size <= limit:
        return None
    return (
        f"too large to read ({size / 1e6:.1f} MB; the limit is {limit / 1e6:.1f} MB,"
        " see max_file_mb in .hdslint.yaml)"
    )


def read_regular(path: Path, max_bytes: int | None = None) -> bytes:
    """The bytes of `path` if it is a regular file (symlinks followed), else NotRegularFile
    (see hdslint.files.read_regular), read through the scan's file access (recorded)."""
    return files.current().read(path, max_bytes)
