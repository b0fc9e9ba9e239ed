"""The auditor's report: built from a scan, rendered in Markdown and self-contained HTML."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from hdslint.report.build import build_report
from hdslint.report.html import render as render_html
from hdslint.report.markdown import render as render_markdown
from hdslint.report.model import Report
from hdslint.scan import ScanOptions, ScanResult, run_scan
from tests.conftest import ROOT, TEST_TODAY

SECTIONS = [
    "Where health data is stored",
    "Activities and the certificates that cover them",
    "Certificates",
    "Responsibilities left to the customer",
    "Health-data flows",
    "Findings",
    "Conditions to confirm",
    "Not evaluated",
    "Suppressions",
    "Checks run",
    "About this report",
]


@pytest.fixture(scope="module")
def examples() -> Report:
    # The Terraform examples: the Kubernetes ones have their own tests (tests/test_examples.py).
    # Module-scoped, so the autouse frozen clock is not in force yet: pass the day explicitly.
    mp = pytest.MonkeyPatch()
    mp.chdir(ROOT)
    try:
        return build_report(
            run_scan(ScanOptions(paths=["examples/terraform"], env={}, today=TEST_TODAY))
        )
    finally:
        mp.undo()


def test_report_model_for_the_examples(examples: Report) -> None:
    assert examples.inputs == ("examples/terraform",)
    assert (examples.resources, examples.health_data_resources) == (21, 20)
    assert examples.registry_as_of == "2026-11-28"
    assert examples.evaluated_on == "2026-11-28"
    # per activity: AWS only; 1-4 for stores, 6 for backup vaults and plans; 5 never
    summary = {
        a.number: (a.providers, a.covered, a.not_covered, a.cannot_tell)
        for a in examples.activities
    }
    aws = ("Amazon Web Services (AWS)",)
    assert summary == {
        1: (aws, 6, 1, 1),
        2: (aws, 6, 1, 1),
        3: (aws, 6, 1, 1),
        4: (aws, 6, 1, 1),
        5: ((), 0, 0, 0),
        6: (aws, 2, 1, 0),
    }
    not_covered = [
        (u.service, u.region, u.for_activity(6) or u.for_activity(1))
        for u in examples.usage
        if any(c.verdict == "not_covered" for _, c in u.coverage)
    ]
    assert [(s, r, c.reason if c else None) for s, r, c in not_covered] == [
        ("aws:backup", "us-west-2", "us-west-2 (United States) is outside the EEA"),
        ("aws:s3", "us-east-1", "us-east-1 (United States) is outside the EEA"),
    ]
    (cert,) = examples.certificates
    assert (cert.provider, cert.status, cert.activities, cert.validity_state) == (
        "aws",
        "certified",
        None,
        "unknown",
    )
    assert cert.sources == ("https://aws.amazon.com/compliance/hds/",)
    assert examples.unknown_validity == ("Amazon Web Services (AWS)",)
    assert [(r.number, r.left_to_customer) for r in examples.responsibilities] == [
        (1, "to check"),
        (2, "to check"),
        (3, "to check"),
        (4, "to check"),
        (5, "yes"),
        (6, "to check"),
    ]
    assert [(f.policy_id, f.resource, f.location) for f in examples.findings] == [
        ("HDS-LOC-001", "aws_backup_vault.offsite", "examples/terraform/noncompliant/backup.tf:5"),
        ("HDS-FLOW-001", "aws_backup_plan.daily", "examples/terraform/noncompliant/backup.tf:10"),
        ("HDS-FLOW-001", "aws_s3_bucket.records", "examples/terraform/noncompliant/storage.tf:1"),
        (
            "HDS-LOC-001",
            "aws_s3_bucket.analytics_exports",
            "examples/terraform/noncompliant/storage.tf:6",
        ),
    ]
    assert [(f.policy_id, f.resource) for f in examples.not_evaluated] == [
        ("HDS-LOC-002", "aws_db_instance.reporting")
    ]
    assert [(f.status, f.destination) for f in examples.flows if f.status != "compliant"] == [
        ("non-compliant", "aws_backup_vault.offsite (aws us-west-2)"),
        ("non-compliant", "aws_s3_bucket.analytics_exports (aws us-east-1)"),
    ]
    # the same address in two roots is told apart by its root module
    assert "examples/terraform/noncompliant: aws_s3_bucket.records" in [
        s.id for s in examples.stores
    ]


def test_markdown_report_sections(examples: Report) -> None:
    text = render_markdown(examples)
    headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert headings == SECTIONS
    assert text.startswith(
        "# HDS compliance report\n\n**21 resources (20 with health data), 4 failed,"
        " 1 not evaluated, 0 errors**\n"
    )
    assert (
        "| Activity | Providers | Services | Regions | Covered | NOT covered | Cannot tell |"
        in text
    )
    assert (
        "| 6. backup | Amazon Web Services (AWS) | aws:backup | eu-central-1, eu-west-3, us-west-2 | 2 | 1 | 0 |"
        in text
    )
    assert "### Amazon Web Services (AWS) (`aws`)\n" in text
    assert "| Certified activities | not published |" in text
    assert "| Sources | https://aws.amazon.com/compliance/hds/ |" in text
    assert (
        "| 5. administration and operation | - | - | **yes** — Administration and operation" in text
    )
    # The flows are a table: Mermaid source is not a diagram in a printed report.
    assert "mermaid" not in text and "flowchart" not in text
    assert (
        "| examples/terraform/noncompliant: aws_s3_bucket.records (aws eu-west-3) | replicates to |"
        " aws_s3_bucket.analytics_exports (aws us-east-1) | non-compliant |" in text
    )
    assert (
        "| critical | [HDS-LOC-001](https://github.com/hdslint/hdslint/blob/main/docs/policies.md#hds-loc-001)"
        " Health data stored outside the EEA | `aws_s3_bucket.analytics_exports` |"
        " `examples/terraform/noncompliant/storage.tf:6` | us-east-1 (United States) is outside the EEA |"
        " aws:us-east-1: located in United States (confidence high, as of" in text
    )
    assert "| high | [HDS-LOC-002](" in text.split("## Not evaluated")[1]


class _Page(HTMLParser):
    """Collects what a self-contained page must not have, and its section ids."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.external: list[str] = []
        self.sections: list[str] = []
        self.h2: list[str] = []
        self._in_h2 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        for name in ("src", "srcset", "data", "poster"):
            if values.get(name):
                self.external.append(f"{tag}[{name}]")
        if tag == "link":
            self.external.append("link")
        if tag == "section":
            self.sections.append(values.get("id") or "")
        self._in_h2 = tag == "h2"

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data: str) -> None:
        if self._in_h2:
            self.h2.append(data)


