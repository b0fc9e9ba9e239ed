"""Dates in the registry: is a certificate still valid, and is the registry itself current?

An HDS certificate is valid three years, with yearly surveillance audits (ANS, FACTS.md
§1.5). The registry records `valid_from` / `valid_until` only where a source gives them;
where it does not, the validity is *unknown* — said once, never guessed.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# How many days before a certificate's end hdslint starts warning (registry.expiry_warning_days).
DEFAULT_EXPIRY_WARNING_DAYS = 90
# How old the registry's as_of may be before hdslint warns that it may be stale
# (registry.max_age_days). The ANS list changes continuously (FACTS.md §3); half a year
# without a re-check is long enough for certificates to be issued, renewed or lapse.
DEFAULT_MAX_AGE_DAYS = 180


class ValidityState(enum.StrEnum):
    VALID = "valid"
    EXPIRING = "expiring"  # valid today, but ends within the warning window
    EXPIRED = "expired"
    UNKNOWN = "unknown"  # the sources read give no end date
    NO_CERTIFICATE = "no_certificate"  # not certified, or unconfirmed


@dataclass(frozen=True, slots=True)
class Validity:
    state: ValidityState
    valid_from: str | None
    valid_until: str | None
    days_left: int | None
    text: str


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def certificate_validity(
    entry: Mapping[str, Any], today: dt.date, warning_days: int = DEFAULT_EXPIRY_WARNING_DAYS
) -> Validity:
    """Where a provider's certificate stands today, in words for messages and reports."""
    name = str(entry.get("name", "the provider"))
    start, end = entry.get("valid_from"), entry.get("valid_until")
    if entry.get("status") != "certified":
        return Validity(
            ValidityState.NO_CERTIFICATE, start, end, None, f"{name} holds no confirmed certificate"
        )
    until = _date(end)
    if until is None:
        return Validity(
            ValidityState.UNKNOWN,
            start,
            end,
            None,
            f"the validity dates of {name}'s HDS certificate are not known"
            " (not in the sources read)",
        )
    days = (until - today).days
    if days < 0:
        return Validity(
            ValidityState.EXPIRED, start, end, days, f"{name}'s HDS certificate expired on {end}"
        )
    if days < warning_days:
        return Validity(
            ValidityState.EXPIRING,
            start,
            end,
            days,
            f"{name}'s HDS certificate expires on {end}, in {days} days"
            f" (within the {warning_days}-day warning window)",
        )
    return Validity(
        ValidityState.VALID, start, end, days, f"{name}'s HDS certificate is valid until {end}"
    )


def registry_age_warning(as_of: str, today: dt.date, max_age_days: int) -> str | None:
    """A warning when the registry's facts are older than `max_age_days`, else None."""
    date = _date(as_of)
    if date is None:
        return None
    age = (today - date).days
    if age <= max_age_days:
        return None
    return (
        f"the HDS registry is {age} days old (as of {as_of}; registry.max_age_days is"
        f" {max_age_days}): certificates may have been issued, renewed or withdrawn since —"
        " upgrade hdslint, or check your hosts on the ANS list"
        " (https://esante.gouv.fr/offres-services/hds/liste-des-herbergeurs-certifies)"
        " and record them in .hdslint.yaml (registry.providers)"
    )
