"""What every source returns: resources, edges, and what it could not read."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from hdslint.ids import Address, ModuleStep
from hdslint.model import Edge, InputError, Resource, ScanWarning


@dataclass(frozen=True)
class PlanOrigin:
    """What a Terraform plan says of the configuration it was made from, so that the plan
    and that configuration, both scanned, give each resource once (terraform/reconcile.py).

    `folder` is the root module's folder as a scope (the plan file's folder, as the
    configuration's resources are scoped); `declared` every resource block of the
    configuration and `module_calls` every module call, at their configuration addresses
    (no instance keys)."""

    scope: str
    folder: str
    declared: frozenset[Address]
    module_calls: frozenset[tuple[ModuleStep, ...]]


@dataclass
class SourceResult:
    resources: list[Resource] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    plans: list[PlanOrigin] = field(default_factory=list)
    # Values decided on but never shown: derived from values Terraform marks sensitive
    # (hdslint.sensitive conceals them in every output).
    sensitive: set[str] = field(default_factory=set)
    # Resource types read from a cloud inventory that the catalogue does not describe (kept
    # as `other`, holding no data): type -> how many. Listed in the summary, never dropped.
    unmapped: dict[str, int] = field(default_factory=dict)
    # Hints that change no check (how to map a folder of manifests to its cluster).
    warnings: list[ScanWarning] = field(default_factory=list)

    def extend(self, other: SourceResult) -> None:
        self.resources.extend(other.resources)
        self.edges.extend(other.edges)
        self.errors.extend(other.errors)
        self.plans.extend(other.plans)
        self.sensitive.update(other.sensitive)
        self.warnings.extend(other.warnings)
        for native, count in other.unmapped.items():
            self.unmapped[native] = self.unmapped.get(native, 0) + count

    def count_unmapped(self, native: str) -> None:
        self.unmapped[native] = self.unmapped.get(native, 0) + 1


# A field holds a few values; YAML aliases or a hostile plan could make it billions (a
# "billion laughs" file in a pull request must not hang the scan): flattening is bounded.
MAX_FIELD_VALUES = 10_000
MAX_NESTING = 40


def flatten(value: Any) -> list[Any]:
    """The items of a value's nested lists, in order (a value that is not a list: itself),
    at most MAX_FIELD_VALUES of them, MAX_NESTING lists deep. Items are kept as they are,
    None included: what a missing value means is the caller's to say."""
    if not isinstance(value, list):
        return [value]
    if not any(isinstance(item, list) for item in value):
        return value[:MAX_FIELD_VALUES]  # the common case: nothing nested
    out: list[Any] = []
    stack: list[Iterator[Any]] = [iter(value)]
    while stack and len(out) < MAX_FIELD_VALUES:
        item = next(stack[-1], _END)
        if item is _END:
            stack.pop()
        elif isinstance(item, list):
            if len(stack) < MAX_NESTING:
                stack.append(iter(item))
        else:
            out.append(item)
    return out


_END = object()
