"""Where a scan's `.hdslint.yaml` is, and its cache settings, read without the rest.

Kept apart from hdslint.config (which loads PyYAML and the schemas at import) because a
replayed report (hdslint.resultcache) needs only these, and start-up time is its whole cost.
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


def peek_cache_settings(path: Path | None) -> tuple[bool, Path | None]:
    """`cache.enabled` and `cache.directory` of a configuration file, read before the
    scan (without schema validation, which the scan itself does) so that a report can be
    replayed without loading anything else. Defaults when unreadable."""
    if path is None:
        return True, None
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return True, None
    if "cache" not in text:
        return True, None  # no cache settings: no need to load PyYAML to know it
    import yaml

    from hdslint import yamlio

    try:
        data = yamlio.load(text)
    except yaml.YAMLError:
        return True, None
    cache = data.get("cache") if isinstance(data, dict) else None
    if not isinstance(cache, dict):
        return True, None
    directory = cache.get("directory")
    return (
        cache.get("enabled", True) is not False,
        path.parent.resolve() / directory if isinstance(directory, str) and directory else None,
    )
