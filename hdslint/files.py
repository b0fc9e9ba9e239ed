"""The one way a scan looks at the file system, and the log of what it looked at.

Every file a scan reads, every folder it lists, every existence, type, size or symlink
question it asks goes through a `FileAccess` (a test reads the sources, the pipeline, the
configuration and the policy loader and fails on any other way to touch a file). Each answer
is written to the scan's `ReadLog` as an observation `(operation, argument, path) -> what was
seen`: a file's content digest (never its date or size alone), a folder's names, a path's
kind or real path. Within a scan an answer is given once and then remembered, so the scan
sees one consistent picture.

The log is what report replay (hdslint.replay) checks: every observation is made again, and
a report is replayed only when every one gives the same answer.

A scan's `FileAccess` is also its confinement: it holds the scan's `ReadLimits` (the folders
it may read, symlinks resolved, and the largest file it parses), and refuses every read and
listing of a path outside those folders (`OutsideRoots`), answering every question about one
as about nothing there. No reader has to remember to check: a path an input names cannot
make hdslint read outside the scanned folders. Whether a path is inside is decided from
recorded observations (its folder's real path, whether it is a symlink and where to), so a
report replayed is one whose refusals would be the same.

The pipeline (hdslint.scan) makes the scan's `FileAccess` and passes it to what reads: the
configuration and policy loaders, each source's entry point, and from there down (the
Terraform evaluator carries it, and its `file()` reads through the `FileReader` its scope
carries). Nothing fetches it from a global (a test checks it): a function that has none
to read through cannot read. Outside a scan (`hdslint policies`, a live scan's policies),
a loader makes one of its own, which records nothing and confines nothing.
"""

from __future__ import annotations

import errno
import fnmatch
import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

# An observation: digests and real paths are strings, listings tuples, sizes ints.
Observation = str | int | bool | tuple[object, ...] | None
Key = tuple[str, str, str]  # (operation, argument, path)


DEFAULT_MAX_FILE_BYTES = 4_000_000


@dataclass(frozen=True)
class ReadLimits:
    """What a scan may read. `roots`: the folders (real paths) whose files may be read, the
    scanned paths and the working folder; empty: anywhere (library use). `max_file_bytes`:
    the largest configuration or manifest file parsed (plans and inventories: 25 times it).
    `named`: files (real paths) read wherever they are, because whoever runs the scan named
    them (`--var-file`, or `terraform.var_files` of the configuration, inside its
    repository)."""

    roots: tuple[Path, ...] = ()
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    named: frozenset[str] = frozenset()


OUTSIDE_MESSAGE = "outside the scanned folders and the working folder, so it is not read"


class OutsideRoots(OSError):
    """A path (symlinks resolved) outside the folders a scan may read: never read or listed."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(errno.EACCES, OUTSIDE_MESSAGE)
        self.filename = str(path)


class NotRegularFile(OSError):
    """A path that names a device, a FIFO, a socket or a folder where a file is expected:
    reading one could block forever (a FIFO) or never end (`/dev/zero`), so it is refused."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(errno.EINVAL, "not a regular file (devices and FIFOs are never read)")
        self.filename = str(path)


def read_regular(path: Path | str, max_bytes: int | None = None) -> bytes:
    """The bytes of `path` if it is a regular file (symlinks followed), else NotRegularFile.

    The file is opened without blocking, so a FIFO is refused at once instead of waiting for
    a writer, and checked on the open descriptor, so it cannot be swapped in between. With
    `max_bytes`, a larger file is refused (OSError EFBIG) without being read whole.

    Not recorded: what a scan reads goes through `FileAccess.read`."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(path)
        if max_bytes is None:
            return handle.read()
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise OSError(errno.EFBIG, f"larger than {max_bytes} bytes")
    return data


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# -- observations: each is a pure function of the file system (and the working folder) ---


def _error(exc: OSError) -> str:
    """How a failed operation is remembered: its error number (and refusals of non-regular
    files apart), so that the same failure gives the same error again."""
    if isinstance(exc, NotRegularFile):
        return "!notregular"
    return f"!{exc.errno}"


def _raise(path: str, value: Observation) -> None:
    """Raise again the error an observation remembers (see `_error`)."""
    if isinstance(value, str) and value.startswith("!"):
        if value == "!notregular":
            raise NotRegularFile(path)
        code = int(value[1:]) if value[1:].lstrip("-").isdigit() else errno.EIO
        raise OSError(code, os.strerror(code), path)


def _observe_read(arg: str, path: str) -> tuple[Observation, bytes | None]:
    try:
        data = read_regular(path, int(arg) if arg else None)
    except OSError as exc:
        return _error(exc), None
    return digest(data), data


def _observe_head(arg: str, path: str) -> tuple[Observation, bytes | None]:
    try:
        with open(path, "rb") as handle:  # noqa: PTH123 - the one place files are peeked
            data = handle.read(int(arg))
    except OSError as exc:
        return _error(exc), None
    return digest(data), data


def _observe_list(_arg: str, path: str) -> Observation:
    """A folder's entries: (name, is a folder (links followed), is a symlink)."""
    try:
        with os.scandir(path) as entries:
            found = []
            for entry in entries:
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                found.append((entry.name, is_dir, entry.is_symlink()))
    except OSError as exc:
        return _error(exc)
    return tuple(sorted(found))


