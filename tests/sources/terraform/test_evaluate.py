"""The Terraform source end to end: providers, aliases, variables, tfvars, flows."""

from __future__ import annotations

from collections.abc import Callable

from hdslint.scan import ScanResult
from tests.conftest import finding_tuples

Scan = Callable[..., ScanResult]

PROVIDERS = """
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
provider "aws" { region = "eu-west-3" }
provider "aws" {
  alias  = "us"
  region = "us-east-1"
}
"""


def regions(result: ScanResult) -> dict[str, str | None]:
    return {r.id: r.region for r in result.graph}


def test_bucket_through_us_alias_fails_and_paris_passes(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": PROVIDERS
            + """
resource "aws_s3_bucket" "paris" {
  bucket = "phi-paris"
}
resource "aws_s3_bucket" "us" {
  provider = aws.us
  bucket   = "phi-us"
}
"""
        }
    )
    assert regions(result) == {"aws_s3_bucket.paris": "eu-west-3", "aws_s3_bucket.us": "us-east-1"}
    assert finding_tuples(result) == [("HDS-LOC-001", "fail", "aws_s3_bucket.us", 15)]
    assert result.findings[0].location.file == "project/main.tf"


def test_variable_region_without_value_is_not_evaluated(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": """
variable "region" {}
provider "aws" { region = var.region }
resource "aws_db_instance" "db" { engine = "postgres" }
"""
        }
    )
    assert finding_tuples(result) == [("HDS-LOC-002", "not_evaluated", "aws_db_instance.db", 3)]
    assert result.findings[0].message == (
        "could not be checked: the region is not known: variable 'region' has no value: no"
        " default, and it is not set in terraform.tfvars, *.auto.tfvars, TF_VAR_region,"
        " --var-file or --var"
    )
    assert result.findings[0].causes == (
        (
            "the region is not known",
            'provider "aws" region = var.region',
            "variable 'region' has no value: no default, and it is not set in"
            " terraform.tfvars, *.auto.tfvars, TF_VAR_region, --var-file or --var",
        ),
    )


def test_variable_precedence(scan_files: Scan, tmp_path) -> None:  # type: ignore[no-untyped-def]
    files = {
        "main.tf": """
variable "region" { default = "us-east-1" }
provider "aws" { region = var.region }
resource "aws_s3_bucket" "b" {}
""",
        "terraform.tfvars": 'region = "us-west-2"\n',
        "b.auto.tfvars": 'region = "eu-central-1"\n',
        "a.auto.tfvars": 'region = "ap-south-1"\n',
    }
    # *.auto.tfvars in lexical order win over terraform.tfvars, which wins over the default.
    assert regions(scan_files(files)) == {"aws_s3_bucket.b": "eu-central-1"}
    # --var wins over everything.
    result = scan_files(files, cli_vars={"region": "eu-west-3"})
    assert regions(result) == {"aws_s3_bucket.b": "eu-west-3"}


def test_tf_var_environment_is_below_tfvars(scan_files: Scan) -> None:
    files = {
        "main.tf": """
variable "region" {}
variable "other" {}
provider "aws" { region = var.region }
resource "aws_s3_bucket" "b" { bucket = var.other }
""",
        "terraform.tfvars": 'other = "x"\n',
    }
    result = scan_files(files, env={"TF_VAR_region": "eu-west-1"})
    assert regions(result) == {"aws_s3_bucket.b": "eu-west-1"}


def test_locals_maps_and_index_expressions(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": """
variable "env" { default = "prod" }
locals {
  regions = { prod = "eu-west-3", dev = "us-east-1" }
  region  = local.regions[var.env]
}
provider "aws" { region = local.region }
resource "aws_sqs_queue" "q" {}
"""
        }
    )
    assert regions(result) == {"aws_sqs_queue.q": "eu-west-3"}


def test_no_provider_block_is_not_a_guess(scan_files: Scan) -> None:
    result = scan_files({"main.tf": 'resource "aws_s3_bucket" "b" {}\n'})
    assert finding_tuples(result) == [("HDS-LOC-002", "not_evaluated", "aws_s3_bucket.b", 1)]
    assert 'no provider "aws" configuration reaches aws_s3_bucket.b' in result.findings[0].message


def test_s3_replication_to_us_flags_replica_and_flow(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": PROVIDERS
            + """
resource "aws_s3_bucket" "src" {}
resource "aws_s3_bucket" "unrelated" {}
resource "aws_s3_bucket" "replica" {
  provider = aws.us
}
resource "aws_s3_bucket_replication_configuration" "r" {
  bucket = aws_s3_bucket.src.id
  rule {
    destination {
      bucket = aws_s3_bucket.replica.arn
    }
  }
}
"""
        }
    )
    assert finding_tuples(result) == [
        ("HDS-FLOW-001", "fail", "aws_s3_bucket.src", 12),
        ("HDS-LOC-001", "fail", "aws_s3_bucket.replica", 14),
    ]
    assert result.findings[0].message == (
        "replicates to aws_s3_bucket.replica: us-east-1 (United States) is outside the EEA"
    )


def test_backup_copy_to_a_literal_vault_arn(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": PROVIDERS
            + """
resource "aws_backup_vault" "main" { name = "main" }
resource "aws_backup_plan" "p" {
  name = "p"
  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.main.name
    copy_action {
      destination_vault_arn = "arn:aws:backup:us-west-2:123456789012:backup-vault:dr"
    }
  }
}
"""
        }
    )
    assert finding_tuples(result) == [("HDS-FLOW-001", "fail", "aws_backup_plan.p", 13)]
    assert result.findings[0].message == (
        "is copied to arn:aws:backup:us-west-2:123456789012:backup-vault:dr: us-west-2"
        " (United States) is outside the EEA"
    )


def test_default_tags_mark_health_data_when_default_is_false(scan_files: Scan) -> None:
    result = scan_files(
        {
            ".hdslint.yaml": "health_data:\n  default: false\n  tags:\n    data-classification: [health]\n",
            "main.tf": """
provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = { data-classification = "health" }
  }
}
provider "aws" {
  alias  = "plain"
  region = "us-east-1"
}
resource "aws_s3_bucket" "tagged" {}
resource "aws_s3_bucket" "untagged" { provider = aws.plain }
""",
        }
    )
    assert finding_tuples(result) == [("HDS-LOC-001", "fail", "aws_s3_bucket.tagged", 11)]


def test_secret_attributes_are_not_kept(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": PROVIDERS
            + """
resource "aws_db_instance" "db" {
  username = "admin"
  password = "hunter2-secret"
}
"""
        }
    )
    (db,) = [r for r in result.graph if r.id == "aws_db_instance.db"]
    assert "password" not in db.attributes
    assert db.attributes["username"] == "admin"


def test_unparsable_file_is_an_error_and_the_rest_is_scanned(scan_files: Scan) -> None:
    result = scan_files(
        {
            "good/main.tf": PROVIDERS + 'resource "aws_s3_bucket" "b" { provider = aws.us }\n',
            "bad/main.tf": 'resource "aws_s3_bucket" "x" {\n  bucket = \n}\n',
        }
    )
    assert [str(e) for e in result.errors] == ["project/bad/main.tf:2: invalid HCL: unexpected '}'"]
    assert finding_tuples(result) == [("HDS-LOC-001", "fail", "aws_s3_bucket.b", 11)]


def test_remote_module_not_downloaded_is_not_evaluated(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": PROVIDERS
            + """
module "vpc" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "~> 4.0"
}
"""
        }
    )
    assert finding_tuples(result) == [("HDS-EVAL-001", "not_evaluated", "module.vpc", 12)]
    assert result.findings[0].message == (
        "could not be checked: contents is not known: remote module"
        " 'terraform-aws-modules/s3-bucket/aws' is not downloaded: hdslint never fetches"
        " modules; run `terraform init` first so .terraform/modules/modules.json lists it"
    )


def test_downloaded_module_is_evaluated_with_its_address(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": PROVIDERS
            + """
module "archive" {
  source    = "terraform-aws-modules/s3-bucket/aws"
  providers = { aws = aws.us }
}
""",
            ".terraform/modules/modules.json": '{"Modules": [{"Key": "", "Source": "", "Dir": "."},'
            ' {"Key": "archive", "Source": "registry.terraform.io/terraform-aws-modules/s3-bucket/aws",'
            ' "Dir": ".terraform/modules/archive"}]}',
            ".terraform/modules/archive/main.tf": 'resource "aws_s3_bucket" "this" {}\n',
        }
    )
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "module.archive.aws_s3_bucket.this", 1)
    ]
    assert result.findings[0].location.file == "project/.terraform/modules/archive/main.tf"
