"""Issue #15: the kinds of stores bench/recall.py found missing from the catalogue (machine
images, the healthcare APIs' stores, a few databases, caches and file systems) are stores,
located by the argument their provider documents, children where their parent is."""

from __future__ import annotations

from collections.abc import Callable

from hdslint.scan import ScanResult
from tests.conftest import finding_tuples

Scan = Callable[..., ScanResult]


def stores(result: ScanResult) -> dict[str, tuple[str | None, str | None, str]]:
    return {r.id: (r.provider, r.region, r.category) for r in result.graph if r.is_data_store}


def test_aws_images_lightsail_and_databases(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": """
provider "aws" { region = "us-east-1" }
resource "aws_ami" "img" {
  name = "img"
  ebs_block_device { device_name = "/dev/xvda" }
}
resource "aws_ami_copy" "copy" {
  source_ami_id = "ami-1"
  source_ami_region = "us-west-1"
}
resource "aws_ami_from_instance" "snap" { source_instance_id = "i-1" }
resource "aws_docdbelastic_cluster" "docs" { name = "docs" }
resource "aws_msk_serverless_cluster" "events" { cluster_name = "events" }
resource "aws_timestreamwrite_table" "vitals" { database_name = "d" }
resource "aws_lightsail_instance" "box" { availability_zone = "us-west-2a" }
resource "aws_lightsail_disk" "disk" { availability_zone = "eu-west-3a" }
resource "aws_lightsail_database" "db" { relational_database_name = "db" }
"""
        }
    )
    assert stores(result) == {
        "aws_ami.img": ("aws", "us-east-1", "snapshot"),
        "aws_ami_copy.copy": ("aws", "us-east-1", "snapshot"),
        "aws_ami_from_instance.snap": ("aws", "us-east-1", "snapshot"),
        "aws_docdbelastic_cluster.docs": ("aws", "us-east-1", "database"),
        "aws_msk_serverless_cluster.events": ("aws", "us-east-1", "queue"),
        "aws_timestreamwrite_table.vitals": ("aws", "us-east-1", "database"),
        "aws_lightsail_instance.box": ("aws", "us-west-2", "compute"),
        "aws_lightsail_disk.disk": ("aws", "eu-west-3", "storage"),
        "aws_lightsail_database.db": ("aws", "us-east-1", "database"),
    }
    assert [t for t in finding_tuples(result) if t[0] == "HDS-LOC-001"] == [
        ("HDS-LOC-001", "fail", "aws_ami.img", 2),
        ("HDS-LOC-001", "fail", "aws_ami_copy.copy", 6),
        ("HDS-LOC-001", "fail", "aws_ami_from_instance.snap", 10),
        ("HDS-LOC-001", "fail", "aws_docdbelastic_cluster.docs", 11),
        ("HDS-LOC-001", "fail", "aws_msk_serverless_cluster.events", 12),
        ("HDS-LOC-001", "fail", "aws_timestreamwrite_table.vitals", 13),
        ("HDS-LOC-001", "fail", "aws_lightsail_instance.box", 14),
        ("HDS-LOC-001", "fail", "aws_lightsail_database.db", 16),
    ]


def test_azure_healthcare_services_images_and_caches(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": """
provider "azurerm" { features {} }
resource "azurerm_healthcare_service" "fhir_api" { location = "eastus" }
resource "azurerm_healthcare_workspace" "ws" { location = "eastus" }
resource "azurerm_healthcare_fhir_service" "fhir" {
  location = "East US"
  workspace_id = azurerm_healthcare_workspace.ws.id
}
resource "azurerm_healthcare_dicom_service" "dicom" {
  location = "francecentral"
  workspace_id = azurerm_healthcare_workspace.ws.id
}
resource "azurerm_application_insights" "ai" { location = "westus" }
resource "azurerm_image" "img" { location = "uksouth" }
resource "azurerm_shared_image_version" "v" {
  location = "francecentral"
  target_region {
    name = "francecentral"
    regional_replica_count = 1
  }
  target_region {
    name = "eastus2"
    regional_replica_count = 1
  }
}
resource "azurerm_cosmosdb_account" "acc" {
  location = "westus2"
  backup {
    type = "Continuous"
  }
}
resource "azurerm_cosmosdb_cassandra_keyspace" "ks" { account_name = azurerm_cosmosdb_account.acc.name }
resource "azurerm_cosmosdb_cassandra_table" "t" { cassandra_keyspace_id = azurerm_cosmosdb_cassandra_keyspace.ks.id }
resource "azurerm_cosmosdb_gremlin_graph" "g" { account_name = azurerm_cosmosdb_account.acc.name }
resource "azurerm_redis_enterprise_cluster" "redis" { location = "francecentral" }
"""
        }
    )
    found = stores(result)
    assert {k: v for k, v in found.items() if not k.startswith("azurerm_cosmosdb")} == {
        "azurerm_healthcare_service.fhir_api": ("azure", "eastus", "database"),
        "azurerm_healthcare_fhir_service.fhir": ("azure", "eastus", "database"),
        "azurerm_healthcare_dicom_service.dicom": ("azure", "francecentral", "storage"),
        "azurerm_application_insights.ai": ("azure", "westus", "log"),
        "azurerm_image.img": ("azure", "uksouth", "snapshot"),
        "azurerm_shared_image_version.v": ("azure", "francecentral", "snapshot"),
        "azurerm_redis_enterprise_cluster.redis": ("azure", "francecentral", "cache"),
    }
    assert found["azurerm_cosmosdb_cassandra_table.t"] == ("azure", "westus2", "database")
    assert found["azurerm_cosmosdb_gremlin_graph.g"] == ("azure", "westus2", "database")
    failed = [
        (t[0], t[2], t[3])
        for t in finding_tuples(result)
        if t[1] == "fail" and t[0] in ("HDS-LOC-001", "HDS-FLOW-001")
    ]
    assert [t for t in failed if not t[1].startswith("azurerm_cosmosdb")] == [
        ("HDS-LOC-001", "azurerm_healthcare_service.fhir_api", 2),
        ("HDS-LOC-001", "azurerm_healthcare_fhir_service.fhir", 4),
        ("HDS-LOC-001", "azurerm_application_insights.ai", 12),
        ("HDS-LOC-001", "azurerm_image.img", 13),
        # The copy kept in East US 2 leaves the EEA.
        ("HDS-FLOW-001", "azurerm_shared_image_version.v", 14),
    ]
    assert ("HDS-LOC-001", "azurerm_cosmosdb_cassandra_table.t", 32) in failed
    assert ("HDS-LOC-001", "azurerm_cosmosdb_gremlin_graph.g", 33) in failed


def test_google_healthcare_stores_take_their_datasets_region(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": """
provider "google" { region = "us-central1" }
resource "google_healthcare_dataset" "ds" {
  name = "ds"
  location = "us-central1"
}
resource "google_healthcare_fhir_store" "fhir" { dataset = google_healthcare_dataset.ds.id }
resource "google_healthcare_dicom_store" "dicom" { dataset = google_healthcare_dataset.ds.id }
resource "google_healthcare_hl7_v2_store" "hl7" { dataset = google_healthcare_dataset.ds.id }
resource "google_alloydb_cluster" "c" { location = "europe-west9" }
resource "google_alloydb_instance" "i" { cluster = google_alloydb_cluster.c.name }
resource "google_memcache_instance" "mc" { name = "mc" }
resource "google_memorystore_instance" "ms" { location = "us-east1" }
resource "google_netapp_volume" "nv" { location = "us-west1" }
resource "google_parallelstore_instance" "ps" { location = "us-central1-a" }
resource "google_dataproc_metastore_service" "meta" { location = "asia-east1" }
"""
        }
    )
    assert stores(result) == {
        "google_healthcare_dataset.ds": ("gcp", "us-central1", "database"),
        "google_healthcare_fhir_store.fhir": ("gcp", "us-central1", "database"),
        "google_healthcare_dicom_store.dicom": ("gcp", "us-central1", "storage"),
        "google_healthcare_hl7_v2_store.hl7": ("gcp", "us-central1", "database"),
        "google_alloydb_cluster.c": ("gcp", "europe-west9", "database"),
        "google_alloydb_instance.i": ("gcp", "europe-west9", "database"),
        "google_memcache_instance.mc": ("gcp", "us-central1", "cache"),
        "google_memorystore_instance.ms": ("gcp", "us-east1", "cache"),
        "google_netapp_volume.nv": ("gcp", "us-west1", "storage"),
        "google_parallelstore_instance.ps": ("gcp", "us-central1", "storage"),
        "google_dataproc_metastore_service.meta": ("gcp", "asia-east1", "database"),
    }
    assert [t for t in finding_tuples(result) if t[0] == "HDS-LOC-001"] == [
        ("HDS-LOC-001", "fail", "google_healthcare_dataset.ds", 2),
        ("HDS-LOC-001", "fail", "google_healthcare_fhir_store.fhir", 6),
        ("HDS-LOC-001", "fail", "google_healthcare_dicom_store.dicom", 7),
        ("HDS-LOC-001", "fail", "google_healthcare_hl7_v2_store.hl7", 8),
        ("HDS-LOC-001", "fail", "google_memcache_instance.mc", 11),
        ("HDS-LOC-001", "fail", "google_memorystore_instance.ms", 12),
        ("HDS-LOC-001", "fail", "google_netapp_volume.nv", 13),
        ("HDS-LOC-001", "fail", "google_parallelstore_instance.ps", 14),
        ("HDS-LOC-001", "fail", "google_dataproc_metastore_service.meta", 15),
    ]


def test_azure_stores_located_by_their_location(scan_files: Scan) -> None:
    kinds = {
        "azurerm_data_lake_store": "storage",
        "azurerm_elastic_san": "storage",
        "azurerm_hpc_cache": "cache",
        "azurerm_iothub": "queue",
        "azurerm_managed_lustre_file_system": "storage",
        "azurerm_sql_managed_instance": "database",
    }
    text = 'provider "azurerm" { features {} }\n' + "".join(
        f'resource "{kind}" "x" {{ location = "Brazil South" }}\n' for kind in kinds
    )
    result = scan_files({"main.tf": text})
    assert stores(result) == {
        f"{kind}.x": ("azure", "brazilsouth", category) for kind, category in kinds.items()
    }
    assert [t for t in finding_tuples(result) if t[0] == "HDS-LOC-001"] == [
        ("HDS-LOC-001", "fail", f"{kind}.x", line) for line, kind in enumerate(kinds, start=2)
    ]
