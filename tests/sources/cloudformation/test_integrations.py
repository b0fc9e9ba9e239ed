"""CloudFormation findings in every integration: SARIF locations, the auditor's report, and
no secret property value in the model."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from hdslint.scan import ScanResult
from tests.conftest import ROOT

Cli = Callable[..., tuple[int, str, str]]
Scan = Callable[..., ScanResult]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "examples" / "cloudformation" / "noncompliant", tmp_path / "p")
    return tmp_path / "p"


def test_sarif_locates_findings_in_the_templates(cli: Cli, project: Path) -> None:
    code, out, err = cli("scan", "p", "-f", "sarif")
    results = json.loads(out)["runs"][0]["results"]
    located = [
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in results
    ]
    assert (code, err) == (1, "")
    assert located == [
        ("HDS-LOC-001", "p/cdk.out/AnalyticsStack.template.json", 3),
        ("HDS-FLOW-001", "p/cdk.out/EhrStack.template.json", 3),
        ("HDS-LOC-002", "p/legacy/reporting.yaml", 9),
    ]


def test_the_auditors_report_lists_the_stacks_stores_and_flows(cli: Cli, project: Path) -> None:
    code, out, _ = cli("report", "p", "--format", "markdown")
    assert code == 0  # a report is evidence, not a gate
    assert (
        "| `EhrStack/Records2F6A8D36` | aws | eu-west-3 (France) | yes | presumed"
        " (health_data.default is true) | `p/cdk.out/EhrStack.template.json:3` |"
    ) in out
    assert (
        "| EhrStack/Records2F6A8D36 (aws eu-west-3) | replicates to |"
        " AnalyticsStack/Analytics8D8F6C0B (aws us-east-1) | non-compliant |"
    ) in out


def test_secret_properties_never_enter_the_model(scan_files: Scan) -> None:
    template = """
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Db:
        Type: AWS::RDS::DBInstance
        Properties:
          MasterUsername: admin
          MasterUserPassword: hunter2-literal
          Engine: postgres
    """
    result = scan_files({"t.yaml": template})
    (db,) = list(result.graph)
    assert dict(db.attributes) == {
        "MasterUsername": "admin",
        "MasterUserPassword": "<redacted>",
        "Engine": "postgres",
    }
