"""ECR: repositories, and the registry's replication rules (to other regions or accounts).

Image layers are never pulled (no GetDownloadUrlForLayer, BatchGetImage).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from hdslint.sources.aws.records import (
    Flow,
    Item,
    Link,
    Record,
    detail_tags,
    failed,
    response,
    unread_flow,
)
from hdslint.sources.aws.spec import Detail, Kind, Listing, ServiceSpec

_CALL = "ecr:DescribeRegistry"


def _matches(name: str, filters: Iterable[Mapping[str, Any]]) -> bool:
    chosen = [f for f in filters if f.get("filterType") == "PREFIX_MATCH"]
    return not chosen or any(name.startswith(str(f.get("filter", ""))) for f in chosen)


def _replication_flows(item: Item, name: str) -> list[Flow]:
    registry = item.shared.get("registry")
    problem = failed(registry)
    if problem is not None:
        return [unread_flow("replicates_to", _CALL, "the registry's replication rules", problem)]
    config = (response(registry) or {}).get("replicationConfiguration") or {}
    flows: list[Flow] = []
    for rule in config.get("rules") or ():
        if not _matches(name, rule.get("repositoryFilters") or ()):
            continue
        for dest in rule.get("destinations") or ():
            region, account = dest.get("region"), dest.get("registryId") or item.account
            if not region or (region == item.region and account == item.account):
                continue
            target = f"arn:{item.partition}:ecr:{region}:{account}:repository/{name}"
            flows.append(Flow("replicates_to", target, region, _CALL))
    return flows


def parse_repository(item: Item) -> Iterable[Record | Link]:
    data = item.data
    name = data["repositoryName"]
    unknown: dict[str, str] = {}
    encryption = data.get("encryptionConfiguration") or {}
    attributes: dict[str, Any] = {"name": name}
    if encryption.get("encryptionType"):
        attributes["encryption"] = encryption["encryptionType"]
    if encryption.get("kmsKey"):
        attributes["kms_key_id"] = encryption["kmsKey"]
    return [
        Record(
            arn=data["repositoryArn"],
            type="AWS::ECR::Repository",
            region=item.region,
            api_call="ecr:DescribeRepositories",
            tags=detail_tags(item, "tags", ("tags",), unknown),
            attributes=attributes,
            flows=tuple(_replication_flows(item, name)),
            unknown=unknown,
        )
    ]


SPEC = ServiceSpec(
    name="ecr",
    client="ecr",
    shared=(Detail("registry", "DescribeRegistry", lambda item: {}),),
    kinds=(
        Kind(
            Listing("DescribeRepositories", items="repositories"),
            details=(
                Detail(
                    "tags",
                    "ListTagsForResource",
                    lambda item: {"resourceArn": item.data["repositoryArn"]},
                    vanished=frozenset({"RepositoryNotFoundException"}),
                ),
            ),
            parse=parse_repository,
        ),
    ),
)
