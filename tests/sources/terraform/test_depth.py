"""Terraform evaluated as Terraform would: modules, providers, multi-cloud locations, flows."""

from __future__ import annotations

from collections.abc import Callable

from hdslint.ids import Outside
from hdslint.model import Unknown
from hdslint.scan import ScanResult
from tests.conftest import finding_tuples

Scan = Callable[..., ScanResult]


def located(result: ScanResult) -> dict[str, tuple[str | None, str | None]]:
    return {r.id: (r.provider, r.region) for r in result.graph}


def test_auto_tfvars_selects_a_map_entry_through_a_local(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": """
variable "env" { default = "dev" }
variable "regions" {
  type = map(string)
  default = { dev = "us-east-1", prod = "eu-west-3" }
}
locals {
  region = lookup(var.regions, var.env, "us-east-1")
}
provider "aws" { region = local.region }
resource "aws_dynamodb_table" "patients" { name = "patients" }
""",
            "prod.auto.tfvars": 'env = "prod"\n',
        }
    )
    assert located(result) == {"aws_dynamodb_table.patients": ("aws", "eu-west-3")}
    assert finding_tuples(result) == []


def test_module_called_twice_once_with_the_us_provider(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": """
provider "aws" { region = "eu-west-3" }
provider "aws" {
  alias  = "us"
  region = "us-east-1"
}
module "primary" {
  source = "./modules/store"
  name   = "primary"
}
module "dr" {
  source    = "./modules/store"
  name      = "dr"
  providers = { aws = aws.us }
}
""",
            "modules/store/main.tf": """
variable "name" {}
resource "aws_db_instance" "this" {
  identifier = "phi-${var.name}"
  engine     = "postgres"
}
""",
        }
    )
    assert located(result) == {
        "module.primary.aws_db_instance.this": ("aws", "eu-west-3"),
        "module.dr.aws_db_instance.this": ("aws", "us-east-1"),
    }
    assert finding_tuples(result) == [("HDS-LOC-001", "fail", "module.dr.aws_db_instance.this", 2)]
    assert result.findings[0].location.file == "project/modules/store/main.tf"


def test_module_for_each_and_nested_modules(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": """
provider "aws" { region = "eu-west-3" }
module "tenant" {
  source   = "./modules/tenant"
  for_each = toset(["a", "b"])
  tenant   = each.key
}
""",
            "modules/tenant/main.tf": """
variable "tenant" {}
module "bucket" {
  source = "../bucket"
  name   = "phi-${var.tenant}"
}
""",
            "modules/bucket/main.tf": """
variable "name" {}
resource "aws_s3_bucket" "this" { bucket = var.name }
""",
        }
    )
    assert sorted(located(result)) == [
        'module.tenant["a"].module.bucket.aws_s3_bucket.this',
        'module.tenant["b"].module.bucket.aws_s3_bucket.this',
    ]


def test_backup_plan_copying_to_a_vault_in_oregon(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": """
provider "aws" { region = "eu-west-3" }
provider "aws" {
  alias  = "oregon"
  region = "us-west-2"
}
resource "aws_backup_vault" "main" { name = "main" }
resource "aws_backup_vault" "far" {
  provider = aws.oregon
  name     = "far"
}
resource "aws_backup_plan" "daily" {
  name = "daily"
  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.main.name
    copy_action {
      destination_vault_arn = aws_backup_vault.far.arn
    }
  }
}
"""
        }
    )
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "aws_backup_vault.far", 7),
        ("HDS-FLOW-001", "fail", "aws_backup_plan.daily", 11),
    ]
    assert result.findings[1].message == (
        "is copied to aws_backup_vault.far: us-west-2 (United States) is outside the EEA"
    )


def test_azure_location_from_the_resource_group_and_display_names(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": """
provider "azurerm" {
  features {}
}
resource "azurerm_resource_group" "us" {
  name     = "rg-us"
  location = "East US"
}
resource "azurerm_resource_group" "fr" {
  name     = "rg-fr"
  location = "France Central"
}
resource "azurerm_storage_account" "us" {
  name                     = "phius"
  resource_group_name      = azurerm_resource_group.us.name
  location                 = azurerm_resource_group.us.location
  account_tier             = "Standard"
  account_replication_type = "LRS"
}
resource "azurerm_storage_account" "fr" {
  name                     = "phifr"
  resource_group_name      = azurerm_resource_group.fr.name
  location                 = azurerm_resource_group.fr.location
  account_tier             = "Standard"
  account_replication_type = "GRS"
}
resource "azurerm_storage_container" "scans" {
  name               = "scans"
  storage_account_id = azurerm_storage_account.fr.id
}
"""
        }
    )
    assert located(result) == {
        "azurerm_resource_group.us": ("azure", "eastus"),
        "azurerm_resource_group.fr": ("azure", "francecentral"),
        "azurerm_storage_account.us": ("azure", "eastus"),
        "azurerm_storage_account.fr": ("azure", "francecentral"),
        "azurerm_storage_container.scans": ("azure", "francecentral"),
    }
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "azurerm_storage_account.us", 12),
        ("HDS-COND-001", "fail", "azurerm_storage_account.fr", 19),
        ("HDS-COND-001", "fail", "azurerm_storage_container.scans", 26),
    ]
    # GRS keeps a copy in the paired region, France South: still in France, and covered.
    (edge,) = [e for e in result.graph.edges if e.kind.value == "replicates_to"]
    assert edge.target == Outside("azure", "francesouth")


def test_gcp_buckets_in_us_and_eu_multi_regions(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": """
provider "google" {
  project = "phi"
  region  = "europe-west9"
}
resource "google_storage_bucket" "us" {
  name     = "phi-us"
  location = "US"
}
resource "google_storage_bucket" "eu" {
  name     = "phi-eu"
  location = "EU"
}
resource "google_bigquery_dataset" "default_location" {
  dataset_id = "phi"
}
"""
        }
    )
    assert located(result) == {
        "google_storage_bucket.us": ("gcp", "us"),
        "google_storage_bucket.eu": ("gcp", "eu"),
        "google_bigquery_dataset.default_location": ("gcp", "us"),
    }
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "google_storage_bucket.us", 5),
        ("HDS-COND-001", "fail", "google_storage_bucket.eu", 9),
        ("HDS-LOC-001", "fail", "google_bigquery_dataset.default_location", 13),
    ]


def test_scaleway_bucket_in_amsterdam_is_not_covered(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": """
terraform {
  required_providers {
    scaleway = { source = "scaleway/scaleway" }
  }
}
provider "scaleway" { region = "fr-par" }
resource "scaleway_object_bucket" "paris" { name = "phi-paris" }
resource "scaleway_object_bucket" "ams" {
  name   = "phi-ams"
  region = "nl-ams"
}
""",
            ".hdslint.yaml": "registry:\n  conditions:\n    confirmed: [scaleway:hds-contract]\n",
        }
    )
    assert located(result) == {
        "scaleway_object_bucket.paris": ("scaleway", "fr-par"),
        "scaleway_object_bucket.ams": ("scaleway", "nl-ams"),
    }
    assert finding_tuples(result) == [("HDS-CERT-001", "fail", "scaleway_object_bucket.ams", 8)]
    assert result.findings[0].message == (
        "Scaleway's HDS certificate does not cover nl-ams (Netherlands) (Scaleway's November"
        " 2025 HDS guides require the Paris region for health data.)"
    )


def test_outscale_eu_west_2_is_france_not_london(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": """
terraform {
  required_providers {
    outscale = { source = "outscale/outscale" }
  }
}
provider "outscale" {
  api {
    region = "eu-west-2"
  }
}
resource "outscale_volume" "data" {
  subregion_name = "eu-west-2a"
  size           = 100
}
"""
        }
    )
    assert located(result) == {"outscale_volume.data": ("outscale", "eu-west-2")}
    # France: in the EEA; Outscale's HDS status is unconfirmed, so: cannot tell.
    assert finding_tuples(result) == [("HDS-CERT-001", "not_evaluated", "outscale_volume.data", 11)]


def test_providers_absent_from_the_registry_are_not_covered(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": """
resource "digitalocean_spaces_bucket" "default_region" { name = "phi" }
resource "digitalocean_database_cluster" "fra" {
  name   = "phi"
  engine = "pg"
  region = "fra1"
}
"""
        }
    )
    assert located(result) == {
        "digitalocean_spaces_bucket.default_region": ("digitalocean", "nyc3"),
        "digitalocean_database_cluster.fra": ("digitalocean", "fra1"),
    }
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "digitalocean_spaces_bucket.default_region", 1),
        ("HDS-CERT-001", "fail", "digitalocean_database_cluster.fra", 2),
    ]


def test_clever_cloud_default_zone_is_not_an_hds_zone(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": """
resource "clevercloud_postgresql" "default" { name = "phi" }
resource "clevercloud_postgresql" "hds" {
  name   = "phi-hds"
  region = "grahds"
}
""",
            ".hdslint.yaml": "registry:\n  conditions:\n    confirmed: [clevercloud:hds-contract]\n",
        }
    )
    assert located(result) == {
        "clevercloud_postgresql.default": ("clevercloud", "par"),
        "clevercloud_postgresql.hds": ("clevercloud", "grahds"),
    }
    assert finding_tuples(result) == [("HDS-CERT-001", "fail", "clevercloud_postgresql.default", 1)]


def test_for_each_over_regions_with_aws_v6_region_argument(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": """
provider "aws" { region = "eu-west-3" }
resource "aws_s3_bucket" "copies" {
  for_each = toset(["eu-west-3", "us-east-1"])
  region   = each.value
  bucket   = "phi-${each.key}"
}
resource "aws_s3_bucket" "same" {
  count  = 3
  bucket = "phi-${count.index}"
}
"""
        }
    )
    assert located(result) == {
        'aws_s3_bucket.copies["eu-west-3"]': ("aws", "eu-west-3"),
        'aws_s3_bucket.copies["us-east-1"]': ("aws", "us-east-1"),
        "aws_s3_bucket.same": ("aws", "eu-west-3"),
    }
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", 'aws_s3_bucket.copies["us-east-1"]', 2)
    ]


def test_dynamic_blocks_are_read(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": """
provider "aws" { region = "eu-west-3" }
variable "replicas" { default = ["eu-central-1", "us-east-2"] }
resource "aws_dynamodb_table" "patients" {
  name = "patients"
  dynamic "replica" {
    for_each = var.replicas
    content {
      region_name = replica.value
    }
  }
}
"""
        }
    )
    assert finding_tuples(result) == [("HDS-FLOW-001", "fail", "aws_dynamodb_table.patients", 3)]
    assert result.findings[0].message == (
        "replicates to a destination in us-east-2: us-east-2 (United States) is outside the EEA"
    )


def test_tf_json_syntax(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf.json": """
{
  "variable": {"region": {"default": "us-east-1"}},
  "provider": {"aws": [{"region": "${var.region}"}, {"alias": "eu", "region": "eu-west-3"}]},
  "resource": {
    "aws_s3_bucket": {
      "us": {"bucket": "phi-us"},
      "eu": {"provider": "aws.eu", "bucket": "phi-eu"}
    }
  }
}
""",
            "terraform.tfvars.json": '{"region": "us-west-2"}\n',
        }
    )
    assert located(result) == {
        "aws_s3_bucket.us": ("aws", "us-west-2"),
        "aws_s3_bucket.eu": ("aws", "eu-west-3"),
    }
    assert finding_tuples(result) == [("HDS-LOC-001", "fail", "aws_s3_bucket.us", 6)]


def test_invalid_tf_json_is_an_error_naming_the_line(scan_files: Scan) -> None:
    result = scan_files({"main.tf.json": '{\n  "resource": {\n    "aws_s3_bucket": {,\n  }\n}\n'})
    assert [str(e) for e in result.errors] == [
        "project/main.tf.json:3: invalid Terraform JSON: Expecting property name enclosed in"
        " double quotes"
    ]


def test_nothing_is_a_data_store_because_of_its_name(scan_files: Scan) -> None:
    # Issue #15: route tables, DB parameter/option/subnet groups, Log Analytics solutions,
    # backend buckets and SQL administrators hold no data, whatever their names suggest.
    result = scan_files(
        {
            "main.tf": """
