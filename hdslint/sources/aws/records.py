"""What the AWS collector hands over: plain, frozen data, independent of boto3.

A service module's parse function turns one listed item (plus the detail calls made for it)
into `Record`s (one per AWS resource, keyed by ARN) and `Link`s (a data flow between two
ARNs that belongs to neither, e.g. the members of an Aurora global cluster). Flows name the
other end by ARN when the API gives one, and by region when that is all the API says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Failure:
    """An API call that failed, classified (see hdslint.sources.aws.coverage)."""

    operation: str  # "s3:GetBucketReplication"
    status: str  # a coverage status: access_denied, throttled, region_disabled, error
    code: str  # the AWS error code, or the exception class for client-side errors
    message: str = ""

    def describe(self) -> str:
        text = f"{self.operation} failed with {self.code}"
        return f"{text}: {self.message}" if self.message else text


class NotConfigured:
    """A detail call answered "nothing configured" (NoSuchTagSet, ReplicationNotFound...)."""

    _instance: NotConfigured | None = None

    def __new__(cls) -> NotConfigured:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NOT_CONFIGURED"


NOT_CONFIGURED = NotConfigured()

# The outcome of one detail call: the response, "nothing configured", a failure, or None
# when the call was not made (its parameters said so). A detail with `each` has a tuple of
# these, one per parameter set.
DetailValue = Mapping[str, Any] | NotConfigured | Failure | None


@dataclass(frozen=True, slots=True)
class Item:
    """One listed item and everything fetched for it, as a parse function sees it."""

    region: str  # the region whose client listed it
    account: str
    partition: str
    data: Mapping[str, Any]
    details: Mapping[str, DetailValue | tuple[DetailValue, ...]] = field(
        default_factory=lambda: _EMPTY
    )
    # Results of the service's once-per-region calls (e.g. the ECR registry settings).
    shared: Mapping[str, DetailValue] = field(default_factory=lambda: _EMPTY)
    # The regions this scan covers: a resource found elsewhere (S3 lists buckets of every
    # region at once) is left out.
    scan_regions: frozenset[str] = frozenset()
    home_region: str = ""

    def detail(self, name: str) -> DetailValue:
        value = self.details.get(name)
        if isinstance(value, tuple):
            raise TypeError(f"detail {name!r} has several results")
        return value

    def responses(self, name: str) -> tuple[DetailValue, ...]:
        value = self.details.get(name)
        if value is None:
            return ()
        return value if isinstance(value, tuple) else (value,)


@dataclass(frozen=True, slots=True)
class Flow:
    """Data moving between a record and another resource.

    `inbound` False: from the record to `target` (a replica, a copy destination, a vault).
    `inbound` True: from `target` to the record (the record is a copy or backup of it, or,
    for `reads_from`, the record is the source that `target` reads from).
    """

    kind: str  # an hdslint EdgeKind value
    target: str | None  # the other end's ARN, when the API names it
    region: str | None  # the other end's region, when known
    api_call: str
    inbound: bool = False
    unknown: str | None = None  # why the other end cannot be known


@dataclass(frozen=True, slots=True)
class Link:
    """A data flow between two ARNs, reported by an API that describes neither as a
    resource of its own (e.g. `rds:DescribeGlobalClusters`)."""

    source: str
    source_region: str | None
    kind: str
    target: str
    target_region: str | None
    api_call: str


@dataclass(frozen=True, slots=True)
class Record:
    """One AWS resource as listed: its ARN, CloudFormation-style type and region."""

    arn: str
    type: str
    region: str | None
    api_call: str  # the call that listed it: "rds:DescribeDBInstances"
    tags: Mapping[str, str] | None = field(default_factory=lambda: _EMPTY)  # None: unknown
    attributes: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    flows: tuple[Flow, ...] = ()
    unknown: Mapping[str, str] = field(default_factory=lambda: _EMPTY)


# -- helpers for parse functions ------------------------------------------------------------


def arn_region(arn: str | None) -> str | None:
    """The region field of an ARN (`arn:partition:service:region:account:resource`)."""
    if not arn or not arn.startswith("arn:"):
        return None
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return None
    return parts[3] or None


def arn_account(arn: str | None) -> str | None:
    if not arn or not arn.startswith("arn:"):
        return None
    parts = arn.split(":", 5)
    return parts[4] if len(parts) >= 6 and parts[4] else None


def arn_in_region(arn: str, region: str) -> str:
    """The same ARN in another region (replicas of secrets and tables keep their name)."""
    parts = arn.split(":", 5)
    parts[3] = region
    return ":".join(parts)


def tag_map(tags: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None) -> dict[str, str]:
    """AWS tag lists (`[{"Key": k, "Value": v}]`, any key case) or maps -> {key: value}."""
    if tags is None:
        return {}
    if isinstance(tags, Mapping):
        return {str(k): str(v) for k, v in tags.items()}
    out: dict[str, str] = {}
    for tag in tags:
        key = tag.get("Key", tag.get("key"))
        if key is not None:
            out[str(key)] = str(tag.get("Value", tag.get("value", "")))
    return out


def failed(value: object) -> Failure | None:
    return value if isinstance(value, Failure) else None


def unread_flow(kind: str, api_call: str, what: str, problem: Failure) -> Flow:
    """A flow whose other end is not known because `what` (its replicas, its rules...) could
    not be read."""
    return Flow(
        kind, None, None, api_call, unknown=f"{what} could not be read ({problem.describe()})"
    )


def response(value: object) -> Mapping[str, Any] | None:
    """The response of a detail call, or None when it failed, was skipped or had nothing."""
    return value if isinstance(value, Mapping) else None


def detail_tags(
    item: Item, name: str, path: Sequence[str], unknown: dict[str, str]
) -> dict[str, str] | None:
    """Tags from a detail call's response at `path`; None (and the reason in `unknown`)
    when the call failed."""
    value = item.detail(name)
    problem = failed(value)
    if problem is not None:
        unknown["tags"] = f"its tags could not be read ({problem.describe()})"
        return None
    data: Any = response(value) or {}
    for key in path:
        data = data.get(key) if isinstance(data, Mapping) else None
    return tag_map(data)
