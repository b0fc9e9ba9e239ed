"""AWS Config exports: configuration snapshots (the `ConfigSnapshot` file Config delivers to
S3, `aws configservice deliver-config-snapshot`: `fileVersion` and `configurationItems`),
`get-resource-config-history` / `batch-get-resource-config` answers (`configurationItems`,
`baseConfigurationItems`, whose `configuration` is a JSON string), and advanced queries
(`aws configservice select-aggregate-resource-config` / `select-resource-config`: `Results`, a
list of JSON strings).

Types are CloudFormation's: cloudformation.yaml gives their Terraform equivalent, so one
policy judges both; the exports catalogue's `aws_config_types` reads the item's flows,
including those Config records beside the configuration (`supplementaryConfiguration`: an S3
bucket's replication). Resources are keyed by ARN, as the live AWS scan keys them; the
account is the item's `awsAccountId` (`accountId` in query results).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hdslint.geography import normalise_region
from hdslint.ids import Destination, ResourceKey
from hdslint.model import InputError, Location, Resource, Unknown, freeze
from hdslint.sources.base import MAX_FIELD_VALUES, SourceResult, flatten
from hdslint.sources.exports.fields import ExportFields
from hdslint.sources.exports.files import ExportFile, further_page
from hdslint.sources.exports.types import config_type, get, one_flow
from hdslint.sources.flows import flow_edges, flow_path_keys, literal_destination

PROVIDER = "aws"
ITEM_LISTS = ("configurationItems", "baseConfigurationItems")

# (index, ARN or resource id) -> where it was read
Locate = Callable[[int, str], Location]

NOT_SELECTED = (
    "the query did not select it (select configuration and supplementaryConfiguration in the"
    " advanced query)"
)
NOT_RECORDED = "the configuration item does not carry it"


def config_items(data: Any) -> list[Any] | None:
    """The configuration items of an export, query results parsed from their JSON strings
    (a string that is not JSON stays a string, and is reported)."""
    if isinstance(data, list):
        return data
    if not isinstance(data, Mapping):
        return None
    for key in ITEM_LISTS:
        if isinstance(data.get(key), list):
            return list(data[key])
    results = data.get("Results")
    if isinstance(results, list) and (
        "QueryInfo" in data or any(isinstance(r, str) for r in results[:1])
    ):
        return [_parse(r) for r in results]
    return None


def _parse(value: Any) -> Any:
    """A JSON string's value; Config writes some values twice encoded (a snapshot's
    AccessControlList), so a string that decodes to a JSON string is decoded once more."""
    for _ in range(2):
        if not isinstance(value, str):
            return value
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):  # RecursionError: nested past the decoder
            return value
    return value


def _type(item: Mapping[str, Any]) -> Any:
    return item.get("resourceType")


def is_item(item: Any) -> bool:
    return (
        isinstance(item, Mapping)
        and isinstance(_type(item), str)
        and item["resourceType"].startswith("AWS::")
        and isinstance(item.get("resourceId", item.get("ARN", item.get("arn"))), str)
    )


def is_config_export(data: Any) -> bool:
    if not isinstance(data, Mapping):
        return False
    if not any(k in data for k in (*ITEM_LISTS, "Results")):
        return False
    items = config_items(data)
    return bool(items) and any(is_item(item) for item in (items or [])[:50])


def read_export(data: Any, file: ExportFile) -> SourceResult:
    """An export file, as `hdslint.sources.exports.detect` hands it over."""
    items = config_items(data) or []

    def locate(_index: int, rid: str) -> Location:
        line = file.line_of("ARN", rid) or file.line_of("arn", rid)
        if line is None:
            line = file.line_of_escaped("arn", rid) or file.line_of_escaped("resourceId", rid)
        return Location(file.display, line)

    result = resources_from_config(items, locate=locate)
    result.errors[:0] = further_page(data, file, "NextToken", f"{len(items)} configuration items")
    for index, item in enumerate(items):
        if not is_item(item):
            result.errors.append(
                InputError(
                    file.display,
                    f"item {index} is not an AWS Config configuration item (a resourceType"
                    " and a resourceId)",
                )
            )
    return result


@dataclass(frozen=True)
class Item:
    index: int
    id: str
    resource_type: str
    name: str | None
    region: str | None
    account: str | None
    document: Mapping[str, Any]
    # Why `configuration` / `supplementaryConfiguration` are not known (None: they are).
    missing: Mapping[str, str]


def _item(index: int, raw: Mapping[str, Any], queried: bool) -> Item:
    document: dict[str, Any] = dict(raw)
    missing: dict[str, str] = {}
    for part in ("configuration", "supplementaryConfiguration"):
        value = _parse(raw.get(part))
        if isinstance(value, Mapping):
            if part == "supplementaryConfiguration":
                value = {k: _parse(v) for k, v in value.items()}
            document[part] = value
        else:
            document.pop(part, None)
            if part not in raw:
                missing[part] = NOT_SELECTED if queried else NOT_RECORDED
            elif value is not None or part == "configuration":
                missing[part] = NOT_RECORDED
    arn = raw.get("ARN", raw.get("arn"))
    rid = arn if isinstance(arn, str) and arn else str(raw.get("resourceId"))
    region = raw.get("awsRegion")
    account = raw.get("awsAccountId", raw.get("accountId"))
    name = raw.get("resourceName")
    return Item(
        index=index,
        id=rid,
        resource_type=str(raw["resourceType"]),
        name=name if isinstance(name, str) else None,
        region=region if isinstance(region, str) and region else None,
        account=str(account) if account else None,
        document=document,
        missing=missing,
    )


class Index:
    def __init__(self, items: Sequence[Item]) -> None:
        self.by_id: dict[str, Item] = {}
        self.by_name: dict[tuple[str, str], list[Item]] = {}
        for item in items:
            self.by_id.setdefault(item.id, item)
            for name in {item.name, str(item.document.get("resourceId", ""))} - {None, ""}:
                self.by_name.setdefault((item.resource_type, str(name)), []).append(item)

    def find(self, value: Any, asker: Item) -> Item | None:
        """An ARN, or a name or id of the asker's type, in its account and region first."""
        if not isinstance(value, str) or not value:
            return None
        if value in self.by_id:
            return self.by_id[value]
        if value.startswith("arn:"):
            return None
        found = self.by_name.get((asker.resource_type, value), [])
        for item in found:
            if (item.account, item.region) == (asker.account, asker.region):
                return item
        return found[0] if len(found) == 1 else None


