"""GitLab's two report formats, validated against the schemas GitLab publishes and checks
them with (tests/schemas/README.md), and their content asserted finding by finding."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest

from hdslint.fingerprint import fingerprint
from hdslint.reporters import gitlab_codequality, gitlab_sast
from hdslint.scan import ScanOptions, ScanResult, run_scan
from tests.conftest import DEFAULT_PROVENANCE, ROOT, SCHEMAS
from tests.reporters.test_sarif import PROJECT

SAST_SCHEMA = SCHEMAS / "gitlab-sast-report-format-15.0.7.json"
CODEQUALITY_SCHEMA = SCHEMAS / "gitlab-codeclimate.json"
# GitLab's Code Quality documentation: the five severities it shows.
CODEQUALITY_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def schema_errors(schema_file: str, document: Any) -> list[str]:
    schema = json.loads((SCHEMAS / schema_file).read_text("utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def validate_sast(document: dict[str, Any]) -> None:
    assert schema_errors(SAST_SCHEMA.name, document) == []


def validate_codequality(document: list[dict[str, Any]]) -> None:
    # GitLab validates each issue of the array with this schema.
    assert isinstance(document, list)
    for issue in document:
        assert schema_errors(CODEQUALITY_SCHEMA.name, issue) == []
        assert issue["severity"] in CODEQUALITY_SEVERITIES
        assert issue["check_name"]


@pytest.fixture
def project(scan_files: Callable[..., ScanResult]) -> ScanResult:
    return scan_files(PROJECT)


def test_the_schemas_reject_what_gitlab_rejects() -> None:
    # The committed schemas are real validators, not empty shells.
    assert schema_errors(SAST_SCHEMA.name, {"version": "15.0.7"}) == [
        "[]: 'scan' is a required property",
        "[]: 'vulnerabilities' is a required property",
    ]
    assert schema_errors(CODEQUALITY_SCHEMA.name, {"description": "x", "severity": "major"}) == [
        "[]: 'fingerprint' is a required property",
        "[]: 'location' is a required property",
    ]


def test_sast_report(project: ScanResult) -> None:
    document = json.loads(gitlab_sast.render(project))
    validate_sast(document)
    assert document["version"] == "15.0.7"
    assert document["schema"] == gitlab_sast.SCHEMA_URL
    scan = document["scan"]
    assert (scan["type"], scan["status"], scan["start_time"], scan["end_time"]) == (
        "sast",
        "success",
        "2026-11-28T00:00:00",
        "2026-11-28T00:00:00",
    )
    assert scan["messages"] == [
        {"level": "info", "value": "1 suppressed finding(s)."},
        {"level": "info", "value": DEFAULT_PROVENANCE},
    ]
    assert [(o["name"], o["value"]) for o in scan["options"]] == [
        ("hdslint.config_file", None),
        ("hdslint.repository_config_ignored", False),
        ("hdslint.policies_evaluated", ", ".join(p.id for p in project.policies)),
        ("hdslint.policies_disabled", ""),
        ("hdslint.paths_excluded", ""),
        ("hdslint.health_data_default", True),
    ]
    got = [
        (
            v["identifiers"][0]["value"],
            v["severity"],
            v["location"],
            v["name"],
            v["description"],
        )
        for v in document["vulnerabilities"]
    ]
    assert got == [
        (
            "HDS-LOC-001",
            "Critical",
            {"file": "project/main.tf", "start_line": 19},
            "Health data stored outside the EEA",
            "aws_s3_bucket.exports: us-east-1 (United States) is outside the EEA",
        ),
        (
            "HDS-LOC-002",
            "High",
            {"file": "project/main.tf", "start_line": 28},
            "Location of a health-data store cannot be determined",
            "Not evaluated: aws_s3_bucket.unknown: "
            + next(f.message for f in project.findings if f.policy_id == "HDS-LOC-002"),
        ),
    ]
    active = [f for f in project.findings if f.suppression is None]
    assert [v["id"] for v in document["vulnerabilities"]] == [fingerprint(f) for f in active]
    first = document["vulnerabilities"][0]
    assert first["identifiers"][0]["url"].endswith("docs/policies.md#hds-loc-001")
    assert [i["value"] for i in first["identifiers"][1:]] == list(active[0].references)
    (policy,) = [p for p in project.policies if p.id == "HDS-LOC-001"]
    assert first["solution"] == policy.remediation


def test_codequality_report(project: ScanResult) -> None:
    document = json.loads(gitlab_codequality.render(project))
    validate_codequality(document)
    message = next(f.message for f in project.findings if f.policy_id == "HDS-LOC-002")
    active = [f for f in project.findings if f.suppression is None]
    assert document[0]["description"] == f"hdslint: {DEFAULT_PROVENANCE}"
    assert (document[0]["severity"], document[0]["location"]) == (
        "info",
        {"path": ".", "lines": {"begin": 1}},
    )
    assert document[1:] == [
        {
            "type": "issue",
            "check_name": "HDS-LOC-001",
            "description": "HDS-LOC-001 Health data stored outside the EEA: us-east-1 (United"
            " States) is outside the EEA (aws_s3_bucket.exports)",
            "categories": ["Security"],
            "severity": "blocker",
            "fingerprint": fingerprint(active[0]),
            "location": {"path": "project/main.tf", "lines": {"begin": 19}},
        },
        {
            "type": "issue",
            "check_name": "HDS-LOC-002",
            "description": "HDS-LOC-002 (not evaluated) Location of a health-data store cannot"
            f" be determined: {message} (aws_s3_bucket.unknown)",
            "categories": ["Security"],
            "severity": "critical",
            "fingerprint": fingerprint(active[1]),
            "location": {"path": "project/main.tf", "lines": {"begin": 28}},
        },
    ]


def test_the_examples_validate_too() -> None:
    result = run_scan(ScanOptions(paths=[str(ROOT / "examples")], env={}))
    validate_sast(json.loads(gitlab_sast.render(result)))
    validate_codequality(json.loads(gitlab_codequality.render(result)))


def test_input_errors_fail_the_sast_scan(scan_files: Callable[..., ScanResult]) -> None:
    result = scan_files({"main.tf": 'resource "aws_s3_bucket" "b" {\n'})
    document = json.loads(gitlab_sast.render(result))
    validate_sast(document)
    assert document["scan"]["status"] == "failure"
    assert [m["level"] for m in document["scan"]["messages"]] == ["warn", "info"]
    assert document["scan"]["messages"][0]["value"].startswith("project/main.tf")
