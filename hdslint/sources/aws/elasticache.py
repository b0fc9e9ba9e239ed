"""ElastiCache: replication groups (with their global datastores), standalone cache
clusters, serverless caches and snapshots."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hdslint.sources.aws.records import (
    Flow,
    Item,
    Link,
    Record,
    arn_region,
    detail_tags,
    failed,
    response,
    unread_flow,
)
from hdslint.sources.aws.spec import Detail, Kind, Listing, ServiceSpec

_GLOBAL_CALL = "elasticache:DescribeGlobalReplicationGroups"


def _tags_detail(arn_key: str) -> Detail:
    return Detail(
        "tags",
        "ListTagsForResource",
        lambda item: {"ResourceName": item.data[arn_key]} if item.data.get(arn_key) else None,
        vanished=frozenset(
            {
                "CacheClusterNotFound",
                "ReplicationGroupNotFoundFault",
                "ServerlessCacheNotFoundFault",
                "SnapshotNotFoundFault",
            }
        ),
    )


def _arn(item: Item, region: str, kind: str, ident: str) -> str:
    return f"arn:{item.partition}:elasticache:{region}:{item.account}:{kind}:{ident}"


def _record(
    item: Item, ident_key: str, kind: str, native: str, call: str, flows: Iterable[Flow] = ()
) -> Record:
    """The record of a replication group, cache cluster, serverless cache or snapshot: named
    by its `ident_key`, ARN'd as `kind` when the listing has no ARN, read by `call`."""
    data = item.data
    ident = data[ident_key]
    arn = data.get("ARN") or _arn(item, item.region, kind, ident)
    unknown: dict[str, str] = {}
    attributes: dict[str, Any] = {"name": ident}
    if data.get("Engine"):
        attributes["engine"] = data["Engine"]
    if data.get("AtRestEncryptionEnabled") is not None:
        attributes["encrypted"] = bool(data["AtRestEncryptionEnabled"])
    if data.get("KmsKeyId"):
        attributes["kms_key_id"] = data["KmsKeyId"]
    return Record(
        arn=arn,
        type=f"AWS::ElastiCache::{native}",
        region=arn_region(arn) or item.region,
        api_call=f"elasticache:{call}",
        tags=detail_tags(item, "tags", ("TagList",), unknown),
        attributes=attributes,
        flows=tuple(flows),
        unknown=unknown,
    )


def _global_flows(item: Item) -> list[Flow]:
    """A primary member of a global datastore replicates to the secondary members."""
    info = item.data.get("GlobalReplicationGroupInfo") or {}
    if not info.get("GlobalReplicationGroupId"):
        return []
    value = item.detail("global")
    problem = failed(value)
    if problem is not None:
        return [unread_flow("replicates_to", _GLOBAL_CALL, "its global datastore", problem)]
    flows: list[Flow] = []
    for group in (response(value) or {}).get("GlobalReplicationGroups") or ():
        members = group.get("Members") or ()
        own = [m for m in members if m.get("ReplicationGroupId") == item.data["ReplicationGroupId"]]
        if not own or own[0].get("Role") != "PRIMARY":
            continue
        for member in members:
            region = member.get("ReplicationGroupRegion")
            if member.get("Role") == "SECONDARY" and region:
                target = _arn(item, region, "replicationgroup", member["ReplicationGroupId"])
                flows.append(Flow("replicates_to", target, region, _GLOBAL_CALL))
    return flows


def parse_replication_group(item: Item) -> Iterable[Record | Link]:
    return [
        _record(
            item,
            "ReplicationGroupId",
            "replicationgroup",
            "ReplicationGroup",
            "DescribeReplicationGroups",
            _global_flows(item),
        )
    ]


def parse_cache_cluster(item: Item) -> Iterable[Record | Link]:
    if item.data.get("ReplicationGroupId"):
        return []  # a node of a replication group, reported with its group
    return [_record(item, "CacheClusterId", "cluster", "CacheCluster", "DescribeCacheClusters")]


def parse_serverless_cache(item: Item) -> Iterable[Record | Link]:
    return [
        _record(
            item,
            "ServerlessCacheName",
            "serverlesscache",
            "ServerlessCache",
            "DescribeServerlessCaches",
        )
    ]


def parse_snapshot(item: Item) -> Iterable[Record | Link]:
    data = item.data
    source = data.get("ReplicationGroupId") or data.get("CacheClusterId")
    flows: list[Flow] = []
    if source:
        kind = "replicationgroup" if data.get("ReplicationGroupId") else "cluster"
        origin = _arn(item, item.region, kind, source)
        flows.append(
            Flow("backs_up_to", origin, item.region, "elasticache:DescribeSnapshots", inbound=True)
        )
    return [_record(item, "SnapshotName", "snapshot", "Snapshot", "DescribeSnapshots", flows)]


SPEC = ServiceSpec(
    name="elasticache",
    client="elasticache",
    kinds=(
        Kind(
            Listing("DescribeReplicationGroups", items="ReplicationGroups"),
            details=(
                _tags_detail("ARN"),
                Detail(
                    "global",
                    "DescribeGlobalReplicationGroups",
                    lambda item: (
                        {
                            "GlobalReplicationGroupId": item.data["GlobalReplicationGroupInfo"][
                                "GlobalReplicationGroupId"
                            ],
                            "ShowMemberInfo": True,
                        }
                        if (item.data.get("GlobalReplicationGroupInfo") or {}).get(
                            "GlobalReplicationGroupId"
                        )
                        else None
                    ),
                ),
            ),
            parse=parse_replication_group,
        ),
        Kind(
            Listing("DescribeCacheClusters", items="CacheClusters"),
            details=(_tags_detail("ARN"),),
            parse=parse_cache_cluster,
        ),
        Kind(
            Listing("DescribeServerlessCaches", items="ServerlessCaches"),
            details=(_tags_detail("ARN"),),
            parse=parse_serverless_cache,
        ),
        Kind(
            Listing("DescribeSnapshots", items="Snapshots"),
            details=(_tags_detail("ARN"),),
            parse=parse_snapshot,
        ),
    ),
)
