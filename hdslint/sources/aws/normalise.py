"""Records from the AWS collector -> the normalised resources and edges every policy reads.

Resources are keyed by ARN (scope empty), typed with CloudFormation-style names, and take
their service and category from the catalogue (hdslint/catalogue/aws.yaml). A flow whose
other end was not scanned (another region, another account) becomes an edge with a
`target_hint` naming that end's region, so policies still judge where the data goes; a
flow whose other end's region is not known carries the reason instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from hdslint.catalogue import type_info
from hdslint.model import Edge, EdgeKind, Location, Resource, freeze
from hdslint.sources.aws.records import Flow, Link, Record

PROVIDER = "aws"


def normalise(
    records: Iterable[Record], links: Iterable[Link], *, source: str = "aws"
) -> tuple[list[Resource], list[Edge]]:
    """Resources (one per ARN, first seen wins) and edges, both in a stable order."""
    by_arn: dict[str, Record] = {}
    for record in records:
        by_arn.setdefault(record.arn, record)
    resources = [to_resource(r, source) for r in sorted(by_arn.values(), key=lambda r: r.arn)]
    edges: list[Edge] = []
    for record in by_arn.values():
        edges.extend(flow_edge(record, flow, by_arn) for flow in record.flows)
    edges.extend(link_edge(link, by_arn) for link in links)
    # The same flow may be reported from both ends (a replica names its source, the source
    # its replicas): keep the best-known version of it.
    unique: dict[tuple[str, str, EdgeKind], Edge] = {}
    for edge in sorted(edges, key=_vagueness):
        unique.setdefault((edge.source, edge.target, edge.kind), edge)
    return resources, sorted(unique.values(), key=lambda e: (e.source, e.kind.value, e.target))


def _vagueness(edge: Edge) -> int:
    return 2 if edge.unknown else 1 if edge.target_hint else 0


def to_resource(record: Record, source: str) -> Resource:
    info = type_info("aws", record.type, PROVIDER)
    unknown = dict(record.unknown)
    if record.region is None:
        unknown.setdefault("region", "AWS did not say where it is")
    return Resource(
        id=record.arn,
        type=record.type,
        provider=PROVIDER,
        service=info.service,
        category=info.category,
        region=record.region,
        location=Location(api_call=record.api_call),
        source=source,
        attributes=freeze(dict(record.attributes)),
        tags=freeze(dict(record.tags or {})),
        unknown=freeze(unknown),
        activities=info.activities,
        presumed_health_data=info.presumed,
    )


def _hint(target: str | None, region: str | None) -> dict[str, str]:
    hint = {"provider": PROVIDER, "region": region or ""}
    if target:
        hint["arn"] = target
    return hint


def flow_edge(record: Record, flow: Flow, scanned: Mapping[str, Record]) -> Edge:
    other = flow.target or f"{record.arn}->{flow.kind}:{flow.region or '?'}"
    source, target = (other, record.arn) if flow.inbound else (record.arn, other)
    location = Location(api_call=flow.api_call)
    if flow.target in scanned:
        return Edge(source, target, EdgeKind(flow.kind), location)
    if flow.region and not flow.unknown:
        return Edge(
            source,
            target,
            EdgeKind(flow.kind),
            location,
            target_hint=freeze(_hint(flow.target, flow.region)),
        )
    reason = flow.unknown or f"the region of {flow.target} is not known"
    return Edge(source, target, EdgeKind(flow.kind), location, unknown=reason)


def link_edge(link: Link, scanned: Mapping[str, Record]) -> Edge:
    location = Location(api_call=link.api_call)
    if link.target in scanned or not link.target_region:
        return Edge(link.source, link.target, EdgeKind(link.kind), location)
    return Edge(
        link.source,
        link.target,
        EdgeKind(link.kind),
        location,
        target_hint=freeze(_hint(link.target, link.target_region)),
    )
