"""Issue #15: every place where data rests is a data store, located where Terraform puts it;
nothing is one because of its name."""

from __future__ import annotations

from collections.abc import Callable

from hdslint.scan import ScanResult
from tests.conftest import finding_tuples

Scan = Callable[..., ScanResult]


def stores(result: ScanResult) -> dict[str, tuple[str | None, str | None]]:
    return {r.id: (r.provider, r.region) for r in result.graph if r.is_data_store}


def test_virtual_machines_are_stores_for_their_disks(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": """
provider "aws" { region = "us-east-1" }
provider "azurerm" { features {} }
provider "google" { region = "europe-west9" }
resource "aws_instance" "web" {
  ami = "ami-1"
  root_block_device { volume_size = 20 }
}
resource "aws_workspaces_workspace" "desk" { directory_id = "d-1" }
resource "azurerm_linux_virtual_machine" "vm" {
  name = "vm"
  location = "eastus"
}
resource "azurerm_virtual_machine" "legacy" {
  name = "legacy"
  location = "westus"
}
resource "google_compute_instance" "eu" {
  name = "eu"
  zone = "europe-west9-a"
}
resource "aws_launch_template" "t" { name = "t" }
"""
        }
    )
    assert stores(result) == {
        "aws_instance.web": ("aws", "us-east-1"),
        "aws_workspaces_workspace.desk": ("aws", "us-east-1"),
        "azurerm_linux_virtual_machine.vm": ("azure", "eastus"),
        "azurerm_virtual_machine.legacy": ("azure", "westus"),
        "google_compute_instance.eu": ("gcp", "europe-west9"),
    }
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "aws_instance.web", 4),
        ("HDS-LOC-001", "fail", "aws_workspaces_workspace.desk", 8),
        ("HDS-LOC-001", "fail", "azurerm_linux_virtual_machine.vm", 9),
        ("HDS-LOC-001", "fail", "azurerm_virtual_machine.legacy", 13),
        ("HDS-COND-001", "fail", "google_compute_instance.eu", 17),
    ]


def test_analytics_ml_search_platforms_and_registries_are_stores(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": """
provider "aws" { region = "us-west-2" }
provider "azurerm" { features {} }
provider "google" {}
resource "aws_emr_cluster" "emr" { name = "emr" }
resource "aws_sagemaker_notebook_instance" "nb" { name = "nb" }
resource "aws_dax_cluster" "dax" { cluster_name = "dax" }
resource "aws_cloudsearch_domain" "search" { name = "search" }
resource "aws_cloudtrail_event_data_store" "lake" { name = "lake" }
resource "azurerm_databricks_workspace" "dbw" { location = "eastus" }
resource "azurerm_synapse_workspace" "syn" { location = "eastus" }
resource "azurerm_kusto_cluster" "adx" { location = "eastus" }
resource "azurerm_search_service" "ai" { location = "eastus" }
resource "azurerm_machine_learning_workspace" "ml" { location = "eastus" }
resource "azurerm_container_registry" "acr" {
  location = "francecentral"
  georeplications { location = "eastus" }
}
resource "google_dataproc_cluster" "dp" { region = "us-central1" }
resource "google_vertex_ai_index" "idx" { region = "us-central1" }
resource "google_artifact_registry_repository" "ar" {
  location = "us"
  labels = { data-classification = "phi" }
}
"""
        }
    )
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "aws_emr_cluster.emr", 4),
        ("HDS-LOC-001", "fail", "aws_sagemaker_notebook_instance.nb", 5),
        ("HDS-LOC-001", "fail", "aws_dax_cluster.dax", 6),
        ("HDS-LOC-001", "fail", "aws_cloudsearch_domain.search", 7),
        ("HDS-LOC-001", "fail", "aws_cloudtrail_event_data_store.lake", 8),
        ("HDS-LOC-001", "fail", "azurerm_databricks_workspace.dbw", 9),
        ("HDS-LOC-001", "fail", "azurerm_synapse_workspace.syn", 10),
        ("HDS-LOC-001", "fail", "azurerm_kusto_cluster.adx", 11),
        ("HDS-LOC-001", "fail", "azurerm_search_service.ai", 12),
        ("HDS-LOC-001", "fail", "azurerm_machine_learning_workspace.ml", 13),
        ("HDS-LOC-001", "fail", "google_dataproc_cluster.dp", 18),
        ("HDS-LOC-001", "fail", "google_vertex_ai_index.idx", 19),
        # Labelled as health data (the default `data-classification` tag).
        ("HDS-LOC-001", "fail", "google_artifact_registry_repository.ar", 20),
    ]
    # Registries are stores, not presumed to hold health data: a label marks one that does.
    registries = {
        r.id: (r.category, r.presumed_health_data)
        for r in result.graph
        if r.type.endswith(("container_registry", "registry_repository"))
    }
    assert registries == {
        "azurerm_container_registry.acr": ("storage", False),
        "google_artifact_registry_repository.ar": ("storage", False),
    }


def test_a_tagged_registry_replicating_outside_the_eea_fails(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": """
provider "azurerm" { features {} }
resource "azurerm_container_registry" "acr" {
  location = "francecentral"
  tags = { data-classification = "phi" }
  georeplications { location = "eastus" }
}
""",
            ".hdslint.yaml": "health_data:\n  default: false\n  tags:\n"
            "    data-classification: [phi]\n",
        }
    )
    assert [
        (policy, status, rid, line)
        for policy, status, rid, line in finding_tuples(result)
        if policy.startswith("HDS-FLOW")
    ] == [("HDS-FLOW-001", "fail", "azurerm_container_registry.acr", 2)]


def test_children_take_their_parents_region(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": """
provider "azurerm" { features {} }
provider "google" {}
resource "azurerm_storage_account" "sa" {
  name = "sa"
  location = "eastus"
  account_replication_type = "LRS"
}
resource "azurerm_storage_queue" "q" {
  name = "q"
  storage_account_name = azurerm_storage_account.sa.name
}
resource "azurerm_storage_table" "t" {
  name = "t"
  storage_account_name = azurerm_storage_account.sa.name
}
resource "azurerm_servicebus_namespace" "ns" { location = "westus" }
resource "azurerm_servicebus_queue" "sbq" { namespace_id = azurerm_servicebus_namespace.ns.id }
resource "azurerm_cosmosdb_account" "db" {
  location = "francecentral"
  backup {
    type = "Periodic"
    storage_redundancy = "Local"
  }
}
resource "azurerm_cosmosdb_sql_database" "sql" { account_name = azurerm_cosmosdb_account.db.name }
resource "google_sql_database_instance" "pg" { region = "us-east1" }
resource "google_sql_database" "app" { instance = google_sql_database_instance.pg.name }
resource "google_bigtable_instance" "bt" {
  cluster { zone = "europe-west1-b" }
}
resource "google_bigtable_table" "tb" { instance_name = google_bigtable_instance.bt.name }
"""
        }
    )
    assert stores(result) == {
        "azurerm_storage_account.sa": ("azure", "eastus"),
        "azurerm_storage_queue.q": ("azure", "eastus"),
        "azurerm_storage_table.t": ("azure", "eastus"),
        "azurerm_servicebus_namespace.ns": ("azure", "westus"),
        "azurerm_servicebus_queue.sbq": ("azure", "westus"),
        "azurerm_cosmosdb_account.db": ("azure", "francecentral"),
        "azurerm_cosmosdb_sql_database.sql": ("azure", "francecentral"),
        "google_sql_database_instance.pg": ("gcp", "us-east1"),
        "google_sql_database.app": ("gcp", "us-east1"),
        "google_bigtable_instance.bt": ("gcp", "europe-west1"),
        "google_bigtable_table.tb": ("gcp", "europe-west1"),
    }
    assert [t for t in finding_tuples(result) if t[0] == "HDS-LOC-001"] == [
        ("HDS-LOC-001", "fail", "azurerm_storage_account.sa", 3),
        ("HDS-LOC-001", "fail", "azurerm_storage_queue.q", 8),
        ("HDS-LOC-001", "fail", "azurerm_storage_table.t", 12),
        ("HDS-LOC-001", "fail", "azurerm_servicebus_namespace.ns", 16),
        ("HDS-LOC-001", "fail", "azurerm_servicebus_queue.sbq", 17),
        ("HDS-LOC-001", "fail", "google_sql_database_instance.pg", 26),
        ("HDS-LOC-001", "fail", "google_sql_database.app", 27),
    ]


def test_kubernetes_provider_claims_and_stateful_sets_with_claim_templates(
    scan_files: Scan,
) -> None:
    result = scan_files(
        {
            "main.tf": """
provider "kubernetes" {}
resource "kubernetes_persistent_volume_claim_v1" "data" {
  metadata { name = "data" }
  spec {
    access_modes = ["ReadWriteOnce"]
  }
}
resource "kubernetes_stateful_set_v1" "db" {
  metadata { name = "db" }
  spec {
    service_name = "db"
    volume_claim_template {
      metadata { name = "pgdata" }
    }
  }
}
resource "kubernetes_stateful_set" "stateless" {
  metadata { name = "web" }
  spec { service_name = "web" }
}
"""
        }
    )
    assert stores(result) == {
        "kubernetes_persistent_volume_claim_v1.data": ("kubernetes", None),
        "kubernetes_stateful_set_v1.db": ("kubernetes", None),
    }
    assert finding_tuples(result) == [
        ("HDS-LOC-002", "not_evaluated", "kubernetes_persistent_volume_claim_v1.data", 2),
        ("HDS-LOC-002", "not_evaluated", "kubernetes_stateful_set_v1.db", 8),
    ]
    assert result.findings[0].message.endswith(
        "the region is not known: it is in the Kubernetes cluster the provider connects to,"
        " and no argument of the configuration says where that cluster runs"
    )


AZAPI_REQUIRED = (
    'terraform {\n  required_providers {\n    azapi = { source = "Azure/azapi" }\n  }\n}\n'
)


def test_azapi_resources_are_what_their_type_names_located_by_their_parent(
    scan_files: Scan,
) -> None:
    # The Azure Verified Modules declare every Azure resource as an `azapi_resource`.
    result = scan_files(
        {
            "main.tf": AZAPI_REQUIRED
            + """resource "azapi_resource" "rg" {
  type      = "Microsoft.Resources/resourceGroups@2024-03-01"
  name      = "rg"
  location  = "eastus"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000000"
}
resource "azapi_resource" "sa" {
  type      = "Microsoft.Storage/storageAccounts@2023-05-01"
  name      = "sa"
  parent_id = azapi_resource.rg.id
  body      = { kind = "StorageV2", sku = { name = "Standard_LRS" } }
}
module "queue" {
  source             = "./queue"
  storage_account_id = azapi_resource.sa.id
}
resource "azapi_resource" "ws" {
  type      = "microsoft.operationalinsights/workspaces@2022-10-01"
  name      = "ws"
  location  = "francecentral"
  parent_id = azapi_resource.rg.id
}
resource "azapi_resource" "lock" {
  type      = "Microsoft.Authorization/locks@2020-05-01"
  name      = "lock"
  parent_id = azapi_resource.sa.id
}
""",
            "queue/main.tf": AZAPI_REQUIRED
            + """variable "storage_account_id" { type = string }
resource "azapi_resource" "this" {
  type      = "Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01"
  name      = "q"
  parent_id = "${var.storage_account_id}/queueServices/default"
}
""",
        }
    )
    assert stores(result) == {
        "azapi_resource.sa": ("azure", "eastus"),
        "azapi_resource.ws": ("azure", "francecentral"),
        "module.queue.azapi_resource.this": ("azure", "eastus"),
    }
    assert {r.id: r.service for r in result.graph if r.is_data_store} == {
        "azapi_resource.sa": "azure:storage",
        "azapi_resource.ws": "azure:loganalytics",
        "module.queue.azapi_resource.this": "azure:storage",
    }
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "azapi_resource.sa", 12),
        ("HDS-COND-001", "fail", "azapi_resource.ws", 22),
        ("HDS-LOC-001", "fail", "module.queue.azapi_resource.this", 7),
    ]


def test_a_child_whose_parent_is_not_in_the_configuration_is_not_located(
    scan_files: Scan,
) -> None:
    result = scan_files(
        {
            "main.tf": AZAPI_REQUIRED
            + """resource "azapi_resource" "share" {
  type      = "Microsoft.Storage/storageAccounts/fileServices/shares@2023-05-01"
  name      = "share"
  parent_id = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa/fileServices/default"
}
"""
        }
    )
    assert finding_tuples(result) == [("HDS-LOC-002", "not_evaluated", "azapi_resource.share", 6)]
    assert result.findings[0].message.endswith(
        "azapi_resource lives in what parent_id ="
        ' "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa'
        '/fileServices/default" names, which is not a resource in the scanned configuration'
    )


def test_ovh_share_snapshots_are_where_their_share_is(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": """
terraform {
  required_providers {
    ovh = { source = "ovh/ovh" }
  }
}
resource "ovh_cloud_storage_file_share" "share" {
  service_name = "p1"
  region       = "GRA9"
}
resource "ovh_cloud_storage_file_share_snapshot" "daily" {
  service_name = ovh_cloud_storage_file_share.share.service_name
  share_id     = ovh_cloud_storage_file_share.share.id
  name         = "daily"
}
resource "ovh_cloud_project_database_kafka_topic" "t" { cluster_id = "c" }
"""
        }
    )
    assert {r.id: r.region for r in result.graph if r.is_data_store} == {
        "ovh_cloud_storage_file_share.share": "GRA9",
        "ovh_cloud_storage_file_share_snapshot.daily": "GRA9",
    }


def test_delivery_settings_views_and_vm_policies_are_not_stores(scan_files: Scan) -> None:
    # Hand-judged false positives on the public corpus (docs/accuracy.md): a trail and a flow
    # log deliver records to a bucket (terragoat terraform/aws/ec2.tf:250, terrascan's
    # moduleconfigs/cloudtrail); a BigQuery view or external table keeps no rows; a resource
    # policy that groups disks keeps nothing (terraform-docs-samples
    # compute/disk_consistency_group_attachment). The bucket, the table, the materialized
    # view and the snapshot schedule are stores.
    result = scan_files(
        {
            "main.tf": """
provider "aws" { region = "us-west-2" }
provider "google" { region = "us-central1" }
resource "aws_s3_bucket" "logs" { bucket = "logs" }
resource "aws_cloudtrail" "trail" {
  name           = "trail"
  s3_bucket_name = aws_s3_bucket.logs.id
}
resource "aws_flow_log" "vpc" {
  log_destination      = aws_s3_bucket.logs.arn
  log_destination_type = "s3"
  vpc_id               = "vpc-1"
}
resource "google_bigquery_dataset" "ds" {
  dataset_id = "ds"
  location   = "US"
}
resource "google_bigquery_table" "rows" {
  dataset_id = google_bigquery_dataset.ds.dataset_id
  table_id   = "rows"
}
resource "google_bigquery_table" "view" {
  dataset_id = google_bigquery_dataset.ds.dataset_id
  table_id   = "view"
  view {
    query          = "SELECT 1"
    use_legacy_sql = false
  }
}
resource "google_bigquery_table" "external" {
  dataset_id = google_bigquery_dataset.ds.dataset_id
  table_id   = "external"
  external_data_configuration {
    autodetect    = true
    source_format = "CSV"
    source_uris   = ["gs://b/*.csv"]
  }
}
resource "google_bigquery_table" "materialized" {
  dataset_id = google_bigquery_dataset.ds.dataset_id
  table_id   = "materialized"
  materialized_view { query = "SELECT 1" }
}
resource "google_compute_resource_policy" "group" {
  name = "group"
  disk_consistency_group_policy { enabled = true }
}
resource "google_compute_resource_policy" "snapshots" {
  name = "snapshots"
  snapshot_schedule_policy {
    schedule {
      daily_schedule {
        days_in_cycle = 1
        start_time    = "04:00"
      }
    }
  }
}
"""
        }
    )
    assert stores(result) == {
        "aws_s3_bucket.logs": ("aws", "us-west-2"),
        "google_bigquery_dataset.ds": ("gcp", "us"),
        "google_bigquery_table.rows": ("gcp", "us"),
        "google_bigquery_table.materialized": ("gcp", "us"),
        "google_compute_resource_policy.snapshots": ("gcp", "us-central1"),
    }
    assert {r.id: r.category for r in result.graph if not r.is_data_store} == {
        "aws_cloudtrail.trail": "other",
        "aws_flow_log.vpc": "other",
        "google_bigquery_table.view": "other",
        "google_bigquery_table.external": "other",
        "google_compute_resource_policy.group": "other",
    }
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "aws_s3_bucket.logs", 3),
        ("HDS-LOC-001", "fail", "google_bigquery_dataset.ds", 13),
        ("HDS-LOC-001", "fail", "google_bigquery_table.rows", 17),
        ("HDS-LOC-001", "fail", "google_bigquery_table.materialized", 38),
        ("HDS-LOC-001", "fail", "google_compute_resource_policy.snapshots", 47),
    ]


def test_a_view_whose_block_is_not_known_stays_a_store(scan_files: Scan) -> None:
    # What cannot be told is never dropped: a `view` block generated from an unknown
    # collection may or may not exist, so the table is still judged.
    result = scan_files(
        {
            "main.tf": """
variable "views" {}
provider "google" {}
resource "google_bigquery_table" "maybe" {
  dataset_id = "ds"
  table_id   = "maybe"
  location   = "us-east1"
  dynamic "view" {
    for_each = var.views
    content { query = view.value }
  }
}
"""
        }
    )
    assert [r.id for r in result.graph if r.is_data_store] == ["google_bigquery_table.maybe"]
