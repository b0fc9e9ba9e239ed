"""A plan JSON beside the configuration it was made from gives each resource once: one
resource, one finding, one fingerprint, in every output format (issues #12 and #14)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from hdslint.scan import ScanOptions, run_scan
from tests.conftest import DEFAULT_PROVENANCE, ROOT, finding_tuples, write_tree

PLAN = ROOT / "tests" / "fixtures" / "plan" / "tfplan.json"

# The configuration tests/fixtures/plan/tfplan.json was made from.
CONFIGURATION = {
    "main.tf": """
        variable "us_region" {
          default = "us-east-1"
        }

        provider "aws" {
          region = "eu-west-3"
        }

        provider "aws" {
          alias  = "us"
          region = var.us_region
        }

        resource "aws_s3_bucket" "shards" {
          provider = aws.us
          count    = 2
          bucket   = "phi-shard-${count.index}"
        }

        resource "aws_s3_bucket" "paris" {
          bucket = "phi-paris"
        }

        resource "aws_s3_bucket_replication_configuration" "paris" {
          bucket = aws_s3_bucket.paris.id
          rule {
            id = "all"
            destination {
              bucket = aws_s3_bucket.shards[0].arn
            }
          }
        }

        module "db" {
          source    = "./modules/db"
          providers = { aws = aws.us }
        }
    """,
    "modules/db/main.tf": """
        resource "aws_db_instance" "this" {
          engine = "postgres"
        }
    """,
}

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def infra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path / "infra", CONFIGURATION)
    shutil.copy(PLAN, tmp_path / "infra" / "tfplan.json")
    return tmp_path / "infra"


def test_text_shows_each_resource_once(infra: Path, cli: Cli) -> None:
    code, out, _ = cli("scan", "infra", "--no-color")
    assert code == 1
    assert out == (
        "infra/main.tf:14  critical HDS-LOC-001  aws_s3_bucket.shards[0]\n"
        "    Health data stored outside the EEA: us-east-1 (United States) is outside the EEA\n"
        "infra/main.tf:14  critical HDS-LOC-001  aws_s3_bucket.shards[1]\n"
        "    Health data stored outside the EEA: us-east-1 (United States) is outside the EEA\n"
        "infra/main.tf:20  critical HDS-FLOW-001  aws_s3_bucket.paris\n"
        "    Health data replicated, copied or backed up outside the EEA: replicates to"
        " aws_s3_bucket.shards[0]: us-east-1 (United States) is outside the EEA\n"
        "\n"
        "infra/modules/db/main.tf:1  critical HDS-LOC-001  module.db.aws_db_instance.this\n"
        "    Health data stored outside the EEA: us-east-1 (United States) is outside the EEA\n"
        "\n"
        f"{DEFAULT_PROVENANCE}\n"
        "5 resources (4 with health data), 4 failed, 0 not evaluated, 0 errors\n"
        "HDS registry as of 2026-11-28; `hdslint policies ID` explains a policy\n"
    )


def test_json_gives_one_finding_and_one_fingerprint_per_resource(infra: Path, cli: Cli) -> None:
    code, out, _ = cli("scan", "infra", "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert doc["summary"]["resources"] == 5
    findings = [
        (
            f["policy_id"],
            f["resource"]["id"],
            f["resource"]["source"],
            f["location"]["file"],
            f["location"]["line"],
        )
        for f in doc["findings"]
    ]
    assert findings == [
        ("HDS-LOC-001", "aws_s3_bucket.shards[0]", "terraform-plan", "infra/main.tf", 14),
        ("HDS-LOC-001", "aws_s3_bucket.shards[1]", "terraform-plan", "infra/main.tf", 14),
        ("HDS-FLOW-001", "aws_s3_bucket.paris", "terraform-plan", "infra/main.tf", 20),
        (
            "HDS-LOC-001",
            "module.db.aws_db_instance.this",
            "terraform-plan",
            "infra/modules/db/main.tf",
            1,
        ),
    ]
    fingerprints = [f["fingerprint"] for f in doc["findings"]]
    assert len(set(fingerprints)) == 4
    # The plan's resources take the root module's scope: a resource with no instance key
    # has the fingerprint the configuration alone gives it (a baseline stays valid).
    (infra / "tfplan.json").unlink()
    _, alone, _ = cli("scan", "infra", "--format", "json")
    by_resource = {f["resource"]["id"]: f["fingerprint"] for f in json.loads(alone)["findings"]}
    assert fingerprints[2] == by_resource["aws_s3_bucket.paris"]
    assert fingerprints[3] == by_resource["module.db.aws_db_instance.this"]


def test_sarif_gives_one_result_per_finding(infra: Path, cli: Cli) -> None:
    code, out, _ = cli("scan", "infra", "--format", "sarif")
    assert code == 1
    results = json.loads(out)["runs"][0]["results"]
    assert [
        (
            r["ruleId"],
            r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in results
    ] == [
        ("HDS-LOC-001", "aws_s3_bucket.shards[0]", "infra/main.tf", 14),
        ("HDS-LOC-001", "aws_s3_bucket.shards[1]", "infra/main.tf", 14),
        ("HDS-FLOW-001", "aws_s3_bucket.paris", "infra/main.tf", 20),
        ("HDS-LOC-001", "module.db.aws_db_instance.this", "infra/modules/db/main.tf", 1),
    ]
    assert len({r["partialFingerprints"]["hdslint/v1"] for r in results}) == 4


def _plan(resources: list[dict[str, object]], config: list[dict[str, object]]) -> str:
    """A minimal plan: planned `resources`, configuration `config`, the default aws
    provider's region a reference to `local.region` (which plans do not record)."""
    return json.dumps(
        {
            "format_version": "1.2",
            "terraform_version": "1.9.5",
            "planned_values": {"root_module": {"resources": resources}},
            "configuration": {
                "provider_config": {
                    "aws": {
                        "name": "aws",
                        "expressions": {"region": {"references": ["local.region"]}},
                    }
                },
                "root_module": {"resources": config},
            },
        }
    )


