"""What the catalogue says of a cloud resource kind (Crossplane, ACK, Config Connector,
Azure Service Operator): its Terraform equivalent, where its region is, how its data flows.

Upjet (Crossplane's Upbound providers) generates its CRDs from the Terraform schema: fields
are camelCased under `spec.forProvider` / `spec.initProvider`. For those families the region
fields and data flows come straight from terraform.yaml, so a Crossplane bucket is read the
way Terraform's is.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hdslint import catalogue
from hdslint.sources.flows import flow_path_keys
from hdslint.sources.kubernetes.objects import table


@dataclass(frozen=True, slots=True)
class KindSpec:
    provider: str
    terraform: str | None
    service: str | None
    category: str
    activities: tuple[int, ...]
    presumed: bool
    # Where the region is, first one set wins: paths, or {annotation | namespace_annotation |
    # config: ...} mappings.
    region: tuple[Any, ...]
    region_from: tuple[str, ...]
    region_default: str | None
    region_prefix: str | None
    flows: tuple[Mapping[str, Any], ...]
    names: tuple[str, ...]
    tags: tuple[str, ...]
    known: bool


def camel(path: str) -> str:
    """A Terraform attribute path in upjet's spelling: `rule.copy_action.destination_vault_arn`
    -> `rule.copyAction.destinationVaultArn`."""
    return ".".join(_camel_segment(segment) for segment in path.split("."))


def _camel_segment(segment: str) -> str:
    head, *rest = segment.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _under(prefixes: tuple[str, ...], paths: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{prefix}.{camel(p)}" for prefix in prefixes for p in paths)


def _provider_region_paths(provider: str) -> tuple[str, ...]:
    providers = catalogue.load("terraform")["providers"]
    return tuple(providers.get(provider, {}).get("region", {}).get("resource", ()))


@functools.cache
def kind_spec(family_id: str, family_kind: str) -> KindSpec:
    family = table()["families"][family_id]
    provider = str(family["provider"])
    raw = family["kinds"].get(family_kind)
    entry: Mapping[str, Any] = {"terraform": raw} if isinstance(raw, str) else (raw or {})
    prefixes = tuple(family.get("terraform_paths", ()))
    terraform = entry.get("terraform")
    info = catalogue.type_info("terraform", terraform, provider) if terraform else None
    known = raw is not None
    category = entry.get("category") or (info.category if info and info.known else "other")
    # Defaults: the family's region fields, or (upjet) the Terraform type's. The other
    # families spell their fields differently, so they give defaults and flows explicitly.
    region: tuple[Any, ...] = tuple(family.get("region", ()))
    region_from: tuple[str, ...] = ()
    region_default = None
    region_prefix = None
    flows: tuple[Mapping[str, Any], ...] = ()
    if prefixes:
        tf_region = info.region if info is not None and info.region is not None else None
        region = _under(
            prefixes, tf_region if tf_region is not None else _provider_region_paths(provider)
        )
        if info is not None and info.known:
            region_from = _under(prefixes, info.region_from)
            region_default = info.region_default
            region_prefix = info.region_prefix
            flows = tuple(
                {
                    k: (f"{prefixes[0]}.{camel(v)}" if k in flow_path_keys() else v)
                    for k, v in flow.items()
                }
                for flow in info.flows
            )
    if "region" in entry:
        region = tuple(entry["region"])
    if "region_from" in entry:
        region_from = tuple(entry["region_from"])
    if "flows" in entry:
        flows = tuple(entry["flows"])
    activities = entry.get("activities")
    if activities is None:
        activities = (
            info.activities
            if info is not None and info.known
            else catalogue.activities_for(category)
        )
    return KindSpec(
        provider=provider,
        terraform=terraform,
        service=entry.get("service") or (info.service if info is not None and info.known else None),
        category=category,
        activities=tuple(activities),
        presumed=bool(entry.get("presumed", info.presumed if info is not None else True)),
        region=region,
        region_from=region_from,
        region_default=entry.get("region_default", region_default),
        region_prefix=entry.get("region_prefix", region_prefix),
        flows=flows,
        names=tuple(family.get("names", ())),
        tags=tuple(family.get("tags", ())),
        known=known,
    )