provider "aws" { region = "us-east-1" }
provider "azurerm" { features {} }
provider "google" { region = "us-central1" }
resource "aws_route_table" "rt" { vpc_id = "vpc-1" }
resource "aws_db_option_group" "og" { engine_name = "mysql" }
resource "aws_db_parameter_group" "pg" { family = "mysql8.0" }
resource "aws_db_subnet_group" "sg" { subnet_ids = [] }
resource "azurerm_route_table" "rt" {
  name = "rt"
  location = "eastus"
  resource_group_name = "rg"
}
resource "azurerm_log_analytics_solution" "s" { location = "eastus" }
resource "google_compute_backend_bucket" "b" { bucket_name = "b" }
resource "exoscale_sos_bucket_policy" "p" { zone = "ch-gva-2" }
"""
        }
    )
    assert {r.category for r in result.graph} == {"other"}
    assert finding_tuples(result) == []


def test_values_read_from_yaml_files_beside_the_module(scan_files: Scan, tmp_path) -> None:  # type: ignore[no-untyped-def]
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("region: us-east-1\n")
    main = """
locals {
  # Cloud Foundation Fabric's factories: pathexpand() of a path without `~` is the path.
  data    = pathexpand("${path.module}/data")
  buckets = { for f in fileset(local.data, "*.yaml") :
    trimsuffix(f, ".yaml") => yamldecode(file("${local.data}/${f}")) }
  home    = try(pathexpand("~/data"), "error")
  outside = try(yamldecode(file("OUTSIDE/secret.yaml")).region, "not read")
}
provider "aws" { region = "eu-west-3" }
resource "aws_s3_bucket" "b" {
  for_each = local.buckets
  region   = each.value.region
}
resource "aws_sqs_queue" "q" { name = local.outside }
resource "aws_sns_topic" "home" { name = local.home }
""".replace("OUTSIDE", str(outside))
    result = scan_files(
        {
            "main.tf": main,
            "data/paris.yaml": "region: eu-west-3\n",
            "data/ohio.yaml": "region: us-east-2\n",
        }
    )
    assert {r.id: r.region for r in result.graph if r.type == "aws_s3_bucket"} == {
        'aws_s3_bucket.b["ohio"]': "us-east-2",
        'aws_s3_bucket.b["paris"]': "eu-west-3",
    }
    # A file outside the scanned folders is not read.
    (queue,) = [r for r in result.graph if r.type == "aws_sqs_queue"]
    assert queue.attributes["name"] == "not read"
    # The home folder is not known, and not an error that `try()` would catch.
    (home,) = [r for r in result.graph if r.id == "aws_sns_topic.home"]
    assert home.attributes["name"] == Unknown(
        "pathexpand('~/data') names the home folder of whoever runs Terraform"
    )


def test_unknown_tags_matter_only_for_health_data_keys(scan_files: Scan) -> None:
    result = scan_files(
        {
            ".hdslint.yaml": "health_data:\n  default: false\n  tags:\n    data-classification: [health]\n",
            "main.tf": """
variable "classification" {}
provider "aws" { region = "us-east-1" }
resource "aws_s3_bucket" "unknown_class" {
  tags = { data-classification = var.classification }
}
resource "aws_s3_bucket" "unknown_owner" {
  tags = { owner = var.classification, data-classification = "public" }
}
""",
        }
    )
    assert finding_tuples(result) == [
        ("HDS-DATA-001", "not_evaluated", "aws_s3_bucket.unknown_class", 3),
    ]
    assert result.findings[0].message == (
        "could not be checked: whether it holds health data is not known: its tags are not"
        " known: tag 'data-classification': variable 'classification' has no value: no default,"
        " and it is not set in terraform.tfvars, *.auto.tfvars, TF_VAR_classification,"
        " --var-file or --var"
    )
