"""Issue #15 in plan JSON: the same stores as the configuration (generic azapi resources by
their type, VMs for their disks, StatefulSets with claim templates)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hdslint.scan import ScanOptions, run_scan
from tests.conftest import finding_tuples


def _resource(address: str, provider: str, values: dict[str, object]) -> dict[str, object]:
    rtype, name = address.split(".")
    return {
        "address": address,
        "mode": "managed",
        "type": rtype,
        "name": name,
        "provider_name": f"registry.terraform.io/{provider}",
        "values": values,
        "sensitive_values": {},
    }


PLAN = {
    "format_version": "1.2",
    "planned_values": {
        "root_module": {
            "resources": [
                _resource(
                    "azapi_resource.sa",
                    "azure/azapi",
                    {"type": "Microsoft.Storage/storageAccounts@2023-05-01", "location": "eastus"},
                ),
                _resource(
                    "azapi_resource.lock",
                    "azure/azapi",
                    {"type": "Microsoft.Authorization/locks@2020-05-01", "location": "eastus"},
                ),
                _resource("aws_instance.web", "hashicorp/aws", {"region": "us-east-1"}),
                _resource(
                    "kubernetes_stateful_set_v1.db",
                    "hashicorp/kubernetes",
                    {"spec": [{"volume_claim_template": [{"metadata": [{"name": "data"}]}]}]},
                ),
                _resource(
                    "kubernetes_stateful_set_v1.web",
                    "hashicorp/kubernetes",
                    {"spec": [{"volume_claim_template": []}]},
                ),
            ]
        }
    },
}


def test_plan_stores_match_the_configurations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tfplan.json").write_text(json.dumps(PLAN, indent=1))
    result = run_scan(ScanOptions(paths=["tfplan.json"], env={}))
    assert result.errors == []
    assert {r.id: (r.provider, r.region) for r in result.graph if r.is_data_store} == {
        "azapi_resource.sa": ("azure", "eastus"),
        "aws_instance.web": ("aws", "us-east-1"),
        "kubernetes_stateful_set_v1.db": ("kubernetes", None),
    }
    # Lines are where each resource's address is in the plan file (indent=1).
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "azapi_resource.sa", 7),
        ("HDS-LOC-001", "fail", "aws_instance.web", 31),
        ("HDS-LOC-002", "not_evaluated", "kubernetes_stateful_set_v1.db", 42),
    ]


def test_plan_views_and_delivery_settings_are_not_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As in the configuration (tests/sources/terraform/test_stores.py): a plan's empty
    # `view` list is no view; a planned view, a trail and a flow log are not stores.
    plan = {
        "format_version": "1.2",
        "planned_values": {
            "root_module": {
                "resources": [
                    _resource(
                        "google_bigquery_table.rows",
                        "hashicorp/google",
                        {"location": "US", "view": [], "external_data_configuration": []},
                    ),
                    _resource(
                        "google_bigquery_table.view",
                        "hashicorp/google",
                        {"location": "US", "view": [{"query": "SELECT 1"}]},
                    ),
                    _resource("aws_cloudtrail.trail", "hashicorp/aws", {"region": "us-east-1"}),
                    _resource("aws_flow_log.vpc", "hashicorp/aws", {"region": "us-east-1"}),
                ]
            }
        },
    }
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tfplan.json").write_text(json.dumps(plan, indent=1))
    result = run_scan(ScanOptions(paths=["tfplan.json"], env={}))
    assert result.errors == []
    assert {r.id: r.category for r in result.graph} == {
        "google_bigquery_table.rows": "database",
        "google_bigquery_table.view": "other",
        "aws_cloudtrail.trail": "other",
        "aws_flow_log.vpc": "other",
    }
    # A table is where its dataset is, and the plan has no dataset: judged, not located.
    assert finding_tuples(result) == [
        ("HDS-LOC-002", "not_evaluated", "google_bigquery_table.rows", 7)
    ]
