"""bench/recall.py: which stores a configuration literally places outside the EEA, read
without hdslint, and whether hdslint's report has a finding on each."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import ROOT, write_tree


def _recall_module() -> ModuleType:
    name = "bench_recall"
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "recall.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


recall = _recall_module()

REPO = {
    "aws/main.tf": """\
provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "paris"
  region = "eu-west-3"
}

resource "aws_s3_bucket" "records" {
  bucket = "records"
}

resource "aws_db_instance" "ehr" {
  engine = "postgres"
}

resource "aws_s3_bucket" "in_paris" {
  provider = aws.paris
  bucket   = "paris"
}

resource "aws_s3_bucket" "never" {
  count  = 0
  bucket = "never"
}

resource "aws_iam_role" "not_a_store" {
  name = "r"
}

resource "aws_ecr_repository" "images" {
  name = "images"
}
""",
    "azure/main.tf": """\
variable "location" {}

resource "azurerm_storage_account" "sa" {
  name     = "sa"
  location = "East US"
}

resource "azurerm_storage_container" "scans" {
  name               = "scans"
  storage_account_id = azurerm_storage_account.sa.id
}

resource "azurerm_storage_account" "variable" {
  name     = "v"
  location = var.location
}

resource "azurerm_storage_account" "europe" {
  name     = "e"
  location = "francecentral"
}
""",
    "gcp/main.tf": """\
resource "google_bigquery_dataset" "default_us" {
  dataset_id = "d"
}

resource "google_compute_disk" "disk" {
  name = "disk"
  zone = "us-central1-a"
}

resource "google_storage_bucket" "eu" {
  name     = "eu"
  location = "EU"
}

resource "google_storage_bucket_object" "object" {
  name   = "o"
  bucket = google_storage_bucket.us.name
}

resource "google_storage_bucket" "us" {
  name     = "us"
  location = "US"
}

resource "google_bigquery_table" "view" {
  dataset_id = google_bigquery_dataset.default_us.dataset_id
  view {
    query = "SELECT 1"
  }
}
""",
    "local/main.tf": """\
locals {
  region = "ap-south-1"
}

provider "aws" {
  region = local.region
}

resource "aws_sqs_queue" "q" {
  name = "q"
}
""",
    "broken/main.tf": 'resource "aws_s3_bucket" "b" {\n',
}

EXPECTED = [
    # (file, line, address, region, where it was read, group)
    ("repo/aws/main.tf", 10, "aws_s3_bucket.records", "us-east-1", "provider", "store"),
    ("repo/aws/main.tf", 14, "aws_db_instance.ehr", "us-east-1", "provider", "store"),
    ("repo/aws/main.tf", 32, "aws_ecr_repository.images", "us-east-1", "provider", "not_presumed"),
    ("repo/azure/main.tf", 3, "azurerm_storage_account.sa", "East US", "resource", "store"),
    ("repo/azure/main.tf", 8, "azurerm_storage_container.scans", "East US", "parent", "store"),
    ("repo/gcp/main.tf", 1, "google_bigquery_dataset.default_us", "US", "default", "store"),
    ("repo/gcp/main.tf", 5, "google_compute_disk.disk", "us-central1-a", "resource", "store"),
    ("repo/gcp/main.tf", 15, "google_storage_bucket_object.object", "US", "parent", "contents"),
    ("repo/gcp/main.tf", 20, "google_storage_bucket.us", "US", "resource", "store"),
    ("repo/local/main.tf", 9, "aws_sqs_queue.q", "ap-south-1", "provider", "store"),
]


def _stores(tmp_path: Path) -> Any:
    write_tree(tmp_path / "corpus" / "repo", REPO)
    return recall.stores_in(tmp_path / "corpus" / "repo", tmp_path / "corpus")


def test_stores_with_a_literal_region_outside_the_eea(tmp_path: Path) -> None:
    stores, unparsed = _stores(tmp_path)

    assert unparsed == 1  # broken/main.tf
    assert [(s.file, s.line, s.address, s.region, s.source, s.group) for s in stores] == EXPECTED


@pytest.mark.parametrize(
    ("provider", "region", "outside"),
    [
        ("aws", "us-east-1", True),
        ("aws", "eu-west-2", True),  # London
        ("aws", "eu-central-2", True),  # Zurich
        ("aws", "us-gov-west-1", True),
        ("aws", "eu-west-3", False),
        ("aws", "mars-1", None),
        ("azurerm", "West US 2", True),
        ("azurerm", "uksouth", True),
        ("azurerm", "westeurope", False),
        ("azurerm", "global", None),
        ("google", "us-central1-a", True),
        ("google", "regional-asia-east1", True),
        ("google", "europe-west2", True),  # London
        ("google", "europe-west9", False),
        ("google", "EU", False),
        ("google", "US", True),
    ],
)
def test_outside_the_eea(provider: str, region: str, outside: bool | None) -> None:
    assert recall.outside_eea(provider, region) is outside


def _finding(policy: str, status: str, resource: str, file: str) -> dict[str, object]:
    return {
        "policy_id": policy,
        "status": status,
        "resource": {"id": resource},
        "location": {"file": file, "line": 1},
    }


def test_each_store_is_reported_not_evaluated_an_input_error_or_missed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path / "corpus" / "repo", REPO)
    report = {
        "findings": [
            _finding("HDS-LOC-001", "fail", "aws_s3_bucket.records", "repo/aws/main.tf"),
            # A module instance of the same address is the same store.
            _finding(
                "HDS-LOC-002",
                "not_evaluated",
                'module.m["a"].aws_db_instance.ehr',
                "repo/aws/main.tf",
            ),
            _finding("HDS-FLOW-001", "fail", "azurerm_storage_account.sa", "repo/azure/main.tf"),
            # Same address, another file: not this store.
            _finding("HDS-LOC-001", "fail", "google_compute_disk.disk", "repo/other/main.tf"),
            # A prefix of another address is not it.
            _finding("HDS-LOC-001", "fail", "google_storage_bucket.us2", "repo/gcp/main.tf"),
        ],
        "errors": [{"file": "repo/gcp/main.tf", "line": 1, "message": "bad"}],
    }
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "repo.json").write_text(json.dumps(report), "utf-8")
    figures = tmp_path / "recall.json"

    assert (
        recall.main([str(tmp_path / "corpus"), "--reports", str(reports), "--json", str(figures)])
        == 0
    )

    out = capsys.readouterr().out.splitlines()
    assert out == [
        "| repository | stores | reported | not evaluated | input error | missed | seen |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        "| repo | 8 | 2 | 1 | 3 | 2 | 75.0% |",
        "| **total** | 8 | 2 | 1 | 3 | 2 | 75.0% |",
        "",
        "Not presumed health data (secrets, images; counted apart): 1 (missed 1)",
        "Objects inside a store (counted apart): 1 (input_error 1)",
        "Terraform files python-hcl2 could not parse (left out): 1",
        "",
        "Missed:",
        "",
        "- repo/azure/main.tf:8 `azurerm_storage_container.scans` (East US, from parent)",
        "- repo/local/main.tf:9 `aws_sqs_queue.q` (ap-south-1, from provider)",
    ]
    outcomes = {s["name"]: s["outcome"] for s in json.loads(figures.read_text("utf-8"))}
    assert outcomes == {
        "records": "reported",
        "ehr": "not_evaluated",
        "images": "missed",
        "sa": "reported",
        "scans": "missed",
        "default_us": "input_error",
        "disk": "input_error",
        "object": "input_error",
        "us": "input_error",
        "q": "missed",
    }
