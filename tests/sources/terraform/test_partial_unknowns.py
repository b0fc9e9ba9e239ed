"""Unknowns are partial, as in Terraform (issue #15 section 4): what the code fixes is
decided even when a value next to it is only known after apply."""

from __future__ import annotations

from collections.abc import Callable

from hdslint.scan import ScanResult
from tests.conftest import finding_tuples

Scan = Callable[..., ScanResult]

AZURE = """
terraform {
  required_providers {
    azurerm = { source = "hashicorp/azurerm" }
  }
}
provider "azurerm" {
  features {}
}
"""


def test_an_object_with_an_unknown_attribute_is_not_null(scan_files: Scan) -> None:
    # Azure's AKS module (examples/named_cluster): a workspace passed in by id means the
    # module creates none; the id is only known after apply, the object is not null.
    module = """
variable "workspace" {
  type    = object({ id = string })
  default = null
}
resource "azurerm_log_analytics_workspace" "own" {
  count               = var.workspace == null ? 1 : 0
  name                = "own"
  location            = "japaneast"
  resource_group_name = "rg"
}
"""
    root = (
        AZURE
        + """
resource "azurerm_log_analytics_workspace" "shared" {
  name                = "shared"
  location            = "francecentral"
  resource_group_name = "rg"
}
module "given" {
  source    = "./aks"
  workspace = { id = azurerm_log_analytics_workspace.shared.id }
}
module "created" {
  source = "./aks"
}
"""
    )
    result = scan_files({"main.tf": root, "aks/main.tf": module})
    assert sorted(r.id for r in result.graph if r.type.startswith("azurerm_log")) == [
        "azurerm_log_analytics_workspace.shared",
        "module.created.azurerm_log_analytics_workspace.own",
    ]
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "module.created.azurerm_log_analytics_workspace.own", 5),
        ("HDS-COND-001", "fail", "azurerm_log_analytics_workspace.shared", 10),
    ]


def test_a_collection_with_an_unknown_element_keeps_its_length_and_keys(
    scan_files: Scan,
) -> None:
    result = scan_files(
        {
            "main.tf": AZURE
            + """
resource "azurerm_resource_group" "rg" {
  name     = "rg"
  location = "westeurope"
}
locals {
  ids   = [azurerm_resource_group.rg.id, "fixed"]
  named = { a = azurerm_resource_group.rg.id }
}
resource "azurerm_storage_account" "by_length" {
  count                    = length(local.ids) == 2 ? 0 : 1
  name                     = "bylength"
  resource_group_name      = "rg"
  location                 = "eastus"
  account_tier             = "Standard"
  account_replication_type = "LRS"
}
resource "azurerm_storage_account" "by_keys" {
  count                    = keys(local.named) == ["a"] ? 1 : 0
  name                     = "bykeys"
  resource_group_name      = "rg"
  location                 = "eastus"
  account_tier             = "Standard"
  account_replication_type = "LRS"
}
"""
        }
    )
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "azurerm_storage_account.by_keys", 26)
    ]


def test_an_unknown_for_each_key_does_not_hide_a_known_location(scan_files: Scan) -> None:
    # Azure's enterprise-scale module: workspaces keyed by a subscription id that a data
    # source gives, each with the location the configuration chose.
    result = scan_files(
        {
            "main.tf": AZURE
            + """
data "azurerm_client_config" "current" {}
variable "primary_location" {
  default = "eastus"
}
locals {
  workspaces = {
    for w in [{ name = "logs", location = var.primary_location }] :
    "/subscriptions/${data.azurerm_client_config.current.subscription_id}/${w.name}" => w
  }
}
resource "azurerm_log_analytics_workspace" "management" {
  for_each            = local.workspaces
  name                = each.value.name
  location            = each.value.location
  resource_group_name = "rg"
}
"""
        }
    )
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "azurerm_log_analytics_workspace.management", 20)
    ]
    assert [r.region for r in result.graph] == ["eastus"]


def test_unknown_keys_with_different_locations_stay_unknown(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": AZURE
            + """
data "azurerm_client_config" "current" {}
locals {
  workspaces = {
    for w in [{ name = "a", location = "eastus" }, { name = "b", location = "westeurope" }] :
    "${data.azurerm_client_config.current.subscription_id}-${w.name}" => w
  }
}
resource "azurerm_log_analytics_workspace" "management" {
  for_each            = local.workspaces
  name                = each.value.name
  location            = each.value.location
  resource_group_name = "rg"
}
"""
        }
    )
    assert finding_tuples(result) == [
        ("HDS-LOC-002", "not_evaluated", "azurerm_log_analytics_workspace.management", 17)
    ]


def test_a_resource_created_zero_times_is_not_reported(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": AZURE
            + """
variable "create" {
  default = false
}
resource "azurerm_storage_account" "never" {
  count                    = var.create ? 1 : 0
  name                     = "never"
  resource_group_name      = "rg"
  location                 = "eastus"
  account_tier             = "Standard"
  account_replication_type = "LRS"
}
resource "azurerm_storage_account" "empty" {
  for_each                 = {}
  name                     = "empty"
  resource_group_name      = "rg"
  location                 = "eastus"
  account_tier             = "Standard"
  account_replication_type = "LRS"
}
"""
        }
    )
    assert [r.id for r in result.graph] == []
    assert finding_tuples(result) == []


def test_try_takes_the_first_argument_that_evaluates(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": AZURE
            + """
variable "settings" {
  default = { name = "records" }
}
variable "location" {
  default = "brazilsouth"
}
resource "azurerm_storage_account" "records" {
  name                     = "records"
  resource_group_name      = "rg"
  location                 = try(var.settings.location, var.location)
  account_tier             = "Standard"
  account_replication_type = "LRS"
}
"""
        }
    )
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "azurerm_storage_account.records", 16)
    ]


def test_null_for_a_variable_that_is_not_nullable_means_its_default(scan_files: Scan) -> None:
    # The Azure Verified Module for SQL (modules/database): a database's optional
    # `diagnostic_settings` is null, and the child's variable, `nullable = false` with
    # default {}, takes its default: no diagnostic setting, hence no unknown log destination.
    module = """
variable "diagnostic_settings" {
  type     = map(object({ workspace_resource_id = optional(string) }))
  default  = {}
  nullable = false
}
resource "azurerm_mssql_database" "this" {
  name      = "db"
  server_id = azurerm_mssql_server.s.id
  storage_account_type = "Local"
}
resource "azurerm_mssql_server" "s" {
  name                = "s"
  location            = "francecentral"
  resource_group_name = "rg"
}
resource "azurerm_monitor_diagnostic_setting" "this" {
  for_each                   = var.diagnostic_settings
  name                       = "diag"
  target_resource_id         = azurerm_mssql_database.this.id
  log_analytics_workspace_id = each.value.workspace_resource_id
}
"""
    root = (
        AZURE
        + """
variable "databases" {
  type = map(object({ diagnostic_settings = optional(map(object({
    workspace_resource_id = optional(string)
  }))) }))
  default = { one = {} }
}
module "database" {
  source              = "./db"
  for_each            = var.databases
  diagnostic_settings = each.value.diagnostic_settings
}
"""
    )
    result = scan_files({"main.tf": root, "db/main.tf": module})
    assert not [r for r in result.graph if r.type == "azurerm_monitor_diagnostic_setting"]
    assert finding_tuples(result) == [
        ("HDS-COND-001", "fail", 'module.database["one"].azurerm_mssql_database.this', 6),
        ("HDS-COND-001", "fail", 'module.database["one"].azurerm_mssql_server.s', 11),
    ]
