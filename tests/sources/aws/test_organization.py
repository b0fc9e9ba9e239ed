"""`hdslint aws --org`: an Organization of three member accounts on a moto server, one of
which refuses the role.

How the refusal is made (pinned here because moto does not check that a role exists:
`sts:AssumeRole` into any ARN succeeds): moto's IAM emulation is turned on
(`/moto-api/reset-auth`), the caller is an IAM user of the management account whose policy
allows everything but denies `sts:AssumeRole` on one member account's role, and each account
that is entered has the role, with a policy that lets it read. moto then answers that
AssumeRole with AccessDenied, as AWS does when a trust policy or an SCP refuses the caller.
Under the emulation moto rejects the signature of REST-JSON services (EFS, Backup, ...), so
these tests read S3 and DynamoDB only.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import jsonschema
import pytest
from botocore.config import Config

from hdslint.commands.aws import AwsOptions, run
from hdslint.commands.aws_org import inventory_document
from hdslint.report.build import build_report
from hdslint.scan import ScanOptions, run_scan
from hdslint.schemas import load_schema
from hdslint.sources.aws.organization import ORGANIZATION_OPERATIONS
from hdslint.sources.aws.session import ReadOnlyViolation
from hdslint.sources.inventory import dumps
from tests.sources.aws.conftest import ACCOUNT, CallLog, hooked_session

ROLE = "hdslint-audit"
SERVICES = ("s3", "dynamodb")
REGIONS = ("eu-west-3", "us-east-1")
ONE_TRY = Config(retries={"total_max_attempts": 1})
ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


@dataclass(frozen=True)
class Organization:
    paris: str  # a member with a bucket in Paris
    virginia: str  # a member with a bucket in Virginia
    refusing: str  # a member whose role the caller may not assume


def _set_auth(endpoint: str, allowed: str) -> None:
    request = urllib.request.Request(
        f"{endpoint}/moto-api/reset-auth",
        method="POST",
        data=allowed.encode(),
        headers={"Content-Type": "text/plain"},
    )
    urllib.request.urlopen(request).read()


def _member(account: str) -> boto3.Session:
    credentials = boto3.client("sts", config=ONE_TRY).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{ROLE}", RoleSessionName="seed"
    )["Credentials"]
    return boto3.Session(
        credentials["AccessKeyId"],
        credentials["SecretAccessKey"],
        credentials["SessionToken"],
        region_name="eu-west-3",
    )


def _add_role(session: boto3.Session) -> None:
    iam = session.client("iam", config=ONE_TRY)
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
    }
    iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(RoleName=ROLE, PolicyName="read", PolicyDocument=json.dumps(ALLOW_ALL))


@pytest.fixture
def organization(aws_env: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Organization]:
    org = boto3.client("organizations", config=ONE_TRY)
    org.create_organization(FeatureSet="ALL")
    ids = [
        org.create_account(AccountName=name, Email=f"{name}@example.org")["CreateAccountStatus"][
            "AccountId"
        ]
        for name in ("paris", "virginia", "legacy")
    ]
    members = Organization(*ids)
    _add_role(boto3.Session(region_name="eu-west-3"))  # the management account's own
    for account in ids:
        session = _member(account)
        _add_role(session)
        if account == members.paris:
            session.client("s3", config=ONE_TRY).create_bucket(
                Bucket="records-paris",
                CreateBucketConfiguration={"LocationConstraint": "eu-west-3"},
            )
        if account == members.virginia:
            session.client("s3", region_name="us-east-1", config=ONE_TRY).create_bucket(
                Bucket="exports-virginia"
            )
    iam = boto3.client("iam", config=ONE_TRY)
    iam.create_user(UserName="auditor")
    refuse = {
        "Effect": "Deny",
        "Action": "sts:AssumeRole",
        "Resource": f"arn:aws:iam::{members.refusing}:role/{ROLE}",
    }
    policy = {**ALLOW_ALL, "Statement": [*ALLOW_ALL["Statement"], refuse]}
    iam.put_user_policy(UserName="auditor", PolicyName="audit", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName="auditor")["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    _set_auth(aws_env, "0")
    try:
        yield members
    finally:
        _set_auth(aws_env, "inf")


def options(**overrides: Any) -> AwsOptions:
    base: dict[str, Any] = {
        "organization": True,
        "role_name": ROLE,
        "regions": REGIONS,
        "services": SERVICES,
        "formats": ("json",),
    }
    return AwsOptions(**{**base, **overrides})


def findings(report: str) -> list[tuple[str, str, str]]:
    return [
        (f["policy_id"], f["status"], f["resource"]["id"]) for f in json.loads(report)["findings"]
    ]


def test_every_account_is_read_but_the_one_that_refuses_the_role(
    organization: Organization, capsys: pytest.CaptureFixture[str]
) -> None:
    log = CallLog([])
    code = run(options(), session=hooked_session(log=log, fill_gaps=False))
    out, err = capsys.readouterr()
    org = organization
    denied = (
        f"account {org.refusing} (legacy) was not read: AccessDenied: cannot assume"
        f" arn:aws:iam::{org.refusing}:role/{ROLE}: User: arn:aws:iam::{ACCOUNT}:user/auditor"
        " is not authorized to perform: sts:AssumeRole"
    )
    assert code == 1
    assert findings(out) == [
        ("HDS-LOC-001", "fail", "arn:aws:s3:::exports-virginia"),
        ("HDS-EVAL-001", "not_evaluated", f"aws:account:{org.refusing}"),
    ]
    gap = json.loads(out)["findings"][1]
    assert gap["message"].endswith(denied)
    # Each finding names its account, as reports group them.
    assert [f["resource"]["account"] for f in json.loads(out)["findings"]] == [
        org.virginia,
        org.refusing,
    ]
    # The caller's own session made only the organization's calls (the accounts' reads are
    # made in their own sessions, each guarded by the collector).
    assert log.operations() == {
        ("sts", "GetCallerIdentity"),
        ("organizations", "ListAccounts"),
        ("sts", "AssumeRole"),
    }
    # One line per account as each ends (in the order they end): numbered 1 to 4.
    lines = err.splitlines()
    assert [line.split()[3] for line in lines] == ["1/4", "2/4", "3/4", "4/4"]
    pairs = "read, 4 of 4 service-region pairs in full"
    assert sorted(line.split(" ", 4)[4] for line in lines) == sorted(
        [
            f"{ACCOUNT} (master): {pairs}",
            f"{org.paris} (paris): {pairs}",
            f"{org.virginia} (virginia): {pairs}",
            f"{org.refusing} (legacy): not entered: AccessDenied: cannot assume"
            f" arn:aws:iam::{org.refusing}:role/{ROLE}: User: arn:aws:iam::{ACCOUNT}:user/auditor"
            " is not authorized to perform: sts:AssumeRole",
        ]
    )


def test_the_coverage_table_has_a_row_per_account(
    organization: Organization, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(options(formats=("text",), quiet=True))
    out, err = capsys.readouterr()
    assert (code, err) == (1, "")
    lines = out.splitlines()
    table = lines[lines.index("Coverage: what was read, by account") :]
    org = organization
    pairs = "read, 4 of 4 service-region pairs in full"
    # Each account's findings are counted here, not again in the summary.
    assert "By account" not in out
    assert table[1:6] == [
        "account       name      failed  to confirm  not evaluated  state",
        f"{ACCOUNT}  master    0       0           0              {pairs}",
        f"{org.paris}  paris     0       0           0              {pairs}",
        f"{org.virginia}  virginia  1       0           0              {pairs}",
        f"{org.refusing}  legacy    0       0           1              not entered: AccessDenied:"
        " cannot assume"
        f" arn:aws:iam::{org.refusing}:role/{ROLE}: User: arn:aws:iam::{ACCOUNT}:user/auditor"
        " is not authorized to perform: sts:AssumeRole",
    ]
    assert table[6] == "3 of 4 accounts read; 1 not entered"
    assert table[7].startswith(f"Organization read as arn:aws:iam::{ACCOUNT}:user/auditor: ")


def test_accounts_limits_the_scan_and_an_unknown_id_is_not_evaluated(
    organization: Organization, capsys: pytest.CaptureFixture[str]
) -> None:
    stranger = "999999999999"
    code = run(options(accounts=(organization.paris, stranger), quiet=True))
    out, err = capsys.readouterr()
    assert (code, err) == (1, "")
    assert findings(out) == [("HDS-EVAL-001", "not_evaluated", f"aws:account:{stranger}")]
    assert json.loads(out)["findings"][0]["message"].endswith(
        f"account {stranger} was not read: NotInOrganization:"
        " organizations:ListAccounts does not list it"
    )


def test_accounts_without_org_enters_them_without_listing(
    organization: Organization, capsys: pytest.CaptureFixture[str]
) -> None:
    log = CallLog([])
    code = run(
        options(organization=False, accounts=(organization.virginia,), quiet=True),
        session=hooked_session(log=log, fill_gaps=False),
    )
    out, _ = capsys.readouterr()
    assert code == 1
    assert findings(out) == [("HDS-LOC-001", "fail", "arn:aws:s3:::exports-virginia")]
    assert ("organizations", "ListAccounts") not in log.operations()


def test_the_saved_organization_is_rechecked_offline(
    organization: Organization,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hdslint.cli import main

    saved = tmp_path / "org.json"
    live_code = run(options(save=saved, quiet=True))
    live, _ = capsys.readouterr()
    document = json.loads(saved.read_text())
    jsonschema.validate(
        document, load_schema("hdslint.schemas", "organization-inventory.schema.json")
    )
    inventory = load_schema("hdslint.schemas", "inventory.schema.json")
    for account in document["accounts"]:
        if account["outcome"] == "read":
            jsonschema.validate(account["inventory"], inventory)
    assert [(a["id"], a["outcome"]) for a in document["accounts"]] == [
        (ACCOUNT, "read"),
        (organization.paris, "read"),
        (organization.virginia, "read"),
        (organization.refusing, "not_entered"),
    ]
    monkeypatch.chdir(tmp_path)
    offline_code = main(["scan", "org.json", "-f", "json"])
    offline, err = capsys.readouterr()
    assert (live_code, offline_code, err) == (1, 1, "")

    def evidence(report: str) -> list[tuple[str, str, str, str, str]]:
        return [
            (
                f["policy_id"],
                f["status"],
                f["resource"]["id"],
                f["resource"]["account"],
                f["message"],
            )
            for f in json.loads(report)["findings"]
        ]

    assert evidence(offline) == evidence(live)
    # The auditor's report of the saved organization groups its findings by account.
    report = build_report(run_scan(ScanOptions(paths=["org.json"], env={})))
    assert {a.account: (a.resources, a.failed, a.not_evaluated) for a in report.accounts} == {
        # The management account holds nothing; each member a bucket, or its gap.
        organization.paris: (1, 0, 0),
        organization.virginia: (1, 1, 0),
        organization.refusing: (1, 0, 1),
    }


def test_a_broken_organization_inventory_names_the_account(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from hdslint.cli import main
    from hdslint.sources.aws.organization import (
        Account,
        AccountScan,
        OrganizationCollection,
    )
    from hdslint.sources.aws.session import Identity

    org = OrganizationCollection(
        identity=Identity(ACCOUNT, "aws", f"arn:aws:iam::{ACCOUNT}:user/auditor"),
        accounts=[AccountScan(Account("111111111111", "x"), "arn", failure=("E", "m"))],
        started_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        finished_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    document = inventory_document(org, role_name=ROLE)
    document["accounts"][0].update(outcome="read", inventory={"hdslint_inventory": 1})
    path = tmp_path / "org.json"
    path.write_text(dumps(document))
    assert main(["scan", str(path), "-f", "json"]) == 2
    out, _ = capsys.readouterr()
    assert json.loads(out)["errors"] == [
        {
            "file": str(path),
            "line": None,
            "message": "not a valid hdslint inventory: $.accounts[0].inventory:"
            " 'hdslint_version' is a required property",
        }
    ]


def test_the_guard_refuses_every_other_call_of_the_caller() -> None:
    from hdslint.sources.aws.session import guard_read_only

    session = boto3.Session(
        aws_access_key_id="x", aws_secret_access_key="y", region_name="eu-west-3"
    )
    guard_read_only(session, ORGANIZATION_OPERATIONS)
    with pytest.raises(ReadOnlyViolation, match="organizations:CreateAccount"):
        session.client("organizations").create_account(AccountName="a", Email="a@example.org")
    # Every allowed operation reads or, for AssumeRole, only obtains credentials.
    assert {op for _, op in ORGANIZATION_OPERATIONS} == {
        "GetCallerIdentity",
        "ListAccounts",
        "AssumeRole",
    }


@pytest.mark.usefixtures("aws_env")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org"], "--org and --accounts need --role-name: the role to assume in each"),
        (["--role-name", ROLE], "--role-name needs --org or --accounts (one account: --role-arn)"),
        (
            ["--org", "--role-name", "a b"],
            "--role-name a b: not an IAM role name (e.g. hdslint-audit)",
        ),
        (
            ["--accounts", "12345", "--role-name", ROLE],
            "--accounts 12345: not an AWS account id (12 digits)",
        ),
    ],
)
def test_usage_errors(args: list[str], message: str, cli: Any) -> None:
    assert cli("aws", *args) == (2, "", f"hdslint: error: {message}\n")
