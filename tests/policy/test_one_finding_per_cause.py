"""One finding per thing a user must act on (issue 15, section 5): an unknown reported once,
by the finding about it; one HDS-EVAL-001 per module call; messages that give the first and
the innermost cause, with the whole chain in the JSON report."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from hdslint.scan import ScanResult
from tests.conftest import write_tree

Scan = Callable[..., ScanResult]

NO_VALUE = (
    "has no value: no default, and it is not set in terraform.tfvars, *.auto.tfvars,"
    " TF_VAR_{0}, --var-file or --var"
)


def no_value(name: str) -> str:
    return f"variable {name!r} " + NO_VALUE.format(name)


def findings(result: ScanResult) -> list[tuple[str, str, int | None, str]]:
    return [(f.policy_id, f.resource.id, f.location.line, f.message) for f in result.findings]


UNKNOWN_REGIONS = """
variable "location" {}
variable "dr_region" {}
variable "destination_arn" {}

provider "azurerm" {
  features {}
}

provider "aws" {
  region = "eu-west-3"
}

provider "aws" {
  alias  = "dr"
  region = var.dr_region
}

resource "azurerm_storage_account" "records" {
  name                     = "records"
  resource_group_name      = "rg"
  location                 = var.location
  account_tier             = "Standard"
  account_replication_type = "GRS"
}

resource "aws_s3_bucket" "records" {
  bucket = "records"
}

resource "aws_s3_bucket_replication_configuration" "records" {
  bucket = aws_s3_bucket.records.id
  role   = "arn:aws:iam::123456789012:role/replication"
  rule {
    status = "Enabled"
    destination {
      bucket = var.destination_arn
    }
  }
}

resource "aws_s3_bucket" "scans" {
  bucket = "scans"
}

resource "aws_s3_bucket" "scans_copy" {
  provider = aws.dr
  bucket   = "scans-copy"
}

