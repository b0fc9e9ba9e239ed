"""A folder that cannot be listed is an input error (exit 2) naming it, never skipped in
silence, and never an internal error when it is the folder given to scan.

Tests run as root in some containers, where permissions do not stop reads: there, listing
is refused by a stand-in for the kernel (`os.scandir` raising EACCES, what it raises for a
folder without read permission); elsewhere real permissions are used too."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hdslint.cli import main

BAD = 'provider "aws" { region = "us-east-1" }\nresource "aws_s3_bucket" "x" {}\n'


def refuse_listing(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    real = os.scandir
    refused = str(folder.resolve())

    def scandir(path: str | os.PathLike[str] = ".") -> Iterator[os.DirEntry[str]]:
        if os.path.abspath(os.fspath(path)) == refused:  # noqa: PTH100 - what os.walk passes
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)  # type: ignore[return-value]

    monkeypatch.setattr(os, "scandir", scandir)


@pytest.fixture(
    params=[
        "stand-in",
        pytest.param(
            "permissions",
            marks=pytest.mark.skipif(
                not hasattr(os, "geteuid") or os.geteuid() == 0,
                reason="permissions do not stop root",
            ),
        ),
    ]
)
def make_unreadable(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[Path], None]]:
    chmodded: list[Path] = []

    def apply(folder: Path) -> None:
        if request.param == "stand-in":
            refuse_listing(monkeypatch, folder)
        else:
            folder.chmod(0)
            chmodded.append(folder)

    yield apply
    for folder in chmodded:
        folder.chmod(0o755)  # so that pytest can remove it


def test_an_unreadable_subfolder_is_an_input_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    make_unreadable: Callable[[Path], None],
) -> None:
    (tmp_path / "infra" / "secret").mkdir(parents=True)
    (tmp_path / "infra" / "main.tf").write_text(BAD)
    (tmp_path / "infra" / "secret" / "main.tf").write_text(BAD)
    make_unreadable(tmp_path / "infra" / "secret")
    monkeypatch.chdir(tmp_path)
    code = main(["scan", "infra", "-q", "--no-cache"])
    assert (code, capsys.readouterr().out.splitlines()) == (
        2,
        [
            "error  infra/secret: cannot read directory: Permission denied",
            "infra/main.tf:2  critical HDS-LOC-001  aws_s3_bucket.x"
            "  Health data stored outside the EEA",
        ],
    )


def test_an_unreadable_folder_given_to_scan_is_an_input_error_not_an_internal_one(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    make_unreadable: Callable[[Path], None],
) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "main.tf").write_text(BAD)
    (tmp_path / "open").mkdir()
    (tmp_path / "open" / "main.tf").write_text(BAD)
    make_unreadable(tmp_path / "locked")
    monkeypatch.chdir(tmp_path)
    code = main(["scan", "locked", "open", "-q", "--no-cache"])
    captured = capsys.readouterr()
    assert (code, captured.out.splitlines(), captured.err) == (
        2,
        [
            "error  locked: cannot read directory: Permission denied",
            "open/main.tf:2  critical HDS-LOC-001  aws_s3_bucket.x"
            "  Health data stored outside the EEA",
        ],
        "",
    )
    assert main(["scan", "locked", "-q", "--no-cache"]) == 2
    assert capsys.readouterr().out == "error  locked: cannot read directory: Permission denied\n"
