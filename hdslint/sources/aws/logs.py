"""CloudWatch Logs: log groups and where their subscription filters send log events.
Log events are never read (no GetLogEvents, FilterLogEvents or StartQuery)."""

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

_GONE = frozenset({"ResourceNotFoundException"})
_CALL = "logs:DescribeSubscriptionFilters"


def _group_arn(item: Item) -> str:
    arn = item.data.get("logGroupArn")
    if arn:
        return str(arn)
    # `arn` ends with ":*" (it names the log streams); the group's own ARN does not.
    arn = item.data.get("arn")
    if arn:
        return str(arn).removesuffix(":*")
    name = item.data["logGroupName"]
    return f"arn:{item.partition}:logs:{item.region}:{item.account}:log-group:{name}"


def _subscription_flows(item: Item) -> list[Flow]:
    value = item.detail("subscriptions")
    problem = failed(value)
    if problem is not None:
        return [unread_flow("logs_to", _CALL, "its subscription filters", problem)]
    flows = []
    for sub in (response(value) or {}).get("subscriptionFilters") or ():
        target = sub.get("destinationArn")
        if target:
            flows.append(Flow("logs_to", target, arn_region(target) or item.region, _CALL))
    return flows


def parse_log_group(item: Item) -> Iterable[Record | Link]:
    data = item.data
    unknown: dict[str, str] = {}
    attributes: dict[str, Any] = {"name": data["logGroupName"]}
    if data.get("kmsKeyId"):
        attributes["kms_key_id"] = data["kmsKeyId"]
    if data.get("retentionInDays") is not None:
        attributes["retention_days"] = data["retentionInDays"]
    return [
        Record(
            arn=_group_arn(item),
            type="AWS::Logs::LogGroup",
            region=item.region,
            api_call="logs:DescribeLogGroups",
            tags=detail_tags(item, "tags", ("tags",), unknown),
            attributes=attributes,
            flows=tuple(_subscription_flows(item)),
            unknown=unknown,
        )
    ]


SPEC = ServiceSpec(
    name="logs",
    client="logs",
    kinds=(
        Kind(
            Listing("DescribeLogGroups", items="logGroups"),
            details=(
                Detail(
                    "tags",
                    "ListTagsForResource",
                    lambda item: {"resourceArn": _group_arn(item)},
                    vanished=_GONE,
                ),
                Detail(
                    "subscriptions",
                    "DescribeSubscriptionFilters",
                    lambda item: {"logGroupName": item.data["logGroupName"]},
                    paginate=True,
                    items="subscriptionFilters",
                    vanished=_GONE,
                ),
            ),
            parse=parse_log_group,
        ),
    ),
)
