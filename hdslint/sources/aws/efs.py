"""EFS: file systems and their replication (a file system may be a replication source, a
destination, or both in a chain)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hdslint.sources.aws.records import (
    Flow,
    Item,
    Link,
    Record,
    failed,
    response,
    tag_map,
    unread_flow,
)
from hdslint.sources.aws.spec import Detail, Kind, Listing, ServiceSpec

_CALL = "efs:DescribeReplicationConfigurations"


def _fs_arn(item: Item, region: str, account: str, ident: str) -> str:
    return f"arn:{item.partition}:elasticfilesystem:{region}:{account}:file-system/{ident}"


def _replication_flows(item: Item, own_id: str) -> list[Flow]:
    value = item.detail("replication")
    problem = failed(value)
    if problem is not None:
        return [unread_flow("replicates_to", _CALL, "its replication configuration", problem)]
    flows: list[Flow] = []
    for config in (response(value) or {}).get("Replications") or ():
        source_id = config.get("SourceFileSystemId")
        source_region = config.get("SourceFileSystemRegion")
        source_account = config.get("SourceFileSystemOwnerId") or item.account
        if source_id == own_id:
            for dest in config.get("Destinations") or ():
                region = dest.get("Region")
                if not dest.get("FileSystemId") or not region:
                    continue
                account = dest.get("OwnerId") or item.account
                target = _fs_arn(item, region, account, dest["FileSystemId"])
                flows.append(Flow("replicates_to", target, region, _CALL))
        elif source_id and source_region:
            source = config.get("SourceFileSystemArn") or _fs_arn(
                item, source_region, source_account, source_id
            )
            flows.append(Flow("replicates_to", source, source_region, _CALL, inbound=True))
    return flows


def parse_file_system(item: Item) -> Iterable[Record | Link]:
    data = item.data
    ident = data["FileSystemId"]
    arn = data.get("FileSystemArn") or _fs_arn(item, item.region, item.account, ident)
    attributes: dict[str, Any] = {"name": data.get("Name") or ident}
    attributes["encrypted"] = bool(data.get("Encrypted"))
    if data.get("KmsKeyId"):
        attributes["kms_key_id"] = data["KmsKeyId"]
    return [
        Record(
            arn=arn,
            type="AWS::EFS::FileSystem",
            region=item.region,
            api_call="efs:DescribeFileSystems",
            tags=tag_map(data.get("Tags")),
            attributes=attributes,
            flows=tuple(_replication_flows(item, ident)),
        )
    ]


SPEC = ServiceSpec(
    name="efs",
    client="efs",
    kinds=(
        Kind(
            Listing("DescribeFileSystems", items="FileSystems"),
            details=(
                Detail(
                    "replication",
                    "DescribeReplicationConfigurations",
                    lambda item: {"FileSystemId": item.data["FileSystemId"]},
                    not_configured=frozenset({"ReplicationNotFound"}),
                    vanished=frozenset({"FileSystemNotFound"}),
                ),
            ),
            parse=parse_file_system,
        ),
    ),
)
