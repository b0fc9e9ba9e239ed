"""SARIF output: valid against the official 2.1.0 schema, and each of GitHub code scanning's
requirements asserted one by one (the schema is committed in tests/schemas/)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from hdslint.config import Config
from hdslint.model import InputError, Location, Resource
from hdslint.policy import load_policies
from hdslint.registry import load_registry
from hdslint.reporters import sarif
from hdslint.scan import ScanOptions, ScanResult, evaluate, run_scan
from tests.conftest import SCHEMAS, write_tree

SARIF_SCHEMA = SCHEMAS / "sarif-schema-2.1.0.json"

PROJECT = {
    "main.tf": """
        provider "aws" {
          region = "eu-west-3"
        }

        provider "aws" {
          alias  = "us"
          region = "us-east-1"
        }

        provider "aws" {
          alias  = "unset"
          region = var.region
        }

        variable "region" {}

        resource "aws_s3_bucket" "records" {}

        resource "aws_s3_bucket" "exports" {
          provider = aws.us
        }

        # hdslint:ignore=HDS-LOC-001 reason="anonymised open data, not health data" until=2999-12-31
        resource "aws_s3_bucket" "open_data" {
          provider = aws.us
        }

        resource "aws_s3_bucket" "unknown" {
          provider = aws.unset
        }
        """
}


def validate_sarif(document: dict[str, Any]) -> None:
    schema = json.loads(SARIF_SCHEMA.read_text("utf-8"))
    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors] == []


@pytest.fixture
def project_sarif(scan_files: Callable[..., ScanResult]) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(sarif.render(scan_files(PROJECT)))
    return document


def run_of(document: dict[str, Any]) -> dict[str, Any]:
    (run,) = document["runs"]
    return run  # type: ignore[no-any-return]


def test_validates_against_the_official_schema(project_sarif: dict[str, Any]) -> None:
    validate_sarif(project_sarif)
    assert project_sarif["version"] == "2.1.0"
    assert project_sarif["$schema"] == sarif.SARIF_SCHEMA


def test_the_examples_validate_too() -> None:
    from tests.conftest import ROOT

    result = run_scan(ScanOptions(paths=[str(ROOT / "examples")], env={}))
    validate_sarif(json.loads(sarif.render(result)))


def test_results(project_sarif: dict[str, Any]) -> None:
    run = run_of(project_sarif)
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    got = [
        (
            r["ruleId"],
            rules[r["ruleIndex"]],
            r["level"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"],
            r["message"]["text"],
            "suppressions" in r,
        )
        for r in run["results"]
    ]
    assert got == [
        (
            "HDS-LOC-001",
            "HDS-LOC-001",
            "error",
            "project/main.tf",
            {"startLine": 19},
            "aws_s3_bucket.exports: us-east-1 (United States) is outside the EEA",
            False,
        ),
        (
            "HDS-LOC-001",
            "HDS-LOC-001",
            "error",
            "project/main.tf",
            {"startLine": 24},
            "aws_s3_bucket.open_data: us-east-1 (United States) is outside the EEA",
            True,
        ),
        (
            "HDS-LOC-002",
            "HDS-LOC-002",
            "warning",  # not evaluated: a warning, whatever the policy's severity
            "project/main.tf",
            {"startLine": 28},
            "aws_s3_bucket.unknown: could not be checked: the region is not known: variable"
            " 'region' has no value: no default, and it is not set in terraform.tfvars,"
            " *.auto.tfvars, TF_VAR_region, --var-file or --var",
            False,
        ),
    ]


def test_result_properties_carry_activities_references_and_resource(
    project_sarif: dict[str, Any],
) -> None:
    first = run_of(project_sarif)["results"][0]
    assert first["properties"]["hds-activities"] == [1, 2]
    assert first["properties"]["references"] == ["HDS-v2:EXI-28", "CSP:R.1111-9-1"]
    assert first["properties"]["status"] == "fail"
    assert first["properties"]["resource"] == {
        "id": "aws_s3_bucket.exports",
        "type": "aws_s3_bucket",
        "provider": "aws",
        "service": "aws:s3",
        "region": "us-east-1",
        "source": "terraform",
        "module": None,
    }
    assert first["locations"][0]["logicalLocations"] == [
        {"fullyQualifiedName": "aws_s3_bucket.exports", "kind": "resource"}
    ]


def test_suppressed_result_carries_its_suppression(project_sarif: dict[str, Any]) -> None:
    suppressed = run_of(project_sarif)["results"][1]
    assert suppressed["suppressions"] == [
        {
            "kind": "inSource",
            "status": "accepted",
            "justification": "anonymised open data, not health data (until 2999-12-31)",
            "properties": {"hdslint-kind": "inline", "until": "2999-12-31"},
            "location": {
                "physicalLocation": {
                    "artifactLocation": {"uri": "project/main.tf"},
                    "region": {"startLine": 23},
                }
            },
        }
    ]


def test_rules_are_every_loaded_policy_with_help_and_security_severity(
    project_sarif: dict[str, Any],
) -> None:
    rules = run_of(project_sarif)["tool"]["driver"]["rules"]
    policies = load_policies()
    assert [r["id"] for r in rules] == [p.id for p in policies]
    for rule, policy in zip(rules, policies, strict=True):
        assert rule["shortDescription"]["text"] == policy.title
        assert rule["fullDescription"]["text"] == " ".join(policy.description.split())
        assert len(rule["fullDescription"]["text"]) <= 1024
        assert policy.remediation.split()[0] in rule["help"]["text"]
        assert f"**{policy.id}: {policy.title}**" in rule["help"]["markdown"]
        assert "**How to fix.**" in rule["help"]["markdown"]
        assert rule["helpUri"] == (
            f"https://github.com/hdslint/hdslint/blob/main/docs/policies.md#{policy.id.lower()}"
        )
        props = rule["properties"]
        assert props["security-severity"] == sarif.SECURITY_SEVERITY[policy.severity]
        assert props["precision"] == "high"
        assert props["tags"][:3] == ["security", "hds", "compliance"]
        assert len(props["tags"]) <= 20
    by_id = {r["id"]: r for r in rules}
    assert by_id["HDS-LOC-001"]["name"] == "HealthDataStoredOutsideTheEea"
    assert by_id["HDS-LOC-001"]["defaultConfiguration"] == {"level": "error"}
    assert by_id["HDS-COND-001"]["defaultConfiguration"] == {"level": "note"}


@pytest.mark.parametrize(
    ("severity", "score", "github_band"),
    [
        ("critical", "9.5", "critical"),
        ("high", "8.0", "high"),
        ("medium", "5.5", "medium"),
        ("low", "3.0", "low"),
        ("info", "0.5", "low"),
    ],
)
def test_security_severity_falls_in_githubs_band(
    severity: str, score: str, github_band: str
) -> None:
    from hdslint.model import Severity

    value = float(sarif.SECURITY_SEVERITY[Severity.parse(severity)])
    assert sarif.SECURITY_SEVERITY[Severity.parse(severity)] == score
    band = (
        "critical"
        if value > 9.0
        else "high"
        if value >= 7.0
        else "medium"
        if value >= 4.0
        else "low"
    )
    assert band == github_band


def test_driver(project_sarif: dict[str, Any]) -> None:
    from hdslint import __version__

    driver = run_of(project_sarif)["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["semanticVersion"]) == (
        "hdslint",
        __version__,
        __version__,
    )
    assert driver["informationUri"] == "https://github.com/hdslint/hdslint"


def test_uris_are_relative_even_for_files_outside_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(
        tmp_path / "repo" / "infra",
        {"main.tf": 'provider "aws" { region = "us-east-1" }\nresource "aws_s3_bucket" "b" {}\n'},
    )
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    result = run_scan(ScanOptions(paths=[str(tmp_path / "repo" / "infra")], env={}))
    assert result.findings[0].location.file == str(tmp_path / "repo" / "infra" / "main.tf")
    document = json.loads(sarif.render(result))
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in run_of(document)["results"]
    ]
    assert uris == ["../repo/infra/main.tf"]
    validate_sarif(document)


def test_uris_are_percent_encoded(scan_files: Callable[..., ScanResult]) -> None:
    result = scan_files(
        {
            "my infra/main.tf": 'provider "aws" { region = "us-east-1" }\nresource "aws_s3_bucket" "b" {}\n'
        }
    )
    document = json.loads(sarif.render(result))
    (r,) = run_of(document)["results"]
    assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "project/my%20infra/main.tf"
    )


def _evaluate(resources: list[Resource], errors: list[InputError] | None = None) -> ScanResult:
    return evaluate(
        resources,
        [],
        errors or [],
        config=Config(),
        registry=load_registry(),
        policies=load_policies(),
        inputs=[],
    )


def _bucket(rid: str, location: Location) -> Resource:
    return Resource(
        id=rid,
        type="aws_s3_bucket",
        provider="aws",
        service="aws:s3",
        category="storage",
        region="us-east-1",
        location=location,
        source="aws",
    )


def test_start_line_is_at_least_1_when_the_line_is_unknown() -> None:
    result = _evaluate([_bucket("b", Location("plan.json", None))])
    document = json.loads(sarif.render(result))
    (r,) = run_of(document)["results"]
    assert r["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    validate_sarif(document)


def test_findings_without_a_file_are_left_out_and_counted() -> None:
    arn = "arn:aws:s3:::exports"
    result = _evaluate([_bucket(arn, Location(api_call="s3:ListBuckets"))])
    assert [(f.policy_id, f.resource.id) for f in result.findings] == [("HDS-LOC-001", arn)]
    document = json.loads(sarif.render(result))
    validate_sarif(document)
    run = run_of(document)
    assert run["results"] == []
    assert run["invocations"][0]["toolExecutionNotifications"] == [
        {
            "level": "note",
            "message": {
                "text": "1 finding(s) without a source file (resources found by an API call) are"
                " not in this SARIF file: code scanning needs a file and line. They are in the"
                " JSON, text and markdown reports."
            },
        }
    ]


def test_input_errors_are_tool_notifications() -> None:
    result = _evaluate([], [InputError("infra/bad.tf", "invalid HCL: unexpected '}'", 7)])
    document = json.loads(sarif.render(result))
    validate_sarif(document)
    invocation = run_of(document)["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"] == [
        {
            "level": "error",
            "message": {"text": "invalid HCL: unexpected '}'"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": "infra/bad.tf"},
                        "region": {"startLine": 7},
                    }
                }
            ],
        }
    ]


def _fingerprints(document: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["partialFingerprints"]["hdslint/v1"],
        )
        for r in run_of(document)["results"]
    ]


def test_fingerprints_are_identical_across_runs_and_survive_moved_code(
    scan_files: Callable[..., ScanResult], tmp_path: Path
) -> None:
    first = _fingerprints(json.loads(sarif.render(scan_files(PROJECT))))
    second = _fingerprints(json.loads(sarif.render(scan_files(PROJECT))))
    assert first == second
    assert len({fp for _, _, fp in first}) == 3
    # Three lines added above every resource: lines move, fingerprints do not.
    main = tmp_path / "project" / "main.tf"
    main.write_text("# moved\n\n\n" + main.read_text())
    moved = _fingerprints(json.loads(sarif.render(scan_files({}))))
    assert [line for _, line, _ in moved] == [line + 3 for _, line, _ in first]
    assert [fp for _, _, fp in moved] == [fp for _, _, fp in first]


def test_no_primary_location_line_hash(project_sarif: dict[str, Any]) -> None:
    # upload-sarif computes it and warns about any value it did not compute itself.
    for r in run_of(project_sarif)["results"]:
        assert set(r["partialFingerprints"]) == {"hdslint/v1"}


def test_github_limits(project_sarif: dict[str, Any]) -> None:
    run = run_of(project_sarif)
    assert len(project_sarif["runs"]) == 1
    for rule in run["tool"]["driver"]["rules"]:
        assert len(rule["shortDescription"]["text"]) <= 1024
        assert len(rule["name"]) <= 255
    for r in run["results"]:
        assert 1 <= len(r["locations"]) <= 10
        uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert not uri.startswith("/") and "://" not in uri
        assert r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
