"""EBS (EC2 API): volumes and the account's own snapshots, including copies made into
other regions.

A copied snapshot carries no field naming its source; AWS writes the source into the
copy's default description ("[Copied snap-0abc from eu-west-3]"), which is read when
present. A copy whose description was replaced is still found in its own region (every
enabled region is scanned) and judged there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from hdslint.sources.aws.records import Flow, Item, Link, Record, tag_map
from hdslint.sources.aws.spec import Kind, Listing, ServiceSpec

COPY_DESCRIPTION = re.compile(r"^\[Copied (snap-[0-9a-f]+) from ([a-z0-9-]+)\]")
# The volume id AWS gives snapshots not made from a volume of this account (copies).
_PLACEHOLDER_VOLUME = "vol-ffffffff"


def parse_volume(item: Item) -> Iterable[Record | Link]:
    data = item.data
    ident = data["VolumeId"]
    attributes: dict[str, Any] = {"name": ident, "encrypted": bool(data.get("Encrypted"))}
    if data.get("KmsKeyId"):
        attributes["kms_key_id"] = data["KmsKeyId"]
    return [
        Record(
            arn=f"arn:{item.partition}:ec2:{item.region}:{item.account}:volume/{ident}",
            type="AWS::EC2::Volume",
            region=item.region,
            api_call="ec2:DescribeVolumes",
            tags=tag_map(data.get("Tags")),
            attributes=attributes,
        )
    ]


def parse_snapshot(item: Item) -> Iterable[Record | Link]:
    data = item.data
    ident = data["SnapshotId"]
    call = "ec2:DescribeSnapshots"
    flows: list[Flow] = []
    copied = COPY_DESCRIPTION.match(data.get("Description") or "")
    if copied:
        source_id, source_region = copied.groups()
        source = f"arn:{item.partition}:ec2:{source_region}::snapshot/{source_id}"
        flows.append(Flow("copies_to", source, source_region, call, inbound=True))
    elif data.get("VolumeId") and data["VolumeId"] != _PLACEHOLDER_VOLUME:
        volume = f"arn:{item.partition}:ec2:{item.region}:{item.account}:volume/{data['VolumeId']}"
        flows.append(Flow("backs_up_to", volume, item.region, call, inbound=True))
    attributes: dict[str, Any] = {"name": ident, "encrypted": bool(data.get("Encrypted"))}
    if data.get("KmsKeyId"):
        attributes["kms_key_id"] = data["KmsKeyId"]
    return [
        Record(
            # Snapshot ARNs have no account field.
            arn=f"arn:{item.partition}:ec2:{item.region}::snapshot/{ident}",
            type="AWS::EC2::Snapshot",
            region=item.region,
            api_call=call,
            tags=tag_map(data.get("Tags")),
            attributes=attributes,
            flows=tuple(flows),
        )
    ]


SPEC = ServiceSpec(
    name="ebs",
    client="ec2",
    kinds=(
        Kind(Listing("DescribeVolumes", items="Volumes"), parse_volume),
        Kind(
            Listing("DescribeSnapshots", items="Snapshots", params={"OwnerIds": ["self"]}),
            parse_snapshot,
        ),
    ),
)
