"""A moto server on 127.0.0.1 for the AWS tests, reset between tests, and a seeded account.

The server runs in this process (ThreadedMotoServer) for the whole session; every test
talks to it over HTTP through AWS_ENDPOINT_URL, exactly as the CLI would. Event hooks on the
boto3 session stand in for what moto cannot do (throttling, access denied) and answer the
few read operations moto has not implemented, the way AWS answers an account without such
resources (see MOTO_GAPS).
"""

from __future__ import annotations

import logging
import os
import socket
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.loaders
import botocore.retries.standard
import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config

from hdslint.scan import ScanResult
from hdslint.sources.aws.collector import Collection

ACCOUNT = "123456789012"
SEEDED_REGIONS = ("eu-west-3", "eu-central-1", "us-east-1", "us-west-2", "us-east-2")

# Read operations moto 5 does not implement, answered as AWS answers an account that has
# none of these: (service, operation) -> (HTTP status, parsed response).
MOTO_GAPS: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {
    ("elasticache", "DescribeServerlessCaches"): (200, {"ServerlessCaches": []}),
    ("rds", "DescribeDBClusterAutomatedBackups"): (200, {"DBClusterAutomatedBackups": []}),
    ("backup", "ListBackupSelections"): (200, {"BackupSelectionsList": []}),
    ("efs", "DescribeReplicationConfigurations"): (
        404,
        {"Error": {"Code": "ReplicationNotFound", "Message": "No replication configuration"}},
    ),
}


_LOADER = botocore.loaders.create_loader()


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    # Read lazily by moto's EC2 backend: without it, ~1,000 public snapshots "owned by
    # self" would be listed.
    os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def aws_environment(endpoint: str) -> dict[str, str]:
    """Fake credentials and the moto endpoint, as a user would set them."""
    return {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-3",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_ENDPOINT_URL": endpoint,
        # moto answers unimplemented calls with HTTP 500, which standard retries retry.
        "AWS_MAX_ATTEMPTS": "1",
    }


def reset_moto(endpoint: str) -> None:
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST", data=b"")
    urllib.request.urlopen(request).read()


