"""What a scan of cloud exports says beyond its findings: the types hdslint does not describe
(listed, never dropped) and the findings by account, subscription or project, in the text
summary, the JSON summary and the auditor's report."""

from __future__ import annotations

import shutil
from pathlib import Path

import jsonschema
import pytest

from hdslint.report.build import build_report
from hdslint.report.markdown import render as render_markdown
from hdslint.report.model import AccountRow
from hdslint.reporters import json_report, text
from hdslint.scan import ScanOptions, ScanResult, run_scan
from hdslint.schemas import load_schema
from tests.conftest import ROOT

EXPORTS = ROOT / "tests" / "sources" / "exports"
FILES = ("azure/resource-graph.json", "gcp/cai-export.json", "awsconfig/config-snapshot.json")
AZURE = "0b1f6471-1bf0-4dda-aec3-111122223333"


@pytest.fixture
def result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ScanResult:
    for name in FILES:
        shutil.copy(EXPORTS / name, tmp_path / Path(name).name)
    monkeypatch.chdir(tmp_path)
    return run_scan(ScanOptions(paths=[Path(n).name for n in FILES], env={}))


def test_types_hdslint_does_not_describe_are_listed(result: ScanResult) -> None:
    assert result.unmapped_types == {
        "AWS::EC2::SecurityGroup": 2,
        "microsoft.network/virtualnetworks": 1,
        "run.googleapis.com/Service": 2,
    }
    doc = json_report.document(result)
    jsonschema.validate(doc, load_schema("hdslint.schemas", "output.schema.json"))
    assert doc["summary"]["unmapped_types"] == dict(result.unmapped_types)
    lines = text.render(result).splitlines()
    assert (
        "Types hdslint does not describe, read as holding no data: AWS::EC2::SecurityGroup (2),"
        " microsoft.network/virtualnetworks (1), run.googleapis.com/Service (2)"
    ) in lines


def test_the_text_summary_counts_findings_by_account(result: ScanResult) -> None:
    lines = text.render(result).splitlines()
    start = lines.index("By account, subscription or project:")
    assert lines[start + 1 : start + 4] == [
        f"  {AZURE}: 10 resources, 3 failed, 6 to confirm, 0 not evaluated",
        "  111122223333: 10 resources, 2 failed, 2 not evaluated",
        "  projects/418305112233: 14 resources, 4 failed, 6 to confirm, 0 not evaluated",
    ]
    doc = json_report.document(result)
    accounts = {f["resource"]["id"]: f["resource"]["account"] for f in doc["findings"]}
    assert accounts["arn:aws:s3:::ehr-exports"] == "111122223333"


def test_the_auditors_report_groups_findings_by_account(result: ScanResult) -> None:
    report = build_report(result)
    assert report.accounts == (
        AccountRow(AZURE, 10, 7, 3, 6, 0),
        AccountRow("111122223333", 10, 7, 2, 0, 2),
        AccountRow("projects/418305112233", 14, 9, 4, 6, 0),
    )
    assert [row.account for row in report.findings] == [
        AZURE,
        AZURE,
        AZURE,
        "111122223333",
        "111122223333",
        *["projects/418305112233"] * 4,
    ]
    page = render_markdown(report)
    assert (
        "| Account | Resources | With health data | Failed | To confirm | Not evaluated |" in page
    )
    assert "| `111122223333` | 10 | 7 | 2 | 0 | 2 |" in page
    assert "| Severity | Policy | Account | Resource | Location | Message | Evidence |" in page


def test_without_accounts_nothing_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\nprovider "aws" {\n'
        '  region = "us-east-1"\n}\n'
    )
    monkeypatch.chdir(tmp_path)
    result = run_scan(ScanOptions(paths=["."], env={}))
    assert "By account" not in text.render(result)
    report = build_report(result)
    assert report.accounts == ()
    assert "| Severity | Policy | Resource |" in render_markdown(report)
