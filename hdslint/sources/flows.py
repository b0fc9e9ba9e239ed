"""The catalogue's `flows` language, interpreted once for every source.

A flow entry (`hdslint/catalogue/terraform.yaml`, `kubernetes.yaml`) says where a resource's
data goes: `to` / `from` a referenced resource, to a `region`, to the `paired` region, to an
`external` endpoint, or somewhere unknown (`unless_true`, `when_present`); `disabled_by`
names a setting that turns the flow off when true. What a path holds is the only thing that
differs between HCL, plan JSON and Kubernetes custom resources: each source answers through
a `FieldReader`, and `flow_edges` decides the edges.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from hdslint.causes import because
from hdslint.geography import normalise_region, paired_region
from hdslint.ids import Destination, Outside, ResourceKey, UnknownDestination
from hdslint.model import Edge, EdgeKind, Location, Unknown

_LOCATION_IN_PATH = re.compile(r"/(?:locations|regions|zones)/([^/]+)")


class FieldReader(Protocol):
    """How one source reads the fields of one resource for its flows."""

    @property
    def key(self) -> ResourceKey:
        """The resource whose flows these are."""
        ...

    @property
    def provider(self) -> str | None: ...

    def subjects(self, path: str) -> list[ResourceKey]:
        """The resources the field names, as the sources of the flow (`subject`)."""
        ...

    def targets(self, path: str) -> list[Destination]:
        """Where the field points: resources, places outside the graph, or unknown."""
        ...

    def values(self, path: str) -> list[Any]:
        """The field's values (an `Unknown` for a value that cannot be told); [] when unset."""
        ...

    def present(self, path: str) -> bool:
        """Whether the field is set at all (a block, an argument, even an unknown one)."""
        ...

    def own_region(self) -> str | Unknown | None:
        """The resource's own region (normalised), for `paired`."""
        ...


def literal_destination(text: str, provider: str | None) -> Outside:
    """A destination written as text (an ARN, a Google resource path, a name): the region
    the text itself tells, if any."""
    if text.startswith("arn:"):
        parts = text.split(":", 5)
        region = parts[3] if len(parts) > 3 and parts[3] else None
        return Outside("aws", normalise_region("aws", region) if region else None, text)
    if "/" in text:
        found = _LOCATION_IN_PATH.search(text)
        if found:
            return Outside(provider, normalise_region(provider, found.group(1)), text)
    return Outside(provider, None, text)


def flow_edges(
    flow: Mapping[str, Any], reader: FieldReader, location: Location | None
) -> list[Edge]:
    """The edges one `flows` entry gives for one resource."""
    kind = EdgeKind(flow["kind"])
    if "disabled_by" in flow and any(value is True for value in reader.values(flow["disabled_by"])):
        return []  # the setting turns the flow off (Scaleway's disable_backup = true)
    subjects = reader.subjects(flow["subject"]) if "subject" in flow else [reader.key]
    destinations = [
        target
        for keyword, find in DESTINATIONS.items()
        if keyword in flow
        for target in find(flow, reader)
    ]
    edges = [
        Edge(subject, target, kind, location)
        for target in destinations
        for subject in subjects
        # A reference resolved to the subject itself is not a flow.
        if target != subject
    ]
    if "from" in flow:
        edges += [
            Edge(source, reader.key, kind, location)
            for source in reader.subjects(flow["from"])
            if source != reader.key
        ]
    return edges


def flow_path_keys() -> tuple[str, ...]:
    """The keys of a flow entry whose value is a field path (the rest are options)."""
    return ("subject", "from", "disabled_by", *DESTINATIONS)


def _to(flow: Mapping[str, Any], reader: FieldReader) -> list[Destination]:
    return reader.targets(flow["to"])


def _regions(flow: Mapping[str, Any], reader: FieldReader) -> list[Destination]:
    # A null region is no destination: nothing is copied (`destination_region = null`).
    return [
        _region(value, reader.provider)
        for value in reader.values(flow["region"])
        if value is not None
    ]


def _external(flow: Mapping[str, Any], reader: FieldReader) -> list[Destination]:
    if not reader.present(flow["external"]):
        return []
    # The value is never shown: endpoints and connection strings may hold credentials.
    return [
        UnknownDestination(
            f"{flow['external']} sends data to an endpoint outside the scanned configuration,"
            " whose location hdslint cannot tell",
            external=True,
        )
    ]


def _unless_true(flow: Mapping[str, Any], reader: FieldReader) -> list[Destination]:
    """Data that may go somewhere unknown unless a setting says otherwise (Scaleway's
    backup_same_region)."""
    if any(value is True for value in reader.values(flow["unless_true"])):
        return []
    return [UnknownDestination(_reason(flow, "unless_true"))]


def _when_present(flow: Mapping[str, Any], reader: FieldReader) -> list[Destination]:
    """Data that goes somewhere unknown when a setting is present (Google's automatic
    replication)."""
    if not reader.present(flow["when_present"]):
        return []
    return [UnknownDestination(_reason(flow, "when_present"))]


def _reason(flow: Mapping[str, Any], keyword: str) -> str:
    return str(flow.get("reason", f"{flow[keyword]} lets the provider choose where"))


def _region(value: Any, provider: str | None) -> Destination:
    if isinstance(value, str):
        return Outside(provider, normalise_region(provider, value))
    reason = value.reason if isinstance(value, Unknown) else f"{value!r} is not a region"
    return UnknownDestination(
        because("the destination region is not known", reason, parenthesised=True)
    )


def _matches(value: Any, wanted: Sequence[Any]) -> bool:
    """Catalogue values compare case-insensitively to strings (Azure's SKU names)."""
    if isinstance(value, str):
        return value.lower() in {str(w).lower() for w in wanted if isinstance(w, str)}
    return any(value == w and type(value) is type(w) for w in wanted)


def _paired(flow: Mapping[str, Any], reader: FieldReader) -> list[Destination]:
    """Geo-redundant copies (Azure GRS, geo-redundant backups) go to the paired region."""
    path = flow["paired"]
    values = reader.values(path)
    if not values and "default" in flow:
        values = [flow["default"]]
    out: list[Destination] = []
    for value in values:
        if isinstance(value, Unknown):
            out.append(
                UnknownDestination(
                    because(
                        f"whether {path} keeps a geo-redundant copy is not known",
                        value.reason,
                        parenthesised=True,
                    )
                )
            )
            continue
        if not _matches(value, flow.get("values", ())):
            continue
        region = reader.own_region()
        if not isinstance(region, str):
            why = region.reason if isinstance(region, Unknown) else "no region"
            out.append(UnknownDestination(because("the paired region is not known", why)))
            continue
        pair = paired_region(reader.provider, region) if reader.provider else None
        if pair is None:
            out.append(
                UnknownDestination(
                    f"{path} = {value} keeps a copy in the region paired with {region}, and"
                    " hdslint knows no pair for it"
                )
            )
            continue
        out.append(Outside(reader.provider, pair))
    return out


# Flow keywords that name destinations -> what they find. A keyword added here is read the
# same way for HCL, plan JSON and Kubernetes custom resources.
DESTINATIONS: dict[str, Callable[[Mapping[str, Any], FieldReader], list[Destination]]] = {
    "to": _to,
    "region": _regions,
    "paired": _paired,
    "external": _external,
    "unless_true": _unless_true,
    "when_present": _when_present,
}
