"""Redshift: clusters (with cross-region snapshot copy) and the account's snapshots."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hdslint.sources.aws.records import Flow, Item, Link, Record, arn_region, tag_map
from hdslint.sources.aws.spec import Kind, Listing, ServiceSpec


def _cluster_arn(item: Item, ident: str, region: str | None = None) -> str:
    return f"arn:{item.partition}:redshift:{region or item.region}:{item.account}:cluster:{ident}"


def _attributes(data: dict[str, Any] | Any, name: str) -> dict[str, Any]:
    attributes: dict[str, Any] = {"name": name, "encrypted": bool(data.get("Encrypted"))}
    if data.get("KmsKeyId"):
        attributes["kms_key_id"] = data["KmsKeyId"]
    return attributes


def parse_cluster(item: Item) -> Iterable[Record | Link]:
    data = item.data
    ident = data["ClusterIdentifier"]
    call = "redshift:DescribeClusters"
    flows: list[Flow] = []
    # Cross-region snapshot copy names a region, not a resource: automated and manual
    # snapshots are copied there.
    destination = (data.get("ClusterSnapshotCopyStatus") or {}).get("DestinationRegion")
    if destination:
        flows.append(Flow("copies_to", None, destination, call))
    return [
        Record(
            arn=_cluster_arn(item, ident),
            type="AWS::Redshift::Cluster",
            region=item.region,
            api_call=call,
            tags=tag_map(data.get("Tags")),
            attributes=_attributes(data, ident),
            flows=tuple(flows),
        )
    ]


def parse_snapshot(item: Item) -> Iterable[Record | Link]:
    data = item.data
    owner = data.get("OwnerAccount")
    if owner and owner != item.account:
        return []  # shared with this account by another one: not this account's store
    cluster = data["ClusterIdentifier"]
    ident = data["SnapshotIdentifier"]
    arn = data.get("SnapshotArn") or (
        f"arn:{item.partition}:redshift:{item.region}:{item.account}:snapshot:{cluster}/{ident}"
    )
    call = "redshift:DescribeClusterSnapshots"
    source_region = data.get("SourceRegion")
    if source_region and source_region != item.region:
        flow = Flow(
            "copies_to",
            _cluster_arn(item, cluster, source_region),
            source_region,
            call,
            inbound=True,
        )
    else:
        flow = Flow("backs_up_to", _cluster_arn(item, cluster), item.region, call, inbound=True)
    return [
        Record(
            arn=arn,
            type="AWS::Redshift::ClusterSnapshot",
            region=arn_region(arn) or item.region,
            api_call=call,
            tags=tag_map(data.get("Tags")),
            attributes={"snapshot_type": data.get("SnapshotType"), **_attributes(data, ident)},
            flows=(flow,),
        )
    ]


SPEC = ServiceSpec(
    name="redshift",
    client="redshift",
    kinds=(
        Kind(Listing("DescribeClusters", items="Clusters"), parse_cluster),
        Kind(Listing("DescribeClusterSnapshots", items="Snapshots"), parse_snapshot),
    ),
)
