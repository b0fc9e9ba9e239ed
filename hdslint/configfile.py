"""Where a scan's `.hdslint.yaml` is, found without loading PyYAML or the schemas.

Kept apart from hdslint.config (which loads PyYAML and the schemas at import): finding the
file needs neither.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from hdslint.errors import ConfigError
from hdslint.files import FileAccess
from hdslint.paths import display_path

CONFIG_NAMES = (".hdslint.yaml", ".hdslint.yml")


def repository_root(folder: Path, fs: FileAccess | None = None) -> Path:
    """The repository `folder` belongs to: the nearest folder upward that holds `.git` (a
    folder, or a file in worktrees and submodules), else `folder` itself (symlinks resolved).
    Asked through `fs`, the scan's file access (outside a scan: one of its own)."""
    fs = fs or FileAccess()
    folder = fs.resolve(folder)
    for candidate in (folder, *folder.parents):
        if fs.exists(candidate / ".git"):
            return candidate
    return folder


def find_config(start: Path, fs: FileAccess | None = None) -> Path | None:
    """The nearest .hdslint.yaml in `start` or a parent folder, up to the repository's root
    (the folder holding `.git`); outside any repository, up to the working folder when
    `start` is inside it, else `start` only. A file another user owns is never taken (a
    `.hdslint.yaml` someone left in /tmp must not configure your scan)."""
    fs = fs or FileAccess()
    here = start if fs.is_dir(start) else start.parent
    here = fs.resolve(here)
    for folder in _search_folders(fs, here):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if fs.is_file(candidate) and _owned_by_user(fs, candidate):
                _refuse_link_outside(fs, candidate)
                return candidate
    return None


def _refuse_link_outside(fs: FileAccess, candidate: Path) -> None:
    """A discovered configuration that is a symlink out of its repository (a pull request
    can commit one to `/tmp/…` or another checkout) is refused: the repository's
    configuration is a file of the repository."""
    if not fs.is_symlink(candidate):
        return
    repository = repository_root(candidate.parent, fs)
    if not fs.resolve(candidate).is_relative_to(repository):
        raise ConfigError(
            "the configuration is a symlink to a file outside the repository"
            f" ({repository.as_posix()}): refused",
            file=display_path(candidate),
        )


def _search_folders(fs: FileAccess, here: Path) -> list[Path]:
    repository = repository_root(here, fs)
    if repository != here or fs.exists(here / ".git"):
        return [here, *(p for p in here.parents if p.is_relative_to(repository))]
    cwd = fs.resolve(Path.cwd())
    if here.is_relative_to(cwd):
        return [here, *(p for p in here.parents if p.is_relative_to(cwd))]
    return [here]


def _owned_by_user(fs: FileAccess, path: Path) -> bool:
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        return True
    return bool(fs.owner(path) == getuid())


def config_file(paths: Sequence[str], given: Path | None, fs: FileAccess) -> Path | None:
    """The configuration a scan of `paths` uses: `--config`, else the nearest upward."""
    if given is not None:
        return given
    first = Path(paths[0]) if paths else Path.cwd()
    return find_config(first if fs.exists(first) else Path.cwd(), fs)
