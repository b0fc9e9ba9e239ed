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
    # tell for both; only the instance that keeps backups has a backup flow.)
    assert finding_tuples(result) == [
        ("HDS-CERT-001", "not_evaluated", "scaleway_rdb_instance.off", 7),
        ("HDS-CERT-001", "not_evaluated", "scaleway_rdb_instance.on", 15),
        ("HDS-FLOW-001", "not_evaluated", "scaleway_rdb_instance.on", 15),
        ("HDS-FLOW-002", "not_evaluated", "scaleway_rdb_instance.on", 15),
    ]
