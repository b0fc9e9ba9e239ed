"""S3: buckets, their region, tags, default encryption and replication destinations.

ListBuckets is account-wide: it runs once, in the home region. A bucket's region comes from
the listing's `BucketRegion` when AWS gives it, else from GetBucketLocation; the other
calls then go to that region. Object contents and object listings are never read (no
ListObjects, no HeadBucket: both need s3:ListBucket, which exposes object keys).
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

_GONE = frozenset({"NoSuchBucket"})


def location_region(constraint: str | None) -> str:
    """GetBucketLocation's answer as a region id: empty means us-east-1, `EU` eu-west-1."""
    if not constraint:
        return "us-east-1"
    if constraint == "EU":
        return "eu-west-1"
    return constraint


def bucket_region(item: Item) -> str | None:
    listed = item.data.get("BucketRegion")
    if listed:
        return str(listed)
    answer = response(item.detail("location"))
    if answer is None:
        return None
    return location_region(answer.get("LocationConstraint"))


def _in_scope(item: Item) -> bool:
    region = bucket_region(item)
    return region is None or region in item.scan_regions


def _bucket_params(item: Item) -> dict[str, Any] | None:
    return {"Bucket": item.data["Name"]} if _in_scope(item) else None


def _bucket_client_region(item: Item) -> str | None:
    # A bucket whose region is unknown is still read, through the home region's client
    # (S3 redirects): its replication matters even when its location could not be read.
    return bucket_region(item) or item.home_region


def _replication_rules(item: Item) -> list[Mapping[str, Any]]:
    answer = response(item.detail("replication")) or {}
    config = answer.get("ReplicationConfiguration") or {}
    return [r for r in config.get("Rules", []) if r.get("Status") == "Enabled"]


def _destination_bucket(rule: Mapping[str, Any]) -> str | None:
    arn = (rule.get("Destination") or {}).get("Bucket")
    return str(arn) if arn else None


def _destination_params(item: Item) -> list[dict[str, Any]]:
    names = []
    for rule in _replication_rules(item):
        arn = _destination_bucket(rule)
        if arn:
            name = arn.rsplit(":", 1)[-1]
            if name not in names:
                names.append(name)
    return [{"Bucket": name} for name in names]


def parse_bucket(item: Item) -> Iterable[Record | Link]:
    name = str(item.data["Name"])
    if not _in_scope(item):
        return []
    unknown: dict[str, str] = {}
    region = bucket_region(item)
    if region is None:
        problem = failed(item.detail("location"))
        reason = problem.describe() if problem else "S3 did not say"
        unknown["region"] = f"the bucket's location could not be read ({reason})"
    tags = detail_tags(item, "tagging", ("TagSet",), unknown)
    attributes: dict[str, Any] = {"name": name}
    encryption = item.detail("encryption")
    encryption_failure = failed(encryption)
    if encryption_failure is not None:
        unknown["attributes.encryption"] = encryption_failure.describe()
    else:
        rules = (
            (response(encryption) or {})
            .get("ServerSideEncryptionConfiguration", {})
            .get("Rules", [])
        )
        default = (rules[0] if rules else {}).get("ApplyServerSideEncryptionByDefault", {})
        # Since January 2023 AWS encrypts every new object with SSE-S3 when nothing else
        # is configured; "none configured" is recorded as such, not guessed.
        attributes["encryption"] = default.get("SSEAlgorithm")
        if default.get("KMSMasterKeyID"):
            attributes["kms_key_id"] = default["KMSMasterKeyID"]
    return [
        Record(
            arn=f"arn:{item.partition}:s3:::{name}",
            type="AWS::S3::Bucket",
            region=region,
            api_call="s3:ListBuckets",
            tags=tags,
            attributes=attributes,
            flows=tuple(_replication_flows(item)),
            unknown=unknown,
        )
    ]


def _replication_flows(item: Item) -> list[Flow]:
    replication = item.detail("replication")
    problem = failed(replication)
    if problem is not None:
        return [
            unread_flow(
                "replicates_to", "s3:GetBucketReplication", "its replication configuration", problem
            )
        ]
    regions: dict[str, str | None] = {}
    reasons: dict[str, str] = {}
    for params, value in zip(
        _destination_params(item), item.responses("destinations"), strict=False
    ):
        answer = response(value)
        if answer is not None:
            regions[params["Bucket"]] = location_region(answer.get("LocationConstraint"))
        else:
            why = failed(value)
            reasons[params["Bucket"]] = why.describe() if why else "S3 did not say"
    flows = []
    for rule in _replication_rules(item):
        arn = _destination_bucket(rule)
        if arn is None:
            continue
        bucket = arn.rsplit(":", 1)[-1]
        region = regions.get(bucket)
        flows.append(
            Flow(
                "replicates_to",
                arn,
                region,
                "s3:GetBucketReplication",
                unknown=None
                if region
                else f"the location of destination bucket {bucket} could not be read "
                f"({reasons.get(bucket, 'not asked')})",
            )
        )
    return flows


SPEC = ServiceSpec(
    name="s3",
    client="s3",
    account_wide=True,
    kinds=(
        Kind(
            # No PageSize: with MaxBuckets some S3 implementations truncate silently.
            listing=Listing("ListBuckets", items="Buckets"),
            details=(
                Detail(
                    "location",
                    "GetBucketLocation",
                    lambda item: (
                        None if item.data.get("BucketRegion") else {"Bucket": item.data["Name"]}
                    ),
                    vanished=_GONE,
                    region=lambda item: item.home_region,
                ),
                Detail(
                    "tagging",
                    "GetBucketTagging",
                    _bucket_params,
                    not_configured=frozenset({"NoSuchTagSet"}),
                    vanished=_GONE,
                    region=_bucket_client_region,
                ),
                Detail(
                    "encryption",
                    "GetBucketEncryption",
                    _bucket_params,
                    not_configured=frozenset({"ServerSideEncryptionConfigurationNotFoundError"}),
                    vanished=_GONE,
                    region=_bucket_client_region,
                ),
                Detail(
                    "replication",
                    "GetBucketReplication",
                    _bucket_params,
                    not_configured=frozenset({"ReplicationConfigurationNotFoundError"}),
                    vanished=_GONE,
                    region=_bucket_client_region,
                ),
                Detail(
                    # Where each replication destination is: it may be another account's
                    # bucket, whose owner may deny this (the flow is then "unknown").
                    "destinations",
                    "GetBucketLocation",
                    _destination_params,
                    each=True,
                    region=lambda item: item.home_region,
                    counts=False,
                ),
            ),
            parse=parse_bucket,
        ),
    ),
)
