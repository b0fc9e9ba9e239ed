"""Parse functions on API responses written after AWS's documented shapes: the data flows
moto cannot produce (global tables, snapshot copies with their source, automated-backup
replication, global clusters, EFS replication, global datastores, backup selections...)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from hdslint.ids import Outside, ResourceKey, UnknownDestination
from hdslint.model import EdgeKind
from hdslint.sources.aws import (
    backup,
    dynamodb,
    ebs,
    ecr,
    efs,
    elasticache,
    kinesis,
    logs,
    rds,
    redshift,
    s3,
    secrets,
)
from hdslint.sources.aws.normalise import normalise
from hdslint.sources.aws.records import NOT_CONFIGURED, Failure, Flow, Item, Link, Record

ACCOUNT = "123456789012"
DENIED = Failure("x:Op", "access_denied", "AccessDenied", "nope")


def item(
    data: Mapping[str, Any],
    *,
    region: str = "eu-west-3",
    details: Mapping[str, Any] | None = None,
    shared: Mapping[str, Any] | None = None,
    scan_regions: Iterable[str] = ("eu-west-3", "eu-central-1"),
) -> Item:
    return Item(
        region=region,
        account=ACCOUNT,
        partition="aws",
        data=data,
        details=details or {},
        shared=shared or {},
        scan_regions=frozenset(scan_regions),
        home_region="eu-west-3",
    )


def flows(produced: Iterable[Record | Link]) -> list[tuple[str, str | None, str | None, bool]]:
    out = []
    for p in produced:
        assert isinstance(p, Record)
        out.extend((f.kind, f.target, f.region, f.inbound) for f in p.flows)
    return out


def only(produced: Iterable[Record | Link]) -> Record:
    (record,) = list(produced)
    assert isinstance(record, Record)
    return record


TABLE = f"arn:aws:dynamodb:eu-west-3:{ACCOUNT}:table/visits"


def test_dynamodb_global_table_replicas() -> None:
    table = {
        "Table": {
            "TableArn": TABLE,
            "Replicas": [{"RegionName": "eu-west-3"}, {"RegionName": "us-east-1"}],
        }
    }
    produced = dynamodb.parse_table(item({"value": "visits"}, details={"table": table}))
    assert flows(produced) == [
        (
            "replicates_to",
            f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/visits",
            "us-east-1",
            False,
        )
    ]


def test_dynamodb_legacy_global_table_is_described() -> None:
    legacy = item(
        {"value": "visits"},
        details={"table": {"Table": {"TableArn": TABLE, "GlobalTableVersion": "2017.11.29"}}},
    )
    (detail,) = [d for d in dynamodb.SPEC.kinds[0].details if d.name == "global_table"]
    assert detail.params(legacy) == {"GlobalTableName": "visits"}
    described = item(
        {"value": "visits"},
        details={
            "table": {"Table": {"TableArn": TABLE, "GlobalTableVersion": "2017.11.29"}},
            "global_table": {
                "GlobalTableDescription": {
                    "ReplicationGroup": [{"RegionName": "eu-west-3"}, {"RegionName": "ap-south-1"}]
                }
            },
        },
    )
    assert [f[2] for f in flows(dynamodb.parse_table(described))] == ["ap-south-1"]


def test_dynamodb_table_whose_description_failed_has_an_unknown_flow() -> None:
    record = only(dynamodb.parse_table(item({"value": "visits"}, details={"table": DENIED})))
    assert record.arn == TABLE
    assert [(f.kind, f.unknown) for f in record.flows] == [
        (
            "replicates_to",
            "its replicas could not be read (x:Op failed with AccessDenied: nope)",
        )
    ]


def test_rds_snapshot_copy_names_its_source() -> None:
    source = f"arn:aws:rds:eu-west-3:{ACCOUNT}:snapshot:nightly"
    record = only(
        rds.parse_db_snapshot(
            item(
                {
                    "DBSnapshotIdentifier": "nightly-copy",
                    "DBSnapshotArn": f"arn:aws:rds:us-east-1:{ACCOUNT}:snapshot:nightly-copy",
                    "DBInstanceIdentifier": "patients",
                    "SourceDBSnapshotIdentifier": source,
                    "SourceRegion": "eu-west-3",
                },
                region="us-east-1",
            )
        )
    )
    assert (record.region, record.type) == ("us-east-1", "AWS::RDS::DBSnapshot")
    assert [(f.kind, f.target, f.region, f.inbound) for f in record.flows] == [
        ("copies_to", source, "eu-west-3", True)
    ]


def test_rds_snapshot_is_a_backup_of_its_instance() -> None:
    record = only(
        rds.parse_db_snapshot(
            item({"DBSnapshotIdentifier": "nightly", "DBInstanceIdentifier": "patients"})
        )
    )
    assert record.arn == f"arn:aws:rds:eu-west-3:{ACCOUNT}:snapshot:nightly"
    assert flows([record]) == [
        ("backs_up_to", f"arn:aws:rds:eu-west-3:{ACCOUNT}:db:patients", "eu-west-3", True)
    ]


def test_rds_instance_replicas_and_automated_backup_replication() -> None:
    record = only(
        rds.parse_instance(
            item(
                {
                    "DBInstanceIdentifier": "patients",
                    "DBInstanceArn": f"arn:aws:rds:eu-west-3:{ACCOUNT}:db:patients",
                    "Engine": "postgres",
                    "ReadReplicaDBInstanceIdentifiers": [
                        "patients-local",
                        f"arn:aws:rds:ca-central-1:{ACCOUNT}:db:patients-ca",
                    ],
                    "DBInstanceAutomatedBackupsReplications": [
                        {
                            "DBInstanceAutomatedBackupsArn": (
                                f"arn:aws:rds:us-east-1:{ACCOUNT}:auto-backup:ab-1"
                            )
                        }
                    ],
                    "TagList": [{"Key": "app", "Value": "ehr"}],
                }
            )
        )
    )
    assert dict(record.tags) == {"app": "ehr"}
    assert flows([record]) == [
        ("reads_from", f"arn:aws:rds:eu-west-3:{ACCOUNT}:db:patients-local", "eu-west-3", True),
        ("reads_from", f"arn:aws:rds:ca-central-1:{ACCOUNT}:db:patients-ca", "ca-central-1", True),
        ("backs_up_to", f"arn:aws:rds:us-east-1:{ACCOUNT}:auto-backup:ab-1", "us-east-1", False),
    ]


@pytest.mark.parametrize(
    ("status", "source_region", "kept"),
    [
        ("active", "eu-west-3", False),  # the live instance's own backups: part of it
        ("retained", "eu-west-3", True),  # outlived its instance
        ("replicating", "eu-central-1", True),  # replicated here from another region
    ],
)
def test_rds_automated_backups_that_are_stores_of_their_own(
    status: str, source_region: str, kept: bool
) -> None:
    produced = list(
        rds.parse_instance_automated_backup(
            item(
                {
                    "DBInstanceAutomatedBackupsArn": (
                        f"arn:aws:rds:eu-west-3:{ACCOUNT}:auto-backup:ab-1"
                    ),
                    "DBInstanceArn": f"arn:aws:rds:{source_region}:{ACCOUNT}:db:patients",
                    "Status": status,
                }
            )
        )
    )
    assert bool(produced) is kept


def test_rds_global_cluster_writer_replicates_to_readers() -> None:
    writer = f"arn:aws:rds:eu-west-3:{ACCOUNT}:cluster:ehr"
    reader = f"arn:aws:rds:us-east-1:{ACCOUNT}:cluster:ehr-us"
    produced = list(
        rds.parse_global_cluster(
            item(
                {
                    "GlobalClusterMembers": [
                        {"DBClusterArn": writer, "IsWriter": True, "Readers": [reader]},
                        {"DBClusterArn": reader, "IsWriter": False, "Readers": []},
                    ]
                }
            )
        )
    )
    assert produced == [
        Link(
            writer, "eu-west-3", "replicates_to", reader, "us-east-1", "rds:DescribeGlobalClusters"
        )
    ]


@pytest.mark.parametrize(
    ("engine", "native"),
    [
        ("aurora-postgresql", "AWS::RDS::DBCluster"),
        ("docdb", "AWS::DocDB::DBCluster"),
        ("neptune", "AWS::Neptune::DBCluster"),
    ],
)
def test_clusters_are_typed_by_engine(engine: str, native: str) -> None:
    record = only(rds.parse_cluster(item({"DBClusterIdentifier": "c", "Engine": engine})))
    assert record.type == native


def test_efs_replication_source_and_destination() -> None:
    config = {
        "Replications": [
            {
                "SourceFileSystemId": "fs-0aaa1111",
                "SourceFileSystemRegion": "eu-west-3",
                "SourceFileSystemArn": (
                    f"arn:aws:elasticfilesystem:eu-west-3:{ACCOUNT}:file-system/fs-0aaa1111"
                ),
                "Destinations": [{"FileSystemId": "fs-0bbb2222", "Region": "us-west-2"}],
            }
        ]
    }
    source = only(
        efs.parse_file_system(
            item({"FileSystemId": "fs-0aaa1111"}, details={"replication": config})
        )
    )
    assert flows([source]) == [
        (
            "replicates_to",
            f"arn:aws:elasticfilesystem:us-west-2:{ACCOUNT}:file-system/fs-0bbb2222",
            "us-west-2",
            False,
        )
    ]
    destination = only(
        efs.parse_file_system(
            item(
                {"FileSystemId": "fs-0bbb2222"}, region="us-west-2", details={"replication": config}
            )
        )
    )
    assert flows([destination]) == [
        (
            "replicates_to",
            f"arn:aws:elasticfilesystem:eu-west-3:{ACCOUNT}:file-system/fs-0aaa1111",
            "eu-west-3",
            True,
        )
    ]
    unreplicated = only(
        efs.parse_file_system(
            item({"FileSystemId": "fs-0ccc3333"}, details={"replication": NOT_CONFIGURED})
        )
    )
    assert unreplicated.flows == ()


def test_elasticache_global_datastore_primary_replicates_to_secondaries() -> None:
    data = {
        "ReplicationGroupId": "sessions",
        "ARN": f"arn:aws:elasticache:eu-west-3:{ACCOUNT}:replicationgroup:sessions",
        "GlobalReplicationGroupInfo": {"GlobalReplicationGroupId": "ldgnf-sessions"},
    }
    (detail,) = [d for d in elasticache.SPEC.kinds[0].details if d.name == "global"]
    assert detail.params(item(data)) == {
        "GlobalReplicationGroupId": "ldgnf-sessions",
        "ShowMemberInfo": True,
    }
    answer = {
        "GlobalReplicationGroups": [
            {
                "Members": [
                    {
                        "ReplicationGroupId": "sessions",
                        "ReplicationGroupRegion": "eu-west-3",
                        "Role": "PRIMARY",
                    },
                    {
                        "ReplicationGroupId": "sessions-us",
                        "ReplicationGroupRegion": "us-east-1",
                        "Role": "SECONDARY",
                    },
                ]
            }
        ]
    }
    record = only(elasticache.parse_replication_group(item(data, details={"global": answer})))
    assert flows([record]) == [
        (
            "replicates_to",
            f"arn:aws:elasticache:us-east-1:{ACCOUNT}:replicationgroup:sessions-us",
            "us-east-1",
            False,
        )
    ]


def test_backup_plan_selections_link_resources_to_the_plan() -> None:
    plan = f"arn:aws:backup:eu-west-3:{ACCOUNT}:backup-plan:p-1"
    volume = f"arn:aws:ec2:eu-west-3:{ACCOUNT}:volume/vol-1"
    produced = list(
        backup.parse_plan(
            item(
                {"BackupPlanArn": plan, "BackupPlanId": "p-1", "BackupPlanName": "daily"},
                details={
                    "plan": {
                        "BackupPlan": {
                            "Rules": [
                                {
                                    "TargetBackupVaultName": "Default",
                                    "CopyActions": [
                                        {
                                            "DestinationBackupVaultArn": (
                                                f"arn:aws:backup:eu-central-1:{ACCOUNT}:"
                                                "backup-vault:dr"
                                            )
                                        }
                                    ],
                                }
                            ]
                        }
                    },
                    "tags": {"Tags": {"team": "infra"}},
                    "selections": {"BackupSelectionsList": [{"SelectionId": "s-1"}]},
                    "selection": (
                        {
                            "BackupSelection": {
                                "SelectionName": "ebs",
                                "Resources": [volume, "arn:aws:rds:*:*:db:*"],
                            }
                        },
                    ),
                },
            )
        )
    )
    record, link = produced
    assert isinstance(record, Record)
    assert flows([record]) == [
        (
            "backs_up_to",
            f"arn:aws:backup:eu-west-3:{ACCOUNT}:backup-vault:Default",
            "eu-west-3",
            False,
        ),
        (
            "copies_to",
            f"arn:aws:backup:eu-central-1:{ACCOUNT}:backup-vault:dr",
            "eu-central-1",
            False,
        ),
    ]
    assert dict(record.tags) == {"team": "infra"}
    assert link == Link(
        volume, "eu-west-3", "backs_up_to", plan, "eu-west-3", "backup:GetBackupPlan"
    )


@pytest.mark.parametrize(("name", "replicated"), [("patient-api", True), ("tools/linter", False)])
def test_ecr_replication_rules_follow_their_filters(name: str, replicated: bool) -> None:
    registry = {
        "replicationConfiguration": {
            "rules": [
                {
                    "destinations": [{"region": "us-east-1", "registryId": ACCOUNT}],
                    "repositoryFilters": [{"filter": "patient", "filterType": "PREFIX_MATCH"}],
                }
            ]
        }
    }
    record = only(
        ecr.parse_repository(
            item(
                {
                    "repositoryName": name,
                    "repositoryArn": f"arn:aws:ecr:eu-west-3:{ACCOUNT}:repository/{name}",
                },
                shared={"registry": registry},
            )
        )
    )
    assert [f.target for f in record.flows] == (
        [f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/{name}"] if replicated else []
    )


def test_s3_bucket_region_from_the_listing_and_out_of_scope_buckets() -> None:
    listed = item({"Name": "scans", "BucketRegion": "eu-central-1"})
    (location, *_rest) = s3.SPEC.kinds[0].details
    assert location.params(listed) is None  # the listing said where it is
    record = only(s3.parse_bucket(listed))
    assert (record.arn, record.region) == ("arn:aws:s3:::scans", "eu-central-1")
    assert list(s3.parse_bucket(item({"Name": "far", "BucketRegion": "ap-south-1"}))) == []


def test_s3_replication_to_a_bucket_whose_location_is_denied() -> None:
    replication = {
        "ReplicationConfiguration": {
            "Rules": [
                {"Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::partner-bucket"}},
                {"Status": "Disabled", "Destination": {"Bucket": "arn:aws:s3:::old"}},
            ]
        }
    }
    record = only(
        s3.parse_bucket(
            item(
                {"Name": "scans"},
                details={
                    "location": {"LocationConstraint": "eu-west-3"},
                    "replication": replication,
                    "destinations": (DENIED,),
                    "tagging": NOT_CONFIGURED,
                    "encryption": {
                        "ServerSideEncryptionConfiguration": {
                            "Rules": [
                                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}
                            ]
                        }
                    },
                },
            )
        )
    )
    assert record.flows == (
        Flow(
            "replicates_to",
            "arn:aws:s3:::partner-bucket",
            None,
            "s3:GetBucketReplication",
            unknown="the location of destination bucket partner-bucket could not be read"
            " (x:Op failed with AccessDenied: nope)",
        ),
    )
    assert dict(record.attributes) == {"name": "scans", "encryption": "aws:kms"}
    assert dict(record.tags or {}) == {}


@pytest.mark.parametrize(
    ("constraint", "region"), [(None, "us-east-1"), ("", "us-east-1"), ("EU", "eu-west-1")]
)
def test_s3_legacy_location_constraints(constraint: str | None, region: str) -> None:
    assert s3.location_region(constraint) == region


def test_log_subscription_sends_events_to_another_region() -> None:
    record = only(
        logs.parse_log_group(
            item(
                {"logGroupName": "app", "arn": f"arn:aws:logs:eu-west-3:{ACCOUNT}:log-group:app:*"},
                details={
                    "tags": {"tags": {}},
                    "subscriptions": {
                        "subscriptionFilters": [
                            {
                                "destinationArn": (
                                    f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/siem"
                                )
                            }
                        ]
                    },
                },
            )
        )
    )
    assert record.arn == f"arn:aws:logs:eu-west-3:{ACCOUNT}:log-group:app"
    assert flows([record]) == [
        ("logs_to", f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/siem", "us-east-1", False)
    ]


def test_secret_replica_points_back_to_its_primary() -> None:
    arn = f"arn:aws:secretsmanager:eu-central-1:{ACCOUNT}:secret:db-AbCdEf"
    record = only(
        secrets.parse_secret(
            item(
                {"ARN": arn, "Name": "db", "PrimaryRegion": "eu-west-3"},
                region="eu-central-1",
                details={"secret": {"PrimaryRegion": "eu-west-3"}},
            )
        )
    )
    assert flows([record]) == [
        (
            "replicates_to",
            f"arn:aws:secretsmanager:eu-west-3:{ACCOUNT}:secret:db-AbCdEf",
            "eu-west-3",
            True,
        )
    ]


def test_ebs_snapshot_copy_found_by_aws_default_description() -> None:
    copy = only(
        ebs.parse_snapshot(
            item(
                {
                    "SnapshotId": "snap-0b2",
                    "VolumeId": "vol-ffffffff",
                    "Description": "[Copied snap-0a1 from eu-west-3]",
                },
                region="ap-south-1",
            )
        )
    )
    assert copy.arn == "arn:aws:ec2:ap-south-1::snapshot/snap-0b2"
    assert flows([copy]) == [
        ("copies_to", "arn:aws:ec2:eu-west-3::snapshot/snap-0a1", "eu-west-3", True)
    ]
    renamed = only(
        ebs.parse_snapshot(
            item({"SnapshotId": "snap-0b3", "VolumeId": "vol-ffffffff", "Description": "mine"})
        )
    )
    assert renamed.flows == ()


def test_redshift_copied_snapshot_comes_from_its_cluster_region() -> None:
    record = only(
        redshift.parse_snapshot(
            item(
                {
                    "SnapshotIdentifier": "rs:wh-2026",
                    "ClusterIdentifier": "wh",
                    "SourceRegion": "eu-west-3",
                    "OwnerAccount": ACCOUNT,
                },
                region="us-east-1",
            )
        )
    )
    assert flows([record]) == [
        ("copies_to", f"arn:aws:redshift:eu-west-3:{ACCOUNT}:cluster:wh", "eu-west-3", True)
    ]
    shared = item(
        {"SnapshotIdentifier": "x", "ClusterIdentifier": "y", "OwnerAccount": "999999999999"}
    )
    assert list(redshift.parse_snapshot(shared)) == []


def test_kinesis_pages_follow_next_token() -> None:
    pages = [
        {"StreamSummaries": [{"StreamName": "a"}], "HasMoreStreams": True, "NextToken": "t"},
        {"StreamSummaries": [{"StreamName": "b"}], "HasMoreStreams": False},
    ]
    calls: list[dict[str, Any]] = []

    def call(**params: Any) -> dict[str, Any]:
        calls.append(params)
        return pages[len(calls) - 1]

    listed = [
        s["StreamName"] for p in kinesis.list_streams_pages(call, {}) for s in p["StreamSummaries"]
    ]
    assert (listed, calls) == (["a", "b"], [{}, {"NextToken": "t"}])


# -- normalisation ---------------------------------------------------------------------------


def record(arn: str, region: str | None, *flows: Flow) -> Record:
    return Record(arn, "AWS::S3::Bucket", region, "s3:ListBuckets", flows=flows)


def test_flows_to_unscanned_destinations_carry_a_hint_or_the_reason() -> None:
    a, b = "arn:aws:s3:::a", "arn:aws:s3:::b"
    resources, edges = normalise(
        [
            record(
                a,
                "eu-west-3",
                Flow("replicates_to", b, None, "s3:GetBucketReplication"),
                Flow("replicates_to", "arn:aws:s3:::c", "us-east-1", "s3:GetBucketReplication"),
                Flow("replicates_to", None, None, "s3:GetBucketReplication", unknown="denied"),
            ),
            record(b, "eu-central-1"),
        ],
        [],
    )
    assert [r.id for r in resources] == [a, b]
    assert [(e.target, e.kind) for e in edges] == [
        (UnknownDestination("denied"), EdgeKind.REPLICATES_TO),
        (ResourceKey("", b), EdgeKind.REPLICATES_TO),
        (Outside("aws", "us-east-1", "arn:aws:s3:::c"), EdgeKind.REPLICATES_TO),
    ]


def test_a_flow_reported_from_both_ends_is_one_edge() -> None:
    source, replica = "arn:aws:rds:eu-west-3:1:db:a", "arn:aws:rds:us-east-1:1:db:b"
    _, edges = normalise(
        [
            Record(
                source,
                "AWS::RDS::DBInstance",
                "eu-west-3",
                "rds:DescribeDBInstances",
                flows=(
                    Flow(
                        "reads_from", replica, "us-east-1", "rds:DescribeDBInstances", inbound=True
                    ),
                ),
            ),
            Record(
                replica,
                "AWS::RDS::DBInstance",
                "us-east-1",
                "rds:DescribeDBInstances",
                flows=(Flow("reads_from", source, "eu-west-3", "rds:DescribeDBInstances"),),
            ),
        ],
        [],
    )
    assert [(e.source, e.kind, e.target, e.origin) for e in edges] == [
        (ResourceKey("", replica), EdgeKind.READS_FROM, ResourceKey("", source), None)
    ]


def test_a_resource_without_region_says_why() -> None:
    resources, _ = normalise(
        [
            Record(
                "arn:aws:s3:::x",
                "AWS::S3::Bucket",
                None,
                "s3:ListBuckets",
                unknown={"region": "denied"},
            )
        ],
        [],
    )
    assert (resources[0].region, dict(resources[0].unknown)) == (None, {"region": "denied"})
    assert (resources[0].service, resources[0].category) == ("aws:s3", "storage")
