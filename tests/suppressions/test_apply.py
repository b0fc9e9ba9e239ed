"""Suppressions applied to findings, and governed by the configuration."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from hdslint.config import Config, from_mapping
from hdslint.model import InputError, Location, Resource, Suppression
from hdslint.policy import load_policies
from hdslint.registry import load_registry
from hdslint.scan import ScanResult, evaluate
from tests.conftest import DEFAULT_PROVENANCE, write_tree

Cli = Callable[..., tuple[int, str, str]]
Scan = Callable[..., ScanResult]

US = """
provider "aws" {
  region = "us-east-1"
}
"""


def tuples(result: ScanResult) -> list[tuple[str, str, int | None, str | None, str | None]]:
    """(policy, resource, line, suppression kind, suppression reason) for each finding."""
    return [
        (
            f.policy_id,
            f.resource.id,
            f.location.line,
            f.suppression.kind if f.suppression else None,
            f.suppression.reason if f.suppression else None,
        )
        for f in result.findings
    ]


def test_inside_the_block_or_on_the_line_just_above(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": US
            + """
# hdslint:ignore=HDS-LOC-001 reason="above"
resource "aws_s3_bucket" "above" {}

resource "aws_s3_bucket" "inside" {
  bucket = "x" # hdslint:ignore=HDS-LOC-001 reason="inside"
}

# hdslint:ignore=HDS-LOC-001 reason="too far: a blank line between"

