"""The HDS activities each kind of service relies on the host for (art. R.1111-9 CSP):
IaaS volumes and VMs 1-3; managed databases, object storage and platforms 1-4; backup
services, vaults and snapshots 6."""

from __future__ import annotations

from hdslint.catalogue import activities_for, load

IAAS = (1, 2, 3)
MANAGED = (1, 2, 3, 4)
BACKUP = (6,)


def test_defaults_by_category() -> None:
    expected = {
        "storage": MANAGED,
        "database": MANAGED,
        "cache": MANAGED,
        "queue": MANAGED,
        "log": MANAGED,
        "secret": MANAGED,
        "cluster": MANAGED,
        "compute": IAAS,
        "network": IAAS,
        "backup": BACKUP,
        "snapshot": BACKUP,
        "identity": (),
        "other": (),
    }
    assert {c: activities_for(c) for c in expected} == expected


def test_overrides_are_iaas_volumes_or_platforms() -> None:
    types = load("terraform")["types"]
    overrides = {t: tuple(e["activities"]) for t, e in types.items() if "activities" in e}
    # Block volumes and disks are virtual infrastructure (1-3) even though they are storage;
    # a function service is an application platform (1-4) even though it is compute.
    for native, acts in overrides.items():
        category = types[native]["category"]
        if category == "storage":
            assert acts == IAAS, native
            assert any(word in native for word in ("volume", "disk", "ebs")), native
        else:
            assert (category, acts) == ("compute", MANAGED), native
    assert overrides["aws_lambda_function"] == MANAGED
    assert overrides["aws_ebs_volume"] == IAAS
