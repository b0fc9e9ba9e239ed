"""Google Cloud exports: Cloud Asset Inventory (`gcloud asset export --content-type=resource`,
newline-delimited JSON, one asset a line: `name`, `asset_type`, `resource.data`,
`resource.location`, `ancestors`; `gcloud asset list --format=json` writes the same assets as
a list) and `gcloud asset search-all-resources --format=json` (a list of search results:
`name`, `assetType`, `location`, `project`, `additionalAttributes`).

Asset types are mapped by the exports catalogue's `cai_types` table to their Terraform
equivalents, and the table's `flows` read `resource.data` (the service's REST
representation): a dual-region bucket's `customPlacementConfig.dataLocations`, Cloud SQL's
`masterInstanceName` and `replicaNames`. Multi-regions and dual-regions (`US`, `EU`, `eur3`,
`nam4`) are regions of the geography, as for Terraform. A search result carries no resource
data: those flows are unknown, with the reason. A resource's account is its project
(`projects/NUMBER`, as the asset's ancestors and search results write it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hdslint.geography import normalise_region
from hdslint.ids import Destination, ResourceKey
from hdslint.model import InputError, Location, Resource, Unknown, freeze
from hdslint.sources.base import SourceResult
from hdslint.sources.exports.fields import ExportFields
from hdslint.sources.exports.files import ExportFile, further_page
from hdslint.sources.exports.types import ExportType, export_type, one_flow, walk
from hdslint.sources.flows import flow_edges, literal_destination

PROVIDER = "gcp"
TABLE = "cai_types"

NO_DATA_SEARCH = (
    "gcloud asset search-all-resources does not carry the resource's configuration (export"
    " it with gcloud asset export --content-type=resource)"
)
NO_DATA_EXPORT = (
    "the export does not carry the resource's configuration (export with --content-type=resource)"
)

# (index in the export, full resource name) -> where it was read
Locate = Callable[[int, str], Location]

_PLACE = re.compile(r"/(?:locations|regions|zones)/([^/]+)")
_PROJECT = re.compile(r"/projects/([^/]+)")
_COMPUTE_URL = re.compile(r"^https://(?:www\.|compute\.)?googleapis\.com/compute/[^/]+/(.+)$")


def _asset_type(item: Mapping[str, Any]) -> Any:
    return item.get("asset_type", item.get("assetType"))


def is_asset(item: Any) -> bool:
    """A Cloud Asset Inventory asset or search result: a full resource name and a type."""
    return (
        isinstance(item, Mapping)
        and isinstance(item.get("name"), str)
        and item["name"].startswith("//")
        and isinstance(_asset_type(item), str)
    )


def asset_items(data: Any) -> list[Any] | None:
    """The assets of an export: a list (newline-delimited lines, gcloud's JSON lists), one
    asset (a one-line export), or the REST answers (`assets`, `results`)."""
    if isinstance(data, list):
        return data
    if not isinstance(data, Mapping):
        return None
    if is_asset(data) and isinstance(data.get("resource"), Mapping):
        return [data]
    for key in ("assets", "results"):
        if isinstance(data.get(key), list):
            return list(data[key])
    return None


def is_gcp_export(data: Any) -> bool:
    items = asset_items(data)
    return bool(items) and any(is_asset(item) for item in (items or [])[:50])


def read_export(data: Any, file: ExportFile) -> SourceResult:
    """An export file, as `hdslint.sources.exports.detect` hands it over."""
    items = asset_items(data) or []

    def locate(index: int, name: str) -> Location:
        if file.lines and isinstance(data, list) and index < len(file.lines):
            return Location(file.display, file.lines[index])
        return file.location("name", name)

    result = resources_from_cai(items, locate=locate)
    result.errors[:0] = further_page(data, file, "nextPageToken", f"{len(items)} assets")
    for index, item in enumerate(items):
        if not is_asset(item):
            where = file.lines[index] if file.lines and index < len(file.lines) else None
            label = "line" if where is not None else "item"
            result.errors.append(
                InputError(
                    file.display,
                    f"{label} {where if where is not None else index} is not a Cloud Asset"
                    " Inventory asset (a full resource name and an asset type)",
                    where,
                )
            )
    return result


@dataclass(frozen=True)
class Asset:
    """One asset, whatever the listing that wrote it."""

    index: int
    name: str
    asset_type: str
    data: Mapping[str, Any] | None
    location: str | None
    project: str | None
    labels: Mapping[str, Any]
    missing: str | None

    @property
    def rest(self) -> str:
        """The name after its service (`projects/p/instances/i`)."""
        return self.name[2:].partition("/")[2]

    @property
    def short(self) -> str:
        return self.name.rsplit("/", 1)[-1]

    @property
    def project_id(self) -> str | None:
        found = _PROJECT.search(self.name)
        return found.group(1) if found else None


def project_of(item: Mapping[str, Any]) -> str | None:
    """The project (`projects/NUMBER`) of an exported asset: the first project among its
    ancestors, else the one its resource's parent names."""
    ancestors = item.get("ancestors")
    if isinstance(ancestors, list):
        for ancestor in ancestors:
            if isinstance(ancestor, str) and ancestor.startswith("projects/"):
                return ancestor
    resource = item.get("resource")
    parent = resource.get("parent") if isinstance(resource, Mapping) else None
    if isinstance(parent, str) and "/projects/" in parent:
        return "projects/" + parent.rsplit("/projects/", 1)[1].split("/")[0]
    return None


def _asset(index: int, item: Mapping[str, Any]) -> Asset:
    resource = item.get("resource")
    data: Mapping[str, Any] | None = None
    location: Any = None
    project: Any = None
    missing: str | None = None
    if isinstance(resource, Mapping):  # an export or gcloud asset list
        data = resource.get("data") if isinstance(resource.get("data"), Mapping) else None
        location = resource.get("location")
        project = project_of(item)
        missing = None if data is not None else NO_DATA_EXPORT
    else:  # a search result, or an export of names only (no --content-type)
        location = item.get("location")
        project = item.get("project")
        versions = item.get("versionedResources")
        if isinstance(versions, list) and versions and isinstance(versions[0], Mapping):
            found = versions[0].get("resource")
            data = found if isinstance(found, Mapping) else None
        if data is None:
            missing = NO_DATA_EXPORT if "asset_type" in item else NO_DATA_SEARCH
    name = str(item["name"])
    if not isinstance(project, str) or not project:
        found_id = _PROJECT.search(name)
        project = f"projects/{found_id.group(1)}" if found_id else None
    labels = item.get("labels")
    if not isinstance(labels, Mapping) and data is not None:
        labels = data.get("labels")
    return Asset(
        index=index,
        name=name,
        asset_type=str(_asset_type(item)),
        data=data,
        location=location if isinstance(location, str) and location.strip() else None,
        project=project,
        labels=labels if isinstance(labels, Mapping) else {},
        missing=missing,
    )


class Index:
    """The export's assets by full name, by the name after the service, and by short name."""

    def __init__(self, assets: Sequence[Asset]) -> None:
        self.by_name: dict[str, Asset] = {}
        self.by_rest: dict[str, Asset] = {}
        self.by_short: dict[tuple[str, str | None, str], Asset] = {}
        for asset in assets:
            self.by_name.setdefault(asset.name, asset)
            self.by_rest.setdefault(asset.rest, asset)
            self.by_short.setdefault((asset.asset_type, asset.project_id, asset.short), asset)

    def find(self, value: Any, asker: Asset) -> Asset | None:
        """The asset a reference names (see exports.yaml's header for the spellings)."""
        if not isinstance(value, str) or not value:
            return None
        text = value.strip()
        url = _COMPUTE_URL.match(text)
        if url:
            return self.by_name.get(f"//compute.googleapis.com/{url.group(1)}")
        if text.startswith("//"):
            return self.by_name.get(text)
        if text.startswith("projects/"):
            return self.by_rest.get(text)
        head, slash, _ = text.partition("/")
        if slash and head.endswith(".googleapis.com"):
            return self.by_name.get(f"//{text}")
        if ":" in text and "/" not in text:  # Cloud SQL's project:instance
            project, _, instance = text.partition(":")
            return self.by_rest.get(f"projects/{project}/instances/{instance}")
        if "/" not in text:
            same = self.by_short.get((asker.asset_type, asker.project_id, text))
            return same or self.by_name.get(f"//storage.googleapis.com/{text}")
        return None

    def parent(self, asset: Asset) -> Asset | None:
        """The asset this one is inside (a database's instance), when the export has it."""
        name = asset.name
        while name.count("/") > 3:
            name = name.rsplit("/", 2)[0]
            found = self.by_name.get(name)
            if found is not None:
                return found
        return None


def resources_from_cai(
    items: Sequence[Any], *, locate: Locate | None = None, source: str = "inventory"
) -> SourceResult:
    """Cloud Asset Inventory assets or search results -> resources and edges. The entry point
    for any listing of Google Cloud assets; `locate` says where each was read (by its index
    and full name), `source` is the resources' `source`."""
    where = locate or (lambda _i, _name: Location(api_call="cloudasset.googleapis.com"))
    assets: list[Asset] = []
    seen: set[str] = set()
    for number, item in enumerate(items):
        if is_asset(item) and item["name"] not in seen:
            seen.add(item["name"])
            assets.append(_asset(number, item))
    index = Index(assets)
    result = SourceResult()
    for asset in assets:
        info = export_type(TABLE, asset.asset_type, PROVIDER)
        region, why = _region(asset, info, index)
        resource = _resource(asset, info, region, why, where(asset.index, asset.name), source)
        result.resources.append(resource)
        if not info.known:
            result.count_unmapped(asset.asset_type)
        reader = CaiFields(asset, resource.key, region, index)
        for flow in info.flows:
            result.edges.extend(flow_edges(flow, reader, resource.location))
    result.edges = one_flow(result.edges)
    return result


def _resource(
    asset: Asset,
    info: ExportType,
    region: str | None,
    why: str | None,
    location: Location,
    source: str,
) -> Resource:
    unknown = {"region": why} if region is None and why else {}
    attributes: dict[str, Any] = {"name": asset.short}
    if asset.project:
        attributes["project"] = asset.project
    return Resource(
        id=asset.name,
        type=asset.asset_type,
        provider=PROVIDER,
        service=info.service,
        category=info.category,
        region=region,
        location=location,
        source=source,
        attributes=freeze(attributes),
        tags=freeze({str(k): str(v) for k, v in asset.labels.items()}),
        unknown=freeze(unknown),
        activities=info.activities,
        presumed_health_data=info.presumed,
        account=asset.project,
        stores_data=info.stores_data,
    )


def _place(value: Any, prefix: str | None) -> str | None:
    """A location as the asset writes it -> a region id (`None`: not a place)."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().rstrip("/")
    if "/" in text:
        text = text.rsplit("/", 1)[1]
    if prefix and text.startswith(prefix):
        text = text[len(prefix) :]
    return text


def _region(asset: Asset, info: ExportType, index: Index) -> tuple[str | None, str | None]:
    """The asset's region and, when there is none, why."""
    seen: set[str] = set()
    current: Asset | None = asset
    while current is not None and current.name not in seen:
        seen.add(current.name)
        current_info = info if current is asset else export_type(TABLE, current.asset_type, "gcp")
        candidates: list[Any] = []
        if current.data is not None:
            candidates += [walk(current.data, path) for path in current_info.region]
        candidates.append(current.location)
        found = _PLACE.search(current.name)
        candidates.append(found.group(1) if found else None)
        for candidate in candidates:
            place = _place(candidate, current_info.region_prefix)
            if place is None:
                continue
            if place.lower() == "global":
                return None, "its location is global: Google Cloud chooses where it is"
            return normalise_region(PROVIDER, place), None
        current = index.parent(current)
    if asset.missing and info.region:
        return None, f"the export gives no location for it ({asset.missing})"
    return None, "the export gives no location for it (nor for its parent)"


class CaiFields(ExportFields):
    """The `FieldReader` of an asset: catalogue paths are `resource.data`'s; references are
    resolved among the export's assets."""

    provider = PROVIDER

    def __init__(self, asset: Asset, key: ResourceKey, region: str | None, index: Index) -> None:
        self.asset = asset
        self.key = key
        self.region = region
        self.index = index

    def _at(self, path: str) -> list[Any] | Unknown:
        if self.asset.data is None:
            return Unknown(self.asset.missing or NO_DATA_EXPORT)
        return walk(self.asset.data, path)

    def _find(self, value: Any) -> ResourceKey | None:
        target = self.index.find(value, self.asset)
        return None if target is None else ResourceKey("", target.name)

    def _outside(self, text: str) -> Destination | None:
        outside = literal_destination(text, PROVIDER)
        return outside if outside.region is not None else None
