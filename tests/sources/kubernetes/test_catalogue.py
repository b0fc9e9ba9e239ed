"""The Kubernetes catalogue (hdslint/catalogue/kubernetes.yaml) is consistent with terraform.yaml."""

from __future__ import annotations

import re

import pytest

from hdslint import catalogue
from hdslint.model import CATEGORIES, EdgeKind
from hdslint.sources.kubernetes.kinds import camel, kind_spec
from hdslint.sources.kubernetes.objects import family_of

TABLE = catalogue.load("kubernetes")
TERRAFORM = catalogue.load("terraform")["types"]


def _terraform_types() -> list[str]:
    found = [e["terraform"] for e in TABLE["provisioners"].values() if "terraform" in e]
    found += list(TABLE["volume_terraform_by_provider"].values())
    found += [e["terraform"] for e in TABLE["volume_sources"].values() if "terraform" in e]
    found += [e["terraform"] for e in TABLE["velero_providers"].values()]
    found += [e["terraform"] for e in TABLE["object_store_endpoints"] if "terraform" in e]
    for family in TABLE["families"].values():
        for entry in family["kinds"].values():
            tf = entry if isinstance(entry, str) else entry.get("terraform")
            if tf:
                found.append(tf)
    return sorted(set(found))


@pytest.mark.parametrize("terraform_type", _terraform_types())
def test_every_terraform_equivalent_is_in_the_terraform_catalogue(terraform_type: str) -> None:
    assert terraform_type in TERRAFORM


@pytest.mark.parametrize(
    ("family", "kind"),
    [(f, k) for f, spec in TABLE["families"].items() for k in spec["kinds"]],
)
def test_every_kind_resolves_to_a_service_category_and_region_fields(
    family: str, kind: str
) -> None:
    spec = kind_spec(family, kind)
    assert spec.known
    assert spec.category in CATEGORIES
    assert spec.service is not None and spec.service.startswith(spec.provider + ":")
    assert spec.region or spec.region_from, "no way to tell its region"
    for flow in spec.flows:
        EdgeKind(flow["kind"])


def test_upjet_kinds_read_the_terraform_schema_in_camel_case() -> None:
    plan = kind_spec("crossplane-aws", "Plan.backup")
    assert plan.flows == (
        {"kind": "backs_up_to", "to": "spec.forProvider.rule.targetVaultName"},
        {"kind": "copies_to", "to": "spec.forProvider.rule.copyAction.destinationVaultArn"},
        {
            "kind": "backs_up_to",
            "to": "spec.forProvider.rule.targetLogicallyAirGappedBackupVaultArn",
        },
    )
    assert kind_spec("crossplane-aws", "Instance.rds").region == (
        "spec.forProvider.region",
        "spec.forProvider.availabilityZone",
        "spec.initProvider.region",
        "spec.initProvider.availabilityZone",
    )
    assert kind_spec("crossplane-gcp", "Instance.spanner").region_prefix == "regional-"
    assert camel("replication_configuration.rules.destination.bucket") == (
        "replicationConfiguration.rules.destination.bucket"
    )


@pytest.mark.parametrize(
    ("group", "family", "service", "namespaced"),
    [
        ("s3.aws.upbound.io", "crossplane-aws", "s3", False),
        ("s3.aws.m.upbound.io", "crossplane-aws", "s3", True),
        ("azure.upbound.io", "crossplane-azure", "", False),
        ("s3.services.k8s.aws", "ack", "s3", True),
        ("storage.cnrm.cloud.google.com", "config-connector", "storage", True),
        ("storage.azure.com", "aso", "storage", True),
        ("s3.aws.crossplane.io", "crossplane-aws-community", "s3", False),
    ],
)
def test_api_groups_map_to_their_family(
    group: str, family: str, service: str, namespaced: bool
) -> None:
    found = family_of(group)
    assert found is not None
    assert (found.id, found.service, found.namespaced) == (family, service, namespaced)
    assert family_of("example.com") is None


@pytest.mark.parametrize(
    ("host", "provider", "region"),
    [
        ("s3.eu-west-3.amazonaws.com", "aws", "eu-west-3"),
        ("my-bucket.s3.dualstack.eu-central-1.amazonaws.com", "aws", "eu-central-1"),
        ("s3-eu-west-1.amazonaws.com", "aws", "eu-west-1"),
        ("s3.amazonaws.com", "aws", None),
        ("s3.gra.io.cloud.ovh.net", "ovh", "gra"),
        ("bucket.s3.eu-west-par.io.cloud.ovh.net", "ovh", "eu-west-par"),
        ("s3.sbg.perf.cloud.ovh.net", "ovh", "sbg"),
        ("s3.fr-par.scw.cloud", "scaleway", "fr-par"),
        ("oos.eu-west-2.outscale.com", "outscale", "eu-west-2"),
        ("cellar-c2.services.clever-cloud.com", "clevercloud", None),
        ("storage.googleapis.com", "gcp", None),
        ("records.blob.core.windows.net", "azure", None),
        ("fra1.digitaloceanspaces.com", "digitalocean", "fra1"),
    ],
)
def test_object_store_endpoints(host: str, provider: str, region: str | None) -> None:
    for entry in TABLE["object_store_endpoints"]:
        found = re.match(entry["match"], host)
        if found:
            assert (entry["provider"], found.groupdict().get("region")) == (provider, region)
            assert region is not None or "why" in entry
            return
    pytest.fail(f"{host} matches no endpoint")
