from __future__ import annotations

import datetime as dt

import pytest

from hdslint.errors import RegistryError
from hdslint.registry import Verdict, format_activities, load_registry

REG = load_registry(today=dt.date(2026, 11, 28))


@pytest.mark.parametrize(
    ("provider", "region", "verdict", "reason"),
    [
        ("aws", "eu-west-3", Verdict.COVERED, "eu-west-3 (France) is in the EEA"),
        ("aws", "us-east-1", Verdict.NOT_COVERED, "us-east-1 (United States) is outside the EEA"),
        # Region ids collide across providers: eu-west-2 is London on AWS, France on Outscale.
        ("aws", "eu-west-2", Verdict.NOT_COVERED, "eu-west-2 (United Kingdom) is outside the EEA"),
        ("outscale", "eu-west-2", Verdict.COVERED, "eu-west-2 (France) is in the EEA"),
        (
            "aws",
            "eu-central-2",
            Verdict.NOT_COVERED,
            "eu-central-2 (Switzerland) is outside the EEA",
        ),
        ("azure", "France Central", Verdict.COVERED, "francecentral (France) is in the EEA"),
        ("gcp", "europe-west9-a", Verdict.COVERED, "europe-west9 (France) is in the EEA"),
        ("gcp", "EU", Verdict.COVERED, "eu (EU multi-region) is in the EEA"),
        ("gcp", "US", Verdict.NOT_COVERED, "us (US multi-region) is outside the EEA"),
        ("ovh", "GRA11", Verdict.COVERED, "GRA11 (France) is in the EEA"),
        ("ovh", "BHS5", Verdict.NOT_COVERED, "BHS5 (Canada) is outside the EEA"),
        ("scaleway", "fr-par-2", Verdict.COVERED, "fr-par (France) is in the EEA"),
        (
            "aws",
            "mars-north-1",
            Verdict.CANNOT_TELL,
            "region 'mars-north-1' is not in hdslint's geography for provider 'aws'",
        ),
        ("aws", None, Verdict.CANNOT_TELL, "the region is unknown"),
    ],
)
def test_eea(provider: str, region: str | None, verdict: Verdict, reason: str) -> None:
    answer = REG.eea(provider, region)
    assert (answer.verdict, answer.reason) == (verdict, reason)


@pytest.mark.parametrize(
    ("provider", "service", "region", "activities", "verdict", "reason"),
    [
        # Unlisted regions (AWS): EEA regions covered, with the activities caveat.
        (
            "aws",
            "aws:s3",
            "eu-west-3",
            (1, 2, 3, 4),
            Verdict.COVERED,
            "Amazon Web Services (AWS)'s HDS certificate covers aws:s3 in eu-west-3 (France)"
            " (Amazon Web Services (AWS) does not publish which HDS activities its certificate"
            " covers)",
        ),
        (
            "aws",
            "aws:s3",
            "us-east-1",
            (1, 2, 3, 4),
            Verdict.NOT_COVERED,
            "us-east-1 (United States) is outside the EEA",
        ),
        # Listed regions (Azure): a listed region is covered, another EEA region cannot be told.
        (
            "azure",
            "azure:storage",
            "westeurope",
            (1, 2, 3, 4),
            Verdict.COVERED,
            "Microsoft Azure's HDS certificate covers azure:storage in westeurope (Netherlands)"
            " (Microsoft Azure does not publish which HDS activities its certificate covers)",
        ),
        (
            "azure",
            "azure:storage",
            "swedencentral",
            (1, 2, 3, 4),
            Verdict.CANNOT_TELL,
            "swedencentral (Sweden) is not among the regions Microsoft Azure's HDS certificate is"
            " known to cover (francecentral, francesouth, northeurope, westeurope)",
        ),
        # A region a source excludes (Scaleway nl-ams).
        (
            "scaleway",
            "scaleway:object",
            "nl-ams",
            (1, 2, 3, 4),
            Verdict.NOT_COVERED,
            "Scaleway's HDS certificate does not cover nl-ams (Netherlands) (Scaleway's November"
            " 2025 HDS guides require the Paris region for health data.)",
        ),
        # Activities the certificate does not cover (Scaleway: 1-4, a vault needs 6).
        (
            "scaleway",
            "scaleway:object",
            "fr-par",
            (6,),
            Verdict.NOT_COVERED,
            "Scaleway's HDS certificate covers activities 1-4, not 6 (backup)",
        ),
        # Service not known to be covered.
        (
            "scaleway",
            "scaleway:rdb",
            "fr-par",
            (1, 2, 3, 4),
            Verdict.CANNOT_TELL,
            "whether Scaleway's HDS certificate covers scaleway:rdb is not known (known:"
            " scaleway:object, scaleway:block, scaleway:instance)",
        ),
        (
            "ovh",
            "ovh:web-hosting",
            "GRA",
            (1, 2, 3, 4),
            Verdict.NOT_COVERED,
            "OVHcloud's HDS certificate does not cover ovh:web-hosting",
        ),
        # Unconfirmed status: cannot tell until the user confirms it.
        (
            "outscale",
            "outscale:bsu",
            "eu-west-2",
            (1, 2, 3),
            Verdict.CANNOT_TELL,
            "the HDS certification of 3DS OUTSCALE is unconfirmed; confirm it in .hdslint.yaml"
            " (registry.providers.outscale) with your certificate",
        ),
        # Absent from the registry: not covered.
        (
            "digitalocean",
            "digitalocean:spaces",
            "fra1",
            (1, 2, 3, 4),
            Verdict.NOT_COVERED,
            "provider 'digitalocean' holds no HDS certificate known to hdslint's registry",
        ),
        (None, None, "eu-west-3", (1,), Verdict.CANNOT_TELL, "the provider is unknown"),
    ],
)
def test_coverage(
    provider: str | None,
    service: str | None,
    region: str,
    activities: tuple[int, ...],
    verdict: Verdict,
    reason: str,
) -> None:
    answer = REG.coverage(provider, service, region, activities)
    assert (answer.verdict, answer.reason) == (verdict, reason)


