"""The scanned revision, read from git's files without running git."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hdslint.revision import MAX_SMALL_FILE, Revision, read_revision, scanned_revision
from tests.conftest import write_tree

A = "0123456789abcdef0123456789abcdef01234567"
B = "89abcdef0123456789abcdef0123456789abcdef"


def test_a_loose_ref_wins_over_packed_refs(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            ".git/HEAD": "ref: refs/heads/feature/x\n",
            ".git/refs/heads/feature/x": f"{A}\n",
            ".git/packed-refs": f"{B} refs/heads/feature/x\n",
        },
    )
    assert read_revision(tmp_path / ".git") == Revision(A, "refs/heads/feature/x")
    assert str(read_revision(tmp_path / ".git")) == f"git commit {A} (branch feature/x)"
    (tmp_path / ".git/refs/heads/feature/x").unlink()
    assert read_revision(tmp_path / ".git") == Revision(B, "refs/heads/feature/x")


def test_detached_head(tmp_path: Path) -> None:
    write_tree(tmp_path, {".git/HEAD": f"{A}\n"})
    assert str(read_revision(tmp_path / ".git")) == f"git commit {A} (detached HEAD)"


def test_a_worktree_reads_its_head_and_the_shared_refs(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "main/.git/refs/heads/topic": f"{B}\n",
            "main/.git/worktrees/topic/HEAD": "ref: refs/heads/topic\n",
            "main/.git/worktrees/topic/commondir": "../..\n",
            "topic/.git": f"gitdir: {tmp_path / 'main/.git/worktrees/topic'}\n",
        },
    )
    assert read_revision(tmp_path / "topic/.git") == Revision(B, "refs/heads/topic")


@pytest.mark.parametrize(
    "head",
    [
        "ref: refs/heads/../../../etc/passwd\n",  # leaves the git folder
        "ref: HEAD\n",  # not a branch
        "not a commit\n",
        "ref: refs/heads/missing\n",  # no such ref
    ],
)
def test_what_is_not_a_revision_is_unknown(tmp_path: Path, head: str) -> None:
    write_tree(tmp_path, {".git/HEAD": head, ".git/refs/heads/main": f"{A}\n"})
    assert read_revision(tmp_path / ".git") is None


def test_special_and_large_files_are_not_read(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    os.mkfifo(tmp_path / ".git" / "HEAD")  # would block a plain read
    assert read_revision(tmp_path / ".git") is None
    (tmp_path / ".git" / "HEAD").unlink()
    (tmp_path / ".git" / "HEAD").write_text(A + "\n" * MAX_SMALL_FILE)
    assert read_revision(tmp_path / ".git") is None
    (tmp_path / ".git" / "HEAD").unlink()
    (tmp_path / "elsewhere").write_text(f"{A}\n")
    (tmp_path / ".git" / "HEAD").symlink_to(tmp_path / "elsewhere")
    assert read_revision(tmp_path / ".git") is None


def test_the_search_stays_inside_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {".git/HEAD": f"{A}\n", "repo/infra/main.tf": "", "other/x.tf": ""})
    monkeypatch.chdir(tmp_path / "repo")
    # The checkout's root is above the working directory: not read.
    assert scanned_revision(["infra"]) is None
    monkeypatch.chdir(tmp_path)
    assert scanned_revision(["-", "missing", "repo/infra"]) == Revision(A, None)
    # A scanned folder outside the working directory: searched inside that folder only.
    monkeypatch.chdir(tmp_path / "other")
    assert scanned_revision([str(tmp_path / "repo/infra")]) is None
