"""RDS, Aurora, DocumentDB and Neptune: instances, clusters, snapshots, automated backups,
read replicas (also across regions), snapshot copies, automated-backup replication and
Aurora global clusters.

DocumentDB and Neptune share the RDS API (their clusters come back from the same calls with
`Engine` docdb or neptune), so they are read here and typed by engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from hdslint.sources.aws.records import (
    Flow,
    Item,
    Link,
    Record,
    arn_region,
    tag_map,
)
from hdslint.sources.aws.spec import Kind, Listing, ServiceSpec

_FAMILY = {"docdb": "DocDB", "neptune": "Neptune"}


def _type(engine: str | None, kind: str) -> str:
    family = _FAMILY.get(engine or "", "RDS")
    return f"AWS::{family}::{kind}"


def _arn(item: Item, kind: str, ident: str, region: str | None = None) -> str:
    """An RDS ARN from an identifier that may already be one (cross-region references are
    ARNs, same-region ones plain identifiers)."""
    if ident.startswith("arn:"):
        return ident
    return f"arn:{item.partition}:rds:{region or item.region}:{item.account}:{kind}:{ident}"


def _flow(item: Item, kind: str, ref: str, resource: str, api_call: str, **kw: Any) -> Flow:
    target = _arn(item, resource, ref)
    return Flow(kind, target, arn_region(target), api_call, **kw)


def _common(data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, name in (
        ("Engine", "engine"),
        ("StorageEncrypted", "encrypted"),
        ("Encrypted", "encrypted"),
        ("KmsKeyId", "kms_key_id"),
    ):
        if data.get(key) is not None:
            out[name] = data[key]
    return out


def _record(
    item: Item, arn: str, native: str, call: str, attributes: dict[str, Any], flows: Iterable[Flow]
) -> Record:
    return Record(
        arn=arn,
        type=native,
        # The ARN names the region; a replica's AvailabilityZone may not (moto).
        region=arn_region(arn) or item.region,
        api_call=call,
        tags=tag_map(item.data.get("TagList")),
        attributes=attributes,
        flows=tuple(flows),
    )


def parse_instance(item: Item) -> Iterable[Record | Link]:
    data = item.data
    call = "rds:DescribeDBInstances"
    flows: list[Flow] = []
    # This instance is a read replica: it reads from its source (an ARN when cross-region).
    for key, resource in (
        ("ReadReplicaSourceDBInstanceIdentifier", "db"),
        ("ReadReplicaSourceDBClusterIdentifier", "cluster"),
    ):
        if data.get(key):
            flows.append(_flow(item, "reads_from", data[key], resource, call))
    # Its own read replicas read from it.
    for key, resource in (
        ("ReadReplicaDBInstanceIdentifiers", "db"),
        ("ReadReplicaDBClusterIdentifiers", "cluster"),
    ):
        for ref in data.get(key) or ():
            flows.append(_flow(item, "reads_from", ref, resource, call, inbound=True))
    # Automated backups replicated to another region.
    for replication in data.get("DBInstanceAutomatedBackupsReplications") or ():
        target = replication.get("DBInstanceAutomatedBackupsArn")
        if target:
            flows.append(Flow("backs_up_to", target, arn_region(target), call))
    arn = data.get("DBInstanceArn") or _arn(item, "db", data["DBInstanceIdentifier"])
    native = _type(data.get("Engine"), "DBInstance")
    attributes = {"name": data["DBInstanceIdentifier"], **_common(data)}
    return [_record(item, arn, native, call, attributes, flows)]


def parse_cluster(item: Item) -> Iterable[Record | Link]:
    data = item.data
    call = "rds:DescribeDBClusters"
    flows: list[Flow] = []
    if data.get("ReplicationSourceIdentifier"):
        flows.append(
            _flow(item, "reads_from", data["ReplicationSourceIdentifier"], "cluster", call)
        )
    for ref in data.get("ReadReplicaIdentifiers") or ():
        flows.append(_flow(item, "reads_from", ref, "cluster", call, inbound=True))
    arn = data.get("DBClusterArn") or _arn(item, "cluster", data["DBClusterIdentifier"])
    attributes = {"name": data["DBClusterIdentifier"], **_common(data)}
    if data.get("GlobalClusterIdentifier"):
        attributes["global_cluster"] = data["GlobalClusterIdentifier"]
    return [_record(item, arn, _type(data.get("Engine"), "DBCluster"), call, attributes, flows)]


def _snapshot(
    item: Item,
    *,
    arn: str,
    native: str,
    call: str,
    copied_from: str | None,
    source: str,
    source_kind: str,
) -> Record:
    """A snapshot is a backup of its instance or cluster (same region); a copy made from
    another snapshot (another region or account) is a copy of that snapshot."""
    data = item.data
    if copied_from:
        flow = Flow("copies_to", copied_from, arn_region(copied_from), call, inbound=True)
    else:
        flow = _flow(item, "backs_up_to", source, source_kind, call, inbound=True)
    attributes = {"snapshot_type": data.get("SnapshotType"), **_common(data)}
    return _record(item, arn, native, call, attributes, (flow,))


def parse_db_snapshot(item: Item) -> Iterable[Record | Link]:
    data = item.data
    arn = data.get("DBSnapshotArn") or _arn(item, "snapshot", data["DBSnapshotIdentifier"])
    return [
        _snapshot(
            item,
            arn=arn,
            native=_type(data.get("Engine"), "DBSnapshot"),
            call="rds:DescribeDBSnapshots",
            copied_from=data.get("SourceDBSnapshotIdentifier"),
            source=data["DBInstanceIdentifier"],
            source_kind="db",
        )
    ]


def parse_cluster_snapshot(item: Item) -> Iterable[Record | Link]:
    data = item.data
    arn = data.get("DBClusterSnapshotArn") or _arn(
        item, "cluster-snapshot", data["DBClusterSnapshotIdentifier"]
    )
    return [
        _snapshot(
            item,
            arn=arn,
            native=_type(data.get("Engine"), "DBClusterSnapshot"),
            call="rds:DescribeDBClusterSnapshots",
            copied_from=data.get("SourceDBClusterSnapshotArn"),
            source=data["DBClusterIdentifier"],
            source_kind="cluster",
        )
    ]


def _automated_backup(
    item: Item, *, arn_key: str, source_key: str, native: str, call: str
) -> Iterable[Record | Link]:
    """Automated backups are listed for every instance; only those that outlive their
    instance (retained) or live in another region (replicated) are stores of their own."""
    data = item.data
    arn = data.get(arn_key)
    source = data.get(source_key)
    if not arn:
        return []
    replicated = bool(source) and arn_region(source) not in (None, arn_region(arn))
    if not replicated and data.get("Status") != "retained":
        return []
    flows = (Flow("backs_up_to", source, arn_region(source), call, inbound=True),) if source else ()
    attributes = {"status": data.get("Status"), **_common(data)}
    return [_record(item, arn, native, call, attributes, flows)]


def parse_instance_automated_backup(item: Item) -> Iterable[Record | Link]:
    return _automated_backup(
        item,
        arn_key="DBInstanceAutomatedBackupsArn",
        source_key="DBInstanceArn",
        native="AWS::RDS::DBInstanceAutomatedBackup",
        call="rds:DescribeDBInstanceAutomatedBackups",
    )


def parse_cluster_automated_backup(item: Item) -> Iterable[Record | Link]:
    return _automated_backup(
        item,
        arn_key="DBClusterAutomatedBackupsArn",
        source_key="DBClusterArn",
        native="AWS::RDS::DBClusterAutomatedBackup",
        call="rds:DescribeDBClusterAutomatedBackups",
    )


def parse_global_cluster(item: Item) -> Iterable[Record | Link]:
    """An Aurora (or DocumentDB) global cluster: its writer replicates to every reader."""
    links: list[Record | Link] = []
    for member in item.data.get("GlobalClusterMembers") or ():
        writer = member.get("DBClusterArn")
        if not writer or not member.get("IsWriter"):
            continue
        for reader in member.get("Readers") or ():
            links.append(
                Link(
                    writer,
                    arn_region(writer),
                    "replicates_to",
                    reader,
                    arn_region(reader),
                    "rds:DescribeGlobalClusters",
                )
            )
    return links


SPEC = ServiceSpec(
    name="rds",
    client="rds",
    kinds=(
        Kind(Listing("DescribeDBInstances", items="DBInstances"), parse_instance),
        Kind(Listing("DescribeDBClusters", items="DBClusters"), parse_cluster),
        Kind(Listing("DescribeDBSnapshots", items="DBSnapshots"), parse_db_snapshot),
        Kind(
            Listing("DescribeDBClusterSnapshots", items="DBClusterSnapshots"),
            parse_cluster_snapshot,
        ),
        Kind(
            Listing("DescribeDBInstanceAutomatedBackups", items="DBInstanceAutomatedBackups"),
            parse_instance_automated_backup,
        ),
        Kind(
            Listing("DescribeDBClusterAutomatedBackups", items="DBClusterAutomatedBackups"),
            parse_cluster_automated_backup,
        ),
        Kind(Listing("DescribeGlobalClusters", items="GlobalClusters"), parse_global_cluster),
    ),
)
