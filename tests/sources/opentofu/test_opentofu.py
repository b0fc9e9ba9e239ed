"""OpenTofu: `.tofu` / `.tofu.json` files read like Terraform's, with OpenTofu's extension
precedence, provider `for_each` (1.9) and early-evaluated module sources (1.8)."""

from __future__ import annotations

from collections.abc import Callable

from hdslint.scan import ScanResult
from tests.conftest import finding_tuples

Scan = Callable[..., ScanResult]

US_BUCKET = 'provider "aws" { region = "us-east-1" }\nresource "aws_s3_bucket" "b" {}\n'
EU_BUCKET = 'provider "aws" { region = "eu-west-3" }\nresource "aws_s3_bucket" "b" {}\n'


def locations(result: ScanResult) -> list[tuple[str, str | None, str | None, int | None]]:
    return [(f.policy_id, f.resource.id, f.location.file, f.location.line) for f in result.findings]


def test_a_tofu_file_is_read_like_a_tf_file(scan_files: Scan) -> None:
    result = scan_files({"main.tofu": US_BUCKET})
    assert locations(result) == [
        ("HDS-LOC-001", "aws_s3_bucket.b", "project/main.tofu", 2),
    ]
    assert (result.files_scanned, result.errors) == (1, [])


def test_a_tofu_json_file_is_read_like_a_tf_json_file(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tofu.json": """
{
  "provider": {"aws": {"region": "us-east-1"}},
  "resource": {"aws_s3_bucket": {"b": {}}}
}
"""
        }
    )
    assert locations(result) == [
        ("HDS-LOC-001", "aws_s3_bucket.b", "project/main.tofu.json", 3),
    ]


def test_name_tofu_replaces_name_tf_in_the_same_folder(scan_files: Scan) -> None:
    # OpenTofu reads main.tofu and ignores main.tf; other.tf is still part of the module
    # (both main files declare aws_s3_bucket.b: read together they would be a duplicate).
    result = scan_files(
        {
            "main.tf": EU_BUCKET,
            "main.tofu": US_BUCKET,
            "other.tf": 'resource "aws_dynamodb_table" "t" { name = "t" }\n',
            "nested/main.tf": EU_BUCKET,
        }
    )
    assert locations(result) == [
        ("HDS-LOC-001", "aws_s3_bucket.b", "project/main.tofu", 2),
        ("HDS-LOC-001", "aws_dynamodb_table.t", "project/other.tf", 1),
    ]
    assert result.errors == []


def test_name_tofu_json_replaces_name_tf_json(scan_files: Scan) -> None:
    eu = '{"provider": {"aws": {"region": "eu-west-3"}}, "resource": {"aws_s3_bucket": {"b": {}}}}'
    us = '{"provider": {"aws": {"region": "us-east-1"}}, "resource": {"aws_s3_bucket": {"b": {}}}}'
    result = scan_files({"main.tf.json": eu, "main.tofu.json": us})
    assert finding_tuples(result) == [("HDS-LOC-001", "fail", "aws_s3_bucket.b", 1)]
    assert result.errors == []


PROVIDER_FOR_EACH = """
variable "regions" {
  default = { paris = "eu-west-3", virginia = "us-east-1" }
}
provider "aws" {
  alias    = "by_region"
  for_each = var.regions
  region   = each.value
}
resource "aws_s3_bucket" "b" {
  for_each = var.regions
  provider = aws.by_region[each.key]
}
module "s" {
  source    = "./store"
  for_each  = var.regions
  providers = { aws = aws.by_region[each.key] }
}
"""


def test_provider_for_each_locates_each_instance_in_its_region(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tofu": PROVIDER_FOR_EACH,
            "store/main.tf": 'resource "aws_dynamodb_table" "t" { name = "t" }\n',
        }
    )
    regions = {r.id: r.region for r in result.graph}
    assert regions == {
        'aws_s3_bucket.b["paris"]': "eu-west-3",
        'aws_s3_bucket.b["virginia"]': "us-east-1",
        'module.s["paris"].aws_dynamodb_table.t': "eu-west-3",
        'module.s["virginia"].aws_dynamodb_table.t': "us-east-1",
    }
    assert locations(result) == [
        ("HDS-LOC-001", 'aws_s3_bucket.b["virginia"]', "project/main.tofu", 9),
        ("HDS-LOC-001", 'module.s["virginia"].aws_dynamodb_table.t', "project/store/main.tf", 1),
    ]


def test_a_provider_instance_whose_key_is_not_known_is_not_evaluated(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tofu": """
variable "which" {}
provider "aws" {
  alias    = "by_region"
  for_each = { paris = "eu-west-3" }
  region   = each.value
}
resource "aws_s3_bucket" "b" { provider = aws.by_region[var.which] }
resource "aws_s3_bucket" "missing" { provider = aws.by_region["berlin"] }
"""
        }
    )
    assert finding_tuples(result) == [
        ("HDS-LOC-002", "not_evaluated", "aws_s3_bucket.b", 7),
        ("HDS-LOC-002", "not_evaluated", "aws_s3_bucket.missing", 8),
    ]
    unknown = {r.id: r.unknown["region"] for r in result.graph}
    assert unknown == {
        "aws_s3_bucket.b": "the provider instance aws.by_region[...] is not known: variable"
        " 'which' has no value: no default, and it is not set in terraform.tfvars,"
        " *.auto.tfvars, TF_VAR_which, --var-file or --var",
        "aws_s3_bucket.missing": 'no provider configuration aws.by_region["berlin"] exists',
    }


def test_an_early_evaluated_module_source_is_followed(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tofu": """
provider "aws" { region = "us-east-1" }
variable "kind" { default = "store" }
locals { folder = "./modules/${var.kind}" }
module "data" { source = local.folder }
""",
            "modules/store/main.tf": 'resource "aws_s3_bucket" "b" {}\n',
        }
    )
    # The called folder is evaluated as the module, not also on its own as a root.
    assert locations(result) == [
        ("HDS-LOC-001", "module.data.aws_s3_bucket.b", "project/modules/store/main.tf", 1),
    ]
