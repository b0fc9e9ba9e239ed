"""Records from the AWS collector -> the normalised resources and edges every policy reads.

Resources are keyed by ARN (scope empty), typed with CloudFormation-style names, and take
their service and category from the catalogue (hdslint/catalogue/aws.yaml). A flow whose
other end was not scanned (another region, another account) becomes an edge to (or, when
reported by its destination, from) a place outside the graph with that end's region, so
policies still judge where the data goes; a flow whose other end's region is not known
carries the reason instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from hdslint.catalogue import type_info
from hdslint.ids import Destination, Outside, ResourceKey, UnknownDestination
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
    unique: dict[tuple[ResourceKey, str, EdgeKind], Edge] = {}
    for edge in sorted(edges, key=_vagueness):
        unique.setdefault((edge.source, _other_end(edge), edge.kind), edge)
    return resources, sorted(unique.values(), key=lambda e: (e.source, e.kind.value, _other_end(e)))


def _other_end(edge: Edge) -> str:
    """The destination's ARN (or what stands for it), whatever is known of it."""
    target = edge.target
    if isinstance(target, ResourceKey):
        return target.id
    if isinstance(target, Outside):
        return target.name or f"{edge.source.id} {edge.kind.value} {target.region}"
    return f"{edge.source.id} {edge.kind.value} ?"


def _vagueness(edge: Edge) -> int:
    vague = edge.origin if edge.origin is not None else edge.target
    return 2 if isinstance(vague, UnknownDestination) else 1 if isinstance(vague, Outside) else 0


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


def _place(arn: str | None, region: str | None) -> Outside:
    return Outside(PROVIDER, region or None, arn)


def flow_edge(record: Record, flow: Flow, scanned: Mapping[str, Record]) -> Edge:
    kind = EdgeKind(flow.kind)
    location = Location(api_call=flow.api_call)
    this = ResourceKey("", record.arn)
    other: Destination
    if flow.target in scanned:
        other = ResourceKey("", str(flow.target))
    elif flow.region and not flow.unknown:
        other = _place(flow.target, flow.region)
    else:
        other = UnknownDestination(flow.unknown or f"the region of {flow.target} is not known")
    if not flow.inbound:
        return Edge(this, other, kind, location)
    # Reported by its destination: the source is named by its ARN, and described in `origin`
    # when it was not scanned.
    source = ResourceKey("", flow.target or record.arn)
    origin = None if isinstance(other, ResourceKey) else other
    return Edge(source, this, kind, location, origin=origin)


def link_edge(link: Link, scanned: Mapping[str, Record]) -> Edge:
    location = Location(api_call=link.api_call)
    source = ResourceKey("", link.source)
    if link.target in scanned or not link.target_region:
        return Edge(source, ResourceKey("", link.target), EdgeKind(link.kind), location)
    return Edge(source, _place(link.target, link.target_region), EdgeKind(link.kind), location)