def resources_from_config(
    items: Sequence[Any], *, locate: Locate | None = None, source: str = "inventory"
) -> SourceResult:
    """AWS Config configuration items (or advanced-query results) -> resources and edges.
    The entry point for any listing of Config items; `locate` says where each was read (by
    its index and ARN), `source` is the resources' `source`."""
    where = locate or (lambda _i, _rid: Location(api_call="config:SelectAggregateResourceConfig"))
    queried = any(
        isinstance(i, Mapping) and "accountId" in i and "awsAccountId" not in i for i in items
    )
    parsed: list[Item] = []
    seen: set[str] = set()
    for number, raw in enumerate(items):
        if not is_item(raw):
            continue
        item = _item(number, raw, queried)
        # A deleted resource is recorded, but is no longer anywhere.
        if raw.get("configurationItemStatus") in ("ResourceDeleted", "ResourceDeletedNotRecorded"):
            continue
        if item.id not in seen:
            seen.add(item.id)
            parsed.append(item)
    index = Index(parsed)
    result = SourceResult()
    for item in parsed:
        info = config_type(item.resource_type)
        region, why = _region(item)
        tags = _tags(item.document.get("tags"))
        resource = Resource(
            id=item.id,
            type=item.resource_type,
            provider=PROVIDER,
            service=info.service,
            category=info.category,
            region=region,
            location=where(item.index, item.id),
            source=source,
            attributes=freeze({"name": item.name} if item.name else {}),
            tags=freeze(tags),
            unknown=freeze({"region": why} if why else {}),
            activities=info.activities,
            presumed_health_data=info.presumed,
            account=item.account,
            stores_data=info.stores_data,
        )
        result.resources.append(resource)
        if not info.known:
            result.count_unmapped(item.resource_type)
        reader = ConfigFields(item, resource.key, region, index, _unconfirmed(info.flows))
        for flow in info.flows:
            result.edges.extend(flow_edges(flow, reader, resource.location))
    result.edges = one_flow(result.edges)
    return result


