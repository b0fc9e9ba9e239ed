"""A plan JSON beside the configuration it was made from: each resource once.

Scanning a folder that holds both the `.tf` files of a root module and a plan of them
(`terraform show -json tfplan > tfplan.json`) reads the same resources twice: once by
evaluating the configuration, once from the plan. They are brought together by Terraform
address. The plan wins: it is Terraform's own evaluation (instance keys, variable values,
every argument known before apply), so a resource block the plan's configuration declares
is the plan's, whatever the number of its instances (zero included). The configuration
keeps what the plan does not declare (a block written after the plan was made: still
checked, never dropped) and gives the plan what the plan could not tell: the region, when
the plan leaves it unknown (a provider whose region is a `local`, which plans do not
record) and the configuration knows it. Locations already come from the configuration
(plan.py finds each resource's block).

With one plan in the folder, its resources take the configuration's scope (the root
module's folder), so a finding has the scope, and the fingerprint, it would have from the
configuration alone. Several plans of one folder (one per workspace or variable file) are
several deployments: each keeps its own scope.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from hdslint.ids import Address, ResourceKey, module_in_configuration, parse_module_path
from hdslint.model import Edge, Resource, freeze
from hdslint.sources.base import PlanOrigin, SourceResult


def reconcile_plans(result: SourceResult) -> SourceResult:
    """`result` with each plan reconciled with its folder's configuration, when both were
    scanned."""
    configured = {r.scope for r in result.resources if r.source == "terraform"}
    plans_of: dict[str, list[PlanOrigin]] = {}
    for plan in result.plans:
        if plan.folder in configured:
            plans_of.setdefault(plan.folder, []).append(plan)
    if not plans_of:
        return result
    superseded: dict[ResourceKey, Resource] = {}
    for resource in result.resources:
        plans = plans_of.get(resource.scope) if resource.source == "terraform" else None
        if plans and any(_declares(plan, resource) for plan in plans):
            superseded[resource.key] = resource
    rescope = {plans[0].scope: folder for folder, plans in plans_of.items() if len(plans) == 1}
    folder_of = {plan.scope: folder for folder, plans in plans_of.items() for plan in plans}
    by_block = _by_block(superseded.values())
    resources = [
        _completed(_rescoped(r, rescope), by_block, folder_of.get(r.scope))
        for r in result.resources
        if r.key not in superseded
    ]
    edges = [_rescoped_edge(e, rescope) for e in result.edges if e.source not in superseded]
    return SourceResult(resources, edges, list(result.errors), list(result.plans))


def _declares(plan: PlanOrigin, resource: Resource) -> bool:
    """Whether the plan's configuration declares the block (or module call) `resource`
    comes from."""
    if resource.type == "terraform_module_call":
        path = parse_module_path(resource.id)
        return path is not None and module_in_configuration(path) in plan.module_calls
    address = Address.parse(resource.id)
    return address is not None and address.in_configuration() in plan.declared


def _by_block(resources: Iterable[Resource]) -> dict[tuple[str, Address], list[Resource]]:
    out: dict[tuple[str, Address], list[Resource]] = {}
    for resource in resources:
        address = Address.parse(resource.id)
        if address is not None:
            out.setdefault((resource.scope, address.in_configuration()), []).append(resource)
    return out


def _completed(
    resource: Resource,
    by_block: Mapping[tuple[str, Address], list[Resource]],
    folder: str | None,
) -> Resource:
    """A plan resource whose region the plan leaves unknown takes the region the
    configuration gives the same instance, or the same block when all its instances there
    agree on one."""
    if folder is None or resource.region is not None or "region" not in resource.unknown:
        return resource
    address = Address.parse(resource.id)
    if address is None:
        return resource
    configured = by_block.get((folder, address.in_configuration()), [])
    same = [r for r in configured if r.id == resource.id]
    regions = {r.region for r in same or configured}
    if len(regions) != 1 or None in regions:
        return resource
    unknown = {k: v for k, v in resource.unknown.items() if k != "region"}
    return dataclasses.replace(resource, region=regions.pop(), unknown=freeze(unknown))


def _rescoped(resource: Resource, rescope: Mapping[str, str]) -> Resource:
    scope = rescope.get(resource.scope)
    return resource if scope is None else dataclasses.replace(resource, scope=scope)


def _rescoped_key(key: ResourceKey, rescope: Mapping[str, str]) -> ResourceKey:
    scope = rescope.get(key.scope)
    return key if scope is None else ResourceKey(scope, key.id)


def _rescoped_edge(edge: Edge, rescope: Mapping[str, str]) -> Edge:
    target = edge.target
    if isinstance(target, ResourceKey):
        target = _rescoped_key(target, rescope)
    return dataclasses.replace(edge, source=_rescoped_key(edge.source, rescope), target=target)