def _observe_kind(_arg: str, path: str) -> Observation:
    """f: a regular file, d: a folder, o: something else, "": nothing (symlinks followed)."""
    try:
        mode = os.stat(path).st_mode  # noqa: PTH116 - a str path, no Path built
    except (OSError, ValueError):
        return ""
    if stat.S_ISREG(mode):
        return "f"
    return "d" if stat.S_ISDIR(mode) else "o"


def _observe_link(_arg: str, path: str) -> Observation:
    """A symlink's target, or None when `path` is not a symlink."""
    try:
        return os.readlink(path)  # noqa: PTH115
    except (OSError, ValueError):
        return None


def _observe_real(_arg: str, path: str) -> Observation:
    """`Path(path).resolve()` as a string (it is `os.path.realpath` of the absolute path)."""
    try:
        return str(Path(path).resolve())
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
        return _error(exc) if isinstance(exc, OSError) else "!loop"


def _observe_stat(arg: str, path: str) -> Observation:
    """A number of `os.stat(path)`: `size`, `mtime` (nanoseconds) or `uid`; -1 when absent."""
    try:
        info = os.stat(path)  # noqa: PTH116
    except (OSError, ValueError):
        return -1
    if arg == "uid":
        return info.st_uid
    return info.st_size if arg == "size" else info.st_mtime_ns


_CONTENT: dict[str, Callable[[str, str], tuple[Observation, bytes | None]]] = {
    "read": _observe_read,
    "head": _observe_head,
}
_SIMPLE: dict[str, Callable[[str, str], Observation]] = {
    "list": _observe_list,
    "kind": _observe_kind,
    "link": _observe_link,
    "real": _observe_real,
    "stat": _observe_stat,
}


def observe(key: Key) -> Observation:
    """What the file system answers now to the question `key` asked."""
    operation, arg, path = key
    content = _CONTENT.get(operation)
    if content is not None:
        return content(arg, path)[0]
    return _SIMPLE[operation](arg, path)


@dataclass
class ReadLog:
    """What a scan looked at. `changed` is set when one question got two answers during the
    scan (a file edited while it was read): such a scan's report is never replayed."""

    entries: dict[Key, Observation] = field(default_factory=dict)
    changed: bool = False
    # False: the scan's report must not be stored (its configuration turns the cache off).
    keep: bool = True

    def note(self, key: Key, value: Observation) -> None:
        previous = self.entries.setdefault(key, value)
        if previous != value:
            self.changed = True

    def essential(self) -> list[tuple[Key, Observation]]:
        """The observations to check again, without those another one implies: a file read
        whole (its digest checked again) is a regular file of that length, so its kind and
        size need no second look."""
        read = {
            path
            for (op, _a, path), value in self.entries.items()
            if op == "read" and not str(value).startswith("!")
        }
        return [
            (key, value)
            for key, value in self.entries.items()
            if key[2] not in read
            or not ((key[0] == "kind" and value == "f") or (key[0] == "stat" and key[1] == "size"))
        ]

    def unchanged(self) -> bool:
        """Whether every observation gives the same answer now."""
        return not self.changed and all(
            observe(key) == value for key, value in self.entries.items()
        )


