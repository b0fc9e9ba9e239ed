"""Azure exports: `az graph query -q "Resources ..." -o json` (the Resource Graph answer: an
object with `data` and paging fields, `data` a list of resources or a table of columns and
rows) and `az resource list -o json` (a bare list of resources).

Resources keep their id as Azure writes it; ids are compared case-insensitively (Azure
writes `resourceGroups` and `resourcegroups`, types in any case). Types are mapped by the
catalogue's ARM table (`generic_types.azapi_resource` in terraform.yaml, the azapi body being
an ARM resource), and the same table's `flows` read the exported resource as they read an
azapi body (`body.sku.name` is the export's `sku.name`): geo-redundant SKUs replicate to
the paired region, Cosmos DB to its locations, Recovery Services vaults as their storage
redundancy says. An export without properties (`az resource list`) leaves those flows
unknown, with the reason.

`hdslint azure --save` writes a Resource Graph answer with every page merged, preceded by
its provenance (`hdslint_export`: when, through which endpoint, which subscriptions were read
and which were not, and why). Read back, each subscription that was not read is a coverage
gap (HDS-EVAL-001, not evaluated), exactly as in the live scan: both read the document
through `read_document`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from hdslint.catalogue import load, type_info
from hdslint.geography import normalise_region
from hdslint.ids import ResourceKey
from hdslint.model import InputError, Location, Resource, Unknown, freeze
from hdslint.sources.base import SourceResult, flatten
from hdslint.sources.exports.fields import ExportFields
from hdslint.sources.exports.files import ExportFile
from hdslint.sources.exports.types import get, saved_provenance
from hdslint.sources.flows import flow_edges

PROVIDER = "azure"
# The catalogue's table of ARM types (shared with azapi_resource).
CATALOGUE, GENERIC = "terraform", "azapi_resource"
RESOURCE_GRAPH = "Resource Graph (az graph query)"
RESOURCE_LIST = "az resource list"
# The pseudo-resource type of a subscription that was not read.
GAP_TYPE = "azure_coverage_gap"
READ = "read"
NOT_READ = "not_read"
SUBSCRIPTION_ID = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")


def subscription_id_problem(text: str) -> str | None:
    """Why `text` is not a subscription id (a GUID), or None."""
    if SUBSCRIPTION_ID.fullmatch(text):
        return None
    return "not a subscription id (a GUID, e.g. 0b1f6471-1bf0-4dda-aec3-111122223333)"


NO_PROPERTIES = (
    "the export does not carry the resource's properties (az resource list has none; export"
    " with az graph query)"
)

Locate = Callable[[str], Location]


def resource_items(data: Any) -> list[Any] | None:
    """The resources of an export: a bare list (az resource list), or the `data` of a
    Resource Graph answer (a list of objects, or a table of columns and rows)."""
    if isinstance(data, list):
        return data
    if not isinstance(data, Mapping):
        return None
    inner = data.get("data")
    if isinstance(inner, list):
        return inner
    if isinstance(inner, Mapping) and isinstance(inner.get("columns"), list):
        names = [c.get("name") if isinstance(c, Mapping) else None for c in inner["columns"]]
        rows = inner.get("rows")
        if isinstance(rows, list):
            return [dict(zip(names, row, strict=False)) for row in rows if isinstance(row, list)]
    return None


def provenance(data: Any) -> Mapping[str, Any] | None:
    """The provenance of an inventory `hdslint azure --save` wrote, or None."""
    return saved_provenance(data, PROVIDER)


def is_azure_export(data: Any) -> bool:
    if provenance(data) is not None and isinstance(data.get("data"), list):
        return True  # a live scan's inventory, even of subscriptions that hold nothing
    items = resource_items(data)
    return bool(items) and any(_is_arm_resource(item) for item in (items or [])[:50])


def _is_arm_resource(item: Any) -> bool:
    return (
        isinstance(item, Mapping)
        and isinstance(item.get("id"), str)
        and item["id"].lower().startswith("/subscriptions/")
        and isinstance(item.get("type"), str)
    )


def read_export(data: Any, file: ExportFile) -> SourceResult:
    """An export file, as `hdslint.sources.exports.detect` hands it over."""
    return read_document(
        data, file.display, locate=lambda rid: file.location("id", rid), source="inventory"
    )


def read_document(data: Any, display: str, *, locate: Locate, source: str) -> SourceResult:
    """A Resource Graph answer (or a bare list) -> resources, edges, and what it misses:
    further pages, and the subscriptions its provenance says were not read. `display` names
    the document in errors; `locate` says where each resource (or subscription) is."""
    items = resource_items(data) or []
    result = resources_from_arm(items, locate=locate, source=source)
    missing = _pages_missing(data, len(items))
    if missing:
        result.errors.insert(0, InputError(display, missing))
    for index in result_invalid(items):
        result.errors.append(
            InputError(display, f"item {index} is not an Azure resource (an id and a type)")
        )
    found = provenance(data)
    if found is not None:
        gaps, problems = coverage_gaps(found, locate=locate, source=source)
        result.resources.extend(gaps)
        result.errors.extend(InputError(display, problem) for problem in problems)
    return result


def coverage_gaps(
    found: Mapping[str, Any], *, locate: Locate, source: str
) -> tuple[list[Resource], list[str]]:
    """The gap of each subscription the provenance says was not read (HDS-EVAL-001 reports
    it as not evaluated), and the problems that make the whole document incomplete: a read
    cut short, or not one subscription read (its silence proves nothing)."""
    gaps: list[Resource] = []
    problems: list[str] = []
    entries = found.get("subscriptions")
    subscriptions = (
        [e for e in entries if isinstance(e, Mapping)] if isinstance(entries, list) else []
    )
    for entry in subscriptions:
        if entry.get("status") == READ:
            continue
        sid = str(entry.get("id", ""))
        name = entry.get("name")
        named = f"{sid} ({name})" if name else sid
        reason = str(entry.get("reason") or "no reason recorded")
        gaps.append(
            Resource(
                id=f"azure:subscription:{sid}",
                type=GAP_TYPE,
                provider=PROVIDER,
                service="azure:resources",
                category="other",
                region=None,
                location=locate(sid),
                source=source,
                unknown=freeze({"contents": f"subscription {named} was not read: {reason}"}),
                account=sid or None,
            )
        )
    incomplete = found.get("incomplete")
    if isinstance(incomplete, str) and incomplete:
        problems.append(incomplete)
    if not any(entry.get("status") == READ for entry in subscriptions):
        problems.append(
            "nothing was read: no subscription could be read"
            + (" (the coverage gaps say why)" if subscriptions else "")
            + ": check the credential, its Reader role and the network"
        )
    return gaps, problems


def result_invalid(items: Sequence[Any]) -> list[int]:
    return [i for i, item in enumerate(items) if not _is_arm_resource(item)]


def _pages_missing(data: Any, held: int) -> str | None:
    """Why a Resource Graph answer is incomplete (further pages), or None."""
    if not isinstance(data, Mapping):
        return None
    token = data.get("skip_token") or data.get("$skipToken") or data.get("skipToken")
    total = data.get("total_records", data.get("totalRecords"))
    if not token and not (isinstance(total, int) and total > held):
        return None
    of = f" of {total}" if isinstance(total, int) else ""
    return (
        f"the export holds {held}{of} resources: the others are on further pages and were not"
        " checked (export every page: az graph query --first 1000 --skip-token ...)"
    )


def resources_from_arm(
    items: Sequence[Any], *, locate: Locate | None = None, source: str = "inventory"
) -> SourceResult:
    """ARM resources (as Resource Graph and the ARM API write them) -> resources and edges.
    The entry point for any listing of Azure resources; `locate` says where each resource
    was read (by id), `source` is the resources' `source`."""
    where = locate or (lambda _rid: Location(api_call="Microsoft.ResourceGraph/resources"))
    by_id: dict[str, Mapping[str, Any]] = {}
    for item in items:
        if _is_arm_resource(item):
            by_id.setdefault(item["id"].lower(), item)
    result = SourceResult()
    for item in by_id.values():
        resource, reader = _resource(item, by_id, where(item["id"]), source)
        result.resources.append(resource)
        info = type_info(CATALOGUE, GENERIC, PROVIDER, kind=item["type"])
        if not info.known:
            result.count_unmapped(resource.type)
        for flow in info.flows:
            result.edges.extend(flow_edges(flow, reader, resource.location))
    return result


