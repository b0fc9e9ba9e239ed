"""The resource catalogue: native types -> normalised service, category and HDS activities.

Data files (one per source family) live beside this module; this module only reads them.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from hdslint import yamlio
from hdslint.model import Unknown
from hdslint.schemas import validate


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
    # Data rests on it although its category is not a data store's (a VM's disks): always
    # (True), or when one of these attribute paths is set (a StatefulSet's claim templates).
    stores_data: bool | tuple[str, ...] = False
    # No data rests on it, whatever its category, when one of these attribute paths is set
    # to a known value: a BigQuery table that is a view (a saved query) or reads an external
    # source; a Compute resource policy that places or schedules VMs instead of snapshots.
    no_data_when: tuple[str, ...] = ()

    def holds_data(self, attributes: Mapping[str, Any]) -> bool:
        """Whether a resource of this type with these attributes is a data store."""
        if isinstance(self.stores_data, bool):
            return self.stores_data
        return any(_present(attributes, path.split(".")) for path in self.stores_data)

    def for_attributes(
        self, attributes: Mapping[str, Any], unknown_blocks: Collection[str] = ()
    ) -> TypeInfo:
        """What this resource is, given its attributes: `other`, with no activity, when
        one of `no_data_when` is known to be set. An unknown value, or a block in
        `unknown_blocks` (generated from a collection that is not known), keeps it what
        its type is: what cannot be told is never dropped."""
        known = (
            _present(attributes, path.split("."), unknown=False)
            for path in self.no_data_when
            if path.split(".")[0] not in unknown_blocks
        )
        if any(known):
            return dataclasses.replace(self, category="other", activities=(), stores_data=False)
        return self


def _present(value: Any, path: list[str], *, unknown: bool = True) -> bool:
    """Whether a dotted attribute path is set (lists, Terraform's nested blocks, are walked).
    `unknown=False`: a value that is not known counts as not set."""
    if not unknown and isinstance(value, Unknown):
        return False
    if not path:
        return value not in (None, [], {})
    if isinstance(value, list):
        return any(_present(item, path, unknown=unknown) for item in value)
    if isinstance(value, Mapping):
        return _present(value.get(path[0]), path[1:], unknown=unknown)
    return False


@functools.cache
def load(name: str) -> Mapping[str, Any]:
    """A catalogue file, read once per process.

    Not validated here: the catalogue is hdslint's own data, shipped with its code, and
    `catalogue.schema.json` is checked against every shipped file by the test suite
    (tests/catalogue/test_schema.py), as the code is by its tests. Validating it on every
    run cost more than reading it (0.15-0.25 s of every scan, cold or warm)."""
    text = resources.files("hdslint.catalogue").joinpath(f"{name}.yaml").read_text("utf-8")
    data: Mapping[str, Any] = yamlio.load(text)
    return data


def check(data: Any) -> list[str]:
    """What is wrong with a catalogue document, as `$.path: message` lines (none: valid)."""
    return validate(data, "hdslint.catalogue", "catalogue.schema.json")


def family(catalogue: str, provider: str | None) -> Mapping[str, Any]:
    """How a provider's resources say where they are (`providers.<id>` of the catalogue)."""
    providers = load(catalogue)["providers"]
    found: Mapping[str, Any] = providers.get(provider or "", providers["_default"])
    return found


def unlocated_reason(
    catalogue: str, provider: str | None, native_type: str, otherwise: str | None = None
) -> str:
    """Why a resource of this provider and type has no location at all."""
    found = family(catalogue, provider).get("unlocated")
    if found:
        return str(found)
    return otherwise or f"{native_type} has no location argument hdslint knows of"


def activities_for(category: str) -> tuple[int, ...]:
    table = load("terraform")["activities_by_category"]
    return tuple(table.get(category, ()))


def generic_argument(catalogue: str, native_type: str) -> str | None:
    """The argument that names what a generic resource is (`azapi_resource`: `type`)."""
    generic = load(catalogue).get("generic_types", {}).get(native_type)
    return str(generic["argument"]) if generic else None


@functools.cache
def _generic_index(catalogue: str, native_type: str) -> Mapping[str, Mapping[str, Any]]:
    """A generic resource's entries by lower-cased kind (ARM types are case-insensitive)."""
    types = load(catalogue)["generic_types"][native_type]["types"]
    return {name.lower(): entry for name, entry in types.items()}


def _entry(catalogue: str, native_type: str, kind: object) -> tuple[Mapping[str, Any] | None, bool]:
    """A type's catalogue entry and whether the catalogue knows it. A generic resource's
    entry is its kind's (`Microsoft.Storage/storageAccounts@2023-05-01`, version dropped)
    over the generic defaults; an unknown kind keeps the defaults (where it is) as `other`."""
    data = load(catalogue)
    generic = data.get("generic_types", {}).get(native_type)
    if generic is None:
        entry = data["types"].get(native_type)
        return entry, entry is not None
    found = None
    if isinstance(kind, str):
        found = _generic_index(catalogue, native_type).get(kind.split("@", 1)[0].lower())
    defaults = generic.get("defaults", {})
    return {**defaults, **(found if found is not None else {"category": "other"})}, bool(found)


def type_info(
    catalogue: str, native_type: str, provider: str | None, kind: object = None
) -> TypeInfo:
    """What the catalogue says of a native type. A type it does not describe is `other`,
    never a data store: a name (`_table`, `_db_`, `bucket`) says nothing of where data rests
    (route tables, DB parameter groups and backend buckets hold none). `kind`: what a
    generic resource's argument names (see `generic_argument`)."""
    entry, known = _entry(catalogue, native_type, kind)
    if entry is None:
        return TypeInfo(
            service=f"{provider}:{native_type}" if provider else None,
            category="other",
            activities=(),
            known=False,
        )
    category = entry["category"]
    region = entry.get("region")
    region_from = entry.get("region_from") or ()
    if isinstance(region_from, str):
        region_from = (region_from,)
    stores_data = entry.get("stores_data", False)
    no_data_when = entry.get("no_data_when", ())
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
        stores_data=stores_data if isinstance(stores_data, bool) else tuple(stores_data),
        no_data_when=tuple(no_data_when),
        known=known,
    )
