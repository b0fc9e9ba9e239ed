"""What the exports catalogue (hdslint/catalogue/exports.yaml) says of an exported resource
type, the one walk of a field path through an exported document, and the provenance of an
inventory a live command saved."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hdslint import catalogue
from hdslint.model import Edge, EdgeKind
from hdslint.sources.base import MAX_FIELD_VALUES, flatten

CATALOGUE = "exports"
# The provenance key of an inventory `hdslint azure --save` or `hdslint gcp --save` wrote
# (hdslint.sources classifies a file by it).
PROVENANCE = "hdslint_export"


@dataclass(frozen=True, slots=True)
class ExportType:
    service: str | None
    category: str
    activities: tuple[int, ...]
    presumed: bool
    stores_data: bool
    region: tuple[str, ...]
    region_prefix: str | None
    flows: tuple[Mapping[str, Any], ...]
    known: bool


def _entry(table: str, native_type: str) -> Mapping[str, Any] | None:
    found: Mapping[str, Any] | None = catalogue.load(CATALOGUE)[table].get(native_type)
    return found


@functools.cache
def export_type(table: str, native_type: str, provider: str) -> ExportType:
    """A type of `table` (`cai_types`): its entry over its Terraform equivalent's; a type the
    table does not list is `other`, holding no data, and not `known`."""
    entry = _entry(table, native_type) or {}
    terraform = entry.get("terraform")
    info = catalogue.type_info("terraform", terraform, provider) if terraform else None
    base = info if info is not None and info.known else None
    category = entry.get("category") or (base.category if base else "other")
    activities = entry.get("activities")
    if activities is None:
        activities = base.activities if base else catalogue.activities_for(category)
    return ExportType(
        service=entry.get("service") or (base.service if base else None),
        category=category,
        activities=tuple(activities),
        presumed=bool(entry.get("presumed", base.presumed if base else True)),
        stores_data=bool(base is not None and base.stores_data is True),
        region=tuple(entry.get("region", ())),
        region_prefix=entry.get("region_prefix") or (base.region_prefix if base else None),
        flows=tuple(entry.get("flows", ())),
        known=bool(entry),
    )


@functools.cache
def config_type(native_type: str) -> ExportType:
    """An AWS Config resource type: its CloudFormation entry's Terraform equivalent
    (cloudformation.yaml), with the flows of `aws_config_types`; a type neither lists is
    `other`, holding no data, and not `known`."""
    raw = catalogue.load("cloudformation")["cloudformation_types"].get(native_type)
    cfn: Mapping[str, Any] = {"terraform": raw} if isinstance(raw, str) else (raw or {})
    entry = _entry("aws_config_types", native_type) or {}
    terraform = entry.get("terraform") or cfn.get("terraform")
    info = catalogue.type_info("terraform", terraform, "aws") if terraform else None
    base = info if info is not None and info.known else None
    category = entry.get("category") or cfn.get("category") or (base.category if base else "other")
    activities = entry.get("activities") or cfn.get("activities")
    if activities is None:
        activities = base.activities if base else catalogue.activities_for(category)
    presumed = entry.get("presumed", cfn.get("presumed", base.presumed if base else True))
    return ExportType(
        service=entry.get("service") or cfn.get("service") or (base.service if base else None),
        category=category,
        activities=tuple(activities),
        presumed=bool(presumed),
        stores_data=bool(base is not None and base.stores_data is True),
        region=(),
        region_prefix=None,
        flows=tuple(entry.get("flows", ())),
        known=bool(cfn) or bool(entry),
    )


def one_flow(edges: list[Edge]) -> list[Edge]:
    """A primary names its replicas and each replica its primary: one flow, the replica's
    `reads_from` (as Terraform's `master_instance_name` or `replicate_source_db` gives it)."""
    reads = {(e.target, e.source) for e in edges if e.kind is EdgeKind.READS_FROM}
    return [
        e for e in edges if not (e.kind is EdgeKind.REPLICATES_TO and (e.source, e.target) in reads)
    ]


def walk(root: Any, path: str) -> list[Any]:
    """The values at a dotted path (`rules[].destination.bucketARN`): lists are walked, and
    `name[]` walks the values of a map too (AWS Config writes some lists as maps keyed by
    id); names match exactly, else case-insensitively. None values are dropped."""
    values: list[Any] = [root]
    for raw in path.split("."):
        part = raw.removesuffix("[]")
        found: list[Any] = []
        for value in values:
            for one in flatten(value):
                if not isinstance(one, Mapping):
                    continue
                child = get(one, part)
                if child is None:
                    continue
                if raw.endswith("[]") and isinstance(child, Mapping):
                    found.extend(child.values())
                else:
                    found.append(child)
            if len(found) > MAX_FIELD_VALUES:
                break
        values = found
    return [one for value in values for one in flatten(value) if one is not None]


def saved_provenance(data: Any, provider: str) -> Mapping[str, Any] | None:
    """The provenance of an inventory `hdslint PROVIDER --save` wrote, or None."""
    if isinstance(data, Mapping):
        found = data.get(PROVENANCE)
        if isinstance(found, Mapping) and found.get("source") == provider:
            return found
    return None


def get(mapping: Mapping[str, Any], name: str) -> Any:
    if name in mapping:
        return mapping[name]
    lower = name.lower()
    for key, value in mapping.items():
        if isinstance(key, str) and key.lower() == lower:
            return value
    return None
