"""`--format github`: workflow commands, escaping, most severe first, GitHub's cap of 10 per
kind per step with a closing notice counting the rest."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from hdslint.config import Config
from hdslint.model import Finding, InputError, Location, Resource, Severity, Status, Suppression
from hdslint.policy import load_policies
from hdslint.registry import load_registry
from hdslint.reporters import github
from hdslint.scan import ScanResult, evaluate
from tests.conftest import DEFAULT_PROVENANCE

_RESOURCE = Resource(
    id="aws_s3_bucket.b",
    type="aws_s3_bucket",
    provider="aws",
    service="aws:s3",
    category="storage",
    region="us-east-1",
    location=Location("infra/main.tf", 1),
    source="terraform",
)


def finding(
    n: int,
    severity: Severity,
    status: Status = Status.FAIL,
    *,
    suppressed: bool = False,
) -> Finding:
    resource = dataclasses.replace(_RESOURCE, id=f"aws_s3_bucket.b{n}")
    return Finding(
        policy_id="HDS-TEST-001",
        status=status,
        severity=severity,
        title="Test",
        message=f"m{n}",
        activities=(1,),
        references=("HDS-v2:EXI-28",),
        resource=resource,
        location=Location("infra/main.tf", n),
        suppression=Suppression("inline", "ok") if suppressed else None,
    )


def result_with(findings: list[Finding], errors: list[InputError] | None = None) -> ScanResult:
    result = evaluate(
        [],
        [],
        errors or [],
        config=Config(),
        registry=load_registry(),
        policies=load_policies(),
        inputs=[],
    )
    return dataclasses.replace(result, findings=findings)


@pytest.mark.parametrize(
    ("text", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("50% done", "50%25 done", "50%25 done"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("k: v, w", "k: v, w", "k%3A v%2C w"),
        ("%0A", "%250A", "%250A"),  # an encoded-looking text is not decoded by GitHub
    ],
)
def test_escaping(text: str, data: str, prop: str) -> None:
    assert github.escape_data(text) == data
    assert github.escape_property(text) == prop


def test_a_finding_as_a_workflow_command(scan_files: Callable[..., ScanResult]) -> None:
    result = scan_files(
        {
            "main.tf": """
                provider "aws" {
                  region = "us-east-1"
                }
                resource "aws_s3_bucket" "b" {}
                """
        }
    )
    assert github.render(result).splitlines() == [
        "::error file=project/main.tf,line=4,title=HDS-LOC-001 Health data stored outside the"
        " EEA (critical%2C failed)::aws_s3_bucket.b: us-east-1 (United States) is outside the EEA",
        "hdslint: 1 resources (1 with health data), 1 failed, 0 not evaluated, 0 errors;"
        " HDS registry as of " + result.registry.as_of + "; " + DEFAULT_PROVENANCE,
    ]


def test_kinds_by_severity_and_status() -> None:
    assert github.kind_of(finding(1, Severity.CRITICAL)) == "error"
    assert github.kind_of(finding(1, Severity.HIGH)) == "error"
    assert github.kind_of(finding(1, Severity.MEDIUM)) == "warning"
    assert github.kind_of(finding(1, Severity.LOW)) == "warning"
    assert github.kind_of(finding(1, Severity.INFO)) == "notice"
    assert github.kind_of(finding(1, Severity.CRITICAL, Status.NOT_EVALUATED)) == "warning"
    assert github.kind_of(finding(1, Severity.INFO, Status.NOT_EVALUATED)) == "notice"


def test_most_severe_first_and_the_rest_counted() -> None:
    findings = (
        [finding(n, Severity.HIGH) for n in range(1, 4)]  # 3 high, declared first
        + [finding(n, Severity.CRITICAL) for n in range(4, 16)]  # 12 critical
        + [finding(n, Severity.HIGH, Status.NOT_EVALUATED) for n in range(16, 27)]  # 11
        + [finding(n, Severity.MEDIUM) for n in range(27, 29)]  # 2 medium: after the unknowns
        + [finding(n, Severity.INFO) for n in range(29, 39)]  # 10 info
        + [finding(99, Severity.CRITICAL, suppressed=True)]  # never annotated
    )
    errors = [InputError("infra/bad.tf", "invalid HCL", 3)]
    out = github.render(result_with(findings, errors)).splitlines()
    kinds = [(line.split(" ", 1)[0], line.rsplit(": m", 1)[-1]) for line in out[:-2]]
    # errors: the input error, then the 12 critical (9 fit), the high ones do not
    assert out[0] == (
        "::error file=infra/bad.tf,line=3,title=hdslint%3A input could not be checked::invalid HCL"
    )
    assert [n for kind, n in kinds[1:10]] == [str(n) for n in range(4, 13)]
    assert {kind for kind, _ in kinds[:10]} == {"::error"}
    # warnings: severity first, so the high not-evaluated ones come before medium failures
    warnings = [n for kind, n in kinds if kind == "::warning"]
    assert warnings == [str(n) for n in range(16, 26)]
    notices = [n for kind, n in kinds if kind == "::notice"]
    assert notices == [str(n) for n in range(29, 38)]  # 9: one notice is kept for the count
    assert len(kinds) == 29
    hidden = (16 - 10) + (13 - 10) + (10 - 9)  # errors, warnings, notices
    assert out[-2] == (
        f"::notice title=hdslint%3A more findings::{hidden} more finding(s) not shown as"
        " annotations (GitHub shows 10 of each kind per step): see the job summary or the code"
        " scanning alerts (SARIF) for all of them."
    )
    assert out[-1].startswith(
        "hdslint: 0 resources (0 with health data), 27 failed, 11 not evaluated, 1 suppressed,"
        " 1 errors;"
    )


def test_no_count_notice_when_everything_fits() -> None:
    findings = [finding(n, Severity.INFO) for n in range(1, 11)]
    out = github.render(result_with(findings)).splitlines()
    assert len(out) == 11
    assert all(line.startswith("::notice file=infra/main.tf,") for line in out[:10])


def test_properties_and_messages_are_escaped() -> None:
    f = dataclasses.replace(
        finding(1, Severity.HIGH),
        title="Copies, replicas: outside",
        message="50% of it\nleaves",
        location=Location("infra/a,b:c.tf", 7),
    )
    (line, _) = github.render(result_with([f])).splitlines()
    assert line == (
        "::error file=infra/a%2Cb%3Ac.tf,line=7,title=HDS-TEST-001 Copies%2C replicas%3A outside"
        " (high%2C failed)::aws_s3_bucket.b1: 50%25 of it%0Aleaves"
    )


def test_a_finding_without_a_file_has_no_file_property() -> None:
    f = dataclasses.replace(finding(1, Severity.HIGH), location=Location(api_call="s3:ListBuckets"))
    (line, _) = github.render(result_with([f])).splitlines()
    assert line.startswith("::error title=HDS-TEST-001 Test (high%2C failed)::aws_s3_bucket.b1")
