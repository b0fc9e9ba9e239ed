"""Kinesis Data Streams. Records are never read (no GetRecords, no GetShardIterator)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from hdslint.sources.aws.records import Item, Link, Record, detail_tags, response
from hdslint.sources.aws.spec import Detail, Kind, Listing, ServiceSpec

_GONE = frozenset({"ResourceNotFoundException"})


def list_streams_pages(
    call: Callable[..., Mapping[str, Any]], params: Mapping[str, Any]
) -> Iterator[Mapping[str, Any]]:
    """ListStreams pages, following NextToken, or ExclusiveStartStreamName when an
    implementation says HasMoreStreams without a token (boto3's paginator then stops after
    the first page, silently). Each stream is yielded once, even when an implementation
    repeats summaries across pages."""
    seen: set[str] = set()
    page = call(**params)
    while True:
        summaries = page.get("StreamSummaries")
        if summaries is None:  # older implementations give names only
            summaries = [{"StreamName": name} for name in page.get("StreamNames") or ()]
        fresh = [s for s in summaries if s.get("StreamName") not in seen]
        seen.update(s["StreamName"] for s in fresh)
        yield {"StreamSummaries": fresh}
        if not page.get("HasMoreStreams"):
            return
        names = page.get("StreamNames") or [s["StreamName"] for s in summaries]
        if page.get("NextToken"):
            page = call(NextToken=page["NextToken"])
        elif names and fresh:
            page = call(**params, ExclusiveStartStreamName=names[-1])
        else:
            return


def _stream_arn(item: Item) -> str:
    arn = item.data.get("StreamARN")
    if arn:
        return str(arn)
    name = item.data["StreamName"]
    return f"arn:{item.partition}:kinesis:{item.region}:{item.account}:stream/{name}"


def parse_stream(item: Item) -> Iterable[Record | Link]:
    name = item.data["StreamName"]
    unknown: dict[str, str] = {}
    summary = (response(item.detail("summary")) or {}).get("StreamDescriptionSummary") or {}
    attributes: dict[str, Any] = {"name": name}
    if summary.get("EncryptionType"):
        attributes["encrypted"] = summary["EncryptionType"] != "NONE"
    if summary.get("KeyId"):
        attributes["kms_key_id"] = summary["KeyId"]
    if summary.get("RetentionPeriodHours") is not None:
        attributes["retention_hours"] = summary["RetentionPeriodHours"]
    return [
        Record(
            arn=_stream_arn(item),
            type="AWS::Kinesis::Stream",
            region=item.region,
            api_call="kinesis:ListStreams",
            tags=detail_tags(item, "tags", ("Tags",), unknown),
            attributes=attributes,
            unknown=unknown,
        )
    ]


SPEC = ServiceSpec(
    name="kinesis",
    client="kinesis",
    kinds=(
        Kind(
            Listing("ListStreams", items="StreamSummaries", pager=list_streams_pages),
            details=(
                Detail(
                    "summary",
                    "DescribeStreamSummary",
                    lambda item: {"StreamName": item.data["StreamName"]},
                    vanished=_GONE,
                ),
                Detail(
                    "tags",
                    "ListTagsForStream",
                    lambda item: {"StreamName": item.data["StreamName"]},
                    vanished=_GONE,
                ),
            ),
            parse=parse_stream,
        ),
    ),
)
