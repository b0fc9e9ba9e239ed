"""DynamoDB: tables, their global-table replicas (both versions) and point-in-time recovery.

Items are never read (no Scan, Query or GetItem).
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
    detail_tags,
    failed,
    response,
    unread_flow,
)
from hdslint.sources.aws.spec import Detail, Kind, Listing, ServiceSpec

_GONE = frozenset({"ResourceNotFoundException", "TableNotFoundException"})
LEGACY_GLOBAL_TABLES = "2017.11.29"


def _table(item: Item) -> dict[str, Any]:
    answer = response(item.detail("table")) or {}
    table: dict[str, Any] = dict(answer.get("Table") or {})
    return table


def _table_arn(item: Item) -> str:
    arn = _table(item).get("TableArn")
    if arn:
        return str(arn)
    return f"arn:{item.partition}:dynamodb:{item.region}:{item.account}:table/{item.data['value']}"


def parse_table(item: Item) -> Iterable[Record | Link]:
    name = str(item.data["value"])
    arn = _table_arn(item)
    call = "dynamodb:DescribeTable"
    unknown: dict[str, str] = {}
    flows: list[Flow] = []
    table = _table(item)
    problem = failed(item.detail("table"))
    if problem is not None:
        flows.append(unread_flow("replicates_to", call, "its replicas", problem))
    regions = [r.get("RegionName") for r in table.get("Replicas") or ()]
    legacy = response(item.detail("global_table"))
    if legacy is not None:
        group = (legacy.get("GlobalTableDescription") or {}).get("ReplicationGroup") or ()
        regions.extend(r.get("RegionName") for r in group)
    legacy_problem = failed(item.detail("global_table"))
    if legacy_problem is not None:
        flows.append(
            unread_flow(
                "replicates_to", "dynamodb:DescribeGlobalTable", "its replicas", legacy_problem
            )
        )
    for region in dict.fromkeys(r for r in regions if r and r != item.region):
        flows.append(Flow("replicates_to", arn_in_region(arn, region), region, call))
    attributes: dict[str, Any] = {"name": name}
    sse = table.get("SSEDescription") or {}
    if sse.get("KMSMasterKeyArn"):
        attributes["kms_key_id"] = sse["KMSMasterKeyArn"]
    backups = response(item.detail("continuous_backups"))
    if backups is not None:
        pitr = (backups.get("ContinuousBackupsDescription") or {}).get(
            "PointInTimeRecoveryDescription"
        ) or {}
        attributes["point_in_time_recovery"] = pitr.get("PointInTimeRecoveryStatus") == "ENABLED"
    return [
        Record(
            arn=arn,
            type="AWS::DynamoDB::Table",
            region=item.region,
            api_call=call,
            tags=detail_tags(item, "tags", ("Tags",), unknown),
            attributes=attributes,
            flows=tuple(flows),
            unknown=unknown,
        )
    ]


def _legacy_global_table(item: Item) -> dict[str, Any] | None:
    if _table(item).get("GlobalTableVersion") != LEGACY_GLOBAL_TABLES:
        return None
    return {"GlobalTableName": item.data["value"]}


SPEC = ServiceSpec(
    name="dynamodb",
    client="dynamodb",
    kinds=(
        Kind(
            Listing("ListTables", items="TableNames"),
            details=(
                Detail(
                    "table",
                    "DescribeTable",
                    lambda item: {"TableName": item.data["value"]},
                    vanished=_GONE,
                ),
                Detail(
                    "tags",
                    "ListTagsOfResource",
                    lambda item: {"ResourceArn": _table_arn(item)},
                    vanished=_GONE,
                ),
                Detail(
                    "continuous_backups",
                    "DescribeContinuousBackups",
                    lambda item: {"TableName": item.data["value"]},
                    vanished=_GONE,
                ),
                # Version 2017.11.29 global tables list their replicas only here.
                Detail(
                    "global_table",
                    "DescribeGlobalTable",
                    _legacy_global_table,
                    not_configured=frozenset({"GlobalTableNotFoundException"}),
                ),
            ),
            parse=parse_table,
        ),
    ),
)
