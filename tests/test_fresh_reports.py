"""A scan run twice never prints a stale report: whatever changed between the runs (a file
edited within the same second to the same length, a TF_VAR_* variable, the configuration, a
policy, the baseline, the scanned folder's contents, a symlink's target, `.terraform/modules/modules.json`,
the day) is seen by the second run, and an unchanged project gives the same report and exit
code, replayed without scanning (hdslint.replay)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from hdslint.files import ReadLog
from tests.conftest import write_tree

Cli = Callable[..., tuple[int, str, str]]

US = 'provider "aws" { region = "us-east-1" }\nresource "aws_s3_bucket" "b" {}\n'
EU = 'provider "aws" { region = "eu-west-3" }\nresource "aws_s3_bucket" "b" {}\n'
BY_VARIABLE = (
    'variable "region" {}\nprovider "aws" { region = var.region }\n'
    'resource "aws_s3_bucket" "b" {}\n'
)
POLICY = """\
id: CUSTOM-001
title: Buckets are named
severity: high
activities: [1]
references: ["HDS-v2:EXI-28"]
description: Every bucket has a name.
remediation: Name it.
select: {types: [aws_s3_bucket]}
condition: {key: attributes.bucket, op: present}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_tree(tmp_path / "p", {"main.tf": US})


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The scans really run (a replayed report runs none)."""
    import hdslint.commands.scanning
    import hdslint.scan

    run_scan = hdslint.scan.run_scan
    ran: list[str] = []

    def counted(
        options: hdslint.scan.ScanOptions, log: ReadLog | None = None
    ) -> hdslint.scan.ScanResult:
        ran.append(",".join(options.paths))
        return run_scan(options, log)

    monkeypatch.setattr(hdslint.commands.scanning, "run_scan", counted)
    return ran


def test_an_unchanged_project_gives_the_same_report_and_exit_code(
    cli: Cli, project: Path, scans: list[str]
) -> None:
    first = cli("scan", "p", "--format", "json")
    assert first[0] == 1
    assert cli("scan", "p", "--format", "json") == first
    assert scans == ["p"]  # the second report is replayed
    # Another request is another report.
    assert cli("scan", "p", "--format", "sarif")[0] == 1
    assert scans == ["p", "p"]


def test_no_replay_without_the_cache(cli: Cli, project: Path, scans: list[str]) -> None:
    first = cli("scan", "p", "--no-cache")
    assert cli("scan", "p", "--no-cache") == first
    assert scans == ["p", "p"]


def test_a_same_length_edit_within_the_same_second_is_seen(cli: Cli, project: Path) -> None:
    target = project / "main.tf"
    assert cli("scan", "p")[0] == 1
    stamp = target.stat().st_mtime_ns
    assert len(EU) == len(US)
    target.write_text(EU)
    os.utime(target, ns=(stamp, stamp))  # same size, same modification time
    assert cli("scan", "p")[0] == 0


def test_a_changed_tf_var_is_seen(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path / "p", {"main.tf": BY_VARIABLE})
    monkeypatch.setenv("TF_VAR_region", "us-east-1")
    assert cli("scan", "p")[0] == 1
    monkeypatch.setenv("TF_VAR_region", "eu-west-3")
    assert cli("scan", "p")[0] == 0


def test_a_changed_configuration_is_seen(cli: Cli, project: Path, tmp_path: Path) -> None:
    assert cli("scan", "p")[0] == 1
    (tmp_path / ".hdslint.yaml").write_text("fail_on: none\n")
    assert cli("scan", "p")[0] == 0
    (tmp_path / ".hdslint.yaml").write_text("fail_on: low\n")
    assert cli("scan", "p")[0] == 1


def test_a_changed_policy_is_seen(cli: Cli, project: Path, tmp_path: Path) -> None:
    (project / "main.tf").write_text(EU)
    write_tree(tmp_path, {".hdslint.yaml": "policies:\n  paths: [policies]\n"})
    policy = tmp_path / "policies" / "custom.yaml"
    write_tree(tmp_path, {"policies/custom.yaml": POLICY})
    code, out, _ = cli("scan", "p", "--format", "json")
    assert code == 1
    assert '"policy_id": "CUSTOM-001"' in out
    policy.write_text(POLICY.replace("severity: high", "severity: info"))
    code, out, _ = cli("scan", "p", "--format", "json", "--fail-on", "low")
    assert code == 0
    assert '"severity": "info"' in out


def test_a_changed_baseline_is_seen(cli: Cli, project: Path, tmp_path: Path) -> None:
    """The baseline named on the command line (outside the scanned folder) is read through
    the scan's file access, so its content is part of what a replay checks."""
    baseline = tmp_path / "b.json"
    assert cli("baseline", "p", "--output", str(baseline))[0] == 0
    assert cli("scan", "p", "--baseline", str(baseline))[0] == 0
    written = baseline.read_text("utf-8")
    start = written.index('"findings": [')
    baseline.write_text(written[:start] + '"findings": []\n}\n', "utf-8")
    assert cli("scan", "p", "--baseline", str(baseline))[0] == 1


