"""`hdslint baseline` and `scan --baseline`: only new findings are reported; baselined ones
stay in JSON and SARIF as suppressed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from hdslint.schemas import load_schema
from tests.conftest import write_tree

Cli = Callable[..., tuple[int, str, str]]

US = 'provider "aws" {\n  region = "us-east-1"\n}\n'
TWO = US + 'resource "aws_s3_bucket" "a" {}\nresource "aws_s3_bucket" "b" {}\n'


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_tree(tmp_path / "repo", {"infra/main.tf": TWO})


def test_baseline_file(cli: Cli, repo: Path) -> None:
    code, out, err = cli("baseline", "repo/infra", "-o", "repo/.hdslint-baseline.json")
    assert (code, out, err) == (0, "", "Wrote 2 findings to repo/.hdslint-baseline.json\n")
    document = json.loads((repo / ".hdslint-baseline.json").read_text())
    jsonschema.validate(document, load_schema("hdslint.schemas", "baseline.schema.json"))
    assert document["hdslint_baseline"] == 1
    assert document["fingerprint"] == "hdslint/v1"
    assert [
        (e["policy_id"], e["resource_id"], e["file"], e["status"], e["severity"])
        for e in document["findings"]
    ] == [
        ("HDS-LOC-001", "aws_s3_bucket.a", "infra/main.tf", "fail", "critical"),
        ("HDS-LOC-001", "aws_s3_bucket.b", "infra/main.tf", "fail", "critical"),
    ]
    # The same scan writes the same file, byte for byte.
    before = (repo / ".hdslint-baseline.json").read_bytes()
    cli("baseline", "repo/infra", "-o", "repo/.hdslint-baseline.json")
    assert (repo / ".hdslint-baseline.json").read_bytes() == before


def test_only_new_findings_are_reported(cli: Cli, repo: Path) -> None:
    cli("baseline", "repo/infra", "-o", "repo/.hdslint-baseline.json")
    code, out, _ = cli("scan", "repo/infra", "--baseline", "repo/.hdslint-baseline.json")
    assert code == 0
    assert out.splitlines()[-2] == (
        "2 resources (2 with health data), 0 failed, 0 not evaluated, 2 suppressed, 0 errors"
    )
    # Code moves (lines above) and a new bucket appears: only the new one is reported.
    main = repo / "infra" / "main.tf"
    main.write_text("# storage\n\n" + main.read_text() + 'resource "aws_s3_bucket" "c" {}\n')
    code, out, _ = cli(
        "scan", "repo/infra", "--baseline", "repo/.hdslint-baseline.json", "-f", "json"
    )
    assert code == 1
    findings = json.loads(out)["findings"]
    assert [
        (f["resource"]["id"], f["location"]["line"], f["suppression"] and f["suppression"]["kind"])
        for f in findings
    ] == [
        ("aws_s3_bucket.a", 6, "baseline"),
        ("aws_s3_bucket.b", 7, "baseline"),
        ("aws_s3_bucket.c", 8, None),
    ]
    assert findings[0]["suppression"] == {
        "kind": "baseline",
        "reason": "accepted in baseline repo/.hdslint-baseline.json",
        "until": None,
        "file": "repo/.hdslint-baseline.json",
        "line": None,
    }


def test_baseline_works_from_another_working_directory(
    cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("baseline", "repo/infra", "-o", "repo/.hdslint-baseline.json")
    monkeypatch.chdir(repo / "infra")
    code, out, _ = cli("scan", ".", "--baseline", "../.hdslint-baseline.json")
    assert code == 0, out
    assert "2 suppressed" in out.splitlines()[-2]


def test_sarif_carries_baselined_results_as_external_suppressions(cli: Cli, repo: Path) -> None:
    cli("baseline", "repo/infra", "-o", "repo/.hdslint-baseline.json")
    code, out, _ = cli(
        "scan", "repo/infra", "--baseline", "repo/.hdslint-baseline.json", "-f", "sarif"
    )
    assert code == 0
    results = json.loads(out)["runs"][0]["results"]
    assert [r["suppressions"][0]["kind"] for r in results] == ["external", "external"]
    assert results[0]["suppressions"][0]["justification"] == (
        "accepted in baseline repo/.hdslint-baseline.json"
    )


def test_baseline_from_the_configuration(cli: Cli, repo: Path) -> None:
    cli("baseline", "repo/infra", "-o", "repo/.hdslint-baseline.json")
    (repo / ".hdslint.yaml").write_text("baseline: .hdslint-baseline.json\n")
    code, out, _ = cli("scan", "repo/infra")
    assert code == 0
    assert "2 suppressed" in out.splitlines()[-2]
    # Writing a new baseline ignores the configured one: it must hold every finding.
    code, _, err = cli("baseline", "repo/infra", "-o", "repo/new-baseline.json")
    assert (code, err) == (0, "Wrote 2 findings to repo/new-baseline.json\n")


def test_non_waivable_policies_ignore_the_baseline(cli: Cli, repo: Path) -> None:
    cli("baseline", "repo/infra", "-o", "repo/.hdslint-baseline.json")
    (repo / ".hdslint.yaml").write_text("suppressions:\n  non_waivable: [HDS-LOC-001]\n")
    code, out, _ = cli("scan", "repo/infra", "--baseline", "repo/.hdslint-baseline.json")
    assert code == 1
    assert out.splitlines()[1] == (
        "    Health data stored outside the EEA: us-east-1 (United States) is outside the EEA;"
        " baseline repo/.hdslint-baseline.json not applied: HDS-LOC-001 is non-waivable in"
        " repo/.hdslint.yaml"
    )


def test_missing_or_invalid_baseline(cli: Cli, repo: Path) -> None:
    assert cli("scan", "repo/infra", "--baseline", "repo/nope.json") == (
        2,
        "",
        "hdslint: error: repo/nope.json: baseline file not found (write one with `hdslint"
        " baseline`)\n",
    )
    (repo / "bad.json").write_text('{"findings": []}')
    assert cli("scan", "repo/infra", "--baseline", "repo/bad.json") == (
        2,
        "",
        "hdslint: error: repo/bad.json: not an hdslint baseline: $: 'hdslint_baseline' is a"
        " required property\n",
    )
    (repo / "broken.json").write_text("{\n  nope")
    assert cli("scan", "repo/infra", "--baseline", "repo/broken.json") == (
        2,
        "",
        "hdslint: error: repo/broken.json:2: invalid JSON: Expecting property name enclosed in"
        " double quotes\n",
    )


def test_baseline_of_a_scan_with_errors_exits_2(cli: Cli, repo: Path) -> None:
    (repo / "infra" / "bad.tf").write_text("resource {\n")
    code, _, err = cli("baseline", "repo/infra", "-o", "repo/b.json")
    assert code == 2
    assert err.splitlines()[-1] == "Wrote 2 findings to repo/b.json"
    assert err.splitlines()[0].startswith("hdslint: error: repo/infra/bad.tf:")
