"""Geography as data: every region id of every supported provider, its country, whether it
is in the EEA, and the provider's paired regions.

Apart from the certificate registry (`hdslint.registry`), so that sources, which need to
spell regions the way the geography does, never depend on certificates. The facts live in
`hdslint/registry/data/geography.yaml` (with the registry's other data), which the test
suite validates against `hdslint/registry/geography.schema.json`. Region ids collide across
providers (Outscale `eu-west-2` is France, AWS `eu-west-2` is London): every lookup takes the
provider first.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from hdslint import yamlio
from hdslint.saferegex import compile_pattern

# The package's data folder, reached from the top package: reading it must not import the
# certificate registry.
DATA = ("registry", "data", "geography.yaml")
SCHEMA = "registry/geography.schema.json"


@dataclass(frozen=True, slots=True)
class RegionInfo:
    provider: str
    region: str
    name: str | None
    country: str | None
    in_eea: bool | None
    confidence: str
    source: str
    as_of: str


# Provider-specific spellings of the same region: zones and sub-regions reduce to their
# region, Azure display names to ids, OVHcloud names to upper case.
_ZONE_PATTERNS: Mapping[str, re.Pattern[str]] = {
    "aws": re.compile(r"^(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+)[a-z]$"),
    "outscale": re.compile(r"^(?P<region>[a-z]+(?:-[a-z]+)+-\d+)[a-z]$"),
    "gcp": re.compile(r"^(?P<region>[a-z]+-[a-z]+\d+)-[a-z]$"),
    "scaleway": re.compile(r"^(?P<region>[a-z]{2}-[a-z]{3})-\d+$"),
    "alicloud": re.compile(r"^(?P<region>[a-z]+-[a-z]+(?:-\d+)?)-?[a-z]$"),
    "tencentcloud": re.compile(r"^(?P<region>[a-z]+-[a-z]+)-\d+$"),
    "yandex": re.compile(r"^(?P<region>[a-z]+-[a-z]+\d+)-[a-z]$"),
}


@dataclass(frozen=True)
class Geography:
    """The loaded geography (`data` as in geography.yaml) and the questions asked of it."""

    data: Mapping[str, Any]

    def normalise_region(self, provider: str | None, region: str) -> str:
        """A provider's spelling of a region, reduced to its region id: zones and
        sub-regions to their region (`eu-west-3a` -> `eu-west-3`), Azure display names to
        ids (`France Central` -> `francecentral`), case as the provider writes its ids."""
        text = region.strip()
        if provider == "azure":
            return text.lower().replace(" ", "")
        if provider == "ovh":
            return text.upper()
        text = text.lower()
        pattern = _ZONE_PATTERNS.get(provider or "")
        if pattern is not None:
            geo = self.data["providers"].get(provider, {}).get("regions", {})
            if text not in geo:
                match = pattern.match(text)
                if match and match.group("region") in geo:
                    return match.group("region")
        return text

    def paired_region(self, provider: str, region: str) -> str | None:
        """The provider's paired region for geo-redundant copies (Azure GRS), if known."""
        pairs = self.data["providers"].get(provider, {}).get("pairs", {})
        value = pairs.get(self.normalise_region(provider, region))
        return str(value) if value else None

    def country_name(self, code: str | None) -> str:
        if code is None:
            return "unknown country"
        return str(self.data["countries"].get(code, code))

    def region_info(self, provider: str | None, region: str | None) -> RegionInfo | None:
        """What the geography knows of `region` under `provider`, or None."""
        if provider is None or region is None:
            return None
        geo = self.data["providers"].get(provider)
        if geo is None:
            return None
        rid = self.normalise_region(provider, region)
        entry = geo["regions"].get(rid)
        if entry is None:
            for rule in geo.get("prefix_rules", ()):
                if compile_pattern(str(rule["match"])).matches_start(rid):
                    entry = rule
                    break
        if entry is None:
            return None
        return RegionInfo(
            provider=provider,
            region=rid,
            name=entry.get("name"),
            country=entry.get("country"),
            in_eea=entry.get("in_eea"),
            confidence=entry.get("confidence", "medium"),
            source=str(geo["source"]),
            as_of=str(geo["as_of"]),
        )


@functools.lru_cache(maxsize=1)
def shipped_geography() -> Geography:
    """The geography shipped with hdslint. Not validated on every run (it is hdslint's own
    data, like its code): tests/registry/test_shipped_data.py checks it against `SCHEMA`."""
    data = yamlio.load(resources.files("hdslint").joinpath(*DATA).read_text(encoding="utf-8"))
    return Geography(data)


def normalise_region(provider: str | None, region: str) -> str:
    """`Geography.normalise_region` over the shipped geography (what sources spell)."""
    return shipped_geography().normalise_region(provider, region)


def paired_region(provider: str, region: str) -> str | None:
    """`Geography.paired_region` over the shipped geography."""
    return shipped_geography().paired_region(provider, region)