def _planned(address: str, rtype: str) -> dict[str, object]:
    name = address.split(".")[1].split("[", maxsplit=1)[0]
    return {
        "address": address,
        "mode": "managed",
        "type": rtype,
        "name": name,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "values": {},
    }


def _declared(address: str, rtype: str) -> dict[str, object]:
    name = address.split(".")[1]
    return {"address": address, "type": rtype, "name": name, "provider_config_key": "aws"}


def test_the_configuration_completes_the_plan_and_keeps_what_it_does_not_declare(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plan decides which instances exist (`optional` has none: count was 0 when it was
    planned, which the configuration alone cannot tell); the configuration gives the region
    the plan does not record, and a block written after the plan is still checked."""
    monkeypatch.chdir(tmp_path)
    write_tree(
        tmp_path / "infra",
        {
            "main.tf": """
                variable "enabled" {}
                locals {
                  region = "us-east-1"
                }
                provider "aws" {
                  region = local.region
                }
                resource "aws_s3_bucket" "records" {}
                resource "aws_s3_bucket" "optional" {
                  count = var.enabled ? 1 : 0
                }
                resource "aws_s3_bucket" "added_later" {}
            """,
            "tfplan.json": _plan(
                [_planned("aws_s3_bucket.records", "aws_s3_bucket")],
                [
                    _declared("aws_s3_bucket.records", "aws_s3_bucket"),
                    _declared("aws_s3_bucket.optional", "aws_s3_bucket"),
                ],
            ),
        },
    )
    result = run_scan(ScanOptions(paths=["infra"], env={}))
    assert result.errors == []
    assert sorted((r.id, r.source, r.region, r.scope) for r in result.graph) == [
        ("aws_s3_bucket.added_later", "terraform", "us-east-1", "infra"),
        ("aws_s3_bucket.records", "terraform-plan", "us-east-1", "infra"),
    ]
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "aws_s3_bucket.records", 8),
        ("HDS-LOC-001", "fail", "aws_s3_bucket.added_later", 12),
    ]


def test_two_plans_of_one_configuration_are_two_deployments(
    infra: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(PLAN, infra / "staging.tfplan.json")
    result = run_scan(ScanOptions(paths=["infra"], env={}))
    assert result.errors == []
    assert sorted({(r.scope, r.source) for r in result.graph}) == [
        ("infra/staging.tfplan.json", "terraform-plan"),
        ("infra/tfplan.json", "terraform-plan"),
    ]
    assert len(result.graph) == 10