resource "aws_s3_bucket" "too_far" {}
resource "aws_s3_bucket" "other_policy" {
  # hdslint:ignore=HDS-CERT-001 reason="another policy"
}
"""
        }
    )
    assert tuples(result) == [
        ("HDS-LOC-001", "aws_s3_bucket.above", 6, "inline", "above"),
        ("HDS-LOC-001", "aws_s3_bucket.inside", 8, "inline", "inside"),
        ("HDS-LOC-001", "aws_s3_bucket.too_far", 14, None, None),
        ("HDS-LOC-001", "aws_s3_bucket.other_policy", 15, None, None),
    ]
    suppression = result.findings[0].suppression
    assert suppression == Suppression("inline", "above", Location("project/main.tf", 5), until=None)
    assert result.errors == []


def test_a_suppression_without_reason_does_not_suppress_and_is_an_input_error(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(
        tmp_path / "p",
        {"main.tf": US + '\nresource "aws_s3_bucket" "b" {\n  # hdslint:ignore=HDS-LOC-001\n}\n'},
    )
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli("scan", "p")
    assert code == 2
    lines = out.splitlines()
    assert lines[0] == (
        "error  p/main.tf:6: suppression for HDS-LOC-001 has no reason: a suppression needs"
        ' reason="..." (it is not applied)'
    )
    assert lines[2] == "p/main.tf:5  critical HDS-LOC-001  aws_s3_bucket.b"
    assert lines[-2] == "1 resources (1 with health data), 1 failed, 0 not evaluated, 1 errors"


@pytest.mark.parametrize(
    ("today", "suppressed"),
    [
        (dt.date(2026, 3, 30), True),
        (dt.date(2026, 3, 31), True),  # the last day it applies
        (dt.date(2026, 4, 1), False),
    ],
)
def test_expiry_is_honoured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, today: dt.date, suppressed: bool
) -> None:
    (tmp_path / "main.tf").write_text(
        '# hdslint:ignore=HDS-LOC-001 reason="migration to Paris" until=2026-03-31\n'
        'resource "aws_s3_bucket" "b" {}\n'
    )
    monkeypatch.chdir(tmp_path)
    result = evaluate(
        [_bucket("aws_s3_bucket.b", Location("main.tf", 2, end_line=2))],
        [],
        [],
        config=Config(),
        registry=load_registry(today=today),
        policies=load_policies(),
        inputs=[],
    )
    (finding,) = result.findings
    if suppressed:
        assert finding.suppression == Suppression(
            "inline", "migration to Paris", Location("main.tf", 1), until="2026-03-31"
        )
        assert finding.message == "us-east-1 (United States) is outside the EEA"
    else:
        assert finding.suppression is None
        assert finding.message == (
            "us-east-1 (United States) is outside the EEA; inline suppression at main.tf:1"
            " expired on 2026-03-31 (reason was: migration to Paris)"
        )


def test_expired_suppression_fails_the_scan(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(
        tmp_path / "p",
        {
            "main.tf": US + '\n# hdslint:ignore=HDS-LOC-001 reason="temporary" until=2020-01-01\n'
            'resource "aws_s3_bucket" "b" {}\n'
        },
    )
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli("scan", "p")
    assert code == 1
    assert out.splitlines()[1] == (
        "    Health data stored outside the EEA: us-east-1 (United States) is outside the EEA;"
        " inline suppression at p/main.tf:5 expired on 2020-01-01 (reason was: temporary)"
    )


def test_non_waivable_policies_cannot_be_suppressed(cli: Cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    write_tree(
        tmp_path / "p",
        {
            ".hdslint.yaml": "suppressions:\n  non_waivable: [HDS-LOC-*]\n",
            "main.tf": US + '\n# hdslint:ignore=HDS-LOC-001 reason="please"\n'
            'resource "aws_s3_bucket" "b" {}\n',
        },
    )
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli("scan", "p", "-f", "json")
    assert code == 1
    (finding,) = json.loads(out)["findings"]
    assert finding["suppression"] is None
    assert finding["message"] == (
        "us-east-1 (United States) is outside the EEA; inline suppression at p/main.tf:5 not"
        " applied: HDS-LOC-001 is non-waivable in p/.hdslint.yaml"
    )


def test_inline_suppressions_can_be_forbidden(cli: Cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    write_tree(
        tmp_path / "p",
        {
            ".hdslint.yaml": "suppressions:\n  inline: false\n",
            "main.tf": US + '\n# hdslint:ignore=HDS-LOC-001 reason="please"\n'
            'resource "aws_s3_bucket" "b" {}\n',
        },
    )
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli("scan", "p")
    assert code == 1
    assert out.splitlines()[1] == (
        "    Health data stored outside the EEA: us-east-1 (United States) is outside the EEA;"
        " inline suppression at p/main.tf:5 not applied: inline suppressions are disabled in"
        " p/.hdslint.yaml"
    )


def test_require_expiry(cli: Cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    write_tree(
        tmp_path / "p",
        {
            ".hdslint.yaml": "suppressions:\n  require_expiry: true\n",
            "main.tf": US + '\n# hdslint:ignore=HDS-LOC-001 reason="forever"\n'
            'resource "aws_s3_bucket" "b" {}\n',
        },
    )
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli("scan", "p")
    assert code == 2
    assert out.splitlines()[0] == (
        "error  p/main.tf:5: suppression for HDS-LOC-001 has no until=YYYY-MM-DD:"
        " p/.hdslint.yaml requires an expiry (it is not applied)"
    )
    assert out.splitlines()[2] == "p/main.tf:6  critical HDS-LOC-001  aws_s3_bucket.b"


def test_config_waivers(scan_files: Scan) -> None:
    result = scan_files(
        {
            ".hdslint.yaml": """
                suppressions:
                  waivers:
                    - policies: [HDS-LOC-*]
                      resources: ["aws_s3_bucket.legacy_*"]
                      reason: "legacy exports, deleted with ticket OPS-12"
                      until: 2999-12-31
                    - policies: [HDS-LOC-001]
                      paths: ["other/**"]
                      reason: "not this folder"
                """,
            "main.tf": US
            + 'resource "aws_s3_bucket" "legacy_a" {}\nresource "aws_s3_bucket" "new" {}\n',
        }
    )
    assert tuples(result) == [
        (
            "HDS-LOC-001",
            "aws_s3_bucket.legacy_a",
            4,
            "config",
            "legacy exports, deleted with ticket OPS-12",
        ),
        ("HDS-LOC-001", "aws_s3_bucket.new", 5, None, None),
    ]
    assert result.findings[0].suppression == Suppression(
        "config",
        "legacy exports, deleted with ticket OPS-12",
        Location("project/.hdslint.yaml"),
        until="2999-12-31",
    )


def test_waiver_with_a_bad_date_is_a_config_error(cli: Cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    write_tree(
        tmp_path / "p",
        {
            ".hdslint.yaml": "suppressions:\n  waivers:\n    - policies: [HDS-LOC-001]\n"
            "      reason: x\n      until: next year\n",
            "main.tf": US,
        },
    )
    monkeypatch.chdir(tmp_path)
    assert cli("scan", "p") == (
        2,
        "",
        "hdslint: error: p/.hdslint.yaml: $.suppressions.waivers[0].until: 'next year' is not"
        " a date (YYYY-MM-DD)\n",
    )


def test_unknown_suppressions_key_is_a_config_error(cli: Cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    write_tree(
        tmp_path / "p", {".hdslint.yaml": "suppressions:\n  inlined: false\n", "main.tf": US}
    )
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("scan", "p")
    assert (code, err) == (
        2,
        "hdslint: error: p/.hdslint.yaml: $.suppressions: Additional properties are not allowed"
        " ('inlined' was unexpected)\n",
    )


def _bucket(rid: str, location: Location, annotations: dict[str, str] | None = None) -> Resource:
    return Resource(
        id=rid,
        type="aws_s3_bucket",
        provider="aws",
        service="aws:s3",
        category="storage",
        region="us-east-1",
        location=location,
        source="kubernetes",
        annotations=annotations or {},
    )


def _evaluate(resources: list[Resource], config: Config | None = None) -> ScanResult:
    return evaluate(
        resources,
        [],
        [],
        config=config or Config(),
        registry=load_registry(),
        policies=load_policies(),
        inputs=[],
    )


def test_kubernetes_annotation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    at = Location("k8s/buckets.yaml", 12, end_line=20)
    result = _evaluate(
        [
            _bucket(
                "Bucket/exports",
                at,
                {
                    "hdslint.io/ignore": 'HDS-LOC-001 reason="US study, consent on file" until=2999-01-01'
                },
            ),
            _bucket(
                "Bucket/no-reason",
                Location("k8s/buckets.yaml", 30),
                {"hdslint.io/ignore": "HDS-LOC-001"},
            ),
            _bucket("Bucket/plain", Location("k8s/buckets.yaml", 40)),
        ]
    )
    assert tuples(result) == [
        ("HDS-LOC-001", "Bucket/exports", 12, "annotation", "US study, consent on file"),
        ("HDS-LOC-001", "Bucket/no-reason", 30, None, None),
        ("HDS-LOC-001", "Bucket/plain", 40, None, None),
    ]
    assert result.findings[0].suppression == Suppression(
        "annotation", "US study, consent on file", at, until="2999-01-01"
    )
    assert result.errors == [
        InputError(
            "k8s/buckets.yaml",
            'suppression for HDS-LOC-001 has no reason: a suppression needs reason="..."'
            " (it is not applied)",
            30,
        )
    ]


def test_annotation_obeys_inline_false(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = from_mapping({"suppressions": {"inline": False}}, root=tmp_path, file=".hdslint.yaml")
    result = _evaluate(
        [
            _bucket(
                "Bucket/exports",
                Location("k8s/b.yaml", 1),
                {"hdslint.io/ignore": 'HDS-LOC-001 reason="x"'},
            )
        ],
        config,
    )
    (finding,) = result.findings
    assert finding.suppression is None
    assert finding.message.endswith(
        "; annotation hdslint.io/ignore at k8s/b.yaml:1 not applied: inline suppressions are"
        " disabled in .hdslint.yaml"
    )


def test_yaml_comments_in_a_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_tree(
        tmp_path / "k8s",
        {
            "buckets.yaml": """
                # hdslint:ignore=HDS-LOC-001 reason="first document, line above"
                apiVersion: s3.aws.upbound.io/v1beta1
                kind: Bucket
                metadata:
                  name: a
                ---
                apiVersion: s3.aws.upbound.io/v1beta1
                kind: Bucket
                metadata:
                  name: b
                spec:
                  forProvider:
                    region: us-east-1 # hdslint:ignore=HDS-LOC-001 reason="inside"
                ---
                apiVersion: s3.aws.upbound.io/v1beta1
                kind: Bucket
                metadata:
                  name: c
                """
        },
    )
    result = _evaluate(
        [
            _bucket("Bucket/a", Location("k8s/buckets.yaml", 2, end_line=5)),
            _bucket("Bucket/b", Location("k8s/buckets.yaml", 7, end_line=13)),
            _bucket("Bucket/c", Location("k8s/buckets.yaml", 15, end_line=18)),
        ]
    )
    assert tuples(result) == [
        ("HDS-LOC-001", "Bucket/a", 2, "inline", "first document, line above"),
        ("HDS-LOC-001", "Bucket/b", 7, "inline", "inside"),
        ("HDS-LOC-001", "Bucket/c", 15, None, None),
    ]


def test_suppressed_findings_do_not_count_for_the_exit_code_and_are_in_json(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(
        tmp_path / "p",
        {
            "main.tf": US + '\n# hdslint:ignore=HDS-LOC-001 reason="anonymised" until=2999-01-01\n'
            'resource "aws_s3_bucket" "b" {}\n'
        },
    )
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli("scan", "p", "-f", "json")
    assert code == 0
    document = json.loads(out)
    assert document["summary"]["suppressed"] == 1
    assert document["summary"]["failed"] == 0
    assert document["findings"][0]["suppression"] == {
        "kind": "inline",
        "reason": "anonymised",
        "until": "2999-01-01",
        "file": "p/main.tf",
        "line": 5,
    }
    # Counted, not printed...
    assert cli("scan", "p") == (
        0,
        f"{DEFAULT_PROVENANCE}\n"
        "1 resources (1 with health data), 0 failed, 0 not evaluated, 1 suppressed, 0 errors\n"
        "HDS registry as of 2026-11-28; --show-suppressed lists the suppressed findings\n",
        "",
    )
    # ...unless asked for, with the suppression's kind, place, expiry and reason.
    assert cli("scan", "p", "--show-suppressed") == (
        0,
        "p/main.tf:6  critical HDS-LOC-001  aws_s3_bucket.b  (suppressed)\n"
        "    Health data stored outside the EEA: us-east-1 (United States) is outside the EEA\n"
        "    suppressed: inline at p/main.tf:5, until 2999-01-01: anonymised\n"
        "\n"
        f"{DEFAULT_PROVENANCE}\n"
        "1 resources (1 with health data), 0 failed, 0 not evaluated, 1 suppressed, 0 errors\n"
        "HDS registry as of 2026-11-28; `hdslint policies ID` explains a policy\n",
        "",
    )


def test_kubernetes_manifests_end_to_end(cli: Cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    bucket = """apiVersion: s3.aws.upbound.io/v1beta1
kind: Bucket
metadata:
  name: {name}{annotations}
