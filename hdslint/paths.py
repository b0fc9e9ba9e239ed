"""Paths: how they are shown (one rule for every message, report and fingerprint) and the one
glob dialect of `.hdslint.yaml` (`exclude`, waiver `paths`, `kubernetes.clusters` `paths`)."""

from __future__ import annotations

import functools
import os
import re
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


@functools.lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A path glob as a regular expression: `*` and `?` stay within a folder, `**` spans
    folders, and a pattern naming a folder matches everything under it."""
    text = pattern.strip().removeprefix("./").rstrip("/")
    out = []
    i = 0
    while i < len(text):
        if text.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif text.startswith("**", i):
            out.append(".*")
            i += 2
        elif text[i] == "*":
            out.append("[^/]*")
            i += 1
        elif text[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(text[i]))
            i += 1
    return re.compile("".join(out) + "(?:/.*)?$")


def glob_match(pattern: str, path: str) -> bool:
    """Whether a path (relative, forward slashes) matches a glob of the one dialect:
    case-sensitive, `*` and `?` within a folder, `**` across folders, a folder pattern
    matching everything under it."""
    return glob_regex(pattern).match(path) is not None