def test_html_report_is_self_contained_and_has_the_sections(examples: Report) -> None:
    page = render_html(examples)
    parser = _Page()
    parser.feed(page)
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "script" not in parser.tags and parser.external == []
    assert "@import" not in page and "url(" not in page
    assert parser.h2 == SECTIONS
    assert parser.sections == [
        "stores",
        "activities",
        "certificates",
        "responsibilities",
        "flows",
        "findings",
        "to-confirm",
        "not-evaluated",
        "suppressed",
        "policies",
        "about",
    ]
    assert "mermaid" not in page and "<pre" not in page
    assert (
        "<tr><td>examples/terraform/noncompliant: aws_backup_plan.daily (aws eu-west-3)</td>"
        "<td>is copied to</td><td>aws_backup_vault.offsite (aws us-west-2)</td>"
        '<td><span class="badge non-compliant">non-compliant</span></td></tr>'
    ) in page
    assert '<h3 id="certificate-aws">Amazon Web Services (AWS) (<code>aws</code>)</h3>' in page
    assert '<td><span class="badge left">yes</span> Administration and operation' in page
    assert '<a href="https://aws.amazon.com/compliance/hds/">' in page


def test_html_escapes_what_comes_from_the_inputs(scan_files: Callable[..., ScanResult]) -> None:
    result = scan_files(
        {
            "main.tf": """
                provider "aws" {
                  region = "<img src=x onerror=alert(1)>"
                }
                resource "aws_s3_bucket" "b" {}
            """
        }
    )
    report = build_report(result)
    page = render_html(report)
    assert "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    parser = _Page()
    parser.feed(page)
    assert parser.external == [] and "img" not in parser.tags
    # Markdown keeps the text, inside table cells, with HTML escaped as in every Markdown
    # output (hdslint.markup)
    markdown = render_markdown(report)
    assert "<img" not in markdown
    assert "&lt;img src=x onerror=alert(1)&gt;" in markdown


def test_report_responsibilities_and_certificates_across_providers(
    scan_files: Callable[..., ScanResult],
) -> None:
    result = scan_files(
        {
            "main.tf": """
                terraform {
                  required_providers {
                    scaleway    = { source = "scaleway/scaleway" }
                    clevercloud = { source = "clevercloud/clevercloud" }
                  }
                }
                resource "scaleway_object_bucket" "records" {
                  name   = "patient-records"
                  region = "fr-par"
                }
                resource "scaleway_instance_server" "app" {
                  zone = "fr-par-1"
                }
                resource "clevercloud_postgresql" "db" {
                  region = "rbxhds"
                }
                resource "aws_backup_vault" "vault" {
                  region = "eu-west-3"
                }
            """,
            ".hdslint.yaml": """
                registry:
                  providers:
                    aws:
                      activities: [1, 2, 3, 4]
            """,
        },
        config=None,
    )
    report = build_report(result)
    rows = {
        r.number: (r.relied_on, r.covered_by, r.not_covered_by, r.left_to_customer)
        for r in report.responsibilities
    }
    assert rows[4] == (("Clever Cloud", "Scaleway"), ("Clever Cloud", "Scaleway"), (), "no")
    assert rows[6] == (("Amazon Web Services (AWS)",), (), ("Amazon Web Services (AWS)",), "yes")
    assert rows[5] == ((), ("Clever Cloud",), (), "yes")
    six = report.responsibilities[5].text
    assert six.startswith(
        "Not covered by Amazon Web Services (AWS): for the resources listed under activity 6"
    )
    # zones are reported under their region
    scw = [u for u in report.usage if u.service == "scaleway:instance"]
    assert [(u.region, u.place) for u in scw] == [("fr-par", "fr-par (France)")]
    clever = next(c for c in report.certificates if c.provider == "clevercloud")
    assert (clever.certifier, clever.valid_until, clever.validity_state) == (
        "Bureau Veritas",
        "2027-12-19",
        "valid",
    )
    assert report.unknown_validity == ("Amazon Web Services (AWS)", "Scaleway")


Cli = Callable[..., tuple[int, str, str]]


def test_report_command(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    out_html = tmp_path / "report.html"
    assert cli("report", "examples", "--format", "html", "--output", str(out_html)) == (0, "", "")
    assert out_html.read_text("utf-8").startswith("<!DOCTYPE html>")
    code, out, err = cli("report", "examples/terraform/compliant")
    assert (code, err) == (0, "")
    assert out.startswith("# HDS compliance report\n\n**13 resources")
    code, out, err = cli("report", "examples", "nowhere")
    assert (code, err) == (2, "")
    assert "## Inputs that could not be read\n\n- nowhere: no such file or directory\n" in out
    code, _, err = cli("report", "examples", "--format", "pdf")
    assert code == 2 and "'pdf' is not one of 'markdown', 'html'" in err
