"""Secrets Manager: secrets and their replicas in other regions.

Only metadata is read (ListSecrets, DescribeSecret): never GetSecretValue, and no secret
value is ever put in a record.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hdslint.sources.aws.records import (
    Flow,
    Item,
    Link,
    Record,
    arn_in_region,
    failed,
    response,
    tag_map,
    unread_flow,
)
from hdslint.sources.aws.spec import Detail, Kind, Listing, ServiceSpec

_CALL = "secretsmanager:DescribeSecret"


def parse_secret(item: Item) -> Iterable[Record | Link]:
    data = item.data
    arn = str(data["ARN"])
    flows: list[Flow] = []
    described = response(item.detail("secret")) or {}
    problem = failed(item.detail("secret"))
    if problem is not None:
        flows.append(unread_flow("replicates_to", _CALL, "its replicas", problem))
    # A replica ARN is the primary's ARN in the replica's region.
    for replica in described.get("ReplicationStatus") or ():
        region = replica.get("Region")
        if region and region != item.region:
            flows.append(Flow("replicates_to", arn_in_region(arn, region), region, _CALL))
    primary = described.get("PrimaryRegion") or data.get("PrimaryRegion")
    if primary and primary != item.region:
        flows.append(
            Flow(
                "replicates_to",
                arn_in_region(arn, primary),
                primary,
                "secretsmanager:ListSecrets",
                inbound=True,
            )
        )
    attributes: dict[str, Any] = {"name": data.get("Name")}
    if data.get("KmsKeyId"):
        attributes["kms_key_id"] = data["KmsKeyId"]
    if data.get("RotationEnabled") is not None:
        attributes["rotation_enabled"] = bool(data["RotationEnabled"])
    return [
        Record(
            arn=arn,
            type="AWS::SecretsManager::Secret",
            region=item.region,
            api_call="secretsmanager:ListSecrets",
            tags=tag_map(data.get("Tags")),
            attributes=attributes,
            flows=tuple(flows),
        )
    ]


SPEC = ServiceSpec(
    name="secretsmanager",
    client="secretsmanager",
    kinds=(
        Kind(
            Listing("ListSecrets", items="SecretList"),
            details=(
                Detail(
                    "secret",
                    "DescribeSecret",
                    lambda item: {"SecretId": item.data["ARN"]},
                    vanished=frozenset({"ResourceNotFoundException"}),
                ),
            ),
            parse=parse_secret,
        ),
    ),
)
