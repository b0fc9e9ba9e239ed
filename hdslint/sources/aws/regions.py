"""Which regions to read: every region enabled for the account, or those asked for.

`ec2:DescribeRegions` with AllRegions lists every region with its opt-in status; the
enabled ones (`opt-in-not-required`, `opted-in`) are kept on the client side (some
implementations ignore the filter), within the caller's partition. A service is read in a
region when botocore knows it is offered there, or when botocore does not know the region
at all (a region newer than the installed botocore is read rather than skipped).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import boto3
from botocore.exceptions import ClientError, UnknownRegionError
from botocore.regions import EndpointResolver

from hdslint.sources.aws.session import API_ERRORS, AwsAccessError, ClientCache
from hdslint.sources.aws.spec import ServiceSpec

ENABLED = frozenset({"opt-in-not-required", "opted-in"})

# boto3 client name -> endpoint prefix in botocore's endpoint data, where they differ. Read
# from this table rather than from the service models: loading a model to learn its prefix
# costs ~0.1 s per service, before any call is made. (A test checks it against botocore.)
ENDPOINT_PREFIXES = {"efs": "elasticfilesystem", "opensearch": "es", "ecr": "api.ecr"}


def offered_regions(resolver: EndpointResolver, client: str, partition: str) -> set[str]:
    """Regions where botocore's endpoint data says the service is offered."""
    prefix = ENDPOINT_PREFIXES.get(client, client)
    return set(resolver.get_available_endpoints(prefix, partition))


def endpoint_resolver(session: boto3.Session) -> EndpointResolver:
    return EndpointResolver(session._session.get_component("data_loader").load_data("endpoints"))


def known_regions(session: boto3.Session) -> set[str]:
    """Every region botocore's endpoint data knows, in any partition."""
    resolver = endpoint_resolver(session)
    return {
        region
        for partition in resolver.get_available_partitions()
        for region in resolver.get_available_endpoints("ec2", partition)
    }


@dataclass(frozen=True)
class RegionPlan:
    scan: tuple[str, ...]  # regions to read
    # Where account-wide listings (S3 ListBuckets) are made: a region of the scan.
    home: str = ""
    # Regions asked for that the account has not enabled: reported, not read.
    disabled: tuple[str, ...] = ()
    # Every region of the partition the account has not opted in to (for the record).
    not_opted_in: tuple[str, ...] = ()
    by_service: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Set when DescribeRegions could not be read (the regions asked for are used as given).
    note: str | None = None


def _partition_of(session: boto3.Session, region: str) -> str | None:
    try:
        return str(session._session.get_partition_for_region(region))
    except UnknownRegionError:
        return None


def plan_regions(
    session: boto3.Session,
    clients: ClientCache,
    *,
    home: str,
    partition: str,
    requested: Sequence[str],
    services: Sequence[ServiceSpec],
) -> RegionPlan:
    note = None
    try:
        answer = clients.get("ec2", home).describe_regions(AllRegions=True)
        statuses = {
            r["RegionName"]: r.get("OptInStatus", "opt-in-not-required")
            for r in answer.get("Regions", ())
            if _partition_of(session, r["RegionName"]) == partition
        }
    except API_ERRORS as exc:
        reason = _describe(exc)
        if not requested:
            raise AwsAccessError(
                f"cannot list the account's regions (ec2:DescribeRegions: {reason}); "
                "grant ec2:DescribeRegions or name the regions with --region"
            ) from None
        statuses = {}
        note = f"ec2:DescribeRegions failed ({reason}): the regions given were read as asked"
    enabled = sorted(r for r, s in statuses.items() if s in ENABLED)
    not_opted_in = tuple(sorted(r for r, s in statuses.items() if s not in ENABLED))
    resolver = endpoint_resolver(session)
    known = offered_regions(resolver, "ec2", partition)
    if requested:
        wanted = list(dict.fromkeys(requested))
        unknown = [r for r in wanted if r not in statuses and r not in known]
        if unknown and statuses:
            raise AwsAccessError(
                f"unknown region{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
                f"(this account's enabled regions: {', '.join(enabled)})"
            )
        disabled = tuple(r for r in wanted if r in not_opted_in)
        scan = tuple(r for r in wanted if r not in disabled)
    else:
        disabled, scan = (), tuple(enabled)
    by_service = {}
    for spec in services:
        offered = offered_regions(resolver, spec.client, partition)
        by_service[spec.name] = tuple(r for r in scan if r in offered or r not in known)
    return RegionPlan(
        scan=scan,
        home=home if home in scan or not scan else scan[0],
        disabled=disabled,
        not_opted_in=not_opted_in,
        by_service=by_service,
        note=note,
    )


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code"))
    return type(exc).__name__
