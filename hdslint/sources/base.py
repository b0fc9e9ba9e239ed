"""What every source returns: resources, edges, and what it could not read."""

from __future__ import annotations

from dataclasses import dataclass, field

from hdslint.model import Edge, InputError, Resource


@dataclass
class SourceResult:
    resources: list[Resource] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)

    def extend(self, other: SourceResult) -> None:
        self.resources.extend(other.resources)
        self.edges.extend(other.edges)
        self.errors.extend(other.errors)
