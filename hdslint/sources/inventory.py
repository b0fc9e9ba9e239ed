"""Saved inventories: what `hdslint aws --save FILE` writes and `hdslint scan FILE` reads.

An inventory is audit evidence: the normalised resources and edges of one account, the
coverage of every (service, region) with the calls that failed, and when, by whom and with
which hdslint it was taken. Re-evaluating it offline gives the same findings as the live
scan did (the registry and policies of the reading hdslint apply). The format is
documented in docs/inventory.md; its JSON Schema is hdslint/schemas/inventory.schema.json.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hdslint.files import FileAccess
from hdslint.ids import Outside, ResourceKey, UnknownDestination
from hdslint.model import Edge, EdgeKind, InputError, Location, Resource, freeze, thaw
from hdslint.schemas import validate
from hdslint.sources.aws.coverage import (
    CoverageEntry,
    account_gap,
    gap_resources,
    in_account,
    nothing_read,
)
from hdslint.sources.base import SourceResult

if TYPE_CHECKING:
    from hdslint.config import Config
    from hdslint.result import ScanOptions

FORMAT_VERSION = 1
SOURCE = "inventory"
# `source` of an organization's inventory (`hdslint aws --org --save`).
ORGANIZATION_SOURCE = "aws-organization"


def resource_to_dict(resource: Resource) -> dict[str, Any]:
    return {
        "id": resource.id,
        "type": resource.type,
        "provider": resource.provider,
        "service": resource.service,
        "category": resource.category,
        "region": resource.region,
        "location": {"api_call": resource.location.api_call},
        "tags": thaw(resource.tags),
        "attributes": thaw(resource.attributes),
        "unknown": thaw(resource.unknown),
        "activities": list(resource.activities),
        "presumed_health_data": resource.presumed_health_data,
    }


def edge_to_dict(edge: Edge) -> dict[str, Any]:
    """An edge in the saved format: ARNs as `source` and `target`, the end that was not
    scanned described by `target_hint` (or `unknown`), a destination known only by its
    region named after its source (`<arn>-><kind>:<region>`)."""
    target = edge.target
    place = edge.origin if edge.origin is not None else target
    hint: dict[str, str] | None = None
    if isinstance(place, Outside):
        hint = {"provider": place.provider or "aws", "region": place.region or ""}
        if place.name:
            hint["arn"] = place.name
    if isinstance(target, ResourceKey):
        shown = target.id
    elif isinstance(target, Outside) and target.name:
        shown = target.name
    else:
        region = target.region if isinstance(target, Outside) else None
        shown = f"{edge.source.id}->{edge.kind.value}:{region or '?'}"
    return {
        "source": edge.source.id,
        "target": shown,
        "kind": edge.kind.value,
        "api_call": edge.location.api_call if edge.location else None,
        "target_hint": hint,
        "unknown": place.reason if isinstance(place, UnknownDestination) else None,
    }


def document(
    *,
    header: Mapping[str, Any],
    coverage: Sequence[CoverageEntry],
    resources: Sequence[Resource],
    edges: Sequence[Edge],
) -> dict[str, Any]:
    """The inventory as a JSON-ready dict; `hdslint_inventory` (the format version) comes
    first so that a reader can tell the file's kind from its first bytes."""
    return {
        "hdslint_inventory": FORMAT_VERSION,
        **header,
        "coverage": [entry.to_dict() for entry in coverage],
        "resources": [resource_to_dict(r) for r in resources],
        "edges": [edge_to_dict(e) for e in edges],
    }


def dumps(doc: Mapping[str, Any]) -> str:
    return json.dumps(doc, indent=1, ensure_ascii=False, default=_json_default) + "\n"


def _json_default(value: Any) -> Any:
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):
        return isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON data")


# -- reading ---------------------------------------------------------------------------------


def scan(
    files: Sequence[Path], config: Config, options: ScanOptions, fs: FileAccess
) -> SourceResult:
    """The FILE_SOURCES entry for kind "inventory"."""
    result = SourceResult()
    for path in files:
        result.extend(read(fs, path))
    return result