@functools.cache
def _spellings() -> Mapping[str, str]:
    """ARM types as the catalogue spells them, by lower case (Resource Graph lower-cases)."""
    types = load(CATALOGUE)["generic_types"][GENERIC]["types"]
    return {name.lower(): name for name in types}


def subscription_of(resource_id: str) -> str | None:
    parts = resource_id.split("/")
    if len(parts) > 2 and parts[1].lower() == "subscriptions" and parts[2]:
        return parts[2]
    return None


def _parent_id(resource_id: str) -> str | None:
    """The id of the resource this one is a child of (`.../servers/a/databases/b` ->
    `.../servers/a`), when it is one."""
    _, sep, rest = resource_id.lower().rpartition("/providers/")
    if not sep:
        return None
    segments = rest.split("/")
    # namespace/type/name, then (type/name)* for children
    if len(segments) < 5:
        return None
    return resource_id[: len(resource_id) - len("/".join(segments[-2:])) - 1]


def _region(item: Mapping[str, Any], by_id: Mapping[str, Mapping[str, Any]]) -> str | None:
    seen: set[str] = set()
    current: Mapping[str, Any] | None = item
    while current is not None:
        location = current.get("location")
        if isinstance(location, str) and location.strip():
            return normalise_region(PROVIDER, location)
        parent = _parent_id(str(current.get("id", "")))
        if parent is None or parent.lower() in seen:
            return None
        seen.add(parent.lower())
        current = by_id.get(parent.lower())
    return None


