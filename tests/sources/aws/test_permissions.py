"""Read-only, provably: every call of a full scan is a read, declared, and allowed by the
IAM policy hdslint ships, which grants nothing more."""

from __future__ import annotations

import json
import re

import boto3
import botocore.session
import pytest

from hdslint.sources.aws.permissions import (
    IAM_PREFIXES,
    collector_operations,
    iam_action,
    policy_actions,
    required_actions,
    shipped_policy,
)
from hdslint.sources.aws.regions import ENDPOINT_PREFIXES
from hdslint.sources.aws.services import SERVICES
from hdslint.sources.aws.session import ReadOnlyViolation, guard_read_only
from tests.conftest import ROOT
from tests.sources.aws.conftest import SeededScan

READ_PREFIXES = ("List", "Describe", "Get", "Head")


def test_every_call_of_a_full_scan_is_a_read(seeded_scan: SeededScan) -> None:
    made = seeded_scan.log.operations()
    assert made, "the scan made no call"
    assert [op for op in sorted(made) if not op[1].startswith(READ_PREFIXES)] == []


def test_every_call_of_a_full_scan_is_declared_and_allowed_by_the_policy(
    seeded_scan: SeededScan,
) -> None:
    made = seeded_scan.log.operations()
    assert made <= collector_operations()
    granted = policy_actions(shipped_policy())
    missing = sorted(
        (service, op, iam_action(service, op))
        for service, op in made
        if iam_action(service, op) is not None and iam_action(service, op) not in granted
    )
    assert missing == []


def test_a_full_scan_lists_every_service_in_every_region(seeded_scan: SeededScan) -> None:
    listed = {(s, op, region) for s, op, region in seeded_scan.log.calls}
    for spec in SERVICES.values():
        for kind in spec.kinds:
            regions = ["eu-west-3"] if spec.account_wide else seeded_scan.collection.plan.scan
            for region in regions:
                assert (spec.client, kind.listing.operation, region) in listed


def test_declared_operations_are_reads() -> None:
    assert [
        op for op in sorted(collector_operations()) if not op[1].startswith(READ_PREFIXES)
    ] == []


def test_the_shipped_policy_grants_exactly_what_the_scan_needs() -> None:
    policy = shipped_policy()
    (statement,) = policy["Statement"]
    assert (statement["Effect"], statement["Resource"]) == ("Allow", "*")
    assert statement["Action"] == required_actions()
    # Nothing that reads data: no object, item, record, message, log event or secret value.
    assert not {
        "s3:GetObject",
        "s3:ListBucket",
        "dynamodb:Scan",
        "dynamodb:Query",
        "dynamodb:GetItem",
        "kinesis:GetRecords",
        "sqs:ReceiveMessage",
        "logs:GetLogEvents",
        "logs:FilterLogEvents",
        "secretsmanager:GetSecretValue",
    } & set(statement["Action"])


def test_the_documented_policy_is_the_shipped_one() -> None:
    text = (ROOT / "docs" / "aws.md").read_text()
    block = re.search(r"<!-- iam-policy -->\n```json\n(.*?)```", text, re.S)
    assert block is not None
    assert json.loads(block.group(1)) == shipped_policy()


def test_iam_and_endpoint_prefixes_match_botocore() -> None:
    core = botocore.session.get_session()
    for spec in SERVICES.values():
        model = core.get_service_model(spec.client)
        assert model.endpoint_prefix == ENDPOINT_PREFIXES.get(spec.client, spec.client)
        # For these services the SigV4 signing name is the IAM prefix.
        assert model.signing_name == IAM_PREFIXES.get(spec.client, spec.client)
        for op in spec.operations():
            assert op in model.operation_names, (spec.client, op)


@pytest.mark.usefixtures("aws_env")
def test_the_guard_refuses_an_undeclared_operation_before_sending_it() -> None:
    session = boto3.Session()
    sent: list[str] = []
    session.events.register("before-send", lambda request, **_: sent.append(request.url))
    guard_read_only(session, collector_operations())
    s3 = session.client("s3", region_name="eu-west-3")
    with pytest.raises(ReadOnlyViolation, match="refused to call s3:CreateBucket"):
        s3.create_bucket(
            Bucket="nope", CreateBucketConfiguration={"LocationConstraint": "eu-west-3"}
        )
    assert sent == []
    s3.list_buckets()
    assert len(sent) == 1
