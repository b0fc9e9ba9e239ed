"""A `resource` block in a module instance: its instances (count / for_each), what it
exports to expressions, and where it is."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hdslint import catalogue
from hdslint.causes import because
from hdslint.model import Unknown
from hdslint.sources.terraform import budget
from hdslint.sources.terraform.expr import (
    Scope,
    UnknownKeys,
    bind,
    evaluate,
    evaluate_lazy,
    evaluate_traced,
    first_unknown,
    note_sensitive,
    traced,
)
from hdslint.sources.terraform.hcl import Expr
from hdslint.sources.terraform.loader import Block
from hdslint.sources.terraform.namespaces import ResourceValue
from hdslint.sources.terraform.paths import exprs_at, flatten, static_refs
from hdslint.sources.terraform.region import RegionRule, resolve_region

if TYPE_CHECKING:
    from hdslint.sources.terraform.instance import ModuleInstance


# Terraform's refusal, as it words it: instance keys would show the values in every address.
SENSITIVE_FOR_EACH = (
    "sensitive values, or values derived from them, cannot be used as for_each arguments"
)


@dataclass
class _Instance:
    key: Any
    scope: Scope


class ResourceEval:
    """A `resource` block in a module instance: its instances, region and attributes."""

    def __init__(self, instance: ModuleInstance, block: Block) -> None:
        self.module = instance
        self.block = block
        self.rtype, self.name = block.labels
        self.address = f"{instance.prefix()}{self.rtype}.{self.name}"
        self.config = instance.provider_for(block)
        self._instances: list[_Instance] | Unknown | None = None
        # Attributes other expressions read, with whether they derive from a sensitive value.
        self._exported: dict[tuple[str, Any], tuple[Any, bool]] = {}

    def value(self) -> ResourceValue:
        return ResourceValue(self)

    # count / for_each
    def instances(self) -> list[_Instance] | Unknown:
        if self._instances is None:
            self._instances = self._expand()
        return self._instances

    def _expand(self) -> list[_Instance] | Unknown:
        expansion = expand(self.block.body["attrs"], self.module)
        if isinstance(expansion, Unknown):
            return expansion
        return [_Instance(key, bind(self.module, names)) for key, names in expansion]

    def unkeyed_scopes(self) -> list[Scope]:
        """One scope per instance when for_each's keys are not known but its elements are
        (`each.key` stays unknown); [] otherwise."""
        instances = self.instances()
        if not isinstance(instances, UnknownKeys):
            return []
        key = Unknown(
            because(
                f"{self.address} instance keys are not known", instances.reason, parenthesised=True
            )
        )
        return [
            bind(self.module, {"each": {"key": key, "value": value}, "count": key})
            for value in instances.elements
        ]

    def scope_for(self, key: Any) -> Scope:
        instances = self.instances()
        if isinstance(instances, Unknown):
            unknown = Unknown(
                because(
                    f"{self.address} instances are not known", instances.reason, parenthesised=True
                )
            )
            return bind(self.module, {"each": unknown, "count": unknown})
        for inst in instances:
            if key is None or inst.key == key or str(inst.key) == str(key):
                return inst.scope
        return self.module

    def exported(self, name: str, key: Any) -> Any:
        cache_key = (name, key if isinstance(key, str | int | float | bool) else repr(key))
        if cache_key not in self._exported:
            self._exported[cache_key] = traced(lambda: self._exported_value(name, key))
        value, sensitive = self._exported[cache_key]
        if sensitive:
            note_sensitive()
        return value

    def _exported_value(self, name: str, key: Any) -> Any:
        attrs = self.block.body["attrs"]
        if name in attrs and name not in ("count", "for_each", "provider"):
            value = evaluate(attrs[name][0], self.scope_for(key))
            if isinstance(value, Unknown) and value.ref is None:
                return Unknown(value.reason, ref=self.address, error=value.error)
            return value
        if name == "region" or (name == "location" and self.config.provider_id == "azure"):
            region = self.region(self.scope_for(key))
            if isinstance(region, str | Unknown):
                return region
        return Unknown(f"{self.address}.{name} is only known after apply", ref=self.address)

    def info(self, scope: Scope) -> catalogue.TypeInfo:
        """What the catalogue says of this resource: by its type, or for a generic one
        (`azapi_resource`) by the kind its argument names."""
        argument = catalogue.generic_argument("terraform", self.rtype)
        kind = None
        if argument is not None and argument in self.block.body["attrs"]:
            kind = evaluate(self.block.body["attrs"][argument][0], scope)
        return catalogue.type_info("terraform", self.rtype, self.config.provider_id, kind)

    def region(self, scope: Scope, depth: int = 0) -> str | Unknown | None:
        """The resource's region (normalised: zones reduced to regions, display names to
        ids), or Unknown with the reason, or None when the type has no location at all."""
        info = self.info(scope)
        rule = RegionRule.of(info, self.config.provider_id)
        return resolve_region(rule, _HclRegion(self, scope, depth))

    def _argument_region(self, name: str, scope: Scope) -> str | Unknown | None:
        for expr, expr_scope, source in exprs_at(self.block.body, name, scope):
            value = evaluate(expr, expr_scope)
            if isinstance(value, list):
                value = next((v for v in flatten(value) if v is not None), None)
            if isinstance(value, Unknown):
                return Unknown(because(f"{name} = {source}", value.reason), ref=value.ref)
            if value is None:
                continue
            if isinstance(value, str):
                return value
            return Unknown(f"{name} = {source} is not a string", error=True)
        return None

    def _provider_region(self, rule: RegionRule, scope: Scope) -> str | Unknown | None:
        config = self.module.provider_for(self.block, scope)
        for name in rule.provider_arguments:
            value = config.argument(name)
            if isinstance(value, str | Unknown):
                return value
        if not rule.provider_arguments:
            if rule.arguments:
                return Unknown(f"{self.rtype} sets none of {', '.join(rule.arguments)}")
            return None
        if config.block is None:
            return Unknown(
                f'no provider "{config.name}" configuration reaches {self.address}'
                " (Terraform would take the region from the environment when it runs)"
            )
        return Unknown(
            f'provider "{config.name}" sets no region (Terraform would take it from'
            " the environment when it runs)"
        )

    def _parent_region(self, attrs: tuple[str, ...], scope: Scope, depth: int) -> str | Unknown:
        """The region of the resource this one lives in (a container in its account)."""
        body_attrs = self.block.body["attrs"]
        for name in attrs:
            attr = body_attrs.get(name)
            if attr is None:
                continue
            parents = [
                self.module.resource_by_address(address)
                for address in static_refs(attr[0], self.module, scope)
            ]
            parents.append(self._referenced(attr[0], scope))
            for parent in parents:
                if parent is not None and depth < 8:
                    region = parent.region(parent.scope_for(None), depth + 1)
                    return (
                        region
                        if region is not None
                        else Unknown(f"{parent.address} has no location")
                    )
            return Unknown(
                f"{self.rtype} lives in what {name} = {attr[2]} names, which is not a"
                " resource in the scanned configuration"
            )
        return Unknown(f"{self.rtype} sets none of {', '.join(attrs)}")

    def _referenced(self, expr: Expr, scope: Scope) -> ResourceEval | None:
        """The resource an expression's value comes from, across module boundaries (a
        module's `var.storage_account_id` given `azapi_resource.this.id` by its caller)."""
        value = evaluate_lazy(expr, scope)
        if isinstance(value, ResourceValue):
            return value.res
        if isinstance(value, Unknown) and value.ref:
            return self.module.evaluator.resource_at(value.ref)
        return None