def read(fs: FileAccess, path: Path, display: str | None = None) -> SourceResult:
    shown = display or path.as_posix()
    problem = fs.too_large(path, factor=25)
    if problem is not None:
        return _error(shown, problem)
    try:
        data = json.loads(fs.read_text(path))
    except OSError as exc:
        return _error(shown, f"cannot read the inventory: {exc.strerror or exc}")
    except UnicodeDecodeError:
        return _error(shown, "the inventory is not UTF-8 text")
    except json.JSONDecodeError as exc:
        return _error(shown, f"not valid JSON: {exc.msg}", exc.lineno)
    except RecursionError:
        return _error(shown, "JSON nested too deeply")
    if not isinstance(data, dict):
        return _error(shown, "an inventory is a JSON object")
    version = data.get("hdslint_inventory")
    if isinstance(version, int) and version > FORMAT_VERSION:
        return _error(
            shown,
            f"inventory format {version} is newer than this hdslint reads "
            f"({FORMAT_VERSION}): upgrade hdslint",
        )
    if data.get("source") == ORGANIZATION_SOURCE:
        return _read_organization(data, shown)
    problems = validate(data, "hdslint.schemas", "inventory.schema.json")
    if problems:
        return _error(shown, f"not a valid hdslint inventory: {problems[0]}")
    return _read_account(data, shown)


def _read_account(data: Mapping[str, Any], shown: str, *, qualified: bool = False) -> SourceResult:
    """One account's inventory (valid); `qualified`: one of an organization's."""
    resources = [resource_from_dict(r) for r in data["resources"]]
    entries = [CoverageEntry.from_dict(c) for c in data["coverage"]]
    account = data["account"]["id"]
    if qualified:
        resources = in_account(resources, account)
    resources.extend(gap_resources(entries, account=account, source=SOURCE, qualified=qualified))
    # A saved scan that read nothing proves nothing, as the live one did not: the same error.
    silence = nothing_read(entries)
    return SourceResult(
        resources=resources,
        edges=[edge_from_dict(e) for e in data["edges"]],
        errors=[InputError(shown, silence)] if silence else [],
    )


def _read_organization(data: Mapping[str, Any], shown: str) -> SourceResult:
    """`hdslint aws --org --save`: each read account's inventory, and the accounts that
    could not be entered (not evaluated, as in the live scan)."""
    problems = validate(data, "hdslint.schemas", "organization-inventory.schema.json")
    for number, account in enumerate(data.get("accounts") or ()):
        if problems:
            break
        if isinstance(account, Mapping) and "inventory" in account:
            problems = [
                f"$.accounts[{number}].inventory{problem[1:]}"
                for problem in validate(
                    account["inventory"], "hdslint.schemas", "inventory.schema.json"
                )
            ]
    if problems:
        return _error(shown, f"not a valid hdslint inventory: {problems[0]}")
    result = SourceResult()
    for account in data["accounts"]:
        if account["outcome"] == "read":
            result.extend(_read_account(account["inventory"], shown, qualified=True))
        elif account["outcome"] == "not_entered":
            gap = account_gap(
                account["id"], account["name"], account["code"], account["message"], source=SOURCE
            )
            result.resources.append(gap)
    return result


def resource_from_dict(data: Mapping[str, Any]) -> Resource:
    return Resource(
        id=data["id"],
        type=data["type"],
        provider=data.get("provider"),
        service=data.get("service"),
        category=data["category"],
        region=data.get("region"),
        location=Location(api_call=(data.get("location") or {}).get("api_call")),
        source=SOURCE,
        attributes=freeze(data.get("attributes") or {}),
        tags=freeze({str(k): str(v) for k, v in (data.get("tags") or {}).items()}),
        unknown=freeze(data.get("unknown") or {}),
        activities=tuple(data.get("activities") or ()),
        presumed_health_data=bool(data.get("presumed_health_data", True)),
    )


def edge_from_dict(data: Mapping[str, Any]) -> Edge:
    api_call = data.get("api_call")
    source, target = str(data["source"]), str(data["target"])
    hint = data.get("target_hint") or {}
    place: Outside | UnknownDestination | None = None
    if data.get("unknown"):
        place = UnknownDestination(str(data["unknown"]))
    elif hint.get("region"):
        name = hint.get("arn") or hint.get("name")
        place = Outside(hint.get("provider"), hint["region"], name)
    kind = EdgeKind(data["kind"])
    location = Location(api_call=api_call) if api_call else None
    if place is not None and isinstance(place, Outside) and place.name == source:
        # Reported by its destination: the hint describes the source.
        return Edge(ResourceKey("", source), ResourceKey("", target), kind, location, origin=place)
    return Edge(ResourceKey("", source), place or ResourceKey("", target), kind, location)


def _error(file: str, message: str, line: int | None = None) -> SourceResult:
    return SourceResult(errors=[InputError(file, message, line)])