spec:
  forProvider:
    region: us-east-1
"""
    write_tree(
        tmp_path / "k8s",
        {
            "buckets.yaml": bucket.format(
                name="exports",
                annotations="\n  annotations:\n    hdslint.io/ignore: 'HDS-LOC-001"
                ' reason="US research copy, consent on file" until=2999-06-30\'',
            )
            + '---\n# hdslint:ignore=HDS-LOC-001 reason="comment above the document"\n'
            + bucket.format(name="commented", annotations="")
            + "---\n"
            + bucket.format(
                name="noreason", annotations="\n  annotations:\n    hdslint.io/ignore: HDS-LOC-001"
            )
        },
    )
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli("scan", "k8s", "-f", "json")
    assert code == 2
    document = json.loads(out)
    assert [
        (f["resource"]["id"], f["location"]["line"], f["suppression"] and f["suppression"]["kind"])
        for f in document["findings"]
    ] == [
        ("Bucket.s3.aws.upbound.io/exports", 1, "annotation"),
        ("Bucket.s3.aws.upbound.io/commented", 12, "inline"),
        ("Bucket.s3.aws.upbound.io/noreason", 20, None),
    ]
    assert document["errors"] == [
        {
            "file": "k8s/buckets.yaml",
            "line": 20,
            "message": 'suppression for HDS-LOC-001 has no reason: a suppression needs reason="..."'
            " (it is not applied)",
        }
    ]
