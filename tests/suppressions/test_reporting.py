"""How suppressions and baselines show in scan's reports: counted, not printed (unless
--show-suppressed), kept as suppressed results in SARIF and JSON; suppressions naming no
known policy are errors, unused ones are warnings; certificate conditions to confirm are
counted apart from failures."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from hdslint.schemas import load_schema
from tests.conftest import DEFAULT_PROVENANCE, write_tree

Cli = Callable[..., tuple[int, str, str]]

US = 'provider "aws" {\n  region = "us-east-1"\n}\n'
REGISTRY = "HDS registry as of 2026-11-28"


@pytest.fixture
def baselined(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two accepted findings in a baseline, then a third bucket added after it."""
    monkeypatch.chdir(tmp_path)
    write_tree(
        tmp_path / "p",
        {"main.tf": US + 'resource "aws_s3_bucket" "a" {}\nresource "aws_s3_bucket" "b" {}\n'},
    )
    assert cli("baseline", "p", "-o", "base.json") == (0, "", "Wrote 2 findings to base.json\n")
    with (tmp_path / "p" / "main.tf").open("a") as main:
        main.write('resource "aws_s3_bucket" "new" {}\n')
    return tmp_path


def test_a_baseline_shows_only_the_new_finding(cli: Cli, baselined: Path) -> None:
    assert cli("scan", "p", "--baseline", "base.json", "--no-cache") == (
        1,
        "p/main.tf:6  critical HDS-LOC-001  aws_s3_bucket.new\n"
        "    Health data stored outside the EEA: us-east-1 (United States) is outside the EEA\n"
        "\n"
        f"{DEFAULT_PROVENANCE}\n"
        "3 resources (3 with health data), 1 failed, 0 not evaluated, 2 suppressed, 0 errors\n"
        f"{REGISTRY}; `hdslint policies ID` explains a policy; --show-suppressed lists the"
        " suppressed findings\n",
        "",
    )


def test_show_suppressed_lists_the_baselined_findings(cli: Cli, baselined: Path) -> None:
    code, out, err = cli("scan", "p", "--baseline", "base.json", "--show-suppressed")
    assert (code, err) == (1, "")
    assert out.splitlines()[:7] == [
        "p/main.tf:4  critical HDS-LOC-001  aws_s3_bucket.a  (suppressed)",
        "    Health data stored outside the EEA: us-east-1 (United States) is outside the EEA",
        "    suppressed: baseline at base.json: accepted in baseline base.json",
        "p/main.tf:5  critical HDS-LOC-001  aws_s3_bucket.b  (suppressed)",
        "    Health data stored outside the EEA: us-east-1 (United States) is outside the EEA",
        "    suppressed: baseline at base.json: accepted in baseline base.json",
        "p/main.tf:6  critical HDS-LOC-001  aws_s3_bucket.new",
    ]


def test_markdown_counts_suppressed_findings_and_lists_them_on_request(
    cli: Cli, baselined: Path
) -> None:
    code, out, _ = cli("scan", "p", "--baseline", "base.json", "-f", "markdown")
    assert code == 1
    assert out.splitlines()[2] == (
        "❌ **1 failed**, 0 not evaluated, 2 suppressed, 0 input errors — 3 resources scanned"
        " (3 with health data) in 1 files"
    )
    assert "### Suppressed" not in out
    _, shown, _ = cli("scan", "p", "--baseline", "base.json", "-f", "markdown", "--show-suppressed")
    assert (
        "| HDS-LOC-001 | `aws_s3_bucket.a` | `p/main.tf:4` | baseline |"
        " accepted in baseline base.json | - |"
    ) in shown.splitlines()


