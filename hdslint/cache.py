"""A content-addressed cache of parsed input files, under `$XDG_CACHE_HOME/hdslint`.

Parsing is nearly all of a scan's cost, and a file whose bytes have not changed parses to
the same tree: so pre-commit and CI re-runs read the tree back instead of parsing again.

Layout: `<cache dir>/<namespace>-<salt>/<key[:2]>/<key[2:]>`, where `key` hashes the file's
bytes and `salt` hashes everything else that decides the result (the cache format, hdslint's
version, the converter's source, the parser's version and grammar, the Python version: see
`CacheStore.__init__`). A new hdslint or python-hcl2 thus starts a new folder; old ones
age out (`prune`).

An entry is `MAGIC + blake2b(payload) + payload`, the payload being `marshal` of plain
data (tuples, lists, dicts, str, int, float, bool, None). Safety rules:

- marshal, never pickle: loading an entry builds values, it cannot run code. The cache
  folder must belong to the user running hdslint, else it is not used.
- Writes go to a temporary file in the entry's folder, then `os.replace`: a reader sees the
  whole old entry, the whole new one, or none, so concurrent runs are safe (two writers of
  one key write the same bytes).
- A damaged entry (truncated, wrong digest, not marshal, unexpected shape) is a miss, and is
  rewritten. Any OSError while caching (read-only home, full disk) is a miss too: the cache
  can make a scan faster, never make it fail.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import re
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hdslint.atomic import private_file
from hdslint.files import read_regular

FORMAT_VERSION = 2
MAGIC = b"HDSLINT-CACHE\x01"
DIGEST_SIZE = 32

# Pruning policy (documented in docs/performance.md): at most once a day, a scan that used
# the cache removes entries not used for MAX_AGE_DAYS, then the least recently used ones
# while the whole cache is above MAX_BYTES. A hit refreshes an entry's mtime at most once a
# day, so "used" is accurate to a day without a write on every hit.
MAX_AGE_DAYS = 30
MAX_BYTES = 512 * 1024 * 1024
PRUNE_EVERY_SECONDS = 24 * 3600
TOUCH_AFTER_SECONDS = 24 * 3600
STAMP = ".last-prune"
TEMP_PREFIX = ".tmp-"


def cache_directory(enabled: bool, configured: Path | None, env: Mapping[str, str]) -> Path | None:
    """The cache folder a scan uses, or None when the cache is off (`--no-cache`, the
    configuration's `cache.enabled: false`, or `HDSLINT_NO_CACHE=1`)."""
    if not enabled or disabled_by_env(env):
        return None
    return resolve_directory(configured, env)


def resolve_directory(configured: Path | None, env: Mapping[str, str]) -> Path:
    """`$HDSLINT_CACHE_DIR`, else the configuration's `cache.directory`, else
    `$XDG_CACHE_HOME/hdslint`, else `~/.cache/hdslint`."""
    if env.get("HDSLINT_CACHE_DIR"):
        return Path(env["HDSLINT_CACHE_DIR"])
    if configured is not None:
        return configured
    xdg = env.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "hdslint"


def disabled_by_env(env: Mapping[str, str]) -> bool:
    """`HDSLINT_NO_CACHE` set to anything but empty, 0, false or no turns the cache off."""
    value = env.get("HDSLINT_NO_CACHE", "").strip().lower()
    return value not in ("", "0", "false", "no")


def content_key(content: bytes) -> str:
    return hashlib.blake2b(content, digest_size=20).hexdigest()


class CacheStore:
    """One namespace of the cache (e.g. Terraform parse trees for one parser version)."""

    def __init__(self, directory: Path, namespace: str, fingerprint: Iterable[bytes]) -> None:
        salt = hashlib.blake2b(digest_size=8)
        python = f"{FORMAT_VERSION}/{sys.version_info[0]}.{sys.version_info[1]}/{marshal.version}"
        for part in (python.encode(), *fingerprint):
            salt.update(len(part).to_bytes(8, "little") + part)
        self.directory = directory
        self.folder = directory / f"{namespace}-{salt.hexdigest()}"
        self.usable = _usable(directory)
        self.hits = 0
        self.misses = 0
        self.writes = 0

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / key[2:]

    def get(self, key: str) -> Any | None:
        """The value stored under `key`, or None (a miss) if absent or damaged."""
        if not self.usable:
            return None
        value = self._read(self.path(key))
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def _read(self, path: Path) -> Any | None:
        try:
            # A regular file only: a FIFO or a device in the cache folder is a miss, not a
            # hang or an endless read.
            data = read_regular(path)
            mtime = path.stat().st_mtime
        except OSError:
            return None
        payload = _check(data, path.parent.name + path.name)
        if payload is None:
            return None
        try:
            value = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return None
        # Either way: a process clock behind the file system's (a container, faketime) must
        # still refresh entries in use, or they would be pruned while used.
        if abs(time.time() - mtime) > TOUCH_AFTER_SECONDS:
            with contextlib.suppress(OSError):
                os.utime(path)
        return value

    def put(self, key: str, value: Any) -> None:
        """Store `value` (plain data only) under `key`; errors are ignored."""
        try:
            payload = marshal.dumps(value)
        except ValueError:  # not plain data: a bug in the caller, but never a scan failure
            return
        self.put_payload(key, payload)

    def put_payload(self, key: str, payload: bytes) -> None:
        """Store an already marshalled value (as returned by a worker process)."""
        if not self.usable:
            return
        path = self.path(key)
        data = MAGIC + _digest(key, payload) + payload
        try:
            _private_folders(path.parent)
            fd, temp = private_file(path.parent, TEMP_PREFIX)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                Path(temp).replace(path)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError:
            return
        self.writes += 1

    def maybe_prune(self, now: float | None = None) -> PruneReport | None:
        """Prune the whole cache directory if it was not pruned in the last day."""
        if not self.usable or (self.writes == 0 and self.hits == 0):
            return None
        now = filesystem_now(self.directory) if now is None else now
        if now is None:
            return None
        stamp = self.directory / STAMP
        try:
            if abs(now - stamp.stat().st_mtime) < PRUNE_EVERY_SECONDS:
                return None
        except FileNotFoundError:
            pass
        except OSError:
            return None
        try:
            stamp.touch()
        except OSError:
            return None
        return prune(self.directory, now=now)


def filesystem_now(directory: Path) -> float | None:
    """The clock that stamps the cache's files: the mtime of a file just created in
    `directory` (None if it cannot be written).

    Entries' ages are mtimes, set by the file system (the kernel, or a network file
    system's server), so they are measured against that clock, never the process's: a
    process whose clock runs a year ahead (faketime, a skewed container) would otherwise
    see every entry as a year old and empty the cache at each scan."""
    try:
        fd, temp = private_file(directory, TEMP_PREFIX)
    except OSError:
        return None
    try:
        return os.fstat(fd).st_mtime
    except OSError:
        return None
    finally:
        os.close(fd)
        with contextlib.suppress(OSError):
            Path(temp).unlink()


def _digest(key: str, payload: bytes) -> bytes:
    """The checksum binds an entry to its key (the file's content digest): an entry copied or
    planted under another key is a miss, not another file's syntax tree."""
    return hashlib.blake2b(key.encode() + b"\0" + payload, digest_size=DIGEST_SIZE).digest()


def _check(data: bytes, key: str) -> bytes | None:
    head = len(MAGIC) + DIGEST_SIZE
    if len(data) < head or not data.startswith(MAGIC):
        return None
    payload = data[head:]
    if _digest(key, payload) != data[len(MAGIC) : head]:
        return None
    return payload


def _private_folders(folder: Path) -> None:
    """Create `folder` and every missing parent owner-only (0700), whatever the umask:
    entries are parse trees, which can hold secrets. Existing folders are left as they are
    (HDSLINT_CACHE_DIR may be a folder the user shares on purpose)."""
    missing = []
    for candidate in (folder, *folder.parents):
        if candidate.is_dir():
            break
        missing.append(candidate)
    for candidate in reversed(missing):
        candidate.mkdir(mode=0o700, exist_ok=True)
        candidate.chmod(0o700)  # mkdir's mode is masked by the umask


def _usable(directory: Path) -> bool:
    """Create the cache folder (private) if needed; refuse one another user owns."""
    try:
        _private_folders(directory)
        info = directory.stat()
    except OSError:
        return False
    getuid = getattr(os, "getuid", None)
    return getuid is None or info.st_uid == getuid()


@dataclass(frozen=True)
class PruneReport:
    removed_files: int
    removed_bytes: int
    kept_files: int
    kept_bytes: int


# Only names the cache itself makes are ever listed or removed, so pointing the cache at
# the wrong folder (HDSLINT_CACHE_DIR=$HOME) cannot make `hdslint cache clear` delete files.
_NAMESPACE_RE = re.compile(r"[a-z0-9_]+-[0-9a-f]{16}")
_SHARD_RE = re.compile(r"[0-9a-f]{2}")
_ENTRY_RE = re.compile(r"[0-9a-f]{38}|" + re.escape(TEMP_PREFIX) + r".+")


def entries(directory: Path) -> list[tuple[Path, int, float]]:
    """Every cache entry (and leftover temporary file) under `directory`: (path, size,
    mtime)."""
    found: list[tuple[Path, int, float]] = []
    for namespace in _subfolders(directory, _NAMESPACE_RE):
        for shard in _subfolders(namespace, _SHARD_RE):
            try:
                items = list(os.scandir(shard))
            except OSError:
                continue
            for item in items:
                if not _ENTRY_RE.fullmatch(item.name):
                    continue
                try:
                    info = item.stat(follow_symlinks=False)
                except OSError:
                    continue
                found.append((Path(item.path), info.st_size, info.st_mtime))
    return found


def _subfolders(folder: Path, pattern: re.Pattern[str]) -> list[Path]:
    try:
        return [
            Path(item.path)
            for item in os.scandir(folder)
            if pattern.fullmatch(item.name) and item.is_dir(follow_symlinks=False)
        ]
    except OSError:
        return []


def prune(
    directory: Path,
    *,
    max_age_days: float = MAX_AGE_DAYS,
    max_bytes: int = MAX_BYTES,
    now: float | None = None,
) -> PruneReport:
    """Remove entries unused for `max_age_days`, then the oldest while above `max_bytes`.

    Ages are measured on the file system's clock (`filesystem_now`)."""
    if now is None:
        now = filesystem_now(directory)
    if now is None:
        now = time.time()
    found = sorted(entries(directory), key=lambda e: e[2])  # oldest first
    total = sum(size for _p, size, _m in found)
    removed_files = removed_bytes = 0
    for path, size, mtime in found:
        stale_temp = path.name.startswith(TEMP_PREFIX) and now - mtime > 3600
        too_old = now - mtime > max_age_days * 86400
        if not (stale_temp or too_old or total > max_bytes):
            continue
        try:
            path.unlink()
        except OSError:
            continue
        removed_files += 1
        removed_bytes += size
        total -= size
    _remove_empty_folders(directory)
    return PruneReport(removed_files, removed_bytes, len(found) - removed_files, total)


def clear(directory: Path) -> PruneReport:
    """Remove every entry (the folder itself stays)."""
    return prune(directory, max_age_days=0, max_bytes=-1)


def _remove_empty_folders(directory: Path) -> None:
    for namespace in _subfolders(directory, _NAMESPACE_RE):
        for shard in [*_subfolders(namespace, _SHARD_RE), namespace]:
            with contextlib.suppress(OSError):
                shard.rmdir()  # only succeeds when empty