@pytest.fixture
def aws_env(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The AWS environment for one test, and a clean moto after it."""
    for key, value in aws_environment(moto_endpoint).items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    # A throttled call is retried after a random back-off: no sleeping in tests.
    monkeypatch.setattr(
        botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda self, context: 0
    )
    try:
        yield moto_endpoint
    finally:
        reset_moto(moto_endpoint)


@dataclass
class CallLog:
    """Every API call a session made: (service, operation, region)."""

    calls: list[tuple[str, str, str]]

    def operations(self) -> set[tuple[str, str]]:
        return {(s, o) for s, o, _ in self.calls}


def hooked_session(
    *,
    log: CallLog | None = None,
    deny: Callable[[str, str, str], bool] | None = None,
    throttle: Callable[[str, str, str], bool] | None = None,
    fill_gaps: bool = True,
) -> boto3.Session:
    """A boto3 session whose calls are logged, and optionally denied or throttled.

    `deny(service, operation, region)` True: the call fails with the service's access-denied
    error before it is sent. `throttle(...)` True: every attempt gets a real HTTP 400
    Throttling answer, parsed and retried by botocore's own retry handler."""
    core = botocore.session.Session()
    # Every test opens its own session; sharing the model loader saves ~1 s of JSON
    # parsing per test (the service models are read once).
    core.register_component("data_loader", _LOADER)
    session = boto3.Session(botocore_session=core)

    def before_call(model: Any, context: Mapping[str, Any], **_: Any) -> Any:
        service, op = model.service_model.service_name, model.name
        region = context.get("client_region", "")
        if log is not None:
            log.calls.append((service, op, region))
        if deny is not None and deny(service, op, region):
            code = (
                "AccessDeniedException"
                if model.service_model.protocol.endswith("json")
                else "AccessDenied"
            )
            return _error_response(403, code, f"not authorized to perform {service}:{op}")
        if fill_gaps and (service, op) in MOTO_GAPS:
            status, body = MOTO_GAPS[(service, op)]
            return AWSResponse("https://gap", status, {}, None), {
                **body,
                "ResponseMetadata": {"HTTPStatusCode": status},
            }
        return None

    def before_send(request: Any, **_: Any) -> Any:
        service, op, region = request.context.get("hdslint_test_call", ("", "", ""))
        if throttle is not None and throttle(service, op, region):
            body = (
                b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
                b"<Message>Rate exceeded</Message></Error></ErrorResponse>"
            )
            return AWSResponse(request.url, 400, {}, _Raw(body))
        return None

    def tag_request(model: Any, context: dict[str, Any], **_: Any) -> None:
        context["hdslint_test_call"] = (
            model.service_model.service_name,
            model.name,
            context.get("client_region", ""),
        )

    session.events.register("before-call", before_call)
    session.events.register("before-parameter-build", tag_request)
    session.events.register("before-send", before_send)
    return session


def _error_response(status: int, code: str, message: str) -> tuple[AWSResponse, dict[str, Any]]:
    return AWSResponse("https://denied", status, {}, None), {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }


class _Raw:
    """The raw body botocore reads from an AWSResponse."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body

    def read(self, *_: Any) -> bytes:
        return self._body


# -- the seeded account ----------------------------------------------------------------------


def _client(service: str, region: str) -> Any:
    return boto3.client(
        service, region_name=region, config=Config(retries={"total_max_attempts": 1})
    )


@dataclass(frozen=True)
class Seeded:
    """ARNs of what `seed_account` created."""

    arns: Mapping[str, str]

    def __getitem__(self, name: str) -> str:
        return self.arns[name]


def seed_account() -> Seeded:
    """An account with health-data stores in Paris and Frankfurt and the usual mistakes:
    a bucket in us-east-1, a read replica in us-west-2 of a Paris database, an EBS
    snapshot copied to us-east-1 and a backup plan copying to a vault in us-east-2 —
    each next to its compliant counterpart (eu-central-1)."""
    arns: dict[str, str] = {}
    # S3: Paris replicates to Frankfurt (compliant); a bucket in Virginia.
    for name, region in (
        ("records-paris", "eu-west-3"),
        ("records-frankfurt", "eu-central-1"),
        ("exports-virginia", "us-east-1"),
    ):
        s3 = _client("s3", region)
        if region == "us-east-1":
            s3.create_bucket(Bucket=name)
        else:
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        arns[f"bucket:{region}"] = f"arn:aws:s3:::{name}"
    _client("s3", "eu-west-3").put_bucket_replication(
        Bucket="records-paris",
        ReplicationConfiguration={
            "Role": f"arn:aws:iam::{ACCOUNT}:role/replication",
            "Rules": [
                {
                    "ID": "dr",
                    "Status": "Enabled",
                    "Priority": 1,
                    "Filter": {},
                    "DeleteMarkerReplication": {"Status": "Disabled"},
                    "Destination": {"Bucket": "arn:aws:s3:::records-frankfurt"},
                }
            ],
        },
    )
    _client("s3", "eu-west-3").put_bucket_tagging(
        Bucket="records-paris", Tagging={"TagSet": [{"Key": "data-classification", "Value": "hds"}]}
    )
    # RDS: two Paris databases; one read in Oregon, the other in Frankfurt.
    paris = _client("rds", "eu-west-3")
    for ident in ("patients", "billing"):
        paris.create_db_instance(
            DBInstanceIdentifier=ident,
            DBInstanceClass="db.t3.micro",
            Engine="postgres",
            MasterUsername="admin_user",
            MasterUserPassword="not-a-real-password",
            AllocatedStorage=20,
        )
        arns[f"db:{ident}"] = f"arn:aws:rds:eu-west-3:{ACCOUNT}:db:{ident}"
    for ident, source, region in (
        ("patients-oregon", "patients", "us-west-2"),
        ("billing-frankfurt", "billing", "eu-central-1"),
    ):
        _client("rds", region).create_db_instance_read_replica(
            DBInstanceIdentifier=ident,
            SourceDBInstanceIdentifier=arns[f"db:{source}"],
            DBInstanceClass="db.t3.micro",
        )
        arns[f"db:{ident}"] = f"arn:aws:rds:{region}:{ACCOUNT}:db:{ident}"
    # EBS: a Paris volume's snapshot, copied to Virginia and to Frankfurt. moto writes no
    # description on copies; AWS writes "[Copied <id> from <region>]", given here.
    ec2 = _client("ec2", "eu-west-3")
    volume = ec2.create_volume(AvailabilityZone="eu-west-3a", Size=8)["VolumeId"]
    snapshot = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    arns["volume"] = f"arn:aws:ec2:eu-west-3:{ACCOUNT}:volume/{volume}"
    arns["snapshot"] = f"arn:aws:ec2:eu-west-3::snapshot/{snapshot}"
    for region in ("us-east-1", "eu-central-1"):
        copy = _client("ec2", region).copy_snapshot(
            SourceSnapshotId=snapshot,
            SourceRegion="eu-west-3",
            Description=f"[Copied {snapshot} from eu-west-3]",
        )["SnapshotId"]
        arns[f"snapshot:{region}"] = f"arn:aws:ec2:{region}::snapshot/{copy}"
    # Backup: a Paris vault and plans copying to Ohio (non-compliant) and Frankfurt.
    for region, vault in (
        ("eu-west-3", "daily"),
        ("us-east-2", "dr-ohio"),
        ("eu-central-1", "dr-frankfurt"),
    ):
        arn = _client("backup", region).create_backup_vault(BackupVaultName=vault)["BackupVaultArn"]
        arns[f"vault:{region}"] = arn
    backup = _client("backup", "eu-west-3")
    for plan, destination in (("offsite", "us-east-2"), ("dr", "eu-central-1")):
        created = backup.create_backup_plan(
            BackupPlan={
                "BackupPlanName": plan,
                "Rules": [
                    {
                        "RuleName": "daily",
                        "TargetBackupVaultName": "daily",
                        "CopyActions": [
                            {"DestinationBackupVaultArn": arns[f"vault:{destination}"]}
                        ],
                    }
                ],
            }
        )
        arns[f"plan:{plan}"] = created["BackupPlanArn"]
    return Seeded(arns)


@dataclass(frozen=True)
class SeededScan:
    """The seeded account, scanned once in every seeded region with every service."""

    arn: Seeded
    collection: Collection
    result: ScanResult
    log: CallLog


@pytest.fixture(scope="session")
def seeded_scan(moto_endpoint: str) -> Iterator[SeededScan]:
    """Seed and scan once: the tests of this scan only read its results."""
    from hdslint.commands.aws import evaluate_collection
    from hdslint.config import Config
    from hdslint.policy import load_policies
    from hdslint.registry import load_registry
    from hdslint.sources.aws.collector import AwsScanSettings, collect

    with pytest.MonkeyPatch.context() as patch:
        for key, value in aws_environment(moto_endpoint).items():
            patch.setenv(key, value)
        reset_moto(moto_endpoint)
        try:
            arn = seed_account()
            log = CallLog([])
            collection = collect(
                AwsScanSettings(regions=SEEDED_REGIONS), session=hooked_session(log=log)
            )
            result = evaluate_collection(
                collection, config=Config(), registry=load_registry(), policies=load_policies()
            )
        finally:
            reset_moto(moto_endpoint)
    yield SeededScan(arn, collection, result, log)