def test_sarif_and_json_keep_baselined_findings_as_suppressed(cli: Cli, baselined: Path) -> None:
    code, out, _ = cli("scan", "p", "--baseline", "base.json", "-f", "sarif")
    assert code == 1
    results = json.loads(out)["runs"][0]["results"]
    assert [(r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        4,
        5,
        6,
    ]
    assert [r.get("suppressions") for r in results] == [
        [
            {
                "kind": "external",
                "status": "accepted",
                "justification": "accepted in baseline base.json",
                "properties": {"hdslint-kind": "baseline", "until": None},
                "location": {
                    "physicalLocation": {
                        "artifactLocation": {"uri": "base.json"},
                        "region": {"startLine": 1},
                    }
                },
            }
        ]
    ] * 2 + [None]
    code, out, _ = cli("scan", "p", "--baseline", "base.json", "-f", "json")
    document = json.loads(out)
    jsonschema.validate(document, load_schema("hdslint.schemas", "output.schema.json"))
    assert [
        (f["resource"]["id"], f["suppression"] and f["suppression"]["kind"])
        for f in document["findings"]
    ] == [
        ("aws_s3_bucket.a", "baseline"),
        ("aws_s3_bucket.b", "baseline"),
        ("aws_s3_bucket.new", None),
    ]
    assert (document["summary"]["failed"], document["summary"]["suppressed"]) == (1, 2)


@pytest.mark.parametrize(
    ("written", "error"),
    [
        (
            "HDS-LOC-999",
            "suppression names 'HDS-LOC-999', which is not a known policy (`hdslint policies`"
            " lists them): it is not applied",
        ),
        (
            "HDS-LOC-01",
            "suppression names 'HDS-LOC-01', which is not a known policy (did you mean"
            " HDS-LOC-001?): it is not applied",
        ),
        (
            "HDS-LOC-001,ACME-X-1",
            "suppression names 'ACME-X-1', which is not a known policy (`hdslint policies`"
            " lists them): it is not applied",
        ),
    ],
)
def test_a_suppression_naming_no_known_policy_is_an_error(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: str, error: str
) -> None:
    write_tree(
        tmp_path / "p",
        {
            "main.tf": US + f'# hdslint:ignore={written} reason="typo"\n'
            'resource "aws_s3_bucket" "b" {}\n'
            'resource "aws_s3_bucket" "c" {}\n'
        },
    )
    monkeypatch.chdir(tmp_path)
    assert cli("scan", "p") == (
        2,
        f"error  p/main.tf:4: {error}\n"
        "\n"
        "p/main.tf:5  critical HDS-LOC-001  aws_s3_bucket.b\n"
        "    Health data stored outside the EEA: us-east-1 (United States) is outside the EEA\n"
        "p/main.tf:6  critical HDS-LOC-001  aws_s3_bucket.c\n"
        "    Health data stored outside the EEA: us-east-1 (United States) is outside the EEA\n"
        "\n"
        f"{DEFAULT_PROVENANCE}\n"
        "2 resources (2 with health data), 2 failed, 0 not evaluated, 1 errors\n"
        f"{REGISTRY}; `hdslint policies ID` explains a policy\n",
        "",
    )


def test_a_disabled_policy_is_still_known(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(
        tmp_path / "p",
        {
            ".hdslint.yaml": "policies:\n  disable: [HDS-COND-001]\n",
            "main.tf": US + '# hdslint:ignore=HDS-LOC-001,HDS-COND-001 reason="exports"\n'
            'resource "aws_s3_bucket" "b" {}\n',
        },
    )
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli("scan", "p")
    assert code == 0
    assert out.splitlines()[0] == (
        "warning  p/main.tf:4: unused suppression: hdslint:ignore=HDS-COND-001 matched no"
        " finding in the resource's block or on the line just above it (remove it, or move it"
        " to the resource it is meant for)"
    )


def test_a_waiver_naming_no_known_policy_is_an_error(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(
        tmp_path / "p",
        {
            ".hdslint.yaml": "suppressions:\n  waivers:\n    - policies: [HDS-LCO-*]\n"
            "      reason: typo\n",
            "main.tf": US + 'resource "aws_s3_bucket" "b" {}\n',
        },
    )
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli("scan", "p")
    assert code == 2
    assert out.splitlines()[:3] == [
        "error  p/.hdslint.yaml: $.suppressions.waivers[0].policies names 'HDS-LCO-*', which is"
        " not a known policy (`hdslint policies` lists them): the waiver is not applied",
        "",
        "p/main.tf:4  critical HDS-LOC-001  aws_s3_bucket.b",
    ]


def test_unused_suppressions_are_warnings_that_keep_the_exit_code(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(
        tmp_path / "p",
        {
            ".hdslint.yaml": "suppressions:\n  waivers:\n"
            "    - policies: [HDS-LOC-001]\n      resources: [aws_s3_bucket.used]\n"
            "      reason: used\n"
            "    - policies: [HDS-FLOW-*]\n      reason: stale\n",
            "main.tf": 'provider "aws" {\n  region = "eu-west-3"\n}\n'
            '# hdslint:ignore=HDS-LOC-001 reason="the bucket moved to Paris"\n'
            'resource "aws_s3_bucket" "moved" {}\n'
            "\n"
            '# hdslint:ignore=HDS-CERT-001 reason="too far from its resource"\n'
            "\n"
            'resource "aws_s3_bucket" "far" {}\n'
            'resource "aws_s3_bucket" "used" {\n  provider = aws.us\n}\n'
            'provider "aws" {\n  alias  = "us"\n  region = "us-east-1"\n}\n',
        },
    )
    monkeypatch.chdir(tmp_path)
    assert cli("scan", "p") == (
        0,
        "warning  p/.hdslint.yaml: unused waiver: $.suppressions.waivers[1] (HDS-FLOW-*) matched"
        " no finding (remove it)\n"
        "warning  p/main.tf:4: unused suppression: hdslint:ignore=HDS-LOC-001 matched no"
        " finding in the resource's block or on the line just above it (remove it, or move it"
        " to the resource it is meant for)\n"
        "warning  p/main.tf:7: unused suppression: hdslint:ignore=HDS-CERT-001 matched no"
        " finding in the resource's block or on the line just above it (remove it, or move it"
        " to the resource it is meant for)\n"
        "\n" + DEFAULT_PROVENANCE.replace("none (defaults)", "p/.hdslint.yaml") + "\n"
        "3 resources (3 with health data), 0 failed, 0 not evaluated, 1 suppressed, 0 errors,"
        " 3 warnings\n"
        f"{REGISTRY}; --show-suppressed lists the suppressed findings\n",
        "",
    )
    code, out, _ = cli("scan", "p", "-f", "json")
    document = json.loads(out)
    jsonschema.validate(document, load_schema("hdslint.schemas", "output.schema.json"))
    assert code == 0
    assert [(w["file"], w["line"]) for w in document["warnings"]] == [
        ("p/.hdslint.yaml", None),
        ("p/main.tf", 4),
        ("p/main.tf", 7),
    ]
    assert document["summary"]["warnings"] == 3
    code, out, _ = cli("scan", "p", "-f", "sarif")
    notes = json.loads(out)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [(n["level"], n["locations"][0]["physicalLocation"]) for n in notes] == [
        ("warning", {"artifactLocation": {"uri": "p/.hdslint.yaml"}, "region": {"startLine": 1}}),
        ("warning", {"artifactLocation": {"uri": "p/main.tf"}, "region": {"startLine": 4}}),
        ("warning", {"artifactLocation": {"uri": "p/main.tf"}, "region": {"startLine": 7}}),
    ]
    code, out, _ = cli("scan", "p", "-f", "github")
    assert out.splitlines()[1] == (
        "::warning file=p/main.tf,line=4,title=hdslint%3A unused suppression::unused"
        " suppression: hdslint:ignore=HDS-LOC-001 matched no finding in the resource's block or"
        " on the line just above it (remove it, or move it to the resource it is meant for)"
    )


AZURE = """
provider "azurerm" {
  features {}
}

resource "azurerm_storage_account" "records" {
  name                     = "patientrecords"
  resource_group_name      = "health"
  location                 = "France Central"
  account_tier             = "Standard"
  account_replication_type = "LRS"
}
"""


def test_a_condition_to_confirm_is_not_counted_as_failed(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path / "p", {"main.tf": AZURE})
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli("scan", "p")
    assert code == 0
    assert out.splitlines()[-2:] == [
        "1 resources (1 with health data), 0 failed, 1 to confirm, 0 not evaluated, 0 errors",
        f"{REGISTRY}; `hdslint policies ID` explains a policy",
    ]
    assert (
        out.splitlines()[0] == "p/main.tf:5  info     HDS-COND-001  azurerm_storage_account.records"
    )
    code, out, _ = cli("scan", "p", "-f", "json")
    summary = json.loads(out)["summary"]
    assert (summary["findings"], summary["failed"], summary["to_confirm"]) == (1, 0, 1)
    code, out, _ = cli("scan", "p", "-f", "markdown")
    lines = out.splitlines()
    assert lines[2] == (
        "✅ **0 failed**, 1 to confirm, 0 not evaluated, 0 input errors — 1 resources scanned"
        " (1 with health data) in 1 files"
    )
    assert [line for line in lines if line.startswith("#")] == [
        "## hdslint: HDS compliance",
        "### To confirm",
    ]
    # The condition confirmed in config: nothing left to confirm.
    (tmp_path / "p" / ".hdslint.yaml").write_text(
        'registry:\n  conditions:\n    confirmed: ["azure:hds-contract"]\n'
    )
    code, out, _ = cli("scan", "p")
    assert (code, out.splitlines()[-2]) == (
        0,
        "1 resources (1 with health data), 0 failed, 0 not evaluated, 0 errors",
    )
