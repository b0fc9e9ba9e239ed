"""The `FieldReader` of a CloudFormation resource: its evaluated Properties, references
resolved to the resources of its stack (or, by physical name or ARN, of any scanned stack)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hdslint.ids import Destination, ResourceKey, UnknownDestination
from hdslint.model import Unknown
from hdslint.sources.base import flatten
from hdslint.sources.cloudformation.intrinsics import ResourceRef
from hdslint.sources.flows import literal_destination


def values_at(data: Any, path: str) -> list[Any]:
    """The values at a dotted path of Properties; lists are walked (`[]` or not)."""
    found = [data]
    for step in path.replace("[]", "").split("."):
        found = [
            item.get(step)
            for value in found
            for item in flatten(value)
            if isinstance(item, Mapping) and item.get(step) is not None
        ]
    return [v for v in flatten(found) if v is not None]


@dataclass
class NameIndex:
    """Physical names (and ARNs) of the scanned stacks' resources, for references written
    as text: `arn:aws:s3:::records-replica`, `records-replica`."""

    by_name: dict[str, list[tuple[str, ResourceKey]]] = field(default_factory=dict)

    def add(self, name: str, service: str | None, key: ResourceKey) -> None:
        self.by_name.setdefault(name, []).append((service or "", key))

    def find(self, text: str) -> list[ResourceKey]:
        name, service = text, None
        if text.startswith("arn:"):
            parts = text.split(":", 5)
            service = parts[2] if len(parts) > 2 else None
            resource = parts[5] if len(parts) == 6 else text
            name = resource.replace(":", "/").rstrip("/").rsplit("/", 1)[-1]
        found = self.by_name.get(text, []) + self.by_name.get(name, [])
        return list(
            dict.fromkeys(key for kind, key in found if service is None or kind == f"aws:{service}")
        )


@dataclass
class StackFields:
    """One resource's fields, for the flows interpreter."""

    key: ResourceKey
    properties: Mapping[str, Any]
    # logical id -> key, for the resources of the same stack
    logical: Mapping[str, ResourceKey]
    names: NameIndex
    region: str | None
    region_unknown: str | None
    provider: str | None = "aws"

    def _resolve(self, value: Any) -> Destination | None:
        if isinstance(value, ResourceRef):
            found = self.logical.get(value.logical_id)
            if found is not None:
                return found
            return UnknownDestination(f"{value.logical_id} is not created by the stack")
        if isinstance(value, Unknown):
            if value.ref is not None and value.ref in self.logical:
                return self.logical[value.ref]
            return UnknownDestination(value.reason)
        if isinstance(value, str) and value.strip():
            matches = self.names.find(value.strip())
            if matches:
                return matches[0]
            return literal_destination(value.strip(), "aws")
        return None

    def targets(self, path: str) -> list[Destination]:
        out = []
        for value in values_at(self.properties, path):
            found = self._resolve(value)
            if found is not None:
                out.append(found)
        return out

    def subjects(self, path: str) -> list[ResourceKey]:
        found = [t for t in self.targets(path) if isinstance(t, ResourceKey)]
        # Nothing among the stacks: the resource that declares the flow stands for it.
        return found or [self.key]

    def values(self, path: str) -> list[Any]:
        out: list[Any] = []
        for value in values_at(self.properties, path):
            if isinstance(value, ResourceRef):
                attribute = f".{value.attribute}" if value.attribute else ""
                out.append(
                    Unknown(
                        f"{value.logical_id}{attribute} is known only once deployed",
                        ref=value.logical_id,
                    )
                )
            else:
                out.append(value)
        return out

    def present(self, path: str) -> bool:
        return bool(values_at(self.properties, path))

    def own_region(self) -> str | Unknown | None:
        if self.region is not None:
            return self.region
        return Unknown(self.region_unknown or "the region is not known")
