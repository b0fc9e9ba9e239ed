"""OpenTofu, Terragrunt and CloudFormation (CDK, plain, mapped) in the integrations: SARIF
(validated against the official 2.1.0 schema) and the auditor's report locate each finding,
input error and suppression in the file a user must open."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT, write_tree
from tests.reporters.test_sarif import validate_sarif

Cli = Callable[..., tuple[int, str, str]]

NESTED_ERROR = (
    'include "root" in a configuration that units include: Terragrunt allows only one level'
    " of includes, and refuses the units that include this file"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bundled examples (OpenTofu, Terragrunt, a CDK app and a plain template), plus a
    Terragrunt unit that Terragrunt refuses and a mapped template suppressed in Metadata."""
    monkeypatch.chdir(tmp_path)
    examples = ROOT / "examples"
    shutil.copytree(examples / "opentofu" / "noncompliant", tmp_path / "tofu")
    shutil.copytree(examples / "terragrunt", tmp_path / "tg")
    shutil.copytree(examples / "cloudformation" / "noncompliant", tmp_path / "cfn")
    write_tree(
        tmp_path,
        {
            "tg/noncompliant/_envcommon/records.hcl": (
                'include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\n'
            ),
            "tg/noncompliant/us-east-1/nested/terragrunt.hcl": (
                'include "envcommon" {\n'
                '  path = find_in_parent_folders("_envcommon/records.hcl")\n}\n'
            ),
            "cfn/mapped/exports.yaml": """
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  Exports:
                    Type: AWS::S3::Bucket
                    Metadata:
                      hdslint:
                        ignore:
                          - id: HDS-LOC-001
                            reason: anonymised open data, no health data
                """,
            ".hdslint.yaml": """
                cloudformation:
                  stacks:
                    - paths: ["cfn/mapped/**"]
                      region: us-east-1
                      name: exports
                """,
        },
    )
    return tmp_path


def test_sarif_locates_every_new_input(cli: Cli, project: Path) -> None:
    code, out, err = cli("scan", "tofu", "tg", "cfn", "-f", "sarif")
    assert (code, err) == (2, "")  # an input error: something could not be checked
    document = json.loads(out)
    validate_sarif(document)
    run = document["runs"][0]
    located = [
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            [s["properties"]["hdslint-kind"] for s in r.get("suppressions", [])],
        )
        for r in run["results"]
    ]
    assert located == [
        (
            "HDS-LOC-001",
            "cfn/cdk.out/AnalyticsStack.template.json",
            3,
            "AnalyticsStack/Analytics8D8F6C0B",
            [],
        ),
        ("HDS-FLOW-001", "cfn/cdk.out/EhrStack.template.json", 3, "EhrStack/Records2F6A8D36", []),
        ("HDS-LOC-002", "cfn/legacy/reporting.yaml", 9, "cfn/legacy/reporting.yaml/Reporting", []),
        ("HDS-LOC-001", "cfn/mapped/exports.yaml", 3, "exports/Exports", ["metadata"]),
        # A Terragrunt unit's finding is where the module it deploys declares the bucket...
        ("HDS-LOC-001", "tg/modules/records/main.tf", 5, "aws_s3_bucket.records", []),
        # ...and a unit Terragrunt refuses is not evaluated, at its include.
        (
            "HDS-EVAL-001",
            "tg/noncompliant/us-east-1/nested/terragrunt.hcl",
            1,
            "terraform.source",
            [],
        ),
        ("HDS-LOC-001", "tofu/main.tofu", 12, 'aws_s3_bucket.records["virginia"]', []),
    ]
    suppressed = run["results"][3]["suppressions"][0]
    assert (suppressed["kind"], suppressed["justification"]) == (
        "inSource",
        "anonymised open data, no health data",
    )
    # The input error is a notification located at the nested include.
    assert [
        (
            n["level"],
            n["message"]["text"],
            n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            n["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for n in run["invocations"][0]["toolExecutionNotifications"]
    ] == [("error", NESTED_ERROR, "tg/noncompliant/_envcommon/records.hcl", 1)]


def test_the_auditors_report_covers_every_new_input(cli: Cli, project: Path) -> None:
    code, out, _ = cli("report", "tofu", "tg", "cfn", "--format", "markdown")
    assert code == 2  # evidence, not a gate, but an unread input is said by the exit code
    stores = out.split("## Where health data is stored\n\n")[1].split("\n## ")[0]
    presumed = "presumed (health_data.default is true)"
    assert stores.splitlines()[2:] == [
        f"| `tg/compliant/eu-west-3/records: aws_s3_bucket.records` | aws | eu-west-3 (France)"
        f" | yes | {presumed} | `tg/modules/records/main.tf:5` |",
        f"| `tg/noncompliant/us-east-1/records: aws_s3_bucket.records` | aws | us-east-1"
        f" (United States) | no | {presumed} | `tg/modules/records/main.tf:5` |",
        f'| `aws_s3_bucket.records["paris"]` | aws | eu-west-3 (France) | yes | {presumed}'
        " | `tofu/main.tofu:12` |",
        f'| `aws_s3_bucket.records["virginia"]` | aws | us-east-1 (United States) | no'
        f" | {presumed} | `tofu/main.tofu:12` |",
        f"| `AnalyticsStack/Analytics8D8F6C0B` | aws | us-east-1 (United States) | no"
        f" | {presumed} | `cfn/cdk.out/AnalyticsStack.template.json:3` |",
        f"| `EhrStack/Records2F6A8D36` | aws | eu-west-3 (France) | yes | {presumed}"
        " | `cfn/cdk.out/EhrStack.template.json:3` |",
        f"| `cfn/legacy/reporting.yaml/Reporting` | aws | region unknown | unknown | {presumed}"
        " | `cfn/legacy/reporting.yaml:9` |",
        f"| `exports/Exports` | aws | us-east-1 (United States) | no | {presumed}"
        " | `cfn/mapped/exports.yaml:3` |",
    ]
    suppressions = out.split("## Suppressions\n\n")[1].split("\n## ")[0]
    assert (
        "| HDS-LOC-001 (critical) | `exports/Exports` | `cfn/mapped/exports.yaml:3` | metadata"
        " | anonymised open data, no health data | no expiry | `cfn/mapped/exports.yaml:3` |"
    ) in suppressions.splitlines()
    unread = out.split("## Inputs that could not be read\n\n")[1].split("\n## ")[0]
    assert unread.splitlines() == [f"- tg/noncompliant/_envcommon/records.hcl:1: {NESTED_ERROR}"]
    assert (
        "| `terraform.source` | `tg/noncompliant/us-east-1/nested/terragrunt.hcl:1` | could not"
        " be checked: contents is not known: Terragrunt refuses this unit: it includes"
        " tg/noncompliant/_envcommon/records.hcl, which itself includes another configuration"
        " (only one level of includes is allowed) | - |"
    ) in out
