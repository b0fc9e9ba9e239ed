"""Where a report may be written: only in a folder that exists.

hdslint writes the files the user names and nothing else: a folder missing from an output
path is most often a typo, and creating it would put reports (and folders) where nobody
looks. It is a usage error, found before the scan runs.
"""

from __future__ import annotations

from pathlib import Path

from hdslint.errors import HdslintError


def require_output_folder(path: Path, what: str) -> None:
    """Raise a one-line error naming `path` when its folder does not exist (or is a file)."""
    folder = path.parent
    if folder.is_dir():
        return
    problem = "is not a folder" if folder.exists() else "does not exist"
    raise HdslintError(
        f"cannot write the {what}: the folder {folder.as_posix()} {problem}"
        " (hdslint creates no folder)",
        file=str(path),
    )