class FileAccess:
    """A scan's file access: reads and questions, recorded in `log`, confined to the roots of
    `limits`. Answers other than file contents are remembered for the scan (the same question
    gets the same answer)."""

    def __init__(
        self,
        log: ReadLog | None = None,
        limits: ReadLimits | None = None,
        *,
        _folders: dict[str, str] | None = None,
    ) -> None:
        self.log = log
        self.limits = limits or ReadLimits()
        self._roots = tuple(str(root) for root in self.limits.roots)
        # Every file of a scan is checked, often several times (discovery, then its module,
        # then its read): resolving each path from scratch costs one lstat per component,
        # which was most of a scan's system time on large trees. A file's real path is its
        # folder's real path plus its name, unless the file itself is a symlink: folders are
        # resolved once per scan (shared by the accesses `confined` derives), answers once
        # per path.
        self._folders: dict[str, str] = {} if _folders is None else _folders
        self._inside: dict[str, bool] = {}

    def confined(self, limits: ReadLimits) -> FileAccess:
        """The same scan's access (the same log), confined to `limits` instead."""
        return FileAccess(self.log, limits, _folders=self._folders)

    # -- confinement ------------------------------------------------------------------

    def inside(self, path: Path | str) -> bool:
        """Whether `path` (symlinks resolved) lies under one of the roots; True when there
        are none. For a caller that words its own refusal before asking for the file."""
        if not self._roots:
            return True
        name = os.fspath(path)
        known = self._inside.get(name)
        if known is None:
            try:
                real = self._realpath(Path(name))
            except (OSError, RuntimeError):  # RuntimeError: a symlink loop
                known = False
            else:
                known = real in self.limits.named or self._under_roots(real)
            self._inside[name] = known
        return known

    def _under_roots(self, real: str) -> bool:
        """Whether a real path is one of the roots or lies below one."""
        return any(real == root or real.startswith(root + os.sep) for root in self._roots)

    def _realpath(self, path: Path) -> str:
        """`str(path.resolve())`, with folders resolved once per scan (recorded)."""
        absolute = path.absolute()
        name = absolute.name
        if name in ("", ".", ".."):
            return self._real(absolute)
        key = str(absolute.parent)
        real_parent = self._folders.get(key)
        if real_parent is None:
            real_parent = self._folders[key] = self._real(absolute.parent)
        candidate = os.path.join(real_parent, name)  # noqa: PTH118
        if self._simple("link", candidate) is not None:
            return self._real(candidate)
        return candidate

    def real_folder(self, folder: Path | str) -> Path:
        """`resolve()` of a folder, once per scan (many files share a folder)."""
        key = os.fspath(folder)
        real = self._folders.get(key)
        if real is None:
            real = self._folders[key] = self._real(key)
        return Path(real)

    def _real(self, path: Path | str) -> str:
        value = self._simple("real", path)
        if value == "!loop":
            raise RuntimeError(f"symlink loop from {os.fspath(path)}")
        _raise(os.fspath(path), value)
        assert isinstance(value, str)
        return value

    def _confine(self, path: Path | str) -> None:
        if self._roots and not self.inside(path):
            raise OutsideRoots(path)

    def _confine_folder(self, folder: Path | str) -> None:
        """`_confine` for a folder to list: its real path is the one its files are resolved
        against (`real_folder`), so confining it costs no observation of its own."""
        if not self._roots:
            return
        name = os.fspath(folder)
        known = self._inside.get(name)
        if known is None:
            try:
                real = str(self.real_folder(Path(name).absolute()))
            except (OSError, RuntimeError):
                known = False
            else:
                known = self._under_roots(real)
            self._inside[name] = known
        if not known:
            raise OutsideRoots(folder)

    def too_large(self, path: Path | str, factor: int = 1) -> str | None:
        """Why a file is too large to parse (more than `factor` times the limit), or None."""
        limit = self.limits.max_file_bytes * factor
        size = self.size(path)
        if size <= limit:
            return None
        return (
            f"too large to read ({size / 1e6:.1f} MB; the limit is {limit / 1e6:.1f} MB,"
            " see max_file_mb in .hdslint.yaml)"
        )

    def _simple(self, operation: str, path: Path | str, arg: str = "") -> Observation:
        key = (operation, arg, os.fspath(path))
        if self.log is not None:
            known = self.log.entries.get(key, _MISSING)
            if known is not _MISSING:
                return known  # type: ignore[return-value]
        value = _SIMPLE[operation](arg, key[2])
        if self.log is not None:
            self.log.note(key, value)
        return value

    # -- contents ---------------------------------------------------------------------

    def read(self, path: Path | str, max_bytes: int | None = None) -> bytes:
        """The bytes of a regular file (see `read_regular`), recorded by digest."""
        return self._content("read", "" if max_bytes is None else str(max_bytes), path)

    def read_text(self, path: Path | str, encoding: str = "utf-8", errors: str = "strict") -> str:
        """`Path.read_text`: decoded, with universal newlines (CRLF and CR read as LF)."""
        text = self.read(path).decode(encoding, errors)
        return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text

    def head(self, path: Path | str, size: int) -> bytes:
        """The first `size` bytes of a file (any file: used to tell what a file is)."""
        return self._content("head", str(size), path)

    def _content(self, operation: str, arg: str, path: Path | str) -> bytes:
        self._confine(path)
        name = os.fspath(path)
        value, data = _CONTENT[operation](arg, name)
        if self.log is not None:
            self.log.note((operation, arg, name), value)
        if data is None:
            _raise(name, value)
        assert data is not None
        return data

    # -- folders ----------------------------------------------------------------------

    def entries(self, folder: Path | str) -> tuple[tuple[str, bool, bool], ...]:
        """(name, is a folder, is a symlink) of each entry, by name; OSError if unlistable
        (OutsideRoots outside the roots)."""
        self._confine_folder(folder)
        value = self._simple("list", folder)
        _raise(os.fspath(folder), value)
        assert isinstance(value, tuple)
        return value  # type: ignore[return-value]

    def listdir(self, folder: Path) -> list[Path]:
        """The paths of a folder's entries, sorted by name (`Path.iterdir`, recorded)."""
        return [folder / name for name, _d, _l in self.entries(folder)]

    def walk(
        self, top: Path | str, onerror: Callable[[OSError], None] | None = None
    ) -> Iterator[tuple[str, list[str], list[str]]]:
        """`os.walk(top)` (top-down, directory symlinks listed but not followed), recorded.
        Names come sorted; the caller may prune `dirnames` in place."""
        stack = [os.fspath(top)]
        while stack:
            folder = stack.pop()
            try:
                found = self.entries(folder)
            except OSError as exc:
                if onerror is not None:
                    onerror(exc)
                continue
            dirnames = [name for name, is_dir, _l in found if is_dir]
            filenames = [name for name, is_dir, _l in found if not is_dir]
            links = {name for name, _d, is_link in found if is_link}
            yield folder, dirnames, filenames
            stack.extend(
                os.path.join(folder, name)  # noqa: PTH118 - os.walk's names
                for name in reversed(dirnames)
                if name not in links
            )

    def glob(self, folder: Path, pattern: str) -> list[Path]:
        """`folder.glob(pattern)`, sorted, made of recorded listings (`*`, `?`, `[...]` in a
        name, `**` for any depth of folders; symlinked folders are not entered by `**`)."""
        parts = [p for p in pattern.split("/") if p not in ("", ".")]
        found: set[Path] = set()

        def step(base: Path, rest: list[str]) -> None:
            if not rest:
                found.add(base)
                return
            head, tail = rest[0], rest[1:]
            if head == "**":
                step(base, tail)
                try:
                    entries = self.entries(base)
                except OSError:
                    return
                for name, is_dir, is_link in entries:
                    if is_dir and not is_link:
                        step(base / name, rest)
                return
            if head == "..":
                step(base / "..", tail)
                return
            try:
                entries = self.entries(base)
            except OSError:
                return
            for name, is_dir, _l in entries:
                if fnmatch.fnmatchcase(name, head) and (is_dir or not tail):
                    step(base / name, tail)

        step(folder, parts)
        return sorted(found)

    # -- questions --------------------------------------------------------------------

    # Outside the roots there is nothing: no kind, no size, no owner.

    def kind(self, path: Path | str) -> str:
        if self._roots and not self.inside(path):
            return ""
        value = self._simple("kind", path)
        assert isinstance(value, str)
        return value

    def exists(self, path: Path | str) -> bool:
        return self.kind(path) != ""

    def is_file(self, path: Path | str) -> bool:
        return self.kind(path) == "f"

    def is_dir(self, path: Path | str) -> bool:
        return self.kind(path) == "d"

    def is_symlink(self, path: Path | str) -> bool:
        return self._simple("link", path) is not None

    # Where a path leads is answered for any path: it is how confinement is decided, and
    # it tells nothing of what is there.

    def resolve(self, path: Path | str) -> Path:
        """`Path(path).resolve()`, recorded (a symlink retargeted is a change)."""
        return Path(self._real(path))

    def size(self, path: Path | str) -> int:
        """The size of a file in bytes, -1 when it cannot be read."""
        if self._roots and not self.inside(path):
            return -1
        value = self._simple("stat", path, "size")
        assert isinstance(value, int)
        return value

    def owner(self, path: Path | str) -> int:
        """The user id owning a file, -1 when it cannot be read."""
        if self._roots and not self.inside(path):
            return -1
        value = self._simple("stat", path, "uid")
        assert isinstance(value, int)
        return value

    def mtime_ns(self, path: Path | str) -> int:
        if self._roots and not self.inside(path):
            return -1
        value = self._simple("stat", path, "mtime")
        assert isinstance(value, int)
        return value


_MISSING = object()
