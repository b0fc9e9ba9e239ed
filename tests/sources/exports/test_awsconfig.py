"""AWS Config exports (configuration snapshots, aggregator advanced queries) read offline:
exact findings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hdslint.files import FileAccess
from hdslint.ids import Outside, ResourceKey, UnknownDestination
from hdslint.model import EdgeKind
from hdslint.scan import ScanOptions, ScanResult, run_scan
from hdslint.sources import classify_file
from hdslint.sources.exports.awsconfig import resources_from_config
from tests.conftest import ROOT

HERE = ROOT / "tests" / "sources" / "exports" / "awsconfig"
A, B = "111122223333", "444455556666"
DB_CREDENTIALS = f"arn:aws:secretsmanager:eu-west-3:{A}:secret:ehr/db-credentials-Xy12Ab"
API_KEY = f"arn:aws:secretsmanager:eu-west-3:{A}:secret:ehr/api-key-Cd34Ef"


def scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *names: str) -> ScanResult:
    for name in names:
        shutil.copy(HERE / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return run_scan(ScanOptions(paths=list(names), env={}))


def findings(result: ScanResult) -> list[tuple[str, str, str, int | None]]:
    return [(f.policy_id, f.status.value, f.resource.id, f.location.line) for f in result.findings]


def test_both_exports_are_recognised_by_their_content() -> None:
    assert classify_file(FileAccess(), HERE / "config-snapshot.json") == "cloud-export"
    assert classify_file(FileAccess(), HERE / "aggregator-query.json") == "cloud-export"


def test_configuration_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = scan(tmp_path, monkeypatch, "config-snapshot.json")
    assert result.errors == []
    # Config delivers a snapshot as one line.
    assert findings(result) == [
        # A cross-region read replica, named by its ARN.
        ("HDS-FLOW-001", "fail", f"arn:aws:rds:eu-west-3:{A}:db:ehr-db", 1),
        # Replication to a bucket the snapshot does not hold: where it is is not known.
        # (Reported once: HDS-FLOW-002 does not repeat it.)
        ("HDS-FLOW-001", "not_evaluated", "arn:aws:s3:::ehr-exports", 1),
        # Where Config records a secret's replicas is not documented: a record without the
        # field is not evaluated, one with it is judged.
        ("HDS-FLOW-001", "not_evaluated", API_KEY, 1),
        ("HDS-FLOW-001", "fail", DB_CREDENTIALS, 1),
    ]
    edges = {(e.source.id, e.kind, e.target) for e in result.graph.edges}
    assert edges == {
        # Replication recorded only in supplementaryConfiguration, to a bucket in the export.
        (
            "arn:aws:s3:::ehr-records",
            EdgeKind.REPLICATES_TO,
            ResourceKey("", "arn:aws:s3:::ehr-records-dr"),
        ),
        (
            "arn:aws:s3:::ehr-exports",
            EdgeKind.REPLICATES_TO,
            UnknownDestination(
                "arn:aws:s3:::ehr-exports-virginia is not in the export: its region is not known"
            ),
        ),
        (
            f"arn:aws:rds:eu-west-3:{A}:db:ehr-db",
            EdgeKind.REPLICATES_TO,
            Outside("aws", "us-east-1", f"arn:aws:rds:us-east-1:{A}:db:ehr-db-virginia"),
        ),
        (DB_CREDENTIALS, EdgeKind.REPLICATES_TO, Outside("aws", "us-east-1")),
        (
            API_KEY,
            EdgeKind.REPLICATES_TO,
            UnknownDestination(
                "the destination region is not known (the configuration item has no"
                " configuration.ReplicationStatus[].Region, a field no published example of"
                " AWS Config shows)"
            ),
        ),
    }


def test_what_the_snapshot_says_of_each_resource(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = scan(tmp_path, monkeypatch, "config-snapshot.json")
    by_id = {r.id: r for r in result.graph}
    bucket = by_id["arn:aws:s3:::ehr-records"]
    assert (bucket.type, bucket.service, bucket.category, bucket.region, bucket.account) == (
        "AWS::S3::Bucket",
        "aws:s3",
        "storage",
        "eu-west-3",
        A,
    )
    assert dict(bucket.tags) == {"data-classification": "health"}
    volume = by_id[f"arn:aws:ec2:eu-west-3:{A}:volume/vol-0a1b2c3d4e5f60718"]
    assert (volume.service, volume.is_data_store) == ("aws:ebs", True)
    # Resources that hold no data: a role (global), security groups (a type hdslint does not
    # describe); a deleted bucket is not read.
    role = by_id[f"arn:aws:iam::{A}:role/s3-replication"]
    assert (role.category, role.region, role.unknown) == (
        "identity",
        None,
        {"region": "AWS Config records it as global: it has no region"},
    )
    group = by_id[f"arn:aws:ec2:eu-west-3:{A}:security-group/sg-0f1e2d3c4b5a69788"]
    assert (group.category, group.is_data_store) == ("other", False)
    assert "arn:aws:s3:::ehr-old-exports" not in by_id
    assert len(by_id) == 10


def test_aggregator_query_across_accounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = scan(tmp_path, monkeypatch, "aggregator-query.json")
    assert result.errors == []
    assert findings(result) == [
        ("HDS-FLOW-001", "fail", "arn:aws:s3:::lab-results", 3),
        ("HDS-LOC-001", "fail", "arn:aws:s3:::lab-results-virginia", 4),
    ]
    by_id = {r.id: r for r in result.graph}
    assert by_id["arn:aws:s3:::lab-results"].account == A
    assert by_id["arn:aws:s3:::lab-results-virginia"].account == B
    assert dict(by_id["arn:aws:s3:::lab-results"].tags) == {"data-classification": "health"}
    # A global table's replica in another EEA region.
    assert {(e.source.id, e.target) for e in result.graph.edges} == {
        ("arn:aws:s3:::lab-results", ResourceKey("", "arn:aws:s3:::lab-results-virginia")),
        (f"arn:aws:dynamodb:eu-west-3:{A}:table/lab-orders", Outside("aws", "eu-central-1")),
    }


def test_a_query_that_did_not_select_the_configuration() -> None:
    row = {
        "resourceId": "lab-raw",
        "resourceType": "AWS::S3::Bucket",
        "awsRegion": "eu-west-3",
        "accountId": A,
        "arn": "arn:aws:s3:::lab-raw",
    }
    result = resources_from_config([row])
    # Its replication and its access logs.
    edge, logs = result.edges
    assert logs.kind is EdgeKind.LOGS_TO
    assert edge.target == UnknownDestination(
        "where supplementaryConfiguration.BucketReplicationConfiguration.rules[]"
        ".destinationConfig.bucketARN sends data is not known (supplementaryConfiguration:"
        " the query did not select it (select configuration and supplementaryConfiguration"
        " in the advanced query))"
    )
    assert result.resources[0].location.api_call == "config:SelectAggregateResourceConfig"


def test_history_answers_write_the_configuration_as_a_json_string() -> None:
    item = {
        "resourceType": "AWS::RDS::DBInstance",
        "resourceId": "db-ABC",
        "resourceName": "lab-replica",
        "arn": f"arn:aws:rds:eu-west-3:{A}:db:lab-replica",
        "awsRegion": "eu-west-3",
        "accountId": A,
        "configuration": json.dumps({"readReplicaSourceDBInstanceIdentifier": "lab-db"}),
        "supplementaryConfiguration": {},
    }
    source = {
        **item,
        "resourceId": "db-DEF",
        "resourceName": "lab-db",
        "arn": f"arn:aws:rds:eu-west-3:{A}:db:lab-db",
        "configuration": json.dumps({"readReplicaDBInstanceIdentifiers": ["lab-replica"]}),
    }
    result = resources_from_config([item, source])
    # The replica names its source, the source its replica: one flow.
    assert [(e.source.id, e.kind, e.target) for e in result.edges] == [
        (
            f"arn:aws:rds:eu-west-3:{A}:db:lab-replica",
            EdgeKind.READS_FROM,
            ResourceKey("", f"arn:aws:rds:eu-west-3:{A}:db:lab-db"),
        )
    ]


def test_a_page_and_bad_items_are_input_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = json.loads((HERE / "aggregator-query.json").read_text())
    doc["Results"].append("not json")
    doc["NextToken"] = "AAEBAQ"
    (tmp_path / "page.json").write_text(json.dumps(doc, indent=4))
    monkeypatch.chdir(tmp_path)
    result = run_scan(ScanOptions(paths=["page.json"], env={}))
    assert [str(e) for e in result.errors] == [
        "page.json: the export holds 6 configuration items and names a further page"
        " (NextToken): the others were not checked",
        "page.json: item 5 is not an AWS Config configuration item (a resourceType and a"
        " resourceId)",
    ]


def _bucket(name: str, supplementary: dict[str, object]) -> dict[str, object]:
    return {
        "resourceType": "AWS::S3::Bucket",
        "resourceId": name,
        "resourceName": name,
        "ARN": f"arn:aws:s3:::{name}",
        "awsRegion": "eu-west-3",
        "awsAccountId": A,
        "configuration": {"name": name},
        "supplementaryConfiguration": supplementary,
    }


def _targets(items: list[dict[str, object]]) -> list[tuple[str, object]]:
    return [(e.source.id, e.target) for e in resources_from_config(items).edges]


def test_replication_written_as_config_writes_it() -> None:
    # The shape of cloud-custodian's tests/data/config/s3-rep-and-notify.json: each
    # supplementary value a JSON string, the rules a map keyed by rule id.
    rules = {
        "roleARN": f"arn:aws:iam::{A}:role/s3-replication",
        "rules": {
            "to-paris": {
                "prefix": "",
                "status": "Enabled",
                "destinationConfig": {
                    "Account": A,
                    "bucketARN": "arn:aws:s3:::lab-copy",
                    "storageClass": None,
                },
            }
        },
    }
    source = _bucket("lab", {"BucketReplicationConfiguration": json.dumps(rules)})
    # The same, written twice encoded (as Config writes a snapshot's AccessControlList).
    twice = _bucket("lab-2", {"BucketReplicationConfiguration": json.dumps(json.dumps(rules))})
    copy = _bucket("lab-copy", {})
    assert _targets([source, twice, copy]) == [
        ("arn:aws:s3:::lab", ResourceKey("", "arn:aws:s3:::lab-copy")),
        ("arn:aws:s3:::lab-2", ResourceKey("", "arn:aws:s3:::lab-copy")),
    ]


def test_an_unreadable_replication_field_is_not_evaluated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    garbled = _bucket("lab-garbled", {"BucketReplicationConfiguration": "{rules: to-virginia"})
    no_destination = _bucket(
        "lab-no-destination",
        {"BucketReplicationConfiguration": {"rules": {"r1": {"status": "Enabled"}}}},
    )
    (tmp_path / "items.json").write_text(
        json.dumps({"configurationItems": [garbled, no_destination]}, indent=1)
    )
    monkeypatch.chdir(tmp_path)
    result = run_scan(ScanOptions(paths=["items.json"], env={}))
    assert [
        (f.policy_id, f.status.value, f.resource.id, f.location.line, f.message)
        for f in result.findings
    ] == [
        (
            "HDS-FLOW-001",
            "not_evaluated",
            "arn:aws:s3:::lab-garbled",
            7,
            "could not be checked: replicates to a destination that is not known: where"
            " supplementaryConfiguration.BucketReplicationConfiguration.rules[]"
            ".destinationConfig.bucketARN sends data is not known"
            " (supplementaryConfiguration.BucketReplicationConfiguration is not readable"
            " (text that is not JSON where an object was expected))",
        ),
        (
            "HDS-FLOW-001",
            "not_evaluated",
            "arn:aws:s3:::lab-no-destination",
            21,
            "could not be checked: replicates to a destination that is not known: where"
            " supplementaryConfiguration.BucketReplicationConfiguration.rules[]"
            ".destinationConfig.bucketARN sends data is not known (an entry of"
            " supplementaryConfiguration.BucketReplicationConfiguration.rules[] has no"
            " destinationConfig.bucketARN)",
        ),
    ]


def test_a_bucket_without_replication_has_none() -> None:
    # Config writes no BucketReplicationConfiguration for a bucket that has none
    # (cloud-custodian's tests/data/config/s3.json): nothing to check, nothing unknown.
    plain = _bucket("lab", {"BucketVersioningConfiguration": '{"status":"Off"}'})
    assert _targets([plain]) == []


def test_backup_copies_and_replicated_automated_backups() -> None:
    plan = {
        "resourceType": "AWS::Backup::BackupPlan",
        "resourceId": "0f1e2d3c-plan",
        "resourceName": "ehr-daily",
        "ARN": f"arn:aws:backup:eu-west-3:{A}:backup-plan:0f1e2d3c-plan",
        "awsRegion": "eu-west-3",
        "awsAccountId": A,
        "configuration": {
            "BackupPlan": {
                "BackupPlanName": "ehr-daily",
                "BackupPlanRule": [
                    {"RuleName": "daily", "TargetBackupVault": "ehr-vault"},
                    {
                        "RuleName": "offsite",
                        "TargetBackupVault": "ehr-vault",
                        "CopyActions": [
                            {
                                "DestinationBackupVaultArn": (
                                    f"arn:aws:backup:us-west-2:{A}:backup-vault:ehr-offsite"
                                )
                            }
                        ],
                    },
                ],
            }
        },
    }
    db = {
        "resourceType": "AWS::RDS::DBInstance",
        "resourceId": "db-ABC",
        "resourceName": "ehr-db",
        "ARN": f"arn:aws:rds:eu-west-3:{A}:db:ehr-db",
        "awsRegion": "eu-west-3",
        "awsAccountId": A,
        "configuration": {
            "readReplicaDBInstanceIdentifiers": [],
            "dBInstanceAutomatedBackupsReplications": [
                {
                    "dBInstanceAutomatedBackupsArn": (
                        f"arn:aws:rds:eu-central-1:{A}:auto-backup:ab-7skq4oa2uqfen3jxrzc6wyt5lm"
                    )
                }
            ],
        },
    }
    assert [(e.source.id, e.kind, e.target) for e in resources_from_config([plan, db]).edges] == [
        (
            plan["ARN"],
            EdgeKind.COPIES_TO,
            Outside("aws", "us-west-2", f"arn:aws:backup:us-west-2:{A}:backup-vault:ehr-offsite"),
        ),
        (
            db["ARN"],
            EdgeKind.BACKS_UP_TO,
            Outside(
                "aws",
                "eu-central-1",
                f"arn:aws:rds:eu-central-1:{A}:auto-backup:ab-7skq4oa2uqfen3jxrzc6wyt5lm",
            ),
        ),
    ]


def test_every_config_field_path_says_where_it_was_confirmed() -> None:
    from hdslint import catalogue

    docs = (ROOT / "docs" / "cloud-exports.md").read_text("utf-8")
    for native_type, entry in catalogue.load("exports")["aws_config_types"].items():
        for flow in entry["flows"]:
            assert flow["confidence"] in ("documented", "unconfirmed"), native_type
            assert flow["source"], native_type
            path = flow.get("to") or flow.get("region")
            # The docs' table lists each path with its confidence.
            assert f"| `{native_type}` | `{path}` | {flow['confidence']} |" in docs, path


SCHEMA = HERE / "schema"


def test_the_paths_confirmed_by_aws_config_resource_schema_are_in_it() -> None:
    from hdslint import catalogue

    checked = 0
    for native_type, entry in catalogue.load("exports")["aws_config_types"].items():
        listed = json.loads(
            (SCHEMA / f"{native_type.replace('::', '_')}.properties.json").read_text("utf-8")
        )
        for flow in entry["flows"]:
            path = (flow.get("to") or flow.get("region")).replace("[]", "")
            if flow["confidence"] == "unconfirmed":
                # Not in AWS's list: why it is unconfirmed.
                assert path not in listed, path
            elif flow["source"].startswith("awslabs/aws-config-resource-schema:"):
                assert path in listed, path
                checked += 1
    assert checked == 8
