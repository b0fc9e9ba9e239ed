"""Replay a scan's report when nothing it read has changed ("instant when nothing changed").

The parse cache (hdslint.cache) removes the cost of parsing; evaluating modules and policies
remains. When a scan is run again with the same command, in the same folder, on the same
day, and none of the files it looked at changed, its report is the same: this module
records what a scan looked at and replays the report.

What a scan looks at is recorded as it happens, not predicted, so a source added later is
covered without knowing about it:

- every file opened for reading (Python's `open` audit event: `open`, `Path.read_text`,
  `io.open_code`, ...): its content hash, taken when the scan opens it;
- every folder listed (`os.listdir`, `os.scandir`, hence `os.walk` and `Path.iterdir`):
  the names and kinds of its entries;
- every existence or type check (`os.stat`, `os.lstat`, hence `Path.exists`, `is_dir`,
  `is_file`, `resolve`): what was there (nothing, a folder, a file and its size, a link
  and its target). These two functions are wrapped while a scan is recorded, because
  Python has no audit event for them.

A replayed report also requires the same hdslint and libraries (the files of every
imported module), the same Python, options, working folder, environment variables and
date. A run that wrote a file (other than the caches), ran a program or opened a
connection is not recorded: replaying it would skip what it did. So is a run in which a
file it read changed while it ran.

Limits, said plainly: code that checks files without `os.stat`/`os.lstat` (C extensions;
Windows' fast `os.path.isdir`) is not seen, so replay is only enabled on POSIX systems;
`--no-cache` (or `HDSLINT_NO_CACHE=1`) always scans for real.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import stat
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hdslint import clock
from hdslint.cache import CacheStore

NAMESPACE = "results"

# Environment variables that change from one shell or CI step to the next without
# changing what a scan reports; every other variable is part of the replay key.
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

_WRITE_EVENTS = frozenset(
    {
        "os.remove",
        "os.rename",
        "os.mkdir",
        "os.rmdir",
        "os.chmod",
        "os.chown",
        "os.utime",
        "os.symlink",
        "os.link",
        "os.truncate",
        "shutil.rmtree",
        "shutil.move",
        "shutil.copyfile",
    }
)
_FOREIGN_EVENTS = frozenset(
    {
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "socket.connect",
        "socket.getaddrinfo",
        "urllib.Request",
    }
)
_PYCACHE = f"{os.sep}__pycache__{os.sep}"
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC

# -- recording --------------------------------------------------------------------------


@dataclass
class Recorder:
    """What one scan looked at, in the order it looked."""

    ignored: tuple[str, ...]
    entries: dict[tuple[str, str], Any] = field(default_factory=dict)
    tainted: str | None = None
    busy: bool = False

    def ignores(self, path: str) -> bool:
        """Paths under (or equal to) an ignored one (the caches), and bytecode files, which
        Python writes and rereads as it likes (their sources count)."""
        return (path + os.sep).startswith(self.ignored) or _PYCACHE in path

    def note_open(self, path: str, mode: Any, flags: Any) -> None:
        if isinstance(mode, str):
            writes = any(c in mode for c in "wax+")
        else:
            writes = isinstance(flags, int) and bool(flags & _WRITE_FLAGS)
        if writes:
            self.tainted = self.tainted or f"it wrote {path}"
        elif ("r", path) not in self.entries:
            self.entries[("r", path)] = file_state(path)

    def note_listing(self, path: str) -> None:
        if ("l", path) not in self.entries:
            self.entries[("l", path)] = listing_state(path)

    def note_stat(self, path: str, follow: bool) -> None:
        kind = "s" if follow else "L"
        if (kind, path) not in self.entries:
            self.entries[(kind, path)] = stat_state(path, follow=follow)


_ACTIVE: list[Recorder] = []
_REAL_STAT = os.stat
_REAL_LSTAT = os.lstat
_HOOK_INSTALLED: list[bool] = []  # an audit hook cannot be removed: install it once


def _recorder_for(arg: Any) -> tuple[Recorder, str] | None:
    """The active recorder and the absolute path `arg` names, if it is to be recorded."""
    if not _ACTIVE:
        return None
    recorder = _ACTIVE[-1]
    if recorder.busy or isinstance(arg, int):
        return None
    try:
        path = os.path.abspath(os.fsdecode(arg))
    except (TypeError, ValueError):
        return None
    if recorder.ignores(path):
        return None
    return recorder, path


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _ACTIVE:
        return
    if event == "open" or event in ("os.listdir", "os.scandir"):
        if not args or (args[0] is None and event == "open"):
            return
        found = _recorder_for("." if args[0] is None else args[0])  # listdir(): the cwd
        if found is None:
            return
        recorder, path = found
        recorder.busy = True
        try:
            if event == "open":
                recorder.note_open(path, args[1] if len(args) > 1 else None, args[-1])
            else:
                recorder.note_listing(path)
        finally:
            recorder.busy = False
    elif event in _WRITE_EVENTS:
        found = _recorder_for(args[0]) if args else None
        if found is None:
            return
        recorder, path = found
        if event == "os.mkdir" and stat_state(path, follow=True) == ("dir",):
            return  # mkdir(exist_ok=True) of a folder that is there changes nothing
        recorder.tainted = recorder.tainted or f"{event} {path}"
    elif event in _FOREIGN_EVENTS:
        recorder = _ACTIVE[-1]
        recorder.tainted = recorder.tainted or f"it used {event}"


def _recording_stat(path: Any, *args: Any, dir_fd: Any = None, **kwargs: Any) -> Any:
    _note_stat(path, dir_fd, follow=kwargs.get("follow_symlinks", True))
    return _REAL_STAT(path, *args, dir_fd=dir_fd, **kwargs)


def _recording_lstat(path: Any, *args: Any, dir_fd: Any = None, **kwargs: Any) -> Any:
    _note_stat(path, dir_fd, follow=False)
    return _REAL_LSTAT(path, *args, dir_fd=dir_fd, **kwargs)


def _note_stat(path: Any, dir_fd: Any, *, follow: bool) -> None:
    if dir_fd is not None:
        return
    found = _recorder_for(path)
    if found is None:
        return
    recorder, absolute = found
    recorder.busy = True
    try:
        recorder.note_stat(absolute, follow)
    finally:
        recorder.busy = False


@contextlib.contextmanager
def recording(ignored: Iterable[Path]) -> Iterator[Recorder]:
    """Record what the code run inside looks at (see the module's docstring)."""
    if not _HOOK_INSTALLED:
        sys.addaudithook(_audit)  # it does nothing when no scan is being recorded
        _HOOK_INSTALLED.append(True)
    # Python's own files are recorded like any other (a library upgrade must not replay an
    # old report); only the caches and the kernel's pseudo-files are not.
    skip = {str(Path(p).absolute()) for p in ignored} | {"/proc", "/dev", "/sys"}
    recorder = Recorder(ignored=tuple(s.rstrip(os.sep) + os.sep for s in skip))
    _ACTIVE.append(recorder)
    os.stat, os.lstat = _recording_stat, _recording_lstat
    try:
        yield recorder
    finally:
        _ACTIVE.pop()
        if not _ACTIVE:
            os.stat, os.lstat = _REAL_STAT, _REAL_LSTAT
    # Modules imported by then (hdslint itself, python-hcl2, lark, PyYAML, ...): a changed
    # library or hdslint release must not replay an old report.
    for module in list(sys.modules.values()):
        name = getattr(module, "__file__", None)
        if name:
            path = os.path.abspath(name)
            recorder.entries.setdefault(("s", path), stat_state(path, follow=True))


# -- states -----------------------------------------------------------------------------


def file_state(path: str) -> Any:
    """A regular file's content hash; else what is there (a folder, a FIFO, nothing).
    Opened without blocking, so a FIFO put in a file's place cannot hang a replay."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except IsADirectoryError:
        return ("dir",)
    except OSError as exc:
        return ("error", exc.errno)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            return ("dir",)
        if not stat.S_ISREG(info.st_mode):
            return ("other", stat.S_IFMT(info.st_mode))
        with open(fd, "rb", closefd=False) as handle:
            digest = hashlib.file_digest(handle, _digest).hexdigest()
    finally:
        os.close(fd)
    # Size, dates and inode let a replay skip hashing an unchanged file (the change time
    # moves on every write and cannot be set back); not when the file changed in the last
    # seconds, as a second change within the file system's clock resolution would not show
    # ("racy" files, as git calls them).
    settled = time.time_ns() - max(info.st_mtime_ns, info.st_ctime_ns) > RACY_NS
    return ("file", digest, _stat_key(info), settled)


def _stat_key(info: os.stat_result) -> tuple[int, int, int, int]:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


RACY_NS = 2_000_000_000


def _file_unchanged(path: str, state: Any) -> bool:
    if state[0] != "file" or len(state) != 4:
        return bool(file_state(path) == state)
    _kind, digest, recorded, settled = state
    if settled:
        try:
            info = _REAL_STAT(path)
        except OSError:
            return False
        if stat.S_ISREG(info.st_mode) and _stat_key(info) == tuple(recorded):
            return True
    now = file_state(path)
    return bool(now[0] == "file" and now[1] == digest)


def _digest() -> Any:
    return hashlib.blake2b(digest_size=20)


def listing_state(path: str) -> Any:
    try:
        with os.scandir(path) as items:
            return tuple(sorted((item.name, _entry_kind(item)) for item in items))
    except OSError as exc:
        return ("error", exc.errno)


def _entry_kind(item: os.DirEntry[str]) -> str:
    try:
        if item.is_symlink():
            return "link"
        return "dir" if item.is_dir() else "file"
    except OSError:
        return "?"


def stat_state(path: str, *, follow: bool) -> Any:
    try:
        info = _REAL_STAT(path) if follow else _REAL_LSTAT(path)
    except OSError as exc:
        return ("missing", exc.errno)
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        try:
            return ("link", os.readlink(path))
        except OSError:
            return ("link", None)
    if stat.S_ISDIR(mode):
        return ("dir",)
    if stat.S_ISREG(mode):
        return ("file", info.st_size, info.st_mtime_ns)
    return ("other", stat.S_IFMT(mode))


def current_state(kind: str, path: str) -> Any:
    if kind == "r":
        return file_state(path)
    if kind == "l":
        return listing_state(path)
    return stat_state(path, follow=kind == "s")


def unchanged(entries: Sequence[tuple[str, str, Any]]) -> bool:
    """Does everything a recorded scan looked at still look the same?"""
    for kind, path, state in entries:
        if kind == "r":
            if not _file_unchanged(path, state):
                return False
        elif current_state(kind, path) != state:
            return False
    return True


# -- the store --------------------------------------------------------------------------


def supported() -> bool:
    return os.name == "posix"


def request_key(
    options: Mapping[str, Any], env: Mapping[str, str], *, today: dt.date | None = None
) -> str:
    """What, besides the files, decides a scan's report: its options, folder, environment,
    date and Python."""
    digest = hashlib.blake2b(digest_size=20)
    parts: list[Any] = [
        sys.version,
        os.getcwd(),
        (today or clock.today()).isoformat(),
        sorted((str(k), repr(v)) for k, v in options.items()),
        sorted((k, v) for k, v in env.items() if k not in VOLATILE_ENV),
    ]
    digest.update(repr(parts).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@dataclass(frozen=True)
class Replay:
    """What a scan gave the user: its reports, the exit code, and what it said on stderr
    (warnings, such as a stale registry)."""

    texts: tuple[str, ...]
    exit_code: int
    stderr: str = ""


class ResultCache:
    """Reports of past scans, each with what it looked at."""

    def __init__(self, directory: Path) -> None:
        from hdslint import __version__

        self.store = CacheStore(directory, NAMESPACE, [__version__.encode()])

    def lookup(self, key: str) -> Replay | None:
        value = self.store.get(key)
        if not (isinstance(value, tuple) and len(value) == 4):
            return None
        entries, texts, code, stderr = value
        if not (
            isinstance(entries, tuple)
            and isinstance(texts, tuple)
            and all(isinstance(text, str) for text in texts)
            and isinstance(code, int)
            and isinstance(stderr, str)
        ):
            return None
        if not unchanged(entries):
            return None
        return Replay(texts, code, stderr)

    def save(self, key: str, recorder: Recorder, replay: Replay) -> bool:
        """Store the report of a recorded scan, unless it cannot be replayed."""
        if recorder.tainted is not None:
            return False
        entries = tuple((kind, path, state) for (kind, path), state in recorder.entries.items())
        self.store.put(key, (entries, replay.texts, replay.exit_code, replay.stderr))
        return True


class StderrCopy:
    """Stands in for sys.stderr while a scan is recorded: writes through, keeps a copy."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        written = int(self.stream.write(text))  # raises first for bytes (click probes that)
        self.parts.append(text)
        return written

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)

    def text(self) -> str:
        return "".join(self.parts)
