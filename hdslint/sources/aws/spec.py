"""The declarative shape of what the collector reads from one AWS service.

A `ServiceSpec` is a table, in the spirit of Cloud Custodian's resource types: which calls
list the service's resources in a region (`Listing`), which calls fetch more about each
listed item (`Detail`, fanned out per item on the thread pool), and the pure function that
turns an item and its details into records. Operation names are the API's own
(`DescribeDBInstances`), so the IAM table and the read-only guard can read them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from hdslint.sources.aws.records import Item, Link, Record

Params = Mapping[str, Any]
# A custom page loop for APIs whose boto3 paginator is not enough (e.g. Kinesis ListStreams
# when NextToken is missing): called with the bound client method and the base parameters.
Pager = Callable[[Callable[..., Mapping[str, Any]], Params], Iterator[Mapping[str, Any]]]
Parser = Callable[[Item], Iterable[Record | Link]]

_NO_PARAMS: Params = MappingProxyType({})


@dataclass(frozen=True)
class Listing:
    """A call that enumerates items, paginated with boto3's paginator when it has one."""

    operation: str  # "DescribeDBInstances"
    items: str  # the key of the item list in each page ("DBInstances")
    params: Params = field(default_factory=lambda: _NO_PARAMS)
    pager: Pager | None = None


@dataclass(frozen=True)
class Detail:
    """A call made for each listed item, in order (a later detail may use an earlier one).

    `params` returns the call's parameters, or None to skip the call for this item; with
    `each`, it returns a list of parameter sets and the result is a tuple, one per set.
    `not_configured`: error codes meaning "nothing of that kind is configured" (not a
    failure). `vanished`: codes meaning the item was deleted while the scan ran (the item
    is dropped). `region`: which region's client to call (default: the item's). A detail
    with `counts` False does not degrade the coverage of its service when it fails (its
    parse function reports the consequence itself, e.g. a destination of unknown region).
    """

    name: str
    operation: str
    params: Callable[[Item], Params | Sequence[Params] | None]
    not_configured: frozenset[str] = frozenset()
    vanished: frozenset[str] = frozenset()
    each: bool = False
    paginate: bool = False  # merge every page's `items` list (only with `items`)
    items: str | None = None
    region: Callable[[Item], str | None] | None = None
    counts: bool = True


@dataclass(frozen=True)
class Kind:
    """One kind of listed item: how to list it, what to fetch for each, how to read it."""

    listing: Listing
    parse: Parser
    details: tuple[Detail, ...] = ()


@dataclass(frozen=True)
class ServiceSpec:
    """Everything read from one service. `name` is the coverage label (catalogue-style:
    `ebs` for the EC2 volume API); `client` the boto3 client name. `account_wide`: the
    listing runs once (in the home region) and covers every region (S3 ListBuckets)."""

    name: str
    client: str
    kinds: tuple[Kind, ...]
    shared: tuple[Detail, ...] = ()  # once-per-region calls, results in Item.shared
    account_wide: bool = False

    def operations(self) -> set[str]:
        """Every API operation this spec may call."""
        ops = {d.operation for d in self.shared}
        for kind in self.kinds:
            ops.add(kind.listing.operation)
            ops.update(d.operation for d in kind.details)
        return ops
