"""`hdslint aws` as users run it: the real command, a moto server, AWS_ENDPOINT_URL."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from hdslint.commands.aws import TerminalProgress
from hdslint.schemas import load_schema
from hdslint.sources.aws.permissions import shipped_policy
from tests.sources.aws.conftest import ACCOUNT, seed_account

Cli = Callable[..., tuple[int, str, str]]


def hdslint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hdslint", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=dict(os.environ),
    )


@pytest.mark.slow
@pytest.mark.usefixtures("aws_env")
def test_end_to_end_against_moto_through_aws_endpoint_url(tmp_path: Path) -> None:
    arn = seed_account()
    live = hdslint(
        "aws", "--region", "eu-west-3,us-east-1", "--save", "evidence/inventory.json", cwd=tmp_path
    )
    assert (live.returncode, live.stderr) == (1, "")  # no progress when stderr is not a TTY
    lines = live.stdout.splitlines()
    assert lines[:4] == [
        f"backup:ListBackupPlans  critical HDS-FLOW-001  {arn['plan:offsite']}",
        "    Health data replicated, copied or backed up outside the EEA: is copied to"
        f" {arn['vault:us-east-2']}: us-east-2 (United States) is outside the EEA",
        "",
        "backup:ListBackupSelections  unknown  HDS-EVAL-001  aws:coverage:backup:eu-west-3",
    ]
    failed = [line.split("  ")[-1] for line in lines if "  critical " in line]
    assert failed == [
        arn["plan:offsite"],
        arn["snapshot"],
        arn["snapshot:us-east-1"],
        arn["db:patients"],
        arn["bucket:us-east-1"],
    ]
    # What moto does not implement is reported, not passed over.
    unknown = sorted(line.split("  ")[-1] for line in lines if "  unknown " in line)
    assert unknown == [
        "aws:coverage:backup:eu-west-3",  # ListBackupSelections
        "aws:coverage:elasticache:eu-west-3",  # DescribeServerlessCaches
        "aws:coverage:elasticache:us-east-1",
        "aws:coverage:rds:eu-west-3",  # DescribeDBClusterAutomatedBackups
        "aws:coverage:rds:us-east-1",
    ]
    table = lines[lines.index("Coverage: what was read, by region and service") :]
    assert table[1].split() == [
        "region",
        "s3",
        "rds",
        "dynamodb",
        "ebs",
        "efs",
        "backup",
        "elasticache",
        "redshift",
        "opensearch",
        "kinesis",
        "sqs",
        "sns",
        "logs",
        "secretsmanager",
        "ecr",
    ]
    assert table[2].split() == ["eu-west-3", "ok", "ER", "ok", "ok", "ok", "ER", "ER", *["ok"] * 8]
    assert table[3].split() == ["us-east-1", "ok", "ER", "ok", "ok", "ok", "ok", "ER", *["ok"] * 8]
    assert table[5] == "25 of 30 service-region pairs read in full"
    assert table[-1].startswith(f"Account {ACCOUNT} read as arn:aws:sts::{ACCOUNT}:user/moto: ")

    # The saved inventory, re-evaluated offline, gives the same report (less the table).
    offline = hdslint("scan", "evidence/inventory.json", cwd=tmp_path)
    assert (offline.returncode, offline.stderr) == (1, "")
    assert live.stdout.startswith(offline.stdout)
    assert live.stdout[len(offline.stdout) :].startswith("\nCoverage: ")


@pytest.mark.usefixtures("aws_env")
def test_several_reports_from_one_scan(cli: Cli, tmp_path: Path) -> None:
    seed_account()
    report = tmp_path / "aws.json"
    code, out, err = cli(
        "aws", "-r", "us-east-1", "-f", "text", "-f", f"json={report}", "--fail-on", "critical"
    )
    assert (code, err) == (1, "")
    document = json.loads(report.read_text())
    jsonschema.validate(document, load_schema("hdslint.schemas", "output.schema.json"))
    first = document["findings"][0]
    assert (first["resource"]["source"], first["location"]["file"], first["location"]["line"]) == (
        "aws",
        None,
        None,
    )
    assert "Coverage" not in report.read_text()  # the table belongs to the text report
    lines = out.splitlines()
    table = lines[lines.index("Coverage: what was read, by region and service") :]
    assert [row.split()[0] for row in table[1:3]] == ["region", "us-east-1"]
    assert table[-1].startswith(f"Account {ACCOUNT} read as ")


@pytest.mark.usefixtures("aws_env")
def test_fail_on_none_exits_0(cli: Cli) -> None:
    seed_account()
    assert cli("aws", "-r", "us-east-1", "--fail-on", "none", "-q")[0] == 0


def test_iam_policy_is_printed(cli: Cli) -> None:
    code, out, err = cli("aws", "--iam-policy")
    assert (code, err) == (0, "")
    assert json.loads(out) == shipped_policy()


@pytest.mark.usefixtures("aws_env")
def test_an_unknown_profile_is_a_one_line_error(cli: Cli) -> None:
    assert cli("aws", "--profile", "nope") == (
        2,
        "",
        "hdslint: error: AWS profile not found: nope\n",
    )


@pytest.mark.usefixtures("aws_env")
def test_missing_credentials_are_a_one_line_error(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    assert cli("aws", "-r", "eu-west-3") == (
        2,
        "",
        "hdslint: error: cannot authenticate to AWS: Unable to locate credentials\n",
    )


@pytest.mark.usefixtures("aws_env")
def test_an_unknown_region_is_a_one_line_error(cli: Cli) -> None:
    code, out, err = cli("aws", "-r", "eu-west-9")
    assert (code, out) == (2, "")
    assert err.startswith(
        "hdslint: error: unknown region eu-west-9 (this account's enabled regions: af-south-1,"
    )


def test_progress_rewrites_one_line_and_clears_it() -> None:
    stream = io.StringIO()
    progress = TerminalProgress(stream)
    progress(1, 3, "rds", "eu-west-3")
    progress(2, 3, "s3", "*")
    progress.close()
    text = stream.getvalue()
    assert text.startswith("\r\033[Khdslint aws: 1/3 service-region reads done (rds eu-west-3, ")
    assert "\r\033[Khdslint aws: 2/3 service-region reads done (s3 all regions, " in text
    assert text.endswith("\r\033[K")
