"""The revision a scan read: the git commit checked out where the scanned files are.

Read from git's own files (`.git/HEAD`, the loose ref, `packed-refs`): git is never run
(scanning never executes anything). The search goes up from each scanned path, and never
above the folder a scan may read (the scanned folder, or the working directory holding it).
Only regular files are read, each up to a size bound, and only what has the shape of a
commit id or a branch name is kept: a hostile `.git` can make the revision unknown, not
make hdslint read or print anything else. Uncommitted changes are not detected.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# HEAD, a loose ref, a `.git` file or `commondir` hold one line; packed-refs one per ref.
MAX_SMALL_FILE = 4096
MAX_PACKED_REFS = 8_000_000
_COMMIT = re.compile(r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")  # SHA-1, or SHA-256
# A branch or tag as git allows it, narrowed to what is safe to show and to join to a path.
_REF = re.compile(r"^refs/(?:heads|tags|remotes)/[A-Za-z0-9._/+-]{1,200}$")


@dataclass(frozen=True, slots=True)
class Revision:
    commit: str
    ref: str | None  # `refs/heads/main`; None when HEAD is detached

    def __str__(self) -> str:
        if self.ref is None:
            return f"git commit {self.commit} (detached HEAD)"
        kind, _, name = self.ref.removeprefix("refs/").partition("/")
        label = {"heads": "branch", "tags": "tag", "remotes": "remote branch"}[kind]
        return f"git commit {self.commit} ({label} {name})"


def _read_small(path: Path, limit: int = MAX_SMALL_FILE) -> str | None:
    """A regular file's text, if it is one and not larger than `limit`."""
    try:
        fd = os.open(
            path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
        )
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with os.fdopen(fd, "rb", closefd=False) as file:
            data = file.read(limit + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) > limit:
        return None
    return data.decode("utf-8", errors="replace")


def _git_dirs(dot_git: Path) -> tuple[Path, Path] | None:
    """(the folder holding HEAD, the folder holding refs): the same for a plain checkout;
    for a worktree or submodule, `.git` is a file naming its git folder, whose `commondir`
    names the shared one."""
    if dot_git.is_symlink():
        return None
    if dot_git.is_dir():
        return dot_git, dot_git
    text = _read_small(dot_git)
    if text is None or not text.startswith("gitdir: "):
        return None
    git_dir = (dot_git.parent / text[len("gitdir: ") :].strip()).resolve()
    common = _read_small(git_dir / "commondir")
    common_dir = (git_dir / common.strip()).resolve() if common else git_dir
    return git_dir, common_dir


def _resolve_ref(common_dir: Path, ref: str) -> str | None:
    loose = _read_small(common_dir / ref)
    if loose is not None:
        commit = loose.strip()
        return commit if _COMMIT.match(commit) else None
    packed = _read_small(common_dir / "packed-refs", MAX_PACKED_REFS)
    for line in (packed or "").splitlines():
        commit, _, name = line.partition(" ")
        if name == ref and _COMMIT.match(commit):
            return commit
    return None


def read_revision(dot_git: Path) -> Revision | None:
    """The commit a `.git` folder (or file) has checked out, or None when it cannot tell."""
    dirs = _git_dirs(dot_git)
    if dirs is None:
        return None
    git_dir, common_dir = dirs
    head = _read_small(git_dir / "HEAD")
    if head is None:
        return None
    head = head.strip()
    if _COMMIT.match(head):
        return Revision(head, None)
    ref = head.removeprefix("ref: ").strip()
    if not head.startswith("ref: ") or not _REF.match(ref) or ".." in ref:
        return None
    commit = _resolve_ref(common_dir, ref)
    return Revision(commit, ref) if commit else None


def _within(path: Path, top: Path) -> bool:
    return path == top or top in path.parents


def scanned_revision(paths: Sequence[str], cwd: Path | None = None) -> Revision | None:
    """The revision of the checkout holding the first scanned path that is in one: the
    nearest `.git` upward from it, never above the scanned folder or the working directory
    that holds it."""
    here = (cwd or Path.cwd()).resolve()
    for given in paths:
        path = Path(given)
        if given == "-" or not path.exists():
            continue
        start = path.resolve()
        folder = start if start.is_dir() else start.parent
        top = here if _within(folder, here) else folder
        for candidate in (folder, *folder.parents):
            if not _within(candidate, top):
                break
            dot_git = candidate / ".git"
            try:
                present = dot_git.exists() or dot_git.is_symlink()
            except OSError:  # a folder that cannot be searched (no permission): no revision
                break
            if present:
                return read_revision(dot_git)
    return None