def test_a_new_file_in_a_scanned_folder_is_seen(cli: Cli, project: Path) -> None:
    cli("scan", "p")
    write_tree(project, {"sub/main.tf": US})
    _code, out, _ = cli("scan", "p")
    assert "sub/main.tf" in out


def test_the_report_file_is_written_on_every_run(cli: Cli, project: Path, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    cli("scan", "p", "-o", "out/report.txt")
    (tmp_path / "out" / "report.txt").unlink()
    cli("scan", "p", "-o", "out/report.txt")
    assert "aws_s3_bucket.b" in (tmp_path / "out" / "report.txt").read_text()


def test_a_scan_leaves_os_stat_alone(
    cli: Cli, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No report replay patching os.stat (nor an audit hook) while a scan runs."""
    import hdslint.commands.scanning
    import hdslint.scan

    real_stat, real_lstat = os.stat, os.lstat
    seen: list[bool] = []
    run_scan = hdslint.scan.run_scan

    def watched(
        options: hdslint.scan.ScanOptions, log: ReadLog | None = None
    ) -> hdslint.scan.ScanResult:
        seen.append(os.stat is real_stat and os.lstat is real_lstat)
        return run_scan(options, log)

    monkeypatch.setattr(hdslint.commands.scanning, "run_scan", watched)
    cli("scan", "p")
    assert seen == [True]


def test_a_removed_file_is_seen(cli: Cli, project: Path, scans: list[str]) -> None:
    write_tree(project, {"other.tf": 'resource "aws_s3_bucket" "c" {}\n'})
    assert "aws_s3_bucket.c" in cli("scan", "p")[1]
    (project / "other.tf").unlink()
    assert "aws_s3_bucket.c" not in cli("scan", "p")[1]
    assert len(scans) == 2


def test_a_retargeted_symlink_is_seen(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scans: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path / "p", {"us.tf.txt": US, "eu.tf.txt": EU})
    (tmp_path / "p" / "main.tf").symlink_to("us.tf.txt")
    assert cli("scan", "p")[0] == 1
    assert cli("scan", "p")[0] == 1
    assert len(scans) == 1
    (tmp_path / "p" / "main.tf").unlink()
    (tmp_path / "p" / "main.tf").symlink_to("eu.tf.txt")
    assert cli("scan", "p")[0] == 0
    assert len(scans) == 2


def test_a_changed_module_manifest_is_seen(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scans: list[str]
) -> None:
    """`.terraform/modules/modules.json` (skipped by discovery, read for the module call)
    says which downloaded folder a module is."""
    monkeypatch.chdir(tmp_path)

    def manifest(folder: str) -> str:
        return (
            '{"Modules": [{"Key": "", "Source": "", "Dir": "."}, {"Key": "m", "Source":'
            f' "registry.terraform.io/x/s3/aws", "Dir": ".terraform/modules/{folder}"}}]}}'
        )

    write_tree(
        tmp_path / "p",
        {
            "main.tf": 'module "m" {\n  source = "x/s3/aws"\n}\n',
            ".terraform/modules/modules.json": manifest("us"),
            ".terraform/modules/us/main.tf": US,
            ".terraform/modules/eu/main.tf": EU,
        },
    )
    assert cli("scan", "p")[0] == 1
    assert cli("scan", "p")[0] == 1
    assert len(scans) == 1
    (tmp_path / "p" / ".terraform" / "modules" / "modules.json").write_text(manifest("eu"))
    assert cli("scan", "p")[0] == 0
    assert len(scans) == 2


def test_another_day_is_another_scan(
    cli: Cli, project: Path, monkeypatch: pytest.MonkeyPatch, scans: list[str]
) -> None:
    """Certificates expire: a report is replayed on the day it was made only."""
    import datetime as dt

    cli("scan", "p")
    cli("scan", "p")
    assert len(scans) == 1
    monkeypatch.setattr("hdslint.clock.today", lambda: dt.date(2031, 1, 1))
    cli("scan", "p")
    assert len(scans) == 2


def test_a_changed_environment_variable_is_another_scan(
    cli: Cli, project: Path, monkeypatch: pytest.MonkeyPatch, scans: list[str]
) -> None:
    cli("scan", "p")
    monkeypatch.setenv("AWS_REGION", "eu-west-3")
    cli("scan", "p")
    monkeypatch.setenv("HDSLINT_MAX_WORKERS", "3")
    cli("scan", "p")
    cli("scan", "p")
    assert len(scans) == 3


def test_no_replay_from_a_cache_inside_the_scanned_folder(
    cli: Cli, project: Path, monkeypatch: pytest.MonkeyPatch, scans: list[str]
) -> None:
    """A scanned repository could have committed entries: a cache folder inside a scanned
    folder is never used, for reports as for parses."""
    monkeypatch.setenv("HDSLINT_CACHE_DIR", str(project / ".cache"))
    cli("scan", "p")
    cli("scan", "p")
    assert len(scans) == 2
    assert not (project / ".cache").exists()


def test_no_replay_when_the_configuration_turns_the_cache_off(
    cli: Cli, project: Path, tmp_path: Path, scans: list[str]
) -> None:
    (tmp_path / ".hdslint.yaml").write_text("cache:\n  enabled: false\n")
    cli("scan", "p")
    cli("scan", "p")
    assert len(scans) == 2


def test_stored_reports_are_owner_only(cli: Cli, project: Path, tmp_path: Path) -> None:
    cli("scan", "p")
    stored = [p for p in (tmp_path / "cache" / "hdslint").glob("reports-*/*/*") if p.is_file()]
    assert len(stored) == 1
    assert stored[0].stat().st_mode & 0o777 == 0o600
    assert stored[0].parent.stat().st_mode & 0o777 == 0o700


def test_standard_error_is_replayed(cli: Cli, project: Path, scans: list[str]) -> None:
    first = cli("scan", "p", "--severity", "info")
    assert "not shown (--severity info)" in first[2]
    assert cli("scan", "p", "--severity", "info") == first
    assert len(scans) == 1


def test_an_entry_under_another_key_is_never_replayed(
    cli: Cli, project: Path, tmp_path: Path, scans: list[str]
) -> None:
    """An entry is bound to its key: a stored report copied under another request's key
    (what a hostile writer of the cache folder could try) is a miss, and the scan runs."""
    cli("scan", "p", "--format", "json")
    folder = next((tmp_path / "cache" / "hdslint").glob("reports-*"))
    (stored,) = [p for p in folder.glob("*/*") if p.is_file()]
    cli("scan", "p", "--format", "sarif")
    (other,) = [p for p in folder.glob("*/*") if p.is_file() and p != stored]
    other.write_bytes(stored.read_bytes())
    code, out, _ = cli("scan", "p", "--format", "sarif")
    assert code == 1 and out.lstrip().startswith("{") and '"$schema"' in out
    assert len(scans) == 3
