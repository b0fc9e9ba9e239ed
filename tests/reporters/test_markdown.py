"""`--format markdown`: the job summary's sections, and its size limit."""

from __future__ import annotations

import dataclasses

import pytest

from hdslint.model import Severity, Status
from hdslint.reporters import markdown
from hdslint.scan import ScanOptions, ScanResult, run_scan
from tests.conftest import ROOT
from tests.reporters.test_github import finding, result_with


@pytest.fixture
def noncompliant(monkeypatch: pytest.MonkeyPatch) -> ScanResult:
    monkeypatch.chdir(ROOT)
    return run_scan(ScanOptions(paths=["examples/terraform/noncompliant"], env={}))


def sections(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("#")]


def test_sections_of_the_noncompliant_example(noncompliant: ScanResult) -> None:
    text = markdown.render(noncompliant)
    assert sections(text) == [
        "## hdslint: HDS compliance",
        "### Findings",
        "### Not evaluated",
        "### Health-data flows",
    ]
    lines = text.splitlines()
    assert lines[2] == (
        "❌ **4 failed**, 1 not evaluated, 0 input errors — 8 resources scanned"
        " (7 with health data) in 4 files"
    )
    assert lines[4] == (
        "Configuration: examples/.hdslint.yaml · Policies evaluated: 11 · Policies disabled:"
        " none · Paths excluded: none · Health data: every data store"
        " (health_data.default: true)"
    )
    assert lines[6:10] == [
        "| Severity | Failed | Not evaluated |",
        "|---|---:|---:|",
        "| 🔴 critical | 4 | 0 |",
        "| 🟠 high | 0 | 1 |",
    ]
    assert (
        "| 🔴 critical | HDS-LOC-001 | `aws_s3_bucket.analytics_exports` (aws us-east-1) |"
        " `examples/terraform/noncompliant/storage.tf:6` | us-east-1 (United States) is outside"
        " the EEA |"
    ) in lines
    assert (
        "| high | HDS-LOC-002 | `aws_db_instance.reporting` (aws) |"
        " `examples/terraform/noncompliant/database.tf:10` | the region is not known: variable"
        " 'reporting_region' has no value: no default, and it is not set in terraform.tfvars,"
        " *.auto.tfvars, TF_VAR_reporting_region, --var-file or --var |"
    ) in lines
    mermaid = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert mermaid.splitlines()[0] == "flowchart LR"
    assert (
        '  n3["aws_s3_bucket.records (aws eu-west-3)"] -.->|replicates to ✗|'
        ' n4["aws_s3_bucket.analytics_exports (aws us-east-1)"]'
    ) in mermaid.splitlines()
    assert lines[-1] == (
        f"<sub>hdslint 0.1.0 · HDS registry as of {noncompliant.registry.as_of} ·"
        " `hdslint policies ID` explains a policy</sub>"
    )


def test_clean_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run_scan(ScanOptions(paths=["examples/terraform/compliant"], env={}))
    text = markdown.render(result)
    assert sections(text) == ["## hdslint: HDS compliance", "### Health-data flows"]
    assert text.splitlines()[2].startswith("✅ **0 failed**, 0 not evaluated,")


def test_suppressed_and_errors_sections() -> None:
    from hdslint.model import InputError, Suppression

    waived = dataclasses.replace(
        finding(1, Severity.CRITICAL),
        suppression=Suppression("inline", "anonymised | public", until="2999-01-01"),
    )
    result = result_with([waived], [InputError("infra/bad.tf", "invalid HCL: <eof>", 2)])
    # Counted in the header, listed only with --show-suppressed.
    text = markdown.render(result)
    assert sections(text) == ["## hdslint: HDS compliance", "### Input errors"]
    assert text.splitlines()[2].startswith("⚠️ **0 failed**, 0 not evaluated, 1 suppressed, 1 input")
    text = markdown.render(result, show_suppressed=True)
    assert sections(text) == ["## hdslint: HDS compliance", "### Suppressed", "### Input errors"]
    assert (
        "| HDS-TEST-001 | `aws_s3_bucket.b1` | `infra/main.tf:1` | inline |"
        " anonymised \\| public | 2999-01-01 |"
    ) in text.splitlines()
    assert "| `infra/bad.tf:2` | invalid HCL: &lt;eof&gt; |" in text.splitlines()


def test_tables_are_cut_to_stay_under_the_limit() -> None:
    findings = [finding(n, Severity.HIGH) for n in range(1, 301)]
    findings += [finding(n, Severity.HIGH, Status.NOT_EVALUATED) for n in range(301, 311)]
    result = result_with(findings)
    full = markdown.render(result)
    assert len(full.encode()) > 20_000
    assert full.count("| 🟠 high | HDS-TEST-001 |") == 300
    cut = markdown.render(result, limit=20_000)
    assert len(cut.encode()) <= 20_000
    shown = cut.count("| 🟠 high | HDS-TEST-001 |")
    assert 0 < shown < 300
    assert (
        f"*{300 - shown} more row(s) not shown: a job summary is limited to 1 MiB. The SARIF"
        " and JSON reports have every finding.*"
    ) in cut.splitlines()
    # Once full, later tables keep their title and say how much they leave out.
    assert "### Not evaluated" in cut
    assert "*10 more row(s) not shown: a job summary is limited to 1 MiB." in cut


def test_the_default_limit_is_under_githubs_1_mib() -> None:
    assert markdown.SUMMARY_LIMIT < 1024 * 1024
    findings = [finding(n, Severity.HIGH) for n in range(1, 12001)]
    text = markdown.render(result_with(findings))
    assert 900_000 < len(text.encode()) <= markdown.SUMMARY_LIMIT
    assert "more row(s) not shown" in text


def test_cells_cannot_break_the_table() -> None:
    assert markdown.cell("a|b\nc <script>") == "a\\|b c &lt;script&gt;"
