"""The bundled examples: what the README shows, asserted exactly."""

from __future__ import annotations

import pytest

from hdslint.scan import ScanOptions, run_scan
from tests.conftest import ROOT, finding_tuples


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_compliant_example_has_no_findings() -> None:
    result = run_scan(ScanOptions(paths=["examples/terraform/compliant"], env={}))
    assert finding_tuples(result) == []
    assert result.errors == []
    assert {r.id: r.region for r in result.graph if r.type == "aws_db_instance"} == {
        "aws_db_instance.patients": "eu-west-3",
        "aws_db_instance.patients_replica": "eu-central-1",
    }


def test_noncompliant_example_findings() -> None:
    result = run_scan(ScanOptions(paths=["examples/terraform/noncompliant"], env={}))
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "aws_backup_vault.offsite", 5),
        ("HDS-FLOW-001", "fail", "aws_backup_plan.daily", 10),
        ("HDS-LOC-002", "not_evaluated", "aws_db_instance.reporting", 10),
        ("HDS-FLOW-001", "fail", "aws_s3_bucket.records", 1),
        ("HDS-LOC-001", "fail", "aws_s3_bucket.analytics_exports", 6),
    ]
    assert [f.location.file for f in result.findings] == [
        "examples/terraform/noncompliant/backup.tf",
        "examples/terraform/noncompliant/backup.tf",
        "examples/terraform/noncompliant/database.tf",
        "examples/terraform/noncompliant/storage.tf",
        "examples/terraform/noncompliant/storage.tf",
    ]
