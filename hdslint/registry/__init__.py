"""The HDS registry: certificates as data over the geography (`hdslint.geography`), and the
lookups policies ask.

Every lookup answers with one of three verdicts — covered, not covered, cannot tell — and
the reason, the confidence and the evidence (source, date) it rests on.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from hdslint import clock, yamlio
from hdslint.errors import RegistryError
from hdslint.geography import Geography, shipped_geography

# Re-exported for code written before the geography left the registry; sources import
# them from hdslint.geography (tests/test_layers.py checks it).
from hdslint.geography import RegionInfo as RegionInfo
from hdslint.geography import normalise_region as normalise_region
from hdslint.geography import paired_region as paired_region
from hdslint.model import Evidence
from hdslint.registry.validity import (
    DEFAULT_EXPIRY_WARNING_DAYS,
    DEFAULT_MAX_AGE_DAYS,
    Validity,
    ValidityState,
    certificate_validity,
    registry_age_warning,
)
from hdslint.schemas import validate

ACTIVITY_NAMES = {
    1: "physical sites",
    2: "hardware infrastructure",
    3: "virtual infrastructure",
    4: "application hosting platform",
    5: "administration and operation",
    6: "backup",
}

_CONFIDENCE_ORDER = {"low": 0, "medium": 1, "high": 2}


def lowest_confidence(*levels: str | None) -> str:
    known = [lvl for lvl in levels if lvl in _CONFIDENCE_ORDER]
    return min(known, key=_CONFIDENCE_ORDER.__getitem__) if known else "low"


def format_activities(activities: Iterable[int]) -> str:
    """`1-4`, `1, 2, 6` — how activity sets read in messages."""
    items = sorted(set(activities))
    if not items:
        return "none"
    if len(items) > 2 and items == list(range(items[0], items[-1] + 1)):
        return f"{items[0]}-{items[-1]}"
    return ", ".join(map(str, items))


class Verdict(enum.StrEnum):
    COVERED = "covered"
    NOT_COVERED = "not_covered"
    CANNOT_TELL = "cannot_tell"


@dataclass(frozen=True, slots=True)
class Answer:
    verdict: Verdict
    reason: str
    confidence: str = "high"
    evidence: tuple[Evidence, ...] = ()
    # Conditions of a conditional certificate that the input does not show: to verify.
    verify: tuple[str, ...] = ()


@dataclass(frozen=True)
class Registry:
    """The loaded registry: providers' certificates plus the region geography."""

    as_of: str
    providers: Mapping[str, Mapping[str, Any]]
    geography: Mapping[str, Any]
    # Condition ids ("ovh:hds-option") the user confirmed in config.
    confirmed_conditions: frozenset[str] = frozenset()
    strict_conditions: bool = False
    # Looked up at call time (not bound at import), so that freezing hdslint.clock.today works.
    today: dt.date = field(default_factory=lambda: clock.today())  # noqa: PLW0108
    # registry.expiry_warning_days and registry.max_age_days from the configuration.
    expiry_warning_days: int = DEFAULT_EXPIRY_WARNING_DAYS
    max_age_days: int = DEFAULT_MAX_AGE_DAYS
    # Answers already given: every policy asks about the same few provider/region pairs for
    # thousands of resources, and the registry cannot change once loaded.
    _memo: dict[tuple[Any, ...], Any] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    # -- dates ---------------------------------------------------------------------------

    def validity(self, provider: str) -> Validity | None:
        """Where the provider's certificate stands today; None for an unknown provider."""
        entry = self.providers.get(provider)
        if entry is None:
            return None
        return certificate_validity(entry, self.today, self.expiry_warning_days)

    def age_warning(self) -> str | None:
        """A warning when the shipped facts are older than `max_age_days`."""
        return registry_age_warning(self.as_of, self.today, self.max_age_days)

    # -- geography -----------------------------------------------------------------------

    @functools.cached_property
    def places(self) -> Geography:
        return Geography(self.geography)

    def normalise_region(self, provider: str | None, region: str) -> str:
        return self.places.normalise_region(provider, region)

    def country_name(self, code: str | None) -> str:
        return self.places.country_name(code)

    def region_info(self, provider: str | None, region: str | None) -> RegionInfo | None:
        """What the geography knows of `region` under `provider`, or None."""
        key = ("region", provider, region)
        if key not in self._memo:
            self._memo[key] = self.places.region_info(provider, region)
        info: RegionInfo | None = self._memo[key]
        return info

    def describe_region(self, provider: str | None, region: str | None) -> str:
        """`us-east-1 (United States)` for messages."""
        if region is None:
            return "an unknown region"
        info = self.region_info(provider, region)
        if info is None:
            return region
        place = self.country_name(info.country) if info.country else (info.name or "")
        return f"{info.region} ({place})" if place else info.region

    def eea(self, provider: str | None, region: str | None) -> Answer:
        """Is this region inside the European Economic Area?"""
        if provider is None:
            return Answer(Verdict.CANNOT_TELL, "the provider is unknown", "low")
        if region is None:
            return Answer(Verdict.CANNOT_TELL, "the region is unknown", "low")
        info = self.region_info(provider, region)
        if info is None:
            return Answer(
                Verdict.CANNOT_TELL,
                f"region {region!r} is not in hdslint's geography for provider {provider!r}",
                "low",
            )
        evidence = (
            Evidence(
                subject=f"{provider}:{info.region}",
                statement=f"located in {self.country_name(info.country)}",
                confidence=info.confidence,
                sources=(info.source,),
                as_of=info.as_of,
            ),
        )
        where = self.describe_region(provider, region)
        if info.in_eea is None:
            return Answer(
                Verdict.CANNOT_TELL,
                f"the country of {where} is not known",
                info.confidence,
                evidence,
            )
        if info.in_eea:
            return Answer(Verdict.COVERED, f"{where} is in the EEA", info.confidence, evidence)
        return Answer(Verdict.NOT_COVERED, f"{where} is outside the EEA", info.confidence, evidence)

    # -- certificates --------------------------------------------------------------------

    def provider_name(self, provider: str) -> str:
        entry = self.providers.get(provider)
        return str(entry["name"]) if entry else provider

    def certificate_evidence(self, provider: str) -> Evidence | None:
        entry = self.providers.get(provider)
        if entry is None:
            return None
        parts = [f"HDS status: {entry['status']}"]
        if entry.get("referential"):
            parts.append(str(entry["referential"]))
        if entry.get("activities"):
            parts.append(f"activities {format_activities(entry['activities'])}")
        if entry.get("certifier"):
            parts.append(f"certifier {entry['certifier']}")
        if entry.get("valid_until"):
            parts.append(f"valid until {entry['valid_until']}")
        return Evidence(
            subject=provider,
            statement="; ".join(parts),
            confidence=str(entry.get("confidence", "low")),
            sources=tuple(entry.get("sources", ())),
            as_of=str(entry.get("as_of")) if entry.get("as_of") else None,
        )

    def coverage(
        self,
        provider: str | None,
        service: str | None,
        region: str | None,
        activities: Iterable[int],
        *,
        storage: bool = True,
    ) -> Answer:
        """Does a valid HDS certificate cover this provider, service and region for these
        activities? Storage outside the EEA is never covered (EXI-28)."""
        needed = frozenset(activities)
        key = ("coverage", provider, service, region, needed, storage)
        if key not in self._memo:
            self._memo[key] = self._coverage(provider, service, region, needed, storage=storage)
        answer: Answer = self._memo[key]
        return answer

    def _coverage(
        self,
        provider: str | None,
        service: str | None,
        region: str | None,
        needed: frozenset[int],
        *,
        storage: bool,
    ) -> Answer:
        if provider is None:
            return Answer(Verdict.CANNOT_TELL, "the provider is unknown", "low")
        entry = self.providers.get(provider)
        if entry is None:
            return Answer(
                Verdict.NOT_COVERED,
                f"provider {provider!r} holds no HDS certificate known to hdslint's registry",
                "medium",
            )
        name = entry["name"]
        cert = self.certificate_evidence(provider)
        evidence: tuple[Evidence, ...] = (cert,) if cert else ()
        confidence = str(entry.get("confidence", "low"))
        status = entry["status"]
        if status == "not_certified":
            return Answer(Verdict.NOT_COVERED, f"{name} is not HDS-certified", confidence, evidence)
        if status == "unconfirmed":
            return Answer(
                Verdict.CANNOT_TELL,
                f"the HDS certification of {name} is unconfirmed; confirm it in .hdslint.yaml"
                f" (registry.providers.{provider}) with your certificate",
                "low",
                evidence,
            )
        validity = certificate_validity(entry, self.today, self.expiry_warning_days)
        if validity.state is ValidityState.EXPIRED:
            return Answer(Verdict.NOT_COVERED, validity.text, confidence, evidence)
        if region is None:
            return Answer(Verdict.CANNOT_TELL, "the region is unknown", "low", evidence)
        if storage:
            eea = self.eea(provider, region)
            evidence += eea.evidence
            if eea.verdict is not Verdict.COVERED:
                return Answer(eea.verdict, eea.reason, eea.confidence, evidence)
        verdict, reason, region_conf = self._region_scope(entry, provider, region)
        if verdict is not Verdict.COVERED:
            return Answer(verdict, reason, lowest_confidence(confidence, region_conf), evidence)
        confidence = lowest_confidence(confidence, region_conf)
        verdict, reason = self._service_scope(entry, name, service)
        if verdict is not Verdict.COVERED:
            return Answer(verdict, reason, confidence, evidence)
        cert_activities = entry.get("activities")
        caveats: list[str] = []
        if cert_activities is None:
            caveats.append(f"{name} does not publish which HDS activities its certificate covers")
            confidence = lowest_confidence(confidence, "low")
        else:
            missing = needed - set(cert_activities)
            if missing:
                return Answer(
                    Verdict.NOT_COVERED,
                    f"{name}'s HDS certificate covers activities"
                    f" {format_activities(cert_activities)}, not {format_activities(missing)}"
                    f" ({', '.join(ACTIVITY_NAMES[a] for a in sorted(missing))})",
                    lowest_confidence(confidence, entry.get("activities_confidence")),
                    evidence,
                )
        verify = tuple(
            f"{name}: {cond['text']}"
            for cond in entry.get("conditions", ())
            if f"{provider}:{cond['id']}" not in self.confirmed_conditions
        )
        if verify and self.strict_conditions:
            return Answer(
                Verdict.NOT_COVERED,
                f"the certificate applies only if {verify[0].split(': ', 1)[1]}, which is not"
                " confirmed (registry.conditions.strict is on)",
                confidence,
                evidence,
            )
        where = self.describe_region(provider, region)
        reason = f"{name}'s HDS certificate covers {service or 'this service'} in {where}"
        if caveats:
            reason += f" ({'; '.join(caveats)})"
        return Answer(Verdict.COVERED, reason, confidence, evidence, verify)

    def region_coverage(self, provider: str, region: str) -> Answer:
        """May the provider's certificate hold stored health data in this region? The EEA
        rule and the certificate's region scope only (no service, no activities)."""
        entry = self.providers.get(provider)
        if entry is None:
            return Answer(Verdict.NOT_COVERED, f"{provider!r} is not in the registry", "medium")
        name = entry["name"]
        if entry["status"] != "certified":
            verdict = (
                Verdict.NOT_COVERED if entry["status"] == "not_certified" else Verdict.CANNOT_TELL
            )
            return Answer(verdict, f"{name}'s HDS status is {entry['status']}", "low")
        eea = self.eea(provider, region)
        if eea.verdict is not Verdict.COVERED:
            return eea
        verdict, reason, confidence = self._region_scope(entry, provider, region)
        if verdict is Verdict.COVERED:
            reason = f"{name}'s HDS certificate covers {self.describe_region(provider, region)}"
        return Answer(verdict, reason, confidence)

    def _region_scope(
        self, entry: Mapping[str, Any], provider: str, region: str
    ) -> tuple[Verdict, str, str]:
        rid = self.normalise_region(provider, region)
        name = entry["name"]
        regions: Mapping[str, Any] = entry.get("regions") or {}
        specific = regions.get(rid)
        where = self.describe_region(provider, region)
        if specific is not None:
            scope = specific["scope"]
            conf = str(specific.get("confidence", entry.get("confidence", "low")))
            note = f" ({specific['note']})" if specific.get("note") else ""
            if scope == "covered":
                return Verdict.COVERED, "", conf
            if scope == "not_covered":
                return (
                    Verdict.NOT_COVERED,
                    f"{name}'s HDS certificate does not cover {where}{note}",
                    conf,
                )
            return (
                Verdict.CANNOT_TELL,
                f"whether {name}'s HDS certificate covers {where} is unconfirmed{note}",
                "low",
            )
        if entry.get("region_scope", "listed") == "unlisted":
            return Verdict.COVERED, "", str(entry.get("confidence", "low"))
        listed = sorted(r for r, v in regions.items() if v["scope"] == "covered")
        return (
            Verdict.CANNOT_TELL,
            f"{where} is not among the regions {name}'s HDS certificate is known to cover"
            f" ({', '.join(listed) or 'none listed'})",
            "low",
        )

    def _service_scope(
        self, entry: Mapping[str, Any], name: str, service: str | None
    ) -> tuple[Verdict, str]:
        services: Mapping[str, Any] = entry.get("services") or {}
        if service is not None and service in services.get("not_covered", ()):
            return Verdict.NOT_COVERED, f"{name}'s HDS certificate does not cover {service}"
        if service is not None and service in services.get("covered", ()):
            return Verdict.COVERED, ""
        if services.get("default", "cannot_tell") == "covered":
            return Verdict.COVERED, ""
        return (
            Verdict.CANNOT_TELL,
            f"whether {name}'s HDS certificate covers {service or 'this service'} is not known"
            f" (known: {', '.join(services.get('covered', ())) or 'none'})",
        )


