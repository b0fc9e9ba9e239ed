"""Terraform plan JSON: instance addresses, provider aliases, modules, sensitive values."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hdslint.scan import ScanOptions, run_scan
from tests.conftest import ROOT, finding_tuples

PLAN = ROOT / "tests" / "fixtures" / "plan" / "tfplan.json"


@pytest.fixture
def plan_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "infra").mkdir()
    shutil.copy(PLAN, tmp_path / "infra" / "tfplan.json")
    return tmp_path / "infra"


def test_plan_resources_instances_and_aliases(plan_dir: Path) -> None:
    result = run_scan(ScanOptions(paths=["infra/tfplan.json"], env={}))
    assert result.errors == []
    assert {r.id: (r.region, r.source) for r in result.graph} == {
        "aws_s3_bucket.shards[0]": ("us-east-1", "terraform-plan"),
        "aws_s3_bucket.shards[1]": ("us-east-1", "terraform-plan"),
        "aws_s3_bucket.paris": ("eu-west-3", "terraform-plan"),
        "aws_s3_bucket_replication_configuration.paris": ("eu-west-3", "terraform-plan"),
        "module.db.aws_db_instance.this": ("us-east-1", "terraform-plan"),
    }
    # Without the .tf files, findings point at the resource's address in the plan file.
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "aws_s3_bucket.shards[0]", 12),
        ("HDS-LOC-001", "fail", "aws_s3_bucket.shards[1]", 23),
        ("HDS-FLOW-001", "fail", "aws_s3_bucket.paris", 34),
        ("HDS-LOC-001", "fail", "module.db.aws_db_instance.this", 59),
    ]
    assert result.findings[2].message == (
        "replicates to aws_s3_bucket.shards[0]: us-east-1 (United States) is outside the EEA"
    )


def test_plan_findings_point_at_the_tf_files_when_present(plan_dir: Path) -> None:
    (plan_dir / "main.tf").write_text(
        'provider "aws" { region = "eu-west-3" }\n\n'
        'resource "aws_s3_bucket" "shards" {\n  count = 2\n}\n'
        'resource "aws_s3_bucket" "paris" {}\n'
    )
    (plan_dir / "modules" / "db").mkdir(parents=True)
    (plan_dir / "modules" / "db" / "main.tf").write_text(
        'resource "aws_db_instance" "this" {\n  engine = "postgres"\n}\n'
    )
    result = run_scan(ScanOptions(paths=["infra/tfplan.json"], env={}))
    assert [(f.resource.id, f.location.file, f.location.line) for f in result.findings] == [
        ("aws_s3_bucket.shards[0]", "infra/main.tf", 3),
        ("aws_s3_bucket.shards[1]", "infra/main.tf", 3),
        ("aws_s3_bucket.paris", "infra/main.tf", 6),
        ("module.db.aws_db_instance.this", "infra/modules/db/main.tf", 1),
    ]


def test_sensitive_values_never_reach_the_output(
    plan_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from hdslint.cli import main

    code = main(["scan", "infra/tfplan.json", "--format", "json"])
    out = capsys.readouterr().out
    assert code == 1
    assert "s3cr3t" not in out
    result = run_scan(ScanOptions(paths=["infra/tfplan.json"], env={}))
    (db,) = [r for r in result.graph if r.type == "aws_db_instance"]
    assert "password" not in db.attributes
    assert "s3cr3t" not in json.dumps(dict(db.attributes))


def test_a_json_file_that_is_not_a_plan_is_not_read(plan_dir: Path) -> None:
    (plan_dir / "package.json").write_text('{"name": "x"}\n')
    result = run_scan(ScanOptions(paths=["infra"], env={}))
    assert result.errors == []
    assert len(result.graph) == 5


def test_broken_plan_is_an_input_error(plan_dir: Path) -> None:
    (plan_dir / "tfplan.json").write_text('{"format_version": "1.2", "terraform_version": "1.9", ')
    result = run_scan(ScanOptions(paths=["infra/tfplan.json"], env={}))
    assert [str(e) for e in result.errors] == [
        "infra/tfplan.json:1: invalid JSON: Expecting property name enclosed in double quotes"
    ]


def test_a_planned_resource_takes_the_region_of_the_one_it_lives_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one region lookup (sources/terraform/region.py) serves plans too: a storage
    container is where the account its configuration references is, listed before or
    after it."""
    monkeypatch.chdir(tmp_path)
    azure = "registry.terraform.io/hashicorp/azurerm"
    plan = {
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "planned_values": {
            "root_module": {
                "resources": [
                    {
                        "address": "azurerm_storage_container.scans",
                        "mode": "managed",
                        "type": "azurerm_storage_container",
                        "name": "scans",
                        "provider_name": azure,
                        "values": {"name": "scans"},
                    },
                    {
                        "address": "azurerm_storage_account.phi",
                        "mode": "managed",
                        "type": "azurerm_storage_account",
                        "name": "phi",
                        "provider_name": azure,
                        "values": {"location": "westus"},
                    },
                ]
            }
        },
        "configuration": {
            "root_module": {
                "resources": [
                    {
                        "address": "azurerm_storage_container.scans",
                        "type": "azurerm_storage_container",
                        "name": "scans",
                        "expressions": {
                            "storage_account_id": {
                                "references": [
                                    "azurerm_storage_account.phi.id",
                                    "azurerm_storage_account.phi",
                                ]
                            }
                        },
                    }
                ]
            }
        },
    }
    (tmp_path / "tfplan.json").write_text(json.dumps(plan))
    result = run_scan(ScanOptions(paths=["tfplan.json"], env={}))
    assert result.errors == []
    assert {r.id: (r.region, dict(r.unknown)) for r in result.graph} == {
        "azurerm_storage_account.phi": ("westus", {}),
        "azurerm_storage_container.scans": ("westus", {}),
    }
