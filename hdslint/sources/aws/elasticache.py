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


def _record(
    item: Item, *, arn: str, native: str, call: str, name: str, flows: Iterable[Flow] = ()
) -> Record:
    data = item.data
    unknown: dict[str, str] = {}
    attributes: dict[str, Any] = {"name": name}
    if data.get("Engine"):
        attributes["engine"] = data["Engine"]
    if data.get("AtRestEncryptionEnabled") is not None:
        attributes["encrypted"] = bool(data["AtRestEncryptionEnabled"])
    if data.get("KmsKeyId"):
        attributes["kms_key_id"] = data["KmsKeyId"]
    return Record(
        arn=arn,
        type=native,
        region=arn_region(arn) or item.region,
        api_call=call,
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
        return [
            Flow(
                "replicates_to",
                None,
                None,
                _GLOBAL_CALL,
                unknown=f"its global datastore could not be read ({problem.describe()})",
            )
        ]
    flows: list[Flow] = []
    for group in (response(value) or {}).get("GlobalReplicationGroups") or ():
        members = group.get("Members") or ()
        own = [m for m in members if m.get("ReplicationGroupId") == item.data["ReplicationGroupId"]]
        if not own or own[0].get("Role") != "PRIMARY":
            continue
        for member in members:
            region = member.get("ReplicationGroupRegion")
            if member.get("Role") == "SECONDARY" and region:
                target = (
                    f"arn:{item.partition}:elasticache:{region}:{item.account}:"
                    f"replicationgroup:{member['ReplicationGroupId']}"
                )
                flows.append(Flow("replicates_to", target, region, _GLOBAL_CALL))
    return flows


def parse_replication_group(item: Item) -> Iterable[Record | Link]:
    data = item.data
    ident = data["ReplicationGroupId"]
    arn = data.get("ARN") or (
        f"arn:{item.partition}:elasticache:{item.region}:{item.account}:replicationgroup:{ident}"
    )
    return [
        _record(
            item,
            arn=arn,
            native="AWS::ElastiCache::ReplicationGroup",
            call="elasticache:DescribeReplicationGroups",
            name=ident,
            flows=_global_flows(item),
        )
    ]


def parse_cache_cluster(item: Item) -> Iterable[Record | Link]:
    data = item.data
    if data.get("ReplicationGroupId"):
        return []  # a node of a replication group, reported with its group
    ident = data["CacheClusterId"]
    arn = data.get("ARN") or (
        f"arn:{item.partition}:elasticache:{item.region}:{item.account}:cluster:{ident}"
    )
    return [
        _record(
            item,
            arn=arn,
            native="AWS::ElastiCache::CacheCluster",
            call="elasticache:DescribeCacheClusters",
            name=ident,
        )
    ]


def parse_serverless_cache(item: Item) -> Iterable[Record | Link]:
    data = item.data
    ident = data["ServerlessCacheName"]
    arn = data.get("ARN") or (
        f"arn:{item.partition}:elasticache:{item.region}:{item.account}:serverlesscache:{ident}"
    )
    return [
        _record(
            item,
            arn=arn,
            native="AWS::ElastiCache::ServerlessCache",
            call="elasticache:DescribeServerlessCaches",
            name=ident,
        )
    ]


def parse_snapshot(item: Item) -> Iterable[Record | Link]:
    data = item.data
    ident = data["SnapshotName"]
    arn = data.get("ARN") or (
        f"arn:{item.partition}:elasticache:{item.region}:{item.account}:snapshot:{ident}"
    )
    source = data.get("ReplicationGroupId") or data.get("CacheClusterId")
    flows: list[Flow] = []
    if source:
        kind = "replicationgroup" if data.get("ReplicationGroupId") else "cluster"
        origin = f"arn:{item.partition}:elasticache:{item.region}:{item.account}:{kind}:{source}"
        flows.append(
            Flow("backs_up_to", origin, item.region, "elasticache:DescribeSnapshots", inbound=True)
        )
    return [
        _record(
            item,
            arn=arn,
            native="AWS::ElastiCache::Snapshot",
            call="elasticache:DescribeSnapshots",
            name=ident,
            flows=flows,
        )
    ]


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
