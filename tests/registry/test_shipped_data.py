"""hdslint's own data files match their JSON Schemas. A scan does not validate them again
on every run (they ship with the code, like the code): these tests are what keeps them valid.
The catalogue's own test is tests/catalogue/test_schema.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from hdslint import yamlio
from hdslint.schemas import validate
from tests.conftest import ROOT

POLICIES = sorted((ROOT / "policies").glob("*.yaml"))


def test_the_shipped_geography_is_valid() -> None:
    data = yamlio.load((ROOT / "hdslint" / "registry" / "data" / "geography.yaml").read_text())
    assert validate(data, "hdslint", "registry/geography.schema.json") == []


def test_the_shipped_registry_is_valid() -> None:
    data = yamlio.load((ROOT / "hdslint" / "registry" / "data" / "hds.yaml").read_text())
    assert validate(data, "hdslint.registry", "hds.schema.json") == []


def test_the_shipped_policies_are_found() -> None:
    assert {path.stem for path in POLICIES} >= {"HDS-LOC-001", "HDS-FLOW-001"}


@pytest.mark.parametrize("path", POLICIES, ids=lambda path: path.name)
def test_every_shipped_policy_is_valid(path: Path) -> None:
    assert validate(yamlio.load(path.read_text()), "hdslint.policy", "policy.schema.json") == []
