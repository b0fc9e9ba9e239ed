"""What a resource block's fields hold, for the catalogue's `flows` (interpreted in
`hdslint.sources.flows`): resources the expressions reference, found as Terraform finds
dependencies, else their values."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hdslint.causes import because
from hdslint.ids import Destination, ResourceKey, UnknownDestination
from hdslint.model import Edge, Location, Unknown
from hdslint.sources.flows import flow_edges, literal_destination
from hdslint.sources.terraform.expr import Namespace, Scope, evaluate, evaluate_lazy, materialize
from hdslint.sources.terraform.namespaces import ResourceValue
from hdslint.sources.terraform.paths import block_present, exprs_at, flatten, static_refs
from hdslint.sources.terraform.resources import ResourceEval


class FlowReader:
    """Turns a resource's `flows` catalogue entries into edges between resource keys."""

    def __init__(self, key: Callable[[str], ResourceKey], edges: list[Edge]) -> None:
        self.key = key
        self.edges = edges

    def add(
        self,
        res: ResourceEval,
        address: str,
        scope: Scope,
        flow: Mapping[str, Any],
        location: Location,
    ) -> None:
        reader = HclFields(res, self.key(address), scope, self.key)
        self.edges.extend(flow_edges(flow, reader, location))


class HclFields:
    """The `FieldReader` of a resource instance in HCL."""

    def __init__(
        self,
        res: ResourceEval,
        key: ResourceKey,
        scope: Scope,
        key_of: Callable[[str], ResourceKey],
    ) -> None:
        self.res = res
        self.key = key
        self.scope = scope
        self.key_of = key_of
        self.provider: str | None = res.config.provider_id

    def _refs(self, path: str) -> list[Any]:
        """What the expressions at `path` point at: resources referenced in them (found in
        the expression itself, as Terraform finds dependencies), else their values."""
        out: list[Any] = []
        for expr, expr_scope, _source in exprs_at(self.res.block.body, path, self.scope):
            refs = static_refs(expr, self.res.module, expr_scope)
            if refs:
                out.extend(Ref(a) for a in refs)
            else:
                out.extend(references(evaluate_lazy(expr, expr_scope)))
        return out

    def subjects(self, path: str) -> list[ResourceKey]:
        return [self.key_of(t.address) for t in self._refs(path) if isinstance(t, Ref)]

    def targets(self, path: str) -> list[Destination]:
        out: list[Destination] = []
        for target in self._refs(path):
            if isinstance(target, Ref):
                out.append(self.key_of(target.address))
            elif isinstance(target, Unknown):
                out.append(
                    UnknownDestination(
                        because("the destination is not known", target.reason, parenthesised=True)
                    )
                )
            else:
                out.append(literal_destination(str(target), self.provider))
        return out

    def values(self, path: str) -> list[Any]:
        return [
            value
            for expr, expr_scope, _source in exprs_at(self.res.block.body, path, self.scope)
            for value in flatten(evaluate(expr, expr_scope))
        ]

    def present(self, path: str) -> bool:
        """Set as Terraform sees it: an argument whose value is null is not set (an unknown
        value may be set), a block is there when Terraform would create it."""
        for expr, expr_scope, _source in exprs_at(self.res.block.body, path, self.scope):
            if any(value is not None for value in flatten(evaluate(expr, expr_scope))):
                return True
        return block_present(self.res.block.body, path, self.scope)

    def own_region(self) -> str | Unknown | None:
        return self.res.region(self.scope)


@dataclass(frozen=True)
class Ref:
    """A reference to a resource address (as opposed to a literal string)."""

    address: str


def references(value: Any) -> list[Any]:
    """What a flow attribute points at: a Ref to a resource, a literal, or an Unknown."""
    if isinstance(value, ResourceValue):
        return [Ref(value.res.address)]
    if isinstance(value, Unknown):
        return [Ref(value.ref)] if value.ref else [value]
    if isinstance(value, Namespace):
        resolved = value.materialize()
        return references(resolved)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [r for item in value for r in references(item)]
    if value is None:
        return []
    return [materialize(value)]
