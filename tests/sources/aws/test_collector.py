"""The live AWS scan against a moto server: findings by ARN, data flows, coverage."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from hdslint.commands.aws import evaluate_collection
from hdslint.config import Config
from hdslint.ids import Destination, Outside, ResourceKey
from hdslint.model import EdgeKind, Status
from hdslint.policy import load_policies
from hdslint.registry import load_registry
from hdslint.scan import ScanResult
from hdslint.sources.aws.collector import AwsScanSettings, Collection, collect
from tests.sources.aws.conftest import (
    ACCOUNT,
    SEEDED_REGIONS,
    CallLog,
    SeededScan,
    hooked_session,
    seed_account,
)

# The services the seeded account uses, for the tests that need no full scan.
SEEDED_SERVICES = ("s3", "rds", "ebs", "backup")


def scan(
    regions: tuple[str, ...] = SEEDED_REGIONS,
    *,
    session: boto3.Session | None = None,
    **settings: Any,
) -> tuple[Collection, ScanResult]:
    collection = collect(
        AwsScanSettings(regions=regions, **settings), session=session or hooked_session()
    )
    result = evaluate_collection(
        collection, config=Config(), registry=load_registry(), policies=load_policies()
    )
    return collection, result


def findings(result: ScanResult) -> list[tuple[str, str, str]]:
    return sorted((f.policy_id, f.status.value, f.resource.id) for f in result.findings)


def statuses(collection: Collection) -> dict[tuple[str, str], str]:
    return {(e.service, e.region): e.status for e in collection.coverage}


def test_seeded_account_fails_by_arn_and_its_eea_counterparts_pass(
    seeded_scan: SeededScan,
) -> None:
    arn, collection, result = seeded_scan.arn, seeded_scan.collection, seeded_scan.result
    assert findings(result) == sorted(
        [
            # a bucket in us-east-1
            ("HDS-LOC-001", "fail", arn["bucket:us-east-1"]),
            # a read replica in us-west-2 of a Paris database: both ends are reported
            ("HDS-LOC-001", "fail", arn["db:patients-oregon"]),
            ("HDS-FLOW-001", "fail", arn["db:patients"]),
            # an EBS snapshot copied to us-east-1: the copy, and its source
            ("HDS-LOC-001", "fail", arn["snapshot:us-east-1"]),
            ("HDS-FLOW-001", "fail", arn["snapshot"]),
            # a backup vault in us-east-2, and the plan that copies to it
            ("HDS-LOC-001", "fail", arn["vault:us-east-2"]),
            ("HDS-FLOW-001", "fail", arn["plan:offsite"]),
        ]
    )
    assert set(statuses(collection).values()) == {"ok"}
    assert len(collection.coverage) == len(SEEDED_REGIONS) * 15
    # The compliant counterparts were read, their flows followed and judged: they pass.
    passed = {(e.policy.id, e.resource.id) for e in result.evaluations if e.status is Status.PASS}
    for name in ("bucket:eu-west-3", "db:billing", "snapshot:eu-central-1", "plan:dr"):
        assert ("HDS-FLOW-001", arn[name]) in passed, name
    for name in ("bucket:eu-central-1", "db:billing-frankfurt", "vault:eu-central-1", "volume"):
        assert ("HDS-LOC-001", arn[name]) in passed, name
    # Every ARN the seeding returned is one the scan reports.
    assert set(arn.arns.values()) <= {r.arn for r in collection.records}


def test_every_replica_copy_and_backup_destination_is_an_edge(seeded_scan: SeededScan) -> None:
    arn, result = seeded_scan.arn, seeded_scan.result
    edges = {(e.source.id, e.kind, _named(e.target)) for e in result.graph.edges}
    assert {
        (arn["bucket:eu-west-3"], EdgeKind.REPLICATES_TO, arn["bucket:eu-central-1"]),
        (arn["db:patients-oregon"], EdgeKind.READS_FROM, arn["db:patients"]),
        (arn["db:billing-frankfurt"], EdgeKind.READS_FROM, arn["db:billing"]),
        (arn["volume"], EdgeKind.BACKS_UP_TO, arn["snapshot"]),
        (arn["snapshot"], EdgeKind.COPIES_TO, arn["snapshot:us-east-1"]),
        (arn["snapshot"], EdgeKind.COPIES_TO, arn["snapshot:eu-central-1"]),
        (arn["plan:offsite"], EdgeKind.BACKS_UP_TO, arn["vault:eu-west-3"]),
        (arn["plan:offsite"], EdgeKind.COPIES_TO, arn["vault:us-east-2"]),
        (arn["plan:dr"], EdgeKind.COPIES_TO, arn["vault:eu-central-1"]),
    } <= edges
    resource = result.graph.get(ResourceKey("", arn["bucket:eu-west-3"]))
    assert resource is not None
    assert (resource.type, resource.service, resource.category, resource.region) == (
        "AWS::S3::Bucket",
        "aws:s3",
        "storage",
        "eu-west-3",
    )
    assert (resource.source, resource.location.api_call, resource.location.file) == (
        "aws",
        "s3:ListBuckets",
        None,
    )
    assert dict(resource.tags) == {"data-classification": "hds"}


@pytest.mark.usefixtures("aws_env")
def test_destinations_outside_the_scanned_regions_are_still_judged() -> None:
    arn = seed_account()
    _, result = scan(("eu-west-3",), services=SEEDED_SERVICES)
    # Only Paris is read: the Oregon replica and the Ohio vault are known by their ARNs,
    # their regions from the ARNs. (An EBS copy names no source: it is found only by
    # reading the region it was copied to.)
    assert findings(result) == sorted(
        [
            ("HDS-FLOW-001", "fail", arn["db:patients"]),
            ("HDS-FLOW-001", "fail", arn["plan:offsite"]),
        ]
    )
    message = next(f.message for f in result.findings if f.resource.id == arn["db:patients"])
    assert message == (
        f"is replicated to {arn['db:patients-oregon']}: us-west-2 (United States) is outside"
        " the EEA"
    )


@pytest.mark.usefixtures("aws_env")
def test_access_denied_and_throttling_are_not_evaluated_coverage_findings() -> None:
    arn = seed_account()
    session = hooked_session(
        deny=lambda service, op, region: service == "dynamodb" and region == "eu-west-3",
        throttle=lambda service, op, region: service == "elasticache" and region == "eu-central-1",
    )
    collection, result = scan(
        ("eu-west-3", "eu-central-1"),
        session=session,
        max_attempts=2,
        services=("rds", "dynamodb", "elasticache"),
    )
    cells = statuses(collection)
    assert cells[("dynamodb", "eu-west-3")] == "access_denied"
    assert cells[("elasticache", "eu-central-1")] == "throttled"
    assert {k: v for k, v in cells.items() if v != "ok"} == {
        ("dynamodb", "eu-west-3"): "access_denied",
        ("elasticache", "eu-central-1"): "throttled",
    }
    gaps = [f for f in result.findings if f.resource.type == "aws_coverage_gap"]
    assert [(f.policy_id, f.status.value, f.resource.id, f.location.api_call) for f in gaps] == [
        (
            "HDS-EVAL-001",
            "not_evaluated",
            "aws:coverage:dynamodb:eu-west-3",
            "dynamodb:ListTables",
        ),
        (
            "HDS-EVAL-001",
            "not_evaluated",
            "aws:coverage:elasticache:eu-central-1",
            "elasticache:DescribeReplicationGroups",
        ),
    ]
    assert gaps[0].message == (
        "could not be checked: contents is not known: dynamodb in eu-west-3 was not fully"
        " read: access denied: dynamodb:ListTables failed with AccessDeniedException"
        " (not authorized to perform dynamodb:ListTables)"
    )
    assert gaps[1].message.startswith(
        "could not be checked: contents is not known: elasticache in eu-central-1 was not"
        " fully read: throttled by AWS until the retries ran out:"
        " elasticache:DescribeReplicationGroups failed with Throttling (Rate exceeded)"
    )
    # The rest of the account was read and judged as usual.
    assert ("HDS-FLOW-001", "fail", arn["db:patients"]) in findings(result)


@pytest.mark.usefixtures("aws_env")
def test_a_throttled_call_is_retried_with_the_standard_retry_handler() -> None:
    seed_account()
    attempts: list[str] = []

    def throttle_twice(service: str, op: str, region: str) -> bool:
        if service == "rds" and op == "DescribeDBInstances" and region == "eu-west-3":
            attempts.append(op)
            return len(attempts) <= 2
        return False

    collection, _ = scan(
        ("eu-west-3",),
        session=hooked_session(throttle=throttle_twice),
        max_attempts=3,
        services=("rds",),
    )
    assert len(attempts) == 3
    assert statuses(collection)[("rds", "eu-west-3")] == "ok"


@pytest.mark.usefixtures("aws_env")
def test_a_denied_detail_call_makes_the_flow_unknown() -> None:
    arn = seed_account()
    session = hooked_session(deny=lambda service, op, region: op == "GetBucketReplication")
    collection, result = scan(("eu-west-3", "eu-central-1"), session=session, services=("s3",))
    assert ("HDS-FLOW-001", "not_evaluated", arn["bucket:eu-west-3"]) in findings(result)
    flow = next(
        f
        for f in result.findings
        if (f.policy_id, f.resource.id) == ("HDS-FLOW-001", arn["bucket:eu-west-3"])
    )
    assert flow.message == (
        "could not be checked: replicates to a destination that is not known: its replication"
        " configuration could not be read (s3:GetBucketReplication failed with AccessDenied:"
        " not authorized to perform s3:GetBucketReplication)"
    )
    assert statuses(collection)[("s3", "eu-west-3")] == "access_denied"
    assert statuses(collection)[("s3", "eu-central-1")] == "access_denied"


@pytest.mark.usefixtures("aws_env")
def test_a_region_asked_for_but_not_enabled_is_reported_not_read() -> None:
    log = CallLog([])
    # moto labels ap-east-1 (Hong Kong) "not-opted-in", like a fresh AWS account.
    collection, result = scan(
        ("eu-west-3", "ap-east-1"), session=hooked_session(log=log), services=("rds", "sqs")
    )
    assert collection.plan.scan == ("eu-west-3",)
    assert collection.plan.disabled == ("ap-east-1",)
    assert "ap-east-1" not in {region for _, op, region in log.calls if op != "DescribeRegions"}
    assert sorted((f.policy_id, f.resource.id) for f in result.findings) == [
        ("HDS-EVAL-001", "aws:coverage:rds:ap-east-1"),
        ("HDS-EVAL-001", "aws:coverage:sqs:ap-east-1"),
    ]


@pytest.mark.usefixtures("aws_env")
def test_a_region_that_rejects_the_credentials_is_region_disabled() -> None:
    session = hooked_session()

    def reject(model: Any, context: dict[str, Any], **_: Any) -> Any:
        if context.get("client_region") == "eu-central-1":
            from botocore.awsrequest import AWSResponse

            return AWSResponse("https://x", 403, {}, None), {
                "Error": {"Code": "UnrecognizedClientException", "Message": "invalid token"},
                "ResponseMetadata": {"HTTPStatusCode": 403},
            }
        return None

    session.events.register("before-call", reject)
    collection, _ = scan(("eu-west-3", "eu-central-1"), session=session, services=("sqs", "sns"))
    assert statuses(collection) == {
        ("sqs", "eu-west-3"): "ok",
        ("sqs", "eu-central-1"): "region_disabled",
        ("sns", "eu-west-3"): "ok",
        ("sns", "eu-central-1"): "region_disabled",
    }


@pytest.mark.usefixtures("aws_env")
def test_pages_are_followed() -> None:
    logs = boto3.client("logs", region_name="eu-west-3")
    for i in range(55):  # two pages of at most 50
        logs.create_log_group(logGroupName=f"app/{i:02d}")
    collection, _ = scan(("eu-west-3",), services=("logs",))
    groups = [r for r in collection.records if r.type == "AWS::Logs::LogGroup"]
    assert len(groups) == 55
    assert groups[0].arn.startswith(f"arn:aws:logs:eu-west-3:{ACCOUNT}:log-group:app/")


@pytest.mark.usefixtures("aws_env")
def test_kinesis_streams_beyond_the_first_page_are_listed() -> None:
    kinesis = boto3.client("kinesis", region_name="eu-west-3")
    for i in range(12):  # moto pages by 10 without a NextToken
        kinesis.create_stream(StreamName=f"events-{i:02d}", ShardCount=1)
    collection, _ = scan(("eu-west-3",), services=("kinesis",))
    assert len([r for r in collection.records if r.type == "AWS::Kinesis::Stream"]) == 12


@pytest.mark.usefixtures("aws_env")
def test_secrets_replicas_and_metadata_only() -> None:
    sm = boto3.client("secretsmanager", region_name="eu-west-3")
    arn = sm.create_secret(
        Name="db-password",
        SecretString="hunter2-super-secret",
        AddReplicaRegions=[{"Region": "us-east-1"}],
    )["ARN"]
    log = CallLog([])
    collection, result = scan(
        ("eu-west-3",), session=hooked_session(log=log), services=("secretsmanager",)
    )
    assert "GetSecretValue" not in {op for _, op, _ in log.calls}
    secret = next(r for r in collection.records if r.arn == arn)
    assert "hunter2" not in repr(secret)
    edges = [(e.source.id, e.kind, getattr(e.target, "region", None)) for e in result.graph.edges]
    assert edges == [(arn, EdgeKind.REPLICATES_TO, "us-east-1")]
    # Secrets are not presumed to hold health data (tags decide): no finding.
    assert result.findings == []


@pytest.mark.usefixtures("aws_env")
def test_redshift_snapshot_copy_and_ecr_replication_are_followed() -> None:
    boto3.client("redshift", region_name="eu-west-3").create_cluster(
        ClusterIdentifier="warehouse",
        NodeType="dc2.large",
        MasterUsername="admin",
        MasterUserPassword="Password1",
        ClusterType="single-node",
    )
    boto3.client("redshift", region_name="eu-west-3").enable_snapshot_copy(
        ClusterIdentifier="warehouse", DestinationRegion="us-east-1"
    )
    ecr = boto3.client("ecr", region_name="eu-west-3")
    ecr.create_repository(repositoryName="patient-api")
    ecr.put_replication_configuration(
        replicationConfiguration={
            "rules": [{"destinations": [{"region": "us-west-2", "registryId": ACCOUNT}]}]
        }
    )
    _, result = scan(("eu-west-3",), services=("redshift", "ecr"))
    cluster = f"arn:aws:redshift:eu-west-3:{ACCOUNT}:cluster:warehouse"
    assert ("HDS-FLOW-001", "fail", cluster) in findings(result)
    repo = f"arn:aws:ecr:eu-west-3:{ACCOUNT}:repository/patient-api"
    edge = next(e for e in result.graph.edges if e.source.id == repo)
    assert (edge.kind, edge.target) == (
        EdgeKind.REPLICATES_TO,
        Outside("aws", "us-west-2", f"arn:aws:ecr:us-west-2:{ACCOUNT}:repository/patient-api"),
    )


@pytest.mark.usefixtures("aws_env")
def test_role_arn_is_assumed_before_the_scan() -> None:
    collection, _ = scan(
        ("eu-west-3",), services=("sqs",), role_arn=f"arn:aws:iam::{ACCOUNT}:role/hdslint-audit"
    )
    assert collection.identity.arn == (f"arn:aws:sts::{ACCOUNT}:assumed-role/hdslint-audit/hdslint")


def _named(target: Destination) -> str | None:
    """What an edge's destination is called: its id, or the name the source gave it."""
    if isinstance(target, ResourceKey):
        return target.id
    return target.name if isinstance(target, Outside) else None
