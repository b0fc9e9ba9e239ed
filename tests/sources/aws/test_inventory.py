"""Saved inventories: written by `hdslint aws --save`, re-evaluated by `hdslint scan`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from hdslint.commands.aws import evaluate_collection, inventory_document
from hdslint.config import Config
from hdslint.files import FileAccess
from hdslint.model import Finding
from hdslint.policy import load_policies
from hdslint.registry import load_registry
from hdslint.scan import ScanOptions, ScanResult, run_scan
from hdslint.schemas import load_schema
from hdslint.sources import classify_file
from hdslint.sources.aws.collector import AwsScanSettings, collect
from hdslint.sources.inventory import dumps
from tests.conftest import ROOT
from tests.sources.aws.conftest import SeededScan, hooked_session, seed_account


def evidence(findings: list[Finding]) -> list[tuple[Any, ...]]:
    """Everything a finding says, but the source kind (live "aws" vs saved "inventory")."""
    return [
        (
            f.policy_id,
            f.status.value,
            f.severity.label,
            f.resource.id,
            f.resource.type,
            f.resource.region,
            f.location.api_call,
            f.message,
        )
        for f in findings
    ]


def save(doc: dict[str, Any], path: Path) -> Path:
    path.write_text(dumps(doc), encoding="utf-8")
    return path


def rescan(path: Path, monkeypatch: pytest.MonkeyPatch) -> ScanResult:
    monkeypatch.chdir(path.parent)
    return run_scan(ScanOptions(paths=[path.name], env={}))


def test_a_saved_inventory_reproduces_the_live_findings(
    seeded_scan: SeededScan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = save(inventory_document(seeded_scan.collection), tmp_path / "inventory.json")
    offline = rescan(path, monkeypatch)
    assert offline.errors == []
    assert evidence(offline.findings) == evidence(seeded_scan.result.findings)
    assert len(offline.findings) == 7
    assert {f.resource.source for f in offline.findings} == {"inventory"}
    assert len(offline.graph) == len(seeded_scan.result.graph)
    assert offline.graph.edges == seeded_scan.result.graph.edges


@pytest.mark.usefixtures("aws_env")
def test_coverage_gaps_are_reproduced_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    arn = seed_account()
    session = hooked_session(deny=lambda service, op, region: service == "rds")
    collection = collect(
        AwsScanSettings(regions=("eu-west-3",), services=("rds", "backup")), session=session
    )
    live = evaluate_collection(
        collection, config=Config(), registry=load_registry(), policies=load_policies()
    )
    offline = rescan(save(inventory_document(collection), tmp_path / "inv.json"), monkeypatch)
    assert evidence(offline.findings) == evidence(live.findings)
    assert sorted((f.policy_id, f.status.value, f.resource.id) for f in offline.findings) == [
        ("HDS-EVAL-001", "not_evaluated", "aws:coverage:rds:eu-west-3"),
        ("HDS-FLOW-001", "fail", arn["plan:offsite"]),
    ]


def test_the_inventory_follows_its_schema_and_is_recognised(
    seeded_scan: SeededScan, tmp_path: Path
) -> None:
    doc = inventory_document(seeded_scan.collection, role_arn=None)
    jsonschema.validate(doc, load_schema("hdslint.schemas", "inventory.schema.json"))
    assert next(iter(doc)) == "hdslint_inventory"
    assert doc["hdslint_inventory"] == 1
    assert doc["account"]["id"] == "123456789012"
    assert doc["regions"]["scanned"] == list(seeded_scan.collection.plan.scan)
    assert {c["status"] for c in doc["coverage"]} == {"ok"}
    path = save(doc, tmp_path / "evidence.json")
    assert classify_file(FileAccess(), path) == "inventory"
    # The header, with the marker, is at the top of the file.
    assert b'"hdslint_inventory"' in path.read_bytes()[:100]


def test_the_schema_is_documented() -> None:
    docs = (ROOT / "docs" / "inventory.md").read_text()
    schema = load_schema("hdslint.schemas", "inventory.schema.json")
    for key in schema["required"]:
        assert f"`{key}`" in docs, key
    example = docs.split("```json\n", 1)[1].split("```", 1)[0]
    jsonschema.validate(json.loads(example), schema)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"hdslint_inventory": 1,\n "x": }', "inv.json:2: not valid JSON: Expecting value"),
        (
            '{"hdslint_inventory": 2, "resources": []}',
            "inv.json: inventory format 2 is newer than this hdslint reads (1): upgrade hdslint",
        ),
        (
            '{"hdslint_inventory": 1, "resources": []}',
            "inv.json: not a valid hdslint inventory: $: 'hdslint_version' is a required property",
        ),
    ],
)
def test_a_broken_inventory_is_an_input_error(
    content: str, message: str, tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "inv.json").write_text(content)
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli("scan", "inv.json")
    assert code == 2
    assert out.splitlines()[0] == f"error  {message}"


def test_scanning_an_inventory_does_not_import_boto3(
    seeded_scan: SeededScan, tmp_path: Path
) -> None:
    path = save(inventory_document(seeded_scan.collection), tmp_path / "inventory.json")
    probe = (
        "import sys\n"
        "from hdslint.cli import main\n"
        f"code = main(['scan', {str(path)!r}, '-f', 'json', '-o', {str(tmp_path / 'out.json')!r}])\n"
        "print(sorted(m for m in ('boto3', 'botocore', 'moto') if m in sys.modules))\n"
        "sys.exit(code)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (1, "[]\n", "")
    report = json.loads((tmp_path / "out.json").read_text())
    assert report["summary"]["failed"] == 7


def _documented_inventory() -> dict[str, Any]:
    docs = (ROOT / "docs" / "inventory.md").read_text()
    doc: dict[str, Any] = json.loads(docs.split("```json\n", 1)[1].split("```", 1)[0])
    return doc


NOTHING_READ = (
    "nothing was read: no service could be read in any region{how}: check the credentials,"
    " the role's permissions and the network"
)


@pytest.mark.parametrize(
    ("coverage", "resources", "how"),
    [
        # Every (service, region) failed: the live scan exited 2 for it.
        (
            [
                {
                    "service": "s3",
                    "region": "eu-west-3",
                    "status": "access_denied",
                    "calls": 1,
                    "failures": [],
                },
                {
                    "service": "rds",
                    "region": "eu-west-3",
                    "status": "region_disabled",
                    "calls": 0,
                    "failures": [],
                },
            ],
            "keep",
            " (1 access denied, 1 region disabled; the coverage gaps say why)",
        ),
        # Nothing at all: no coverage, no resource.
        ([], [], ""),
    ],
)
def test_a_saved_inventory_that_read_nothing_is_exit_2(
    coverage: list[dict[str, Any]],
    resources: Any,
    how: str,
    tmp_path: Path,
    cli: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc = _documented_inventory()
    doc["coverage"] = coverage
    if resources != "keep":
        doc["resources"], doc["edges"] = resources, []
    save(doc, tmp_path / "inv.json")
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli("scan", "inv.json", "--no-color", "--fail-on", "none")
    assert (code, out.splitlines()[0]) == (2, "error  inv.json: " + NOTHING_READ.format(how=how))
    # One service read in one region is a read: the documented example scans without error.
    doc = _documented_inventory()
    save(doc, tmp_path / "inv.json")
    code, out, _ = cli("scan", "inv.json", "--no-color", "-q", "--fail-on", "none")
    assert code == 0
