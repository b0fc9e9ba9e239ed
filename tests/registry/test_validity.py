from __future__ import annotations

import datetime as dt

import pytest

from hdslint.registry import load_registry
from hdslint.registry.validity import (
    ValidityState,
    certificate_validity,
    registry_age_warning,
)

ENTRY = {
    "name": "Host",
    "status": "certified",
    "valid_from": "2024-12-20",
    "valid_until": "2027-12-19",
}


@pytest.mark.parametrize(
    ("today", "state", "days", "text"),
    [
        (
            "2026-11-28",
            ValidityState.VALID,
            386,
            "Host's HDS certificate is valid until 2027-12-19",
        ),
        (
            "2027-10-01",
            ValidityState.EXPIRING,
            79,
            "Host's HDS certificate expires on 2027-12-19, in 79 days (within the 90-day warning window)",
        ),
        (
            "2027-12-19",
            ValidityState.EXPIRING,
            0,
            "Host's HDS certificate expires on 2027-12-19, in 0 days (within the 90-day warning window)",
        ),
        ("2027-12-20", ValidityState.EXPIRED, -1, "Host's HDS certificate expired on 2027-12-19"),
    ],
)
def test_certificate_validity(today: str, state: ValidityState, days: int, text: str) -> None:
    v = certificate_validity(ENTRY, dt.date.fromisoformat(today))
    assert (v.state, v.days_left, v.text) == (state, days, text)
    assert (v.valid_from, v.valid_until) == ("2024-12-20", "2027-12-19")


def test_unknown_dates_and_no_certificate() -> None:
    today = dt.date(2026, 11, 28)
    unknown = certificate_validity({"name": "AWS", "status": "certified"}, today)
    assert (unknown.state, unknown.text) == (
        ValidityState.UNKNOWN,
        "the validity dates of AWS's HDS certificate are not known (not in the sources read)",
    )
    none = certificate_validity({"name": "X", "status": "unconfirmed"}, today)
    assert none.state is ValidityState.NO_CERTIFICATE


def test_registry_age_warning() -> None:
    assert registry_age_warning("2026-11-28", dt.date(2027, 5, 27), 180) is None
    warning = registry_age_warning("2026-11-28", dt.date(2027, 5, 28), 180)
    assert warning is not None
    assert warning.startswith(
        "the HDS registry is 181 days old (as of 2026-11-28; registry.max_age_days is 180)"
    )


def test_registry_settings_reach_the_lookups() -> None:
    reg = load_registry(today=dt.date(2027, 11, 1), expiry_warning_days=30, max_age_days=365)
    validity = reg.validity("clevercloud")
    assert validity is not None and validity.state is ValidityState.VALID
    assert reg.validity("nowhere") is None
    assert reg.age_warning() is None
    assert load_registry(today=dt.date(2027, 11, 1)).age_warning() is not None
