"""Replayed reports: a scan is replayed only when nothing it looked at has changed."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from hdslint import resultcache
from hdslint.commands import scan as scan_command
from tests.conftest import write_tree

Cli = Callable[..., tuple[int, str, str]]

US = 'provider "aws" { region = "us-east-1" }\nresource "aws_s3_bucket" "b" {}\n'
EU = 'provider "aws" { region = "eu-west-3" }\nresource "aws_s3_bucket" "b" {}\n'
CALLS_MISSING = (
    'provider "aws" { region = "eu-west-3" }\nmodule "store" {\n  source = "./modules/store"\n}\n'
)

pytestmark = pytest.mark.skipif(not resultcache.supported(), reason="replay is POSIX only")


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the scans that really ran (a replay does not call scan_and_render)."""
    calls: list[int] = []
    real = scan_command.scan_and_render

    def counted(**kwargs: object) -> tuple[str, int]:
        calls.append(1)
        return real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(scan_command, "scan_and_render", counted)
    return calls


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_tree(tmp_path / "p", {"main.tf": US})


def test_an_unchanged_scan_is_replayed_with_the_same_report_and_exit_code(
    cli: Cli, project: Path, scans: list[int]
) -> None:
    first = cli("scan", "p", "--format", "json")
    second = cli("scan", "p", "--format", "json")
    assert first[0] == 1
    assert second == first
    assert len(scans) == 1


def test_a_changed_file_is_scanned_again(cli: Cli, project: Path, scans: list[int]) -> None:
    assert cli("scan", "p")[0] == 1
    (project / "main.tf").write_text(EU)
    assert cli("scan", "p")[0] == 0
    assert cli("scan", "p")[0] == 0
    assert len(scans) == 2


def test_a_new_file_in_a_scanned_folder_is_scanned_again(
    cli: Cli, project: Path, scans: list[int]
) -> None:
    cli("scan", "p")
    (project / "sub").mkdir()
    (project / "sub" / "main.tf").write_text(US)
    _code, out, _ = cli("scan", "p")
    assert "sub/main.tf" in out
    assert len(scans) == 2


def test_a_module_folder_that_appears_is_seen(cli: Cli, project: Path, scans: list[int]) -> None:
    (project / "main.tf").write_text(CALLS_MISSING)
    _code, out, _ = cli("scan", "p", "--format", "json")
    assert "does not exist" in out
    store = project / "modules" / "store"
    store.mkdir(parents=True)
    (store / "main.tf").write_text('resource "aws_s3_bucket" "x" {}\n')
    _code, out, _ = cli("scan", "p", "--format", "json")
    assert "does not exist" not in out
    assert len(scans) == 2


def test_a_configuration_file_that_appears_is_seen(
    cli: Cli, project: Path, scans: list[int], tmp_path: Path
) -> None:
    assert cli("scan", "p")[0] == 1
    (tmp_path / ".hdslint.yaml").write_text("fail_on: none\n")
    assert cli("scan", "p")[0] == 0
    assert len(scans) == 2


