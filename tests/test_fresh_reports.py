"""A scan run twice never prints a stale report: whatever changed between the runs (a file
edited within the same second to the same length, a TF_VAR_* variable, the configuration, a
policy, the scanned folder's contents) is seen by the second run, and an unchanged project
gives the same report and exit code (served from the parse cache, never from a replay)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

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


def test_an_unchanged_project_gives_the_same_report_and_exit_code(cli: Cli, project: Path) -> None:
    first = cli("scan", "p", "--format", "json")
    assert first[0] == 1
    assert cli("scan", "p", "--format", "json") == first


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
    import hdslint.scan

    real_stat, real_lstat = os.stat, os.lstat
    seen: list[bool] = []
    run_scan = hdslint.scan.run_scan

    def watched(options: hdslint.scan.ScanOptions) -> hdslint.scan.ScanResult:
        seen.append(os.stat is real_stat and os.lstat is real_lstat)
        return run_scan(options)

    monkeypatch.setattr(hdslint.scan, "run_scan", watched)
    cli("scan", "p")
    assert seen == [True]