@dataclass(frozen=True, slots=True)
class _HclRegion:
    """The `RegionReader` of a resource block in a module instance."""

    resource: ResourceEval
    scope: Scope
    depth: int

    def argument(self, name: str) -> str | Unknown | None:
        return self.resource._argument_region(name, self.scope)

    def parent(self, arguments: tuple[str, ...]) -> str | Unknown | None:
        return self.resource._parent_region(arguments, self.scope, self.depth)

    def provider(self, rule: RegionRule) -> str | Unknown | None:
        return self.resource._provider_region(rule, self.scope)


def expand(attrs: Mapping[str, Any], scope: Scope) -> list[tuple[Any, Mapping[str, Any]]] | Unknown:
    """The instances `count` / `for_each` make of a resource or a module call: each one's
    instance key and the names it binds (`count.index`, `each.key`, `each.value`), as
    Terraform keys them (a set's elements are their own keys); one unkeyed instance without
    either argument."""
    if "count" in attrs:
        count, sensitive = evaluate_traced(attrs["count"][0], scope)
        if isinstance(count, Unknown):
            # A reason computed from a sensitive value could quote it.
            why = "it is derived from a sensitive value" if sensitive else count.reason
            return Unknown(f"count = {attrs['count'][2]}: {why}", ref=count.ref)
        if isinstance(count, bool) or not isinstance(count, int | float):
            return Unknown(f"count = {attrs['count'][2]} is not a number", error=True)
        budget.charge_instances(count, "count")  # before the instances are built
        return [(i, {"count": {"index": i}}) for i in range(int(count))]
    if "for_each" in attrs:
        coll, sensitive = evaluate_traced(attrs["for_each"][0], scope)
        if sensitive:
            # As Terraform: the keys would show the value in every instance's address.
            return Unknown(f"for_each = {attrs['for_each'][2]}: {SENSITIVE_FOR_EACH}", error=True)
        if isinstance(coll, UnknownKeys):
            return UnknownKeys(
                because(f"for_each = {attrs['for_each'][2]}", coll.reason),
                coll.elements,
                ref=coll.ref,
            )
        if isinstance(coll, Unknown):
            return Unknown(because(f"for_each = {attrs['for_each'][2]}", coll.reason), ref=coll.ref)
        if isinstance(coll, dict):
            items = list(coll.items())
        elif isinstance(coll, list):
            unknown = first_unknown(coll)
            if unknown is not None:  # a set's elements are its keys
                return Unknown(
                    because(f"for_each = {attrs['for_each'][2]}", unknown.reason), ref=unknown.ref
                )
            items = [(v if isinstance(v, str) else json.dumps(v), v) for v in coll]
        else:
            return Unknown(f"for_each = {attrs['for_each'][2]} is not a map or set", error=True)
        budget.charge_instances(len(items), "for_each")
        return [(k, {"each": {"key": k, "value": v}}) for k, v in items]
    budget.charge_instances(1, "instance")
    return [(None, {})]
