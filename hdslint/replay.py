"""Report replay: a scan run again with nothing changed gives its stored reports back.

A scan's file access (hdslint.files) records every observation it made of the file system:
each file it read (content digest), each folder it listed (the names), each existence, type,
size, owner or symlink question. The reports, exit code and standard-error text are stored
with that log, under a key made of everything else a report depends on:

- hdslint's code (the version and every file of the package, by size and date), Python, the
  libraries that parse and decide (python-hcl2, lark, PyYAML, jsonschema, RE2, click);
- the request: paths, report formats and where they go (and whether in colour), every option
  of `hdslint scan`, the working folder;
- the environment: every variable but a short list of shell bookkeeping ones (`TF_VAR_*`,
  `HDSLINT_*`, `AWS_*`, `NO_COLOR`, ... are all part of the key);
- the day (hdslint.clock: certificates expire).

The configuration, policies, baseline and registry overrides are files the scan reads, so
they are in its log. A stored report is replayed only when its key matches and every
observation of its log gives the same answer again, contents re-hashed (never a date or a
size alone): a file edited within the same second to the same length, a file added to or
removed from a scanned folder, a symlink pointing elsewhere are all seen.

Never replayed: `--changed` (git decides what it reads), standard input, a scan during which
a file it read changed, a scan run with the cache off (`--no-cache`, `HDSLINT_NO_CACHE`, the
configuration's `cache.enabled: false`). Entries live in the parse cache's folder (from the
environment only, never inside a scanned folder), owner-only, checksummed and bound to their
key (hdslint.cache.CacheStore).
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hdslint.cache import CacheStore, cache_directory
from hdslint.files import ReadLog, observe

NAMESPACE = "reports"
FORMAT = 1

# Variables that change from one shell or CI step to the next without changing a report;
# every other one is part of the key.
VOLATILE_ENV = frozenset(
    {
        "_",
        "OLDPWD",
        "PWD",
        "SHLVL",
        "TERM_SESSION_ID",
        "WINDOWID",
        "SSH_AUTH_SOCK",
        "SSH_AGENT_PID",
        "SSH_CLIENT",
        "SSH_CONNECTION",
        "SSH_TTY",
        "DISPLAY",
        "XAUTHORITY",
        "DBUS_SESSION_BUS_ADDRESS",
        "GPG_AGENT_INFO",
        "HISTFILE",
        "PS1",
        "PYTEST_CURRENT_TEST",
    }
)
# Libraries whose version changes what a scan reports.
LIBRARIES = ("hcl2", "lark", "yaml", "jsonschema", "re2", "click", "jmespath")


@dataclass(frozen=True)
class Replay:
    texts: tuple[str, ...]
    exit_code: int
    stderr: str


def request_key(request: Mapping[str, Any], env: Mapping[str, str], today: str) -> str:
    """The key of a scan request: see the module's docstring."""
    digest = hashlib.blake2b(digest_size=20)
    for part in (
        repr(FORMAT),
        repr(sorted(request.items())),
        str(Path.cwd()),
        repr(sorted((k, v) for k, v in env.items() if k not in VOLATILE_ENV)),
        today,
        code_identity(),
    ):
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def code_identity() -> str:
    """hdslint's files (size and date of each: an edited checkout is another hdslint), the
    libraries' and Python's versions."""
    parts: list[str] = [sys.version, sys.executable]
    package = Path(__file__).parent
    stack = [str(package)]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name == "__pycache__":
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
                continue
            try:
                info = entry.stat()
            except OSError:
                continue
            parts.append(f"{entry.path}\0{info.st_size}\0{info.st_mtime_ns}")
    for name in LIBRARIES:
        parts.append(f"{name}\0{_library(name)}")
    return "\n".join(parts)


def _library(name: str) -> str:
    """Where a library is installed, and its main file's size and date (another version is
    another file)."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return "missing"
    origin = spec.origin if spec is not None else None
    if origin is None:
        return "missing"
    try:
        info = os.stat(origin)  # noqa: PTH116
    except OSError:
        return origin
    return f"{origin}\0{info.st_size}\0{info.st_mtime_ns}"


class ReplayStore:
    """Stored reports, in the cache folder's `reports-…` namespace."""

    def __init__(self, directory: Path) -> None:
        self.store = CacheStore(directory, NAMESPACE, [])

    def lookup(self, key: str) -> Replay | None:
        """The stored reports of `key`, if every observation of their scan still holds."""
        value = self.store.get(key)
        if value is None or not _well_formed(value):
            return None
        entries, texts, code, stderr = value
        if not all(observe((op, arg, path)) == seen for op, arg, path, seen in entries):
            return None  # something the scan looked at is not what it was
        return Replay(tuple(texts), code, stderr)

    def save(self, key: str, log: ReadLog, replay: Replay) -> None:
        if log.changed or not log.keep:
            return  # a file changed while the scan read it, or the configuration said no
        entries = tuple((*key_, seen) for key_, seen in log.essential())
        self.store.put(key, (entries, replay.texts, replay.exit_code, replay.stderr))
        self.store.maybe_prune()


def _well_formed(value: Any) -> bool:
    if not (isinstance(value, tuple) and len(value) == 4):
        return False
    entries, texts, code, stderr = value
    return (
        isinstance(entries, tuple)
        and all(isinstance(e, tuple) and len(e) == 4 for e in entries)
        and isinstance(texts, tuple)
        and all(isinstance(t, str) for t in texts)
        and isinstance(code, int)
        and isinstance(stderr, str)
    )


def store_for(cache: bool, paths: Sequence[str], env: Mapping[str, str]) -> ReplayStore | None:
    """The replay store a scan of `paths` may use, or None: the cache is off, or its folder
    lies inside a scanned folder (the scanned repository could have planted entries)."""
    directory = cache_directory(cache, None, env)
    if directory is None:
        return None
    resolved = directory.resolve()
    for given in paths:
        if given == "-":
            return None
        folder = Path(given).resolve()
        if not folder.is_dir():
            folder = folder.parent
        if resolved == folder or resolved.is_relative_to(folder):
            return None
    return ReplayStore(directory)


class StderrCopy(io.TextIOBase):
    """Standard error, with a copy of what is written (replayed with the reports)."""

    def __init__(self, target: Any) -> None:
        self.target = target
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        written = int(self.target.write(text))  # first: a probe with bytes raises here
        self.parts.append(text)
        return written

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return bool(self.target.isatty())

    def text(self) -> str:
        return "".join(self.parts)
