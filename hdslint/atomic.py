"""Files written whole or not at all: a report killed mid-write (SIGTERM, a full disk) must
never leave a truncated or empty file that CI would upload as the result."""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

from hdslint.errors import HdslintError

# tempfile.mkstemp's flags: a new file (never an existing one, nor through a symlink).
_NEW_FILE = (
    os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
)


def private_file(folder: Path, prefix: str) -> tuple[int, Path]:
    """A new file in `folder` that only this user can read (0600), open for writing: its
    descriptor and path. What `tempfile.mkstemp` does (the same flags, a random name),
    without importing tempfile and what it loads (shutil, random, bz2, lzma: 4-8 ms of a
    replayed scan, which writes no file; docs/architecture.md#imports)."""
    for _ in range(100):
        path = folder / f"{prefix}{os.urandom(6).hex()}"
        try:
            return os.open(path, _NEW_FILE, 0o600), path
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", str(folder))


def write_text_atomically(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, then rename it over `path`."""
    descriptor, temporary = private_file(path.parent, f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.chmod(0o666 & ~_umask())  # as a plain write would (not 0600)
        temporary.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_output(path: Path, text: str, what: str) -> None:
    """Write one of hdslint's outputs (`what`: a report, an inventory) atomically; a failure
    is one error naming the file."""
    try:
        write_text_atomically(path, text)
    except OSError as exc:
        raise HdslintError(
            f"cannot write the {what}: {exc.strerror or exc}", file=str(path)
        ) from None
