"""OpenSearch Service (and legacy Elasticsearch) domains."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hdslint.sources.aws.records import Item, Link, Record, detail_tags, failed, response
from hdslint.sources.aws.spec import Detail, Kind, Listing, ServiceSpec

_GONE = frozenset({"ResourceNotFoundException"})


def _domain_arn(item: Item) -> str:
    status = (response(item.detail("domain")) or {}).get("DomainStatus") or {}
    arn = status.get("ARN")
    if arn:
        return str(arn)
    name = item.data["DomainName"]
    return f"arn:{item.partition}:es:{item.region}:{item.account}:domain/{name}"


def parse_domain(item: Item) -> Iterable[Record | Link]:
    name = item.data["DomainName"]
    unknown: dict[str, str] = {}
    status = (response(item.detail("domain")) or {}).get("DomainStatus") or {}
    problem = failed(item.detail("domain"))
    if problem is not None:
        unknown["attributes.encrypted"] = problem.describe()
    attributes: dict[str, Any] = {"name": name}
    if item.data.get("EngineType"):
        attributes["engine"] = item.data["EngineType"]
    at_rest = status.get("EncryptionAtRestOptions") or {}
    if at_rest:
        attributes["encrypted"] = bool(at_rest.get("Enabled"))
        if at_rest.get("KmsKeyId"):
            attributes["kms_key_id"] = at_rest["KmsKeyId"]
    return [
        Record(
            arn=_domain_arn(item),
            type="AWS::OpenSearchService::Domain",
            region=item.region,
            api_call="opensearch:ListDomainNames",
            tags=detail_tags(item, "tags", ("TagList",), unknown),
            attributes=attributes,
            unknown=unknown,
        )
    ]


SPEC = ServiceSpec(
    name="opensearch",
    client="opensearch",
    kinds=(
        Kind(
            Listing("ListDomainNames", items="DomainNames"),
            details=(
                Detail(
                    "domain",
                    "DescribeDomain",
                    lambda item: {"DomainName": item.data["DomainName"]},
                    vanished=_GONE,
                ),
                Detail(
                    "tags",
                    "ListTags",
                    lambda item: {"ARN": _domain_arn(item)},
                    vanished=_GONE,
                ),
            ),
            parse=parse_domain,
        ),
    ),
)