def _resource(
    item: Mapping[str, Any], by_id: Mapping[str, Mapping[str, Any]], location: Location, source: str
) -> tuple[Resource, ArmFields]:
    rid, native = str(item["id"]), str(item["type"])
    info = type_info(CATALOGUE, GENERIC, PROVIDER, kind=native)
    region = _region(item, by_id)
    unknown: dict[str, str] = {}
    if region is None:
        unknown["region"] = "the export gives no location for it (nor for its parent)"
    tags = item.get("tags")
    resource = Resource(
        id=rid,
        type=_spellings().get(native.lower(), native) if info.known else native,
        provider=PROVIDER,
        service=info.service,
        category=info.category,
        region=region,
        location=location,
        source=source,
        attributes=freeze(
            {k: item[k] for k in ("name", "kind", "sku", "resourceGroup") if item.get(k)}
        ),
        tags=freeze({str(k): str(v) for k, v in tags.items()} if isinstance(tags, Mapping) else {}),
        unknown=freeze(unknown),
        activities=info.activities,
        presumed_health_data=info.presumed,
        account=item.get("subscriptionId") or subscription_of(rid),
        stores_data=info.holds_data({}),
    )
    missing = None if isinstance(item.get("properties"), Mapping) else NO_PROPERTIES
    return resource, ArmFields(item, resource.key, region, by_id, missing)


class ArmFields(ExportFields):
    """The `FieldReader` of an exported ARM resource: catalogue paths are azapi's
    (`body.<field>`), references are resource ids resolved case-insensitively among the
    export's resources."""

    provider = PROVIDER

    def __init__(
        self,
        item: Mapping[str, Any],
        key: ResourceKey,
        region: str | None,
        by_id: Mapping[str, Mapping[str, Any]],
        missing: str | None,
    ) -> None:
        self.item = item
        self.key = key
        self.region = region
        self.by_id = by_id
        self.missing = missing

    def _at(self, path: str) -> list[Any] | Unknown:
        parts = [p.removesuffix("[]") for p in path.split(".")]
        if parts and parts[0] == "body":
            parts = parts[1:]
        if parts[:1] == ["properties"] and self.missing:
            return Unknown(self.missing)
        values: list[Any] = [self.item]
        for part in parts:
            found: list[Any] = []
            for value in values:
                for one in flatten(value):
                    if isinstance(one, Mapping):
                        # ARM names are case-insensitive (exports are not all cased alike).
                        child = get(one, part)
                        if child is not None:
                            found.append(child)
            values = found
        return [one for value in values for one in flatten(value) if one is not None]

    def _find(self, value: Any) -> ResourceKey | None:
        if isinstance(value, str) and value.lower() in self.by_id:
            return ResourceKey("", str(self.by_id[value.lower()]["id"]))
        return None

    def subjects(self, path: str) -> list[ResourceKey]:
        # A subject not in the export: the resource that declares the flow stands for it.
        return super().subjects(path) or [self.key]
