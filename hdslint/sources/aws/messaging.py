"""SQS queues and SNS topics. Messages are never read (no ReceiveMessage)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from hdslint.sources.aws.records import Item, Link, Record, detail_tags, response
from hdslint.sources.aws.spec import Detail, Kind, Listing, ServiceSpec

_QUEUE_GONE = frozenset({"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"})
_QUEUE_ATTRIBUTES = ["QueueArn", "KmsMasterKeyId", "SqsManagedSseEnabled"]


def _queue_arn(item: Item) -> str:
    attributes = (response(item.detail("attributes")) or {}).get("Attributes") or {}
    if attributes.get("QueueArn"):
        return str(attributes["QueueArn"])
    # https://sqs.<region>.amazonaws.com/<account>/<name>
    account, _, name = urlsplit(str(item.data["value"])).path.strip("/").partition("/")
    return f"arn:{item.partition}:sqs:{item.region}:{account or item.account}:{name}"


def parse_queue(item: Item) -> Iterable[Record | Link]:
    arn = _queue_arn(item)
    unknown: dict[str, str] = {}
    attributes: dict[str, Any] = {"name": arn.rsplit(":", 1)[-1]}
    values = (response(item.detail("attributes")) or {}).get("Attributes") or {}
    if values.get("KmsMasterKeyId"):
        attributes["kms_key_id"] = values["KmsMasterKeyId"]
        attributes["encrypted"] = True
    elif "SqsManagedSseEnabled" in values:
        attributes["encrypted"] = values["SqsManagedSseEnabled"] == "true"
    return [
        Record(
            arn=arn,
            type="AWS::SQS::Queue",
            region=item.region,
            api_call="sqs:ListQueues",
            tags=detail_tags(item, "tags", ("Tags",), unknown),
            attributes=attributes,
            unknown=unknown,
        )
    ]


def parse_topic(item: Item) -> Iterable[Record | Link]:
    arn = str(item.data["TopicArn"])
    unknown: dict[str, str] = {}
    attributes: dict[str, Any] = {"name": arn.rsplit(":", 1)[-1]}
    values = (response(item.detail("attributes")) or {}).get("Attributes") or {}
    if values.get("KmsMasterKeyId"):
        attributes["kms_key_id"] = values["KmsMasterKeyId"]
    return [
        Record(
            arn=arn,
            type="AWS::SNS::Topic",
            region=item.region,
            api_call="sns:ListTopics",
            tags=detail_tags(item, "tags", ("Tags",), unknown),
            attributes=attributes,
            unknown=unknown,
        )
    ]


SQS_SPEC = ServiceSpec(
    name="sqs",
    client="sqs",
    kinds=(
        Kind(
            Listing("ListQueues", items="QueueUrls"),
            details=(
                Detail(
                    "attributes",
                    "GetQueueAttributes",
                    lambda item: {
                        "QueueUrl": item.data["value"],
                        "AttributeNames": _QUEUE_ATTRIBUTES,
                    },
                    vanished=_QUEUE_GONE,
                ),
                Detail(
                    "tags",
                    "ListQueueTags",
                    lambda item: {"QueueUrl": item.data["value"]},
                    vanished=_QUEUE_GONE,
                ),
            ),
            parse=parse_queue,
        ),
    ),
)

SNS_SPEC = ServiceSpec(
    name="sns",
    client="sns",
    kinds=(
        Kind(
            Listing("ListTopics", items="Topics"),
            details=(
                Detail(
                    "attributes",
                    "GetTopicAttributes",
                    lambda item: {"TopicArn": item.data["TopicArn"]},
                    vanished=frozenset({"NotFound"}),
                ),
                Detail(
                    "tags",
                    "ListTagsForResource",
                    lambda item: {"ResourceArn": item.data["TopicArn"]},
                    vanished=frozenset({"NotFound", "ResourceNotFound"}),
                ),
            ),
            parse=parse_topic,
        ),
    ),
)