def _read_data(name: str) -> str:
    folder = resources.files("hdslint.registry").joinpath("data")
    return folder.joinpath(name).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _shipped() -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    """The shipped registry and geography. Not validated on every run (hdslint's own data,
    like its code): tests/registry/test_shipped_data.py checks them against their schemas."""
    hds = yamlio.load(_read_data("hds.yaml"))
    return hds, shipped_geography().data


def merge_provider(base: Mapping[str, Any] | None, override: Mapping[str, Any]) -> dict[str, Any]:
    """A user's entry replaces the fields it names; `regions` merge region by region."""
    merged = dict(base or {})
    for key, value in override.items():
        if key == "regions" and isinstance(value, Mapping):
            regions = dict(merged.get("regions") or {})
            regions.update(value)
            merged["regions"] = regions
        else:
            merged[key] = value
    return merged


def load_registry(
    overrides: Mapping[str, Any] | None = None,
    *,
    config_file: str | None = None,
    confirmed_conditions: Iterable[str] = (),
    strict_conditions: bool = False,
    today: dt.date | None = None,
    expiry_warning_days: int | None = None,
    max_age_days: int | None = None,
) -> Registry:
    """The shipped registry, with the user's provider entries from config merged in."""
    hds, geography = _shipped()
    providers: dict[str, Any] = dict(hds["providers"])
    for pid, entry in (overrides or {}).items():
        base = providers.get(pid)
        defaults: dict[str, Any] = {
            "name": pid,
            "sources": [f"user configuration ({config_file or '.hdslint.yaml'})"],
            "as_of": (today or clock.today()).isoformat(),
            "confidence": "high",
            "region_scope": "listed",
        }
        if base is not None:
            # The user's word replaces the shipped facts it restates: mark the source.
            defaults = {"sources": [f"user configuration ({config_file or '.hdslint.yaml'})"]}
            base = {**base, **defaults}
        providers[pid] = merge_provider(base or defaults, entry)
    # Only the entries the user's configuration touched are validated: the shipped ones
    # are checked by the tests, and the error paths are the same ($.providers.<id>...).
    candidate = {
        "schema_version": 1,
        "as_of": hds["as_of"],
        "providers": {pid: providers[pid] for pid in overrides or {}},
    }
    errors = validate(candidate, "hdslint.registry", "hds.schema.json") if overrides else []
    if errors:
        raise RegistryError(
            f"registry.providers: {errors[0].replace('$.providers.', '', 1)}", file=config_file
        )
    return Registry(
        as_of=str(hds["as_of"]),
        providers=providers,
        geography=geography,
        confirmed_conditions=frozenset(confirmed_conditions),
        strict_conditions=strict_conditions,
        today=today or clock.today(),
        expiry_warning_days=(
            DEFAULT_EXPIRY_WARNING_DAYS if expiry_warning_days is None else expiry_warning_days
        ),
        max_age_days=DEFAULT_MAX_AGE_DAYS if max_age_days is None else max_age_days,
    )
