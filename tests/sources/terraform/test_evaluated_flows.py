"""Data flows follow evaluated values (issue #15 section 4): the branch Terraform takes, no
flow when a setting turns it off, no flow to a null destination."""

from __future__ import annotations

from collections.abc import Callable

from hdslint.scan import ScanResult
from tests.conftest import finding_tuples

Scan = Callable[..., ScanResult]

AWS = """
provider "aws" { region = "eu-west-3" }
"""

REPLICATION = """
resource "aws_s3_bucket" "source" {
  bucket = "records"
}
resource "aws_s3_bucket" "paris" {
  bucket = "records-paris"
}
resource "aws_s3_bucket" "virginia" {
  provider = aws.us
  bucket   = "records-virginia"
}
provider "aws" {
  alias  = "us"
  region = "us-east-1"
}
resource "aws_s3_bucket_replication_configuration" "copy" {
  bucket = aws_s3_bucket.source.id
  role   = "arn:aws:iam::123456789012:role/replication"
  rule {
    id     = "all"
    status = "Enabled"
    destination {
      bucket = %s
    }
  }
}
"""


def _flows(result: ScanResult) -> list[tuple[str, str, str]]:
    return sorted(
        (edge.source.id, getattr(edge.target, "id", str(edge.target)), edge.kind.value)
        for edge in result.graph.edges
        if edge.kind.value != "references"
    )


def test_the_branch_a_conditional_takes_is_the_only_flow(scan_files: Scan) -> None:
    destination = "var.abroad ? aws_s3_bucket.virginia.arn : aws_s3_bucket.paris.arn"
    result = scan_files(
        {"main.tf": AWS + 'variable "abroad" {\n  default = false\n}\n' + REPLICATION % destination}
    )
    assert _flows(result) == [("aws_s3_bucket.source", "aws_s3_bucket.paris", "replicates_to")]
    assert finding_tuples(result) == [("HDS-LOC-001", "fail", "aws_s3_bucket.virginia", 12)]


def test_try_flows_to_its_first_argument_that_evaluates(scan_files: Scan) -> None:
    # The first argument fails (the bucket is created zero times): the second is the flow.
    destination = "try(aws_s3_bucket.virginia_copies[0].arn, aws_s3_bucket.paris.arn)"
    extra = """
resource "aws_s3_bucket" "virginia_copies" {
  count    = 0
  provider = aws.us
  bucket   = "copies"
}
"""
    result = scan_files({"main.tf": AWS + extra + REPLICATION % destination})
    assert _flows(result) == [("aws_s3_bucket.source", "aws_s3_bucket.paris", "replicates_to")]


def test_an_unknown_test_keeps_both_branches(scan_files: Scan) -> None:
    destination = "var.abroad ? aws_s3_bucket.virginia.arn : aws_s3_bucket.paris.arn"
    result = scan_files({"main.tf": AWS + 'variable "abroad" {}\n' + REPLICATION % destination})
    assert _flows(result) == [
        ("aws_s3_bucket.source", "aws_s3_bucket.paris", "replicates_to"),
        ("aws_s3_bucket.source", "aws_s3_bucket.virginia", "replicates_to"),
    ]


def test_a_null_destination_region_is_no_flow(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": AWS
            + """
variable "copy_to" {
  default = null
}
resource "aws_db_snapshot_copy" "copy" {
  source_db_snapshot_identifier = "arn:aws:rds:eu-west-3:123456789012:snapshot:records"
  target_db_snapshot_identifier = "records-copy"
  destination_region            = var.copy_to
}
"""
        }
    )
    assert _flows(result) == []
    assert finding_tuples(result) == []


def test_scaleway_backups_switched_off_are_no_flow(scan_files: Scan) -> None:
    instance = """
resource "scaleway_rdb_instance" "%s" {
  name           = "%s"
  region         = "fr-par"
  node_type      = "db-dev-s"
  engine         = "PostgreSQL-15"
  disable_backup = %s
}
"""
    result = scan_files(
        {
            "main.tf": 'terraform {\n  required_providers {\n    scaleway = { source = "scaleway/scaleway" }\n  }\n}\n'
            + instance % ("off", "off", "true")
            + instance % ("on", "on", "false")
        }
    )
    # (Scaleway's certificate does not list its database service: HDS-CERT-001 cannot
    # tell for both; only the instance that keeps backups has a backup flow, reported once:
    # HDS-FLOW-002 stops at the same unknown destination as HDS-FLOW-001.)
    assert finding_tuples(result) == [
        ("HDS-CERT-001", "not_evaluated", "scaleway_rdb_instance.off", 7),
        ("HDS-CERT-001", "not_evaluated", "scaleway_rdb_instance.on", 15),
        ("HDS-FLOW-001", "not_evaluated", "scaleway_rdb_instance.on", 15),
    ]


DIAGNOSTICS = """
terraform {
  required_providers {
    azurerm = { source = "hashicorp/azurerm" }
  }
}
variable "eventhub_name" {
  default = %s
}
resource "azurerm_storage_account" "records" {
  name                     = "records"
  resource_group_name      = "rg"
  location                 = "francecentral"
  account_tier             = "Standard"
  account_replication_type = "LRS"
}
resource "azurerm_monitor_diagnostic_setting" "records" {
  name               = "records"
  target_resource_id = azurerm_storage_account.records.id
  eventhub_name      = var.eventhub_name
}
"""


def test_an_argument_set_to_null_sends_nothing(scan_files: Scan) -> None:
    # The Azure Verified Modules pass optional destinations as variables defaulting to null.
    result = scan_files({"main.tf": DIAGNOSTICS % "null"})
    assert [f for f in finding_tuples(result) if f[0].startswith("HDS-FLOW")] == []


def test_an_argument_set_to_an_endpoint_is_a_flow_that_cannot_be_told(scan_files: Scan) -> None:
    result = scan_files({"main.tf": DIAGNOSTICS % '"audit"'})
    assert [f for f in finding_tuples(result) if f[0].startswith("HDS-FLOW")] == [
        ("HDS-FLOW-001", "not_evaluated", "azurerm_storage_account.records", 9),
    ]


SECRET = """
variable "automatic" {
  default = %s
}
resource "google_secret_manager_secret" "records" {
  secret_id = "records"
  project   = "p"
  replication {
    dynamic "auto" {
      for_each = var.automatic ? [1] : []
      content {}
    }
    dynamic "user_managed" {
      for_each = var.automatic ? [] : [1]
      content {
        replicas {
          location = "europe-west9"
        }
      }
    }
  }
}
"""


def test_a_dynamic_block_is_there_only_when_terraform_creates_it(scan_files: Scan) -> None:
    def targets(automatic: str) -> list[str]:
        result = scan_files({"main.tf": SECRET % automatic})
        return [type(edge.target).__name__ for edge in result.graph.edges]

    # Replicas in the region the configuration names; automatic replication is the only
    # flow to a place hdslint cannot tell, and only when its block exists.
    assert targets("false") == ["Outside"]
    assert targets("true") == ["UnknownDestination"]
