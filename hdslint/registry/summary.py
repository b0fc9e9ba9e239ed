"""Where a provider's certificate lets health data be stored, region by region: for the
registry page, `hdslint registry show` and the auditor's report."""

from __future__ import annotations

from dataclasses import dataclass

from hdslint.registry import Registry, Verdict


@dataclass(frozen=True)
class RegionSummary:
    covered: tuple[str, ...]
    not_covered: tuple[str, ...]
    cannot_tell: tuple[str, ...]
    outside_eea: tuple[str, ...]


def region_summary(registry: Registry, provider: str) -> RegionSummary | None:
    """The provider's regions in hdslint's geography, grouped by the storage verdict; None
    when the geography does not know the provider."""
    geo = registry.geography["providers"].get(provider)
    if geo is None:
        return None
    groups: dict[Verdict, list[str]] = {v: [] for v in Verdict}
    outside: list[str] = []
    for rid in sorted(geo["regions"]):
        info = registry.region_info(provider, rid)
        if info is not None and info.in_eea is False:
            outside.append(rid)
        else:
            groups[registry.region_coverage(provider, rid).verdict].append(rid)
    return RegionSummary(
        covered=tuple(groups[Verdict.COVERED]),
        not_covered=tuple(groups[Verdict.NOT_COVERED]),
        cannot_tell=tuple(groups[Verdict.CANNOT_TELL]),
        outside_eea=tuple(outside),
    )