def test_conditional_certificate_names_what_to_verify() -> None:
    answer = REG.coverage("ovh", "ovh:database", "GRA9", (1, 2, 3, 4))
    assert answer.verdict is Verdict.COVERED
    assert answer.verify == (
        "OVHcloud: the HDS option is activated on the Public Cloud project (or the service)"
        " and the account has Business or Enterprise support",
    )


def test_confirmed_condition_is_not_repeated_and_strict_mode_refuses() -> None:
    confirmed = load_registry(confirmed_conditions=["ovh:hds-option"])
    assert confirmed.coverage("ovh", "ovh:database", "GRA9", (1,)).verify == ()
    strict = load_registry(strict_conditions=True)
    answer = strict.coverage("ovh", "ovh:database", "GRA9", (1,))
    assert answer.verdict is Verdict.NOT_COVERED
    assert answer.reason.startswith("the certificate applies only if the HDS option is activated")


def test_expired_certificate_is_not_covered() -> None:
    later = load_registry(today=dt.date(2028, 1, 1))
    answer = later.coverage("clevercloud", "clevercloud:postgresql", "grahds", (1,))
    assert (answer.verdict, answer.reason) == (
        Verdict.NOT_COVERED,
        "Clever Cloud's HDS certificate expired on 2027-12-19",
    )


def test_user_override_confirms_a_provider() -> None:
    reg = load_registry(
        {
            "outscale": {
                "status": "certified",
                "activities": [1, 2, 3, 4],
                "certifier": "Example Certifier",
                "valid_until": "2028-06-30",
                "regions": {"eu-west-2": {"scope": "covered"}},
                "services": {"default": "covered"},
            }
        },
        config_file=".hdslint.yaml",
        today=dt.date(2026, 11, 28),
    )
    answer = reg.coverage("outscale", "outscale:bsu", "eu-west-2", (1, 2, 3))
    assert answer.verdict is Verdict.COVERED
    assert reg.providers["outscale"]["sources"] == ["user configuration (.hdslint.yaml)"]


def test_user_adds_their_own_host() -> None:
    reg = load_registry(
        {
            "myhost": {
                "name": "My Host",
                "status": "certified",
                "activities": [1, 2, 3, 4, 5, 6],
                "region_scope": "unlisted",
                "services": {"default": "covered"},
            }
        },
        today=dt.date(2026, 11, 28),
    )
    assert reg.providers["myhost"]["confidence"] == "high"
    # The geography has no regions for an unknown provider: the EEA check cannot tell.
    assert reg.coverage("myhost", None, "paris-1", (1,)).verdict is Verdict.CANNOT_TELL


def test_invalid_override_names_the_field() -> None:
    with pytest.raises(RegistryError) as exc:
        load_registry({"aws": {"status": "maybe"}}, config_file="cfg.yaml")
    assert str(exc.value) == (
        "cfg.yaml: registry.providers: aws.status: 'maybe' is not one of"
        " ['certified', 'not_certified', 'unconfirmed']"
    )


def test_every_provider_entry_has_source_date_and_confidence() -> None:
    for pid, entry in REG.providers.items():
        assert entry["as_of"], pid
        assert entry["confidence"] in ("high", "medium", "low"), pid
        assert "sources" in entry, pid


def test_geography_in_eea_matches_the_country_list() -> None:
    eea = set(REG.geography["eea_countries"])
    assert len(eea) == 30
    assert {"CH", "GB"}.isdisjoint(eea)
    for pid, geo in REG.geography["providers"].items():
        for rid, region in geo["regions"].items():
            if region["country"]:
                assert region["in_eea"] == (region["country"] in eea), (pid, rid)


def test_format_activities() -> None:
    assert format_activities([1, 2, 3, 4]) == "1-4"
    assert format_activities([1, 2, 6]) == "1, 2, 6"
    assert format_activities([]) == "none"
