"""The resource catalogue: native types -> normalised service, category and HDS activities.

Data files (one per source family) live beside this module; this module only reads them.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from hdslint import yamlio


@dataclass(frozen=True, slots=True)
class TypeInfo:
    service: str | None
    category: str
    activities: tuple[int, ...]
    # False: not presumed to hold health data even when `health_data.default` is true.
    presumed: bool = True
    region: tuple[str, ...] | None = None
    flows: tuple[Mapping[str, Any], ...] = ()
    known: bool = True
    region_default: str | None = None
    region_from: tuple[str, ...] = ()
    region_prefix: str | None = None


class CatalogueError(ValueError):
    """A shipped catalogue file does not match `catalogue.schema.json` (a bug in hdslint)."""


@functools.cache
def load(name: str) -> Mapping[str, Any]:
    """A catalogue file, validated against `catalogue.schema.json` once per process."""
    text = resources.files("hdslint.catalogue").joinpath(f"{name}.yaml").read_text("utf-8")
    data: Mapping[str, Any] = yamlio.load(text)
    problems = check(data)
    if problems:
        raise CatalogueError(f"hdslint/catalogue/{name}.yaml: {problems[0]}")
    return data


def check(data: Any) -> list[str]:
    """What is wrong with a catalogue document, as `$.path: message` lines (none: valid)."""
    from hdslint.schemas import validate

    return validate(data, "hdslint.catalogue", "catalogue.schema.json")


def infer_category(native_type: str, rules: Any, exclusions: str | None = None) -> str:
    """The category a type's name suggests (`exoscale_sos_bucket` -> storage), or `other`."""
    import re

    if exclusions and re.search(exclusions, native_type):
        return "other"
    for rule in rules:
        if re.search(rule["pattern"], native_type):
            return str(rule["category"])
    return "other"


def family(catalogue: str, provider: str | None) -> Mapping[str, Any]:
    """How a provider's resources say where they are (`providers.<id>` of the catalogue)."""
    providers = load(catalogue)["providers"]
    found: Mapping[str, Any] = providers.get(provider or "", providers["_default"])
    return found


def activities_for(category: str) -> tuple[int, ...]:
    table = load("terraform")["activities_by_category"]
    return tuple(table.get(category, ()))


def type_info(catalogue: str, native_type: str, provider: str | None) -> TypeInfo:
    """What the catalogue says of a native type; unknown types are `other`, not data stores."""
    data = load(catalogue)
    entry = data["types"].get(native_type)
    if entry is None:
        category = infer_category(
            native_type, data.get("inferred_categories", ()), data.get("inferred_exclusions")
        )
        return TypeInfo(
            service=f"{provider}:{native_type}" if provider else None,
            category=category,
            activities=activities_for(category),
            known=False,
        )
    category = entry["category"]
    region = entry.get("region")
    region_from = entry.get("region_from") or ()
    if isinstance(region_from, str):
        region_from = (region_from,)
    return TypeInfo(
        service=entry.get("service"),
        category=category,
        activities=tuple(entry.get("activities", activities_for(category))),
        presumed=bool(entry.get("presumed", True)),
        region=tuple(region) if region is not None else None,
        flows=tuple(entry.get("flows", ())),
        region_default=entry.get("region_default"),
        region_from=tuple(region_from),
        region_prefix=entry.get("region_prefix"),
    )
