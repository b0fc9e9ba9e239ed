"""The auditor's report and `hdslint scan` give one answer: the same counts and suppressions,
and no claim in the report that another part of it (or the scan) contradicts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hdslint.report.build import build_report
from hdslint.report.model import Report
from hdslint.scan import ScanOptions, ScanResult, run_scan
from tests.conftest import ROOT, TEST_TODAY, write_tree

Cli = Callable[..., tuple[int, str, str]]

SUPPRESSED = {
    ".hdslint.yaml": """
        suppressions:
          waivers:
            - policies: [HDS-LOC-001]
              resources: [aws_s3_bucket.legacy]
              reason: legacy exports, deleted with OPS-12
    """,
    "main.tf": """
        provider "aws" {
          region = "us-east-1"
        }
        # hdslint:ignore=HDS-LOC-001 reason="migration to Paris" until=2027-01-31
        resource "aws_s3_bucket" "moving" {}
        resource "aws_s3_bucket" "legacy" {}
        resource "aws_s3_bucket" "new" {}
    """,
}


def test_report_counts_and_lists_suppressions_like_scan(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path / "p", SUPPRESSED)
    monkeypatch.chdir(tmp_path)
    summary = "3 resources (3 with health data), 1 failed, 0 not evaluated, 2 suppressed, 0 errors"
    code, out, _ = cli("scan", "p")
    assert (code, out.splitlines()[-2]) == (1, summary)
    code, out, err = cli("report", "p")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[2] == f"**{summary}**"
    assert "| Revision | not known (not a git checkout) |" in lines
    section = out.split("## Suppressions\n\n")[1].split("\n## ")[0]
    assert section.splitlines() == [
        "Findings accepted knowingly: each with its reason, its expiry and where the suppression"
        " is written (an inline comment, a Kubernetes annotation, a CloudFormation resource's"
        " Metadata, a waiver in the configuration, a baseline file). They are counted, not"
        " failed.",
        "",
        "| Policy | Resource | Location | Kind | Reason | Until | Written at |",
        "|---|---|---|---|---|---|---|",
        "| HDS-LOC-001 (critical) | `aws_s3_bucket.moving` | `p/main.tf:5` | inline |"
        " migration to Paris | 2027-01-31 | `p/main.tf:4` |",
        "| HDS-LOC-001 (critical) | `aws_s3_bucket.legacy` | `p/main.tf:6` | config |"
        " legacy exports, deleted with OPS-12 | no expiry | `p/.hdslint.yaml` |",
    ]
    findings = out.split("## Findings\n\n")[1].split("\n## ")[0]
    assert "aws_s3_bucket.new" in findings
    assert "aws_s3_bucket.moving" not in findings and "aws_s3_bucket.legacy" not in findings
    code, page, _ = cli("report", "p", "--format", "html")
    assert code == 0
    assert f'<p class="summary">{summary}</p>' in page
    assert (
        "<tr><td>HDS-LOC-001 (critical)</td><td><code>aws_s3_bucket.moving</code></td>"
        "<td><code>p/main.tf:5</code></td><td>inline</td><td>migration to Paris</td>"
        "<td>2027-01-31</td><td><code>p/main.tf:4</code></td></tr>"
    ) in page


def test_report_with_a_baseline_counts_like_scan_with_it(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path / "p", {"main.tf": SUPPRESSED["main.tf"]})
    monkeypatch.chdir(tmp_path)
    assert cli("baseline", "p", "-o", "base.json")[0] == 0
    summary = "3 resources (3 with health data), 0 failed, 0 not evaluated, 3 suppressed, 0 errors"
    assert cli("scan", "p", "--baseline", "base.json")[1].splitlines()[-2] == summary
    code, out, _ = cli("report", "p", "--baseline", "base.json")
    assert (code, out.splitlines()[2]) == (0, f"**{summary}**")
    assert (
        "| HDS-LOC-001 (critical) | `aws_s3_bucket.new` | `p/main.tf:7` | baseline |"
        " accepted in baseline base.json | no expiry | `base.json` |"
    ) in out.splitlines()


def test_conditions_to_confirm_are_apart_in_the_report(
    scan_files: Callable[..., ScanResult],
) -> None:
    report = build_report(
        scan_files(
            {
                "main.tf": """
                    provider "azurerm" {
                      features {}
                    }
                    resource "azurerm_storage_account" "records" {
                      location = "francecentral"
                    }
                """
            }
        )
    )
    assert report.counts == ("0 failed", "1 to confirm", "0 not evaluated", "0 errors")
    assert report.findings == ()
    assert [(f.policy_id, f.resource) for f in report.to_confirm] == [
        ("HDS-COND-001", "azurerm_storage_account.records")
    ]


@pytest.fixture(scope="module")
def examples() -> Report:
    mp = pytest.MonkeyPatch()
    mp.chdir(ROOT)
    try:
        return build_report(run_scan(ScanOptions(paths=["examples"], env={}, today=TEST_TODAY)))
    finally:
        mp.undo()


def test_nothing_outside_the_eea_is_covered(examples: Report) -> None:
    (workload,) = [
        u for u in examples.usage if (u.service, u.region) == ("kubernetes:workload", "us-east-1")
    ]
    assert [(n, c.verdict, c.reason) for n, c in workload.coverage] == [
        (n, "not_covered", "us-east-1 (United States) is outside the EEA") for n in (1, 2, 3)
    ]
    for row in examples.usage:
        if row.in_eea == "no":
            assert {c.verdict for _, c in row.coverage} == {"not_covered"}, row


def test_responsibilities_agree_with_the_usage_table(examples: Report) -> None:
    names = {c.provider: c.name for c in examples.certificates}
    for r in examples.responsibilities:
        if r.number == 5:  # no resource provides administration: always left to the customer
            continue
        marks = {
            (names.get(u.provider or "", u.provider_name), cov.verdict)
            for u in examples.usage
            if (cov := u.for_activity(r.number)) is not None
        }
        for provider in r.covered_by:
            assert (provider, "covered") in marks, (r.number, provider)
        assert "cannot be told" not in r.text or not r.covered_by, r
    by_number = {
        r.number: (r.covered_by, r.not_covered_by, r.left_to_customer)
        for r in examples.responsibilities
    }
    aws, gcp = "Amazon Web Services (AWS)", "Google Cloud"
    assert by_number[1] == ((aws,), (gcp,), "yes")
    assert by_number[6] == ((aws,), (), "to check")
    assert examples.responsibilities[0].text == (
        "Google Cloud is relied on for it only outside the EEA, where no HDS certificate covers"
        " health data (see the findings, HDS-LOC-001): move those resources into the EEA."
        " Covered by Amazon Web Services (AWS) for its resources in the EEA (at low confidence:"
        " Amazon Web Services (AWS) publish no list of the activities certified)."
    )


def test_findings_carry_their_evidence(examples: Report) -> None:
    bucket = next(f for f in examples.findings if f.resource == "aws_s3_bucket.analytics_exports")
    (evidence,) = bucket.evidence
    assert evidence.startswith(
        "aws:us-east-1: located in United States (confidence high, as of botocore"
    )
    assert next(f.evidence for f in examples.not_evaluated) == ()


def test_the_report_names_the_scanned_git_commit(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit = "0123456789abcdef0123456789abcdef01234567"
    write_tree(
        tmp_path / "repo",
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            ".git/packed-refs": f"# pack-refs with: peeled fully-peeled sorted\n{commit} refs/heads/main\n",
            "infra/main.tf": 'resource "aws_s3_bucket" "b" {\n  region = "eu-west-3"\n}\n',
        },
    )
    monkeypatch.chdir(tmp_path / "repo")
    code, out, _ = cli("report", "infra")
    assert code == 0
    assert f"| Revision | git commit {commit} (branch main) |" in out.splitlines()
