from __future__ import annotations

import pytest

from hdslint.reporters.flows import health_data_flows, mermaid
from hdslint.scan import ScanOptions, run_scan
from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_flows_of_the_noncompliant_example() -> None:
    result = run_scan(ScanOptions(paths=["examples/terraform/noncompliant"], env={}))
    flows = [
        (f.source_label, f.kind.value, f.target_label, f.compliant)
        for f in health_data_flows(result)
    ]
    assert flows == [
        (
            "aws_backup_plan.daily (aws eu-west-3)",
            "backs_up_to",
            "aws_backup_vault.main (aws eu-west-3)",
            True,
        ),
        (
            "aws_backup_plan.daily (aws eu-west-3)",
            "copies_to",
            "aws_backup_vault.offsite (aws us-west-2)",
            False,
        ),
        (
            "aws_s3_bucket.records (aws eu-west-3)",
            "replicates_to",
            "aws_s3_bucket.analytics_exports (aws us-east-1)",
            False,
        ),
    ]
    assert mermaid(result).splitlines() == [
        "flowchart LR",
        '  n0["aws_backup_plan.daily (aws eu-west-3)"] -->|backs up to| n1["aws_backup_vault.main (aws eu-west-3)"]',
        '  n0["aws_backup_plan.daily (aws eu-west-3)"] -.->|copies to ✗| n2["aws_backup_vault.offsite (aws us-west-2)"]',
        '  n3["aws_s3_bucket.records (aws eu-west-3)"] -.->|replicates to ✗| n4["aws_s3_bucket.analytics_exports (aws us-east-1)"]',
        "  linkStyle 1 stroke:#d00,stroke-width:2px",
        "  linkStyle 2 stroke:#d00,stroke-width:2px",
    ]


def test_no_flows_no_diagram(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "main.tf").write_text(
        'provider "aws" { region = "eu-west-3" }\nresource "aws_s3_bucket" "b" {}\n'
    )
    result = run_scan(ScanOptions(paths=[str(tmp_path)], env={}))
    assert mermaid(result) == ""