resource "aws_s3_bucket_replication_configuration" "scans" {
  bucket = aws_s3_bucket.scans.id
  role   = "arn:aws:iam::123456789012:role/replication"
  rule {
    status = "Enabled"
    destination {
      bucket = aws_s3_bucket.scans_copy.arn
    }
  }
}
"""


def test_each_unknown_is_reported_once_by_the_finding_about_it(scan_files: Scan) -> None:
    result = scan_files({"main.tf": UNKNOWN_REGIONS})
    assert findings(result) == [
        # Its geo-redundant copy goes to the paired region of its own unknown region: no
        # HDS-FLOW-001/002 repeating this.
        (
            "HDS-LOC-002",
            "azurerm_storage_account.records",
            18,
            f"could not be checked: the region is not known: {no_value('location')}",
        ),
        # One unknown destination: HDS-FLOW-001 asks first, HDS-FLOW-002 does not repeat it.
        (
            "HDS-FLOW-001",
            "aws_s3_bucket.records",
            26,
            "could not be checked: replicates to a destination that is not known:"
            f" {no_value('destination_arn')}",
        ),
        # The copy's own unknown region is said once, on the copy: not again on the flow
        # of aws_s3_bucket.scans (HDS-FLOW-001 and HDS-FLOW-002).
        (
            "HDS-LOC-002",
            "aws_s3_bucket.scans_copy",
            45,
            f"could not be checked: the region is not known: {no_value('dr_region')}",
        ),
    ]
    assert [f.causes for f in result.findings] == [
        (("the region is not known", "location = var.location", no_value("location")),),
        (
            (
                "replicates to a destination that is not known",
                "the destination is not known",
                no_value("destination_arn"),
            ),
        ),
        (
            (
                "the region is not known",
                'provider "aws.dr" region = var.dr_region',
                no_value("dr_region"),
            ),
        ),
    ]


def test_the_json_report_gives_the_whole_chain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Callable[..., tuple[int, str, str]]
) -> None:
    write_tree(tmp_path / "p", {"main.tf": UNKNOWN_REGIONS})
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli("scan", "p", "--no-cache", "-f", "json")
    assert code == 1
    document = json.loads(out)
    assert [(f["policy_id"], f["resource"]["id"], f["causes"]) for f in document["findings"]] == [
        (
            "HDS-LOC-002",
            "azurerm_storage_account.records",
            [["the region is not known", "location = var.location", no_value("location")]],
        ),
        (
            "HDS-FLOW-001",
            "aws_s3_bucket.records",
            [
                [
                    "replicates to a destination that is not known",
                    "the destination is not known",
                    no_value("destination_arn"),
                ]
            ],
        ),
        (
            "HDS-LOC-002",
            "aws_s3_bucket.scans_copy",
            [
                [
                    "the region is not known",
                    'provider "aws.dr" region = var.dr_region',
                    no_value("dr_region"),
                ]
            ],
        ),
    ]


def test_a_flow_to_a_destination_that_is_not_a_store_in_the_scan_is_still_reported(
    scan_files: Scan,
) -> None:
    # Nothing else reports this unknown: the flow says it, and ARNs are shown whole.
    result = scan_files(
        {
            "main.tf": """
            provider "aws" {
              region = "eu-west-3"
            }
            resource "aws_s3_bucket" "records" {
              bucket = "records"
            }
            resource "aws_s3_bucket_replication_configuration" "records" {
              bucket = aws_s3_bucket.records.id
              role   = "arn:aws:iam::123456789012:role/replication"
              rule {
                status = "Enabled"
                destination {
                  bucket = "arn:aws:s3:::records-copy"
                }
              }
            }
            resource "aws_backup_vault" "main" {
              name = "main"
            }
            resource "aws_backup_plan" "daily" {
              name = "daily"
              rule {
                rule_name         = "daily"
                target_vault_name = aws_backup_vault.main.name
                copy_action {
                  destination_vault_arn = "arn:aws:backup:us-east-1:123456789012:backup-vault:dr"
                }
              }
            }
            """
        }
    )
    assert findings(result) == [
        (
            "HDS-FLOW-001",
            "aws_s3_bucket.records",
            4,
            "could not be checked: replicates to a destination that is not known: the"
            " destination arn:aws:s3:::records-copy is not among the scanned resources and its"
            " region is not known",
        ),
        (
            "HDS-FLOW-001",
            "aws_backup_plan.daily",
            20,
            "is copied to arn:aws:backup:us-east-1:123456789012:backup-vault:dr: us-east-1"
            " (United States) is outside the EEA",
        ),
    ]


REMOTE_CALL = """
module "naming" {
  source  = "Azure/naming/azurerm"
  version = "0.4.0"
}
"""
CALLER = """
module "app" {
  source = "../../modules/app"
  count  = 2
}
"""
NOT_DOWNLOADED = (
    "could not be checked: contents is not known: remote module 'Azure/naming/azurerm' is not"
    " downloaded: hdslint never fetches modules; run `terraform init` first so"
    " .terraform/modules/modules.json lists it"
)


def test_one_eval_finding_per_module_call_whatever_reaches_it(scan_files: Scan) -> None:
    # Two roots, each with two instances of the module that makes the call: one call to
    # download or vendor, one finding.
    result = scan_files(
        {
            "modules/app/main.tf": REMOTE_CALL,
            "live/a/main.tf": CALLER,
            "live/b/main.tf": CALLER,
        }
    )
    assert findings(result) == [
        (
            "HDS-EVAL-001",
            "module.app.module.naming",
            1,
            f"{NOT_DOWNLOADED} (the call is reached 4 times from 2 root modules)",
        )
    ]
    assert result.findings[0].location.file == "project/modules/app/main.tf"
    assert result.findings[0].resource.scope == ""


def test_one_eval_finding_per_module_call_of_one_root(scan_files: Scan) -> None:
    result = scan_files({"modules/app/main.tf": REMOTE_CALL, "live/a/main.tf": CALLER})
    assert findings(result) == [
        (
            "HDS-EVAL-001",
            "module.app.module.naming",
            1,
            f"{NOT_DOWNLOADED} (the call is reached 2 times)",
        )
    ]
    assert result.findings[0].resource.scope == "project/live/a"


def test_calls_reached_along_different_module_paths_are_named_by_the_call(
    scan_files: Scan,
) -> None:
    result = scan_files(
        {
            "modules/app/main.tf": REMOTE_CALL,
            "live/a/main.tf": 'module "app" {\n  source = "../../modules/app"\n}\n',
            "live/b/main.tf": 'module "web" {\n  source = "../../modules/app"\n}\n',
        }
    )
    assert findings(result) == [
        (
            "HDS-EVAL-001",
            "module.naming",
            1,
            f"{NOT_DOWNLOADED} (the call is reached 2 times from 2 root modules)",
        )
    ]


def test_a_call_reached_once_is_as_it_was(scan_files: Scan) -> None:
    result = scan_files({"main.tf": REMOTE_CALL})
    assert findings(result) == [("HDS-EVAL-001", "module.naming", 1, NOT_DOWNLOADED)]
    assert result.findings[0].resource.scope == "project"


STORE = """
variable "location" {}
resource "azurerm_log_analytics_workspace" "main" {
  name                = "main"
  resource_group_name = "rg"
  location            = var.location
}
"""
ROOT = """
provider "azurerm" {
  features {}
}
module "aks" {
  source   = "../../modules/aks"
  location = "%s"
}
"""


def test_a_module_reached_from_several_roots_says_which_root_with_distinct_fingerprints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Callable[..., tuple[int, str, str]]
) -> None:
    write_tree(
        tmp_path / "p",
        {
            "modules/aks/main.tf": STORE,
            "examples/startup/main.tf": ROOT % "koreacentral",
            "examples/with_acr/main.tf": ROOT % "eastus2",
            "examples/paris/main.tf": ROOT % "francecentral",
            "examples/seoul/main.tf": ROOT % "koreacentral",
        },
    )
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli("scan", "p", "--no-cache", "-f", "json")
    assert code == 1
    found = json.loads(out)["findings"]
    workspace = "module.aks.azurerm_log_analytics_workspace.main"
    assert [
        (
            f["policy_id"],
            f["resource"]["id"],
            f["location"]["file"],
            f["location"]["line"],
            f["message"],
        )
        for f in found
    ] == [
        # (Paris has one finding of its policy at this line: it needs no root to stand apart.)
        (
            "HDS-COND-001",
            workspace,
            "p/modules/aks/main.tf",
            2,
            "confirm that Microsoft Azure: Microsoft's specific HDS contractual terms are signed"
            " (through your Microsoft licensing contact)",
        ),
    ] + [
        (
            "HDS-LOC-001",
            workspace,
            "p/modules/aks/main.tf",
            2,
            f"koreacentral (South Korea) is outside the EEA (root module p/examples/{root})",
        )
        if region == "koreacentral"
        else (
            "HDS-LOC-001",
            workspace,
            "p/modules/aks/main.tf",
            2,
            f"eastus2 (United States) is outside the EEA (root module p/examples/{root})",
        )
        for root, region in (
            ("seoul", "koreacentral"),
            ("startup", "koreacentral"),
            ("with_acr", "eastus2"),
        )
    ]
    # No two findings alike, nor two fingerprints (the SARIF partialFingerprints value and
    # the baseline key), and the same ones at every run.
    fingerprints = [f["fingerprint"] for f in found]
    assert len(set(fingerprints)) == 4
    _, again, _ = cli("scan", "p", "--no-cache", "-f", "json")
    assert [f["fingerprint"] for f in json.loads(again)["findings"]] == fingerprints
    _, sarif, _ = cli("scan", "p", "--no-cache", "-f", "sarif")
    results = json.loads(sarif)["runs"][0]["results"]
    assert [r["partialFingerprints"]["hdslint/v1"] for r in results] == fingerprints
