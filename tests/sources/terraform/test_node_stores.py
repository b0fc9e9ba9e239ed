"""Issue #15 §2: what runs nodes or virtual machines keeps data on their disks: Kubernetes
clusters that declare nodes and their node pools, groups of instances made from a template,
managed notebooks; log groups and Vertex AI TensorBoards keep what is written to them."""

from __future__ import annotations

from collections.abc import Callable

from hdslint.scan import ScanResult
from tests.conftest import finding_tuples

Scan = Callable[..., ScanResult]


def stores(result: ScanResult) -> dict[str, tuple[str | None, str | None]]:
    return {r.id: (r.provider, r.region) for r in result.graph if r.is_data_store}


def test_kubernetes_clusters_node_pools_and_instance_groups_are_stores(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": """
provider "google" { region = "us-central1" }
provider "aws" { region = "us-east-1" }
provider "azurerm" { features {} }
resource "google_container_cluster" "primary" {
  name                     = "primary"
  location                 = "us-central1-a"
  remove_default_node_pool = true
  initial_node_count       = 1
}
resource "google_container_node_pool" "nodes" {
  name    = "nodes"
  cluster = google_container_cluster.primary.id
}
resource "google_container_node_pool" "tokyo" {
  cluster  = google_container_cluster.primary.name
  location = "asia-northeast1"
}
resource "google_compute_instance_template" "t" { machine_type = "e2-small" }
resource "google_compute_region_instance_group_manager" "rmig" {
  region = "asia-east1"
  version { instance_template = google_compute_instance_template.t.id }
}
resource "google_compute_instance_group_manager" "mig" {
  zone = "us-west1-b"
  version { instance_template = google_compute_instance_template.t.id }
}
resource "aws_eks_cluster" "eks" { name = "eks" }
resource "aws_eks_node_group" "ng" { cluster_name = aws_eks_cluster.eks.name }
resource "aws_launch_template" "lt" { name = "lt" }
resource "aws_autoscaling_group" "asg" { max_size = 1 }
resource "azurerm_kubernetes_cluster" "aks" { location = "eastus" }
resource "azurerm_kubernetes_cluster_node_pool" "pool" {
  kubernetes_cluster_id = azurerm_kubernetes_cluster.aks.id
}
resource "azurerm_linux_virtual_machine_scale_set" "vmss" { location = "westus2" }
"""
        }
    )
    assert stores(result) == {
        "google_container_cluster.primary": ("gcp", "us-central1"),
        "google_container_node_pool.nodes": ("gcp", "us-central1"),
        "google_container_node_pool.tokyo": ("gcp", "asia-northeast1"),
        "google_compute_region_instance_group_manager.rmig": ("gcp", "asia-east1"),
        "google_compute_instance_group_manager.mig": ("gcp", "us-west1"),
        "aws_eks_node_group.ng": ("aws", "us-east-1"),
        "aws_autoscaling_group.asg": ("aws", "us-east-1"),
        "azurerm_kubernetes_cluster.aks": ("azure", "eastus"),
        "azurerm_kubernetes_cluster_node_pool.pool": ("azure", "eastus"),
        "azurerm_linux_virtual_machine_scale_set.vmss": ("azure", "westus2"),
    }
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "google_container_cluster.primary", 4),
        ("HDS-LOC-001", "fail", "google_container_node_pool.nodes", 10),
        ("HDS-LOC-001", "fail", "google_container_node_pool.tokyo", 14),
        ("HDS-LOC-001", "fail", "google_compute_region_instance_group_manager.rmig", 19),
        ("HDS-LOC-001", "fail", "google_compute_instance_group_manager.mig", 23),
        ("HDS-LOC-001", "fail", "aws_eks_node_group.ng", 28),
        ("HDS-LOC-001", "fail", "aws_autoscaling_group.asg", 30),
        ("HDS-LOC-001", "fail", "azurerm_kubernetes_cluster.aks", 31),
        ("HDS-LOC-001", "fail", "azurerm_kubernetes_cluster_node_pool.pool", 32),
        ("HDS-LOC-001", "fail", "azurerm_linux_virtual_machine_scale_set.vmss", 35),
    ]


def test_notebooks_tensorboards_and_log_groups_are_stores(scan_files: Scan) -> None:
    result = scan_files(
        {
            "main.tf": """
provider "google" {}
provider "aws" { region = "ap-south-1" }
resource "google_notebooks_runtime" "rt" { location = "us-central1" }
resource "google_vertex_ai_tensorboard" "tb" { region = "europe-west9" }
resource "aws_cloudwatch_log_group" "app" { name = "app" }
"""
        }
    )
    assert stores(result) == {
        "google_notebooks_runtime.rt": ("gcp", "us-central1"),
        "google_vertex_ai_tensorboard.tb": ("gcp", "europe-west9"),
        "aws_cloudwatch_log_group.app": ("aws", "ap-south-1"),
    }
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "google_notebooks_runtime.rt", 3),
        ("HDS-COND-001", "fail", "google_vertex_ai_tensorboard.tb", 4),
        ("HDS-LOC-001", "fail", "aws_cloudwatch_log_group.app", 5),
    ]


def test_a_node_pool_of_a_cluster_outside_the_configuration_is_not_located(
    scan_files: Scan,
) -> None:
    result = scan_files(
        {
            "main.tf": """
provider "google" { region = "us-central1" }
resource "google_container_node_pool" "orphan" { cluster = "made-elsewhere" }
"""
        }
    )
    assert finding_tuples(result) == [
        ("HDS-LOC-002", "not_evaluated", "google_container_node_pool.orphan", 2),
    ]
    assert result.findings[0].message == (
        "could not be checked: the region is not known: google_container_node_pool lives in"
        ' what cluster = "made-elsewhere" names, which is not a resource in the scanned'
        " configuration"
    )