def test_other_options_or_variables_are_another_scan(
    cli: Cli, project: Path, scans: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("scan", "p")
    cli("scan", "p", "--fail-on", "none")
    cli("scan", "p", "--format", "json")
    monkeypatch.setenv("TF_VAR_region", "eu-west-3")
    cli("scan", "p")
    assert len(scans) == 4


def test_the_date_is_part_of_the_key() -> None:
    options = {"paths": ["p"]}
    today = resultcache.request_key(options, {}, today=dt.date(2026, 11, 28))
    assert today == resultcache.request_key(options, {}, today=dt.date(2026, 11, 28))
    assert today != resultcache.request_key(options, {}, today=dt.date(2026, 11, 29))
    # variables that change between shells do not matter
    assert today == resultcache.request_key(
        options, {"OLDPWD": "/x", "SHLVL": "3"}, today=dt.date(2026, 11, 28)
    )


@pytest.mark.parametrize(
    ("args", "env"),
    [(("--no-cache",), {}), ((), {"HDSLINT_NO_CACHE": "1"})],
)
def test_no_cache_always_scans_and_stores_nothing(
    cli: Cli,
    project: Path,
    scans: list[int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    env: dict[str, str],
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    cli("scan", "p", *args)
    cli("scan", "p", *args)
    assert len(scans) == 2
    assert not (tmp_path / "cache" / "hdslint").exists()


def test_the_configuration_can_turn_the_cache_off(
    cli: Cli, project: Path, scans: list[int], tmp_path: Path
) -> None:
    (tmp_path / ".hdslint.yaml").write_text("cache:\n  enabled: false\n")
    cli("scan", "p")
    cli("scan", "p")
    assert len(scans) == 2
    assert not (tmp_path / "cache" / "hdslint").exists()


def test_the_configuration_can_move_the_cache(
    cli: Cli, project: Path, scans: list[int], tmp_path: Path
) -> None:
    (tmp_path / ".hdslint.yaml").write_text("cache:\n  directory: .hdslint-cache\n")
    cli("scan", "p")
    cli("scan", "p")
    assert len(scans) == 1
    assert (tmp_path / ".hdslint-cache").is_dir()
    assert not (tmp_path / "cache" / "hdslint").exists()


def test_a_scan_that_wrote_a_file_is_not_replayed(
    cli: Cli, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = scan_command.scan_and_render

    def writes(**kwargs: object) -> tuple[str, int]:
        calls.append(1)
        (tmp_path / "side-effect.txt").write_text("written by the scan")
        return real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(scan_command, "scan_and_render", writes)
    cli("scan", "p")
    cli("scan", "p")
    assert len(calls) == 2


def test_what_the_scan_said_on_stderr_is_said_again(
    cli: Cli, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = scan_command.scan_and_render

    def warns(**kwargs: object) -> tuple[str, int]:
        print("hdslint: warning: the registry is old", file=sys.stderr)
        return real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(scan_command, "scan_and_render", warns)
    first = cli("scan", "p")
    monkeypatch.setattr(scan_command, "scan_and_render", real)
    second = cli("scan", "p")
    assert second == first
    assert first[2] == "hdslint: warning: the registry is old\n"


def test_the_report_file_is_written_on_a_replay_too(
    cli: Cli, project: Path, scans: list[int], tmp_path: Path
) -> None:
    (tmp_path / "out").mkdir()
    cli("scan", "p", "-o", "out/report.txt")
    (tmp_path / "out" / "report.txt").unlink()
    cli("scan", "p", "-o", "out/report.txt")
    assert "aws_s3_bucket.b" in (tmp_path / "out" / "report.txt").read_text()
    assert len(scans) == 1


def test_a_damaged_replay_entry_means_a_real_scan(
    cli: Cli, project: Path, scans: list[int], tmp_path: Path
) -> None:
    cli("scan", "p")
    for entry in (tmp_path / "cache" / "hdslint").glob("results-*/*/*"):
        entry.write_bytes(entry.read_bytes()[:-3])
    cli("scan", "p")
    assert len(scans) == 2


def test_the_recorder_sees_reads_listings_and_checks(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "d").mkdir()
    with resultcache.recording([]) as recorder:
        (tmp_path / "a.txt").read_text()
        list((tmp_path / "d").iterdir())
        (tmp_path / "missing").exists()
    entries = {(kind, Path(path).name): state for (kind, path), state in recorder.entries.items()}
    assert entries[("r", "a.txt")][0] == "file"
    assert entries[("l", "d")] == ()
    assert entries[("s", "missing")][0] == "missing"
    assert recorder.tainted is None
    stored = tuple((k, p, s) for (k, p), s in recorder.entries.items())
    assert resultcache.unchanged(stored)
    (tmp_path / "a.txt").write_text("b")
    assert not resultcache.unchanged(stored)


def test_a_fifo_put_in_place_of_a_file_is_a_change_and_does_not_hang(tmp_path: Path) -> None:
    import os

    target = tmp_path / "main.tf"
    target.write_text(EU)
    with resultcache.recording([]) as recorder:
        target.read_text()
    stored = tuple((k, p, s) for (k, p), s in recorder.entries.items())
    target.unlink()
    os.mkfifo(target)
    assert not resultcache.unchanged(stored)


def test_several_reports_are_all_replayed(
    cli: Cli, project: Path, scans: list[int], tmp_path: Path
) -> None:
    (tmp_path / "out").mkdir()
    first = cli("scan", "p", "-f", "text", "-f", "json=out/r.json")
    report = (tmp_path / "out" / "r.json").read_text()
    (tmp_path / "out" / "r.json").unlink()
    second = cli("scan", "p", "-f", "text", "-f", "json=out/r.json")
    assert second == first
    assert (tmp_path / "out" / "r.json").read_text() == report
    assert len(scans) == 1


def test_standard_input_is_never_replayed(
    cli: Cli, project: Path, scans: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    manifest = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec: {}\n"
    for _ in range(2):
        monkeypatch.setattr(sys, "stdin", io.StringIO(manifest))
        cli("scan", "-")
    assert len(scans) == 2


def test_a_touched_file_with_the_same_content_is_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import time

    target = tmp_path / "main.tf"
    target.write_text(EU)
    old = 1_700_000_000_000_000_000
    os.utime(target, ns=(old, old))
    # Recorded as if a minute later: the file has settled, its stat alone will be checked.
    later = time.time_ns() + 60_000_000_000
    with monkeypatch.context() as patch, resultcache.recording([]) as recorder:
        patch.setattr(resultcache.time, "time_ns", lambda: later)
        target.read_text()
    stored = tuple((k, p, s) for (k, p), s in recorder.entries.items())
    assert recorder.entries[("r", str(target))][3] is True  # settled: no hash needed
    os.utime(target)  # touched: the stat differs, the hash says it is the same
    assert resultcache.unchanged(stored)
    target.write_text(US)  # same size and mtime set back: the change time still moved
    os.utime(target, ns=(old, old))
    assert len(US) == len(EU)
    assert not resultcache.unchanged(stored)
