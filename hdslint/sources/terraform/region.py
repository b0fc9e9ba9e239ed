"""Where a Terraform resource is: one order of lookups for configurations and plans.

The catalogue says, per resource type and provider, which arguments hold the region; this
module says in which order they are asked and how the answer is spelt. A configuration
(resources.py) and a plan (plan.py) each hand it a `RegionReader` saying what those
arguments hold for them; neither decides the order on its own, so the two cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from hdslint import catalogue
from hdslint.geography import normalise_region
from hdslint.model import Unknown

Region = str | Unknown | None


@dataclass(frozen=True, slots=True)
class RegionRule:
    """The catalogue's word on where a resource of one type says its region."""

    provider: str | None
    # The resource's own arguments naming its region, asked in order (dotted paths reach
    # into nested blocks).
    arguments: tuple[str, ...]
    # A prefix some providers put before the region id (`europe-west1` in a URL).
    prefix: str | None
    # The region of a type that is always in one place (a global service).
    default: str | None
    # Arguments naming the resource this one lives in: it is where its parent is.
    parent: tuple[str, ...]
    # The provider configuration's arguments naming the region, for types that take it.
    provider_arguments: tuple[str, ...]

    @classmethod
    def of(cls, info: catalogue.TypeInfo, provider: str | None) -> RegionRule:
        family = catalogue.family("terraform", provider).get("region", {})
        return cls(
            provider=provider,
            arguments=info.region if info.region is not None else tuple(family.get("resource", ())),
            prefix=info.region_prefix,
            default=info.region_default,
            parent=info.region_from,
            provider_arguments=tuple(family.get("provider", ())),
        )

    def spelt(self, value: str) -> str:
        """A region as written, as the geography spells it (prefix dropped, zones reduced
        to their region, display names to ids)."""
        if self.prefix and value.startswith(self.prefix):
            value = value[len(self.prefix) :]
        return normalise_region(self.provider, value)


class RegionReader(Protocol):
    """What one source knows of a resource's region arguments."""

    def argument(self, name: str) -> Region:
        """The region the resource's argument `name` holds: None when it is not set."""

    def parent(self, arguments: tuple[str, ...]) -> Region:
        """The region of the resource these arguments name (already spelt)."""

    def provider(self, rule: RegionRule) -> Region:
        """The region the resource's provider configuration gives, or why it is not known
        (None: the type has no location at all)."""


def resolve_region(rule: RegionRule, reader: RegionReader) -> Region:
    """The resource's region, in Terraform's terms: its own arguments first, then the fixed
    place of its type, then the resource it lives in, then its provider's configuration."""
    for name in rule.arguments:
        value = reader.argument(name)
        if value is not None:
            return rule.spelt(value) if isinstance(value, str) else value
    if rule.default:
        return rule.spelt(rule.default)
    found = reader.parent(rule.parent) if rule.parent else reader.provider(rule)
    return rule.spelt(found) if isinstance(found, str) else found
