"""Paths: how they are shown (one rule for every message, report and fingerprint). The glob
dialect of `.hdslint.yaml` is hdslint.globs."""

from __future__ import annotations

import os
from pathlib import Path


def display_path(path: Path) -> str:
    """The path as users see it: relative to the working directory when inside it, else as
    given; forward slashes."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path.as_posix()
    if rel.startswith(".." + os.sep) or rel == "..":
        return path.as_posix()
    return Path(rel).as_posix()


def relative_path(path: str, base: Path | None = None) -> str:
    """`path` (as sources print it: relative to the working directory, or absolute) made
    relative to `base` (default: the working directory), with forward slashes."""
    if base is None and not Path(path).is_absolute():
        return Path(path).as_posix()
    start = base if base is not None else Path.cwd()
    try:
        return Path(os.path.relpath(Path(path).absolute(), start.absolute())).as_posix()
    except ValueError:  # another drive (Windows): nothing to be relative to
        return Path(path).as_posix()
