"""`hdslint cache info|clear|prune`: look at and empty the parse cache."""

from __future__ import annotations

import os
import time
from pathlib import Path

import click

from hdslint import cache
from hdslint.config import find_config, load_config


def _directory(config: Path | None) -> tuple[Path, str | None]:
    """The cache folder scans use from here, and why it is off (None when it is on)."""
    cfg = load_config(config or find_config(Path.cwd()))
    env = dict(os.environ)
    directory = cache.resolve_directory(cfg.cache_dir, env)
    off = None
    if cache.disabled_by_env(env):
        off = "off (HDSLINT_NO_CACHE is set)"
    elif not cfg.cache_enabled:
        off = f"off (cache.enabled: false in {cfg.file})"
    return directory, off


def _size(count: int, size: int) -> str:
    return f"{count:,} files, {size / 1024 / 1024:.1f} MiB"


def info(config: Path | None) -> int:
    directory, off = _directory(config)
    found = cache.entries(directory)
    click.echo(f"cache:   {directory}" + (f" ({off})" if off else ""))
    click.echo(f"entries: {_size(len(found), sum(size for _p, size, _m in found))}")
    folders: dict[str, int] = {}
    for path, _bytes, _mtime in found:
        folder = path.relative_to(directory).parts[0]
        folders[folder] = folders.get(folder, 0) + 1
    for folder, count in sorted(folders.items()):
        click.echo(f"  {folder}: {count:,}")
    stamp = directory / cache.STAMP
    last = (
        time.strftime("%Y-%m-%d %H:%M", time.localtime(stamp.stat().st_mtime))
        if stamp.exists()
        else "never"
    )
    click.echo(
        f"pruning: once a day, entries unused for {cache.MAX_AGE_DAYS} days, then the least"
        f" recently used above {cache.MAX_BYTES // 1024 // 1024} MiB; last pruned: {last}"
    )
    return 0


def clear(config: Path | None) -> int:
    directory, _off = _directory(config)
    report = cache.clear(directory)
    click.echo(f"removed {_size(report.removed_files, report.removed_bytes)} from {directory}")
    return 0


def prune(config: Path | None, max_age_days: float, max_size_mb: int) -> int:
    directory, _off = _directory(config)
    report = cache.prune(directory, max_age_days=max_age_days, max_bytes=max_size_mb * 1024 * 1024)
    click.echo(
        f"removed {_size(report.removed_files, report.removed_bytes)};"
        f" kept {_size(report.kept_files, report.kept_bytes)} in {directory}"
    )
    return 0
