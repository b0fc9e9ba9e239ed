"""Where a scan's `.hdslint.yaml` is, found without loading PyYAML or the schemas.

Kept apart from hdslint.config (which loads PyYAML and the schemas at import): finding the
file needs neither.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

CONFIG_NAMES = (".hdslint.yaml", ".hdslint.yml")


def repository_root(folder: Path) -> Path:
    """The repository `folder` belongs to: the nearest folder upward that holds `.git` (a
    folder, or a file in worktrees and submodules), else `folder` itself (symlinks resolved)."""
    folder = folder.resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


def find_config(start: Path) -> Path | None:
    """The nearest .hdslint.yaml in `start` or a parent folder."""
    here = start if start.is_dir() else start.parent
    here = here.resolve()
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


def config_file(paths: Sequence[str], given: Path | None) -> Path | None:
    """The configuration a scan of `paths` uses: `--config`, else the nearest upward."""
    if given is not None:
        return given
    first = Path(paths[0]) if paths else Path.cwd()
    return find_config(first if first.exists() else Path.cwd())
