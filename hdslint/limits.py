"""Bounds that keep a scan of hostile input short and its reads inside the scanned folders.

Set once per scan (context variables, so concurrent scans in one process do not mix), read by
the sources where they open files.
"""

from __future__ import annotations

import contextvars
from pathlib import Path

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
        resolved = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return False
    return any(resolved == root or root in resolved.parents for root in roots)


def too_large(path: Path, factor: int = 1) -> str | None:
    """Why a file is too large to parse, or None."""
    limit = MAX_FILE_BYTES.get() * factor
    try:
        size = path.stat().st_size
    except OSError:
        return None
    if size <= limit:
        return None
    return (
        f"too large to read ({size / 1e6:.1f} MB; the limit is {limit / 1e6:.1f} MB,"
        " see max_file_mb in .hdslint.yaml)"
    )
