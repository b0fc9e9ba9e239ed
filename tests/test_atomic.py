"""Reports and cache entries are written through a private temporary file, then renamed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from hdslint.atomic import private_file, write_text_atomically


def test_a_private_file_is_new_and_readable_by_its_owner_only(tmp_path: Path) -> None:
    descriptor, path = private_file(tmp_path, ".tmp-")
    os.write(descriptor, b"x")
    os.close(descriptor)
    assert path.parent == tmp_path and path.name.startswith(".tmp-")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes() == b"x"
    second, other = private_file(tmp_path, ".tmp-")
    os.close(second)
    assert other != path


def test_a_private_file_never_opens_what_is_already_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "elsewhere"
    (tmp_path / ".tmp-000000000000").symlink_to(target)
    monkeypatch.setattr(os, "urandom", bytes)  # always the same name (zeros)
    with pytest.raises(FileExistsError):
        private_file(tmp_path, ".tmp-")
    assert not target.exists()


def test_a_report_is_replaced_whole_with_the_usual_permissions(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text("old")
    write_text_atomically(report, "new")
    assert report.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(report.stat().st_mode) == 0o666 & ~umask
