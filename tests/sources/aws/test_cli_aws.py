"""`hdslint aws` as users run it: the real command, a moto server, AWS_ENDPOINT_URL."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import jsonschema
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

from hdslint.commands.aws import terminal_progress
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


def moto_lacks(service: str, operation: str, params: dict[str, Any]) -> bool:
    """Whether the moto under test leaves `operation` unimplemented (an HTTP 500 page)."""
    client = boto3.client(
        service, region_name="eu-west-3", config=Config(retries={"total_max_attempts": 1})
    )
    try:
        getattr(client, xform_name(operation))(**params)
    except ClientError as exc:
        return exc.response["ResponseMetadata"].get("HTTPStatusCode") == 500
    except ResponseParserError:
        return True
    return False


SERVICES = [
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


@pytest.mark.slow
@pytest.mark.usefixtures("aws_env")
def test_end_to_end_against_moto_through_aws_endpoint_url(tmp_path: Path) -> None:
    arn = seed_account()
    # The real command, through AWS_ENDPOINT_URL only: nothing fills moto's gaps here, so
    # the read operations this moto lacks must come out as coverage errors, not passes.
    regions = ["eu-west-3", "us-east-1"]
    gaps = {
        ("rds", region)
        for region in regions
        if moto_lacks("rds", "DescribeDBClusterAutomatedBackups", {})
    }
    gaps |= {
        ("elasticache", region)
        for region in regions
        if moto_lacks("elasticache", "DescribeServerlessCaches", {})
    }
    if moto_lacks("backup", "ListBackupSelections", {"BackupPlanId": "none"}):
        gaps.add(("backup", "eu-west-3"))  # the seeded plans are in Paris
    (tmp_path / "evidence").mkdir()
    live = hdslint(
        "aws", "--region", ",".join(regions), "--save", "evidence/inv.json", cwd=tmp_path
    )
    assert (live.returncode, live.stderr) == (1, "")  # no progress when stderr is not a TTY
    lines = live.stdout.splitlines()
    assert lines[:2] == [
        f"backup:ListBackupPlans  critical HDS-FLOW-001  {arn['plan:offsite']}",
        "    Health data replicated, copied or backed up outside the EEA: is copied to"
        f" {arn['vault:us-east-2']}: us-east-2 (United States) is outside the EEA",
    ]
    failed = [line.split("  ")[-1] for line in lines if "  critical " in line]
    assert failed == [
        arn["plan:offsite"],
        arn["snapshot"],
        arn["snapshot:us-east-1"],
        arn["db:patients"],
        arn["bucket:us-east-1"],
    ]
    unknown = sorted(line.split("  ")[-1] for line in lines if ", not evaluated " in line)
    assert unknown == sorted(f"aws:coverage:{s}:{r}" for s, r in gaps)
    table = lines[lines.index("Coverage: what was read, by region and service") :]
    assert table[1].split() == ["region", *SERVICES]
    for row, region in zip(table[2:4], regions, strict=True):
        expected = ["ER" if (s, region) in gaps else "ok" for s in SERVICES]
        assert row.split() == [region, *expected]
    assert table[5] == (
        f"{30 - len(gaps)} of 30 service-region pairs read in full"
        if gaps
        else "all 30 service-region pairs read in full"
    )
    assert table[-1].startswith(f"Account {ACCOUNT} read as arn:aws:sts::{ACCOUNT}:user/moto: ")

    # The saved inventory, re-evaluated offline, gives the same report (less the table).
    offline = hdslint("scan", "evidence/inv.json", cwd=tmp_path)
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


@pytest.mark.usefixtures("aws_env")
def test_an_endpoint_that_is_not_a_url_is_a_usage_error(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "not-a-url")
    assert cli("aws", "-r", "eu-west-3") == (
        2,
        "",
        "hdslint: error: invalid AWS endpoint URL 'not-a-url' (from AWS_ENDPOINT_URL):"
        " expected a URL such as https://host:port\n",
    )


@pytest.mark.usefixtures("aws_env")
def test_a_service_endpoint_that_is_not_a_url_is_a_usage_error(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # STS and EC2 answer (moto); the S3 client cannot be made, before any S3 call.
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "s3 here")
    assert cli("aws", "-r", "eu-west-3") == (
        2,
        "",
        "hdslint: error: invalid AWS endpoint URL 's3 here' (from AWS_ENDPOINT_URL_S3):"
        " expected a URL such as https://host:port\n",
    )


def test_a_role_arn_that_is_not_one_is_a_usage_error(cli: Cli) -> None:
    # Refused before any credential or network is looked at.
    assert cli("aws", "--role-arn", "notanarn") == (
        2,
        "",
        "hdslint: error: --role-arn notanarn: not an IAM role ARN"
        " (arn:aws:iam::123456789012:role/NAME)\n",
    )


def test_a_multi_line_botocore_message_is_kept_on_one_line() -> None:
    from botocore.exceptions import ParamValidationError

    from hdslint.sources.aws.session import _describe

    exc = ParamValidationError(report="Invalid length for parameter RoleArn, value: 8")
    assert _describe(exc) == (
        "Parameter validation failed: Invalid length for parameter RoleArn, value: 8"
    )


def test_progress_rewrites_one_line_and_clears_it() -> None:
    stream = io.StringIO()
    progress = terminal_progress(stream)
    progress(1, 3, "rds", "eu-west-3")
    progress(2, 3, "s3", "eu-west-3")  # within 0.1 s of the last: not redrawn
    progress(3, 3, "s3", "*")  # the last one always is
    progress.close()
    first = "hdslint aws: 1/3 service-region reads done (rds eu-west-3, 0 s)"
    last = "hdslint aws: 3/3 service-region reads done (s3 all regions, 0 s)"
    assert stream.getvalue() == (f"\r{first}\r{last.ljust(len(first))}\r{' ' * len(last)}\r")