def _unconfirmed(flows: Sequence[Mapping[str, Any]]) -> frozenset[str]:
    """The field paths of the flows no public example or schema of AWS Config confirms."""
    return frozenset(
        flow[key]
        for flow in flows
        if flow.get("confidence") == "unconfirmed"
        for key in flow_path_keys()
        if key in flow
    )


def read_path(document: Mapping[str, Any], path: str) -> list[Any] | Unknown:
    """The values at a catalogue path of a configuration item, or why they cannot be read.

    As `walk`, with what Config writes: values that are JSON strings are decoded, maps keyed
    by id walked as lists (`name[]`). A value of the path that is neither an object nor JSON
    (a string Config did not encode, a number) is unreadable, and so is an entry of the
    path's last list that lacks the field after it (a replication rule without its
    destination): an Unknown naming the field, never an empty answer."""
    parts = path.split(".")
    last_list = max((i for i, part in enumerate(parts) if part.endswith("[]")), default=-1)
    values: list[Any] = [document]
    for number, raw in enumerate(parts):
        name = raw.removesuffix("[]")
        found: list[Any] = []
        for value in values:
            for raw_one in flatten(value):
                one = _parse(raw_one)
                if one is None:
                    continue
                if not isinstance(one, Mapping):
                    where = ".".join(parts[:number])
                    return Unknown(
                        f"{where} is not readable ({_kind(one)} where an object was expected)"
                    )
                child = _parse(get(one, name))
                if child is None:
                    if number > last_list >= 0:
                        entry = ".".join(parts[: last_list + 1])
                        rest = ".".join(parts[last_list + 1 :])
                        return Unknown(f"an entry of {entry} has no {rest}")
                    continue
                if raw.endswith("[]") and isinstance(child, Mapping):
                    found.extend(child.values())
                else:
                    found.append(child)
            if len(found) > MAX_FIELD_VALUES:
                break
        values = found
    return [one for value in values for one in flatten(value) if one is not None]


def _kind(value: Any) -> str:
    if isinstance(value, str):
        return "text that is not JSON"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return type(value).__name__


def _region(item: Item) -> tuple[str | None, str | None]:
    if item.region is None:
        return None, "the configuration item gives no awsRegion"
    if item.region.lower() == "global":
        return None, "AWS Config records it as global: it has no region"
    return normalise_region(PROVIDER, item.region), None


def _tags(value: Any) -> dict[str, str]:
    """Tags as a map (snapshots) or a list of key/value pairs (query results)."""
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items()}
    out: dict[str, str] = {}
    if isinstance(value, list):
        for tag in value:
            if isinstance(tag, Mapping):
                key = get(tag, "key")
                if key is not None:
                    out[str(key)] = str(get(tag, "value") or "")
    return out


class ConfigFields(ExportFields):
    """The `FieldReader` of a configuration item: catalogue paths start at the item
    (`configuration.*`, `supplementaryConfiguration.*`); references are ARNs, or names of the
    same type, resolved among the export's items."""

    provider = PROVIDER
    no_region = "the configuration item gives no region"

    def __init__(
        self,
        item: Item,
        key: ResourceKey,
        region: str | None,
        index: Index,
        unconfirmed: frozenset[str] = frozenset(),
    ) -> None:
        self.item = item
        self.key = key
        self.region = region
        self.index = index
        self.unconfirmed = unconfirmed

    def _at(self, path: str) -> list[Any] | Unknown:
        part = path.split(".", 1)[0].removesuffix("[]")
        if part in self.item.missing:
            return Unknown(f"{part}: {self.item.missing[part]}")
        found = read_path(self.item.document, path)
        if found == [] and path in self.unconfirmed:
            # Where Config records this is not documented: its absence says nothing.
            return Unknown(
                f"the configuration item has no {path}, a field no published example of AWS"
                " Config shows"
            )
        return found

    def _find(self, value: Any) -> ResourceKey | None:
        target = self.index.find(value, self.item)
        return None if target is None else ResourceKey("", target.id)

    def _outside(self, text: str) -> Destination | None:
        outside = literal_destination(text, PROVIDER) if text.startswith("arn:") else None
        return outside if outside is not None and outside.region is not None else None
