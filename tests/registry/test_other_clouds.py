"""A literal region outside the EEA fails whatever the provider (issue #15 section 4): the
sovereign clouds of Azure and the public regions of providers with no HDS certificate are
in the geography, each with its source."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hdslint.registry import load_registry
from hdslint.scan import ScanResult
from tests.conftest import finding_tuples

Scan = Callable[..., ScanResult]

MAIN = """
terraform {
  required_providers {
    alicloud     = { source = "aliyun/alicloud" }
    hcloud       = { source = "hetznercloud/hcloud" }
    oci          = { source = "oracle/oci" }
    tencentcloud = { source = "tencentcloudstack/tencentcloud" }
    yandex       = { source = "yandex-cloud/yandex" }
  }
}
provider "alicloud" {
  region = "cn-hangzhou"
}
provider "oci" {
  region = "us-ashburn-1"
}
provider "tencentcloud" {
  region = "ap-guangzhou"
}
resource "alicloud_oss_bucket" "records" {
  bucket = "records"
}
resource "oci_objectstorage_bucket" "records" {
  name           = "records"
  compartment_id = "ocid1.compartment.oc1..example"
  namespace      = "example"
}
resource "tencentcloud_cbs_storage" "records" {
  storage_name      = "records"
  storage_type      = "CLOUD_PREMIUM"
  storage_size      = 10
  availability_zone = "ap-guangzhou-3"
}
resource "hcloud_volume" "records" {
  name     = "records"
  size     = 10
  location = "ash"
}
resource "yandex_compute_disk" "records" {
  name = "records"
  zone = "ru-central1-a"
}
resource "azurerm_storage_account" "government" {
  name                     = "government"
  resource_group_name      = "rg"
  location                 = "usgovvirginia"
  account_tier             = "Standard"
  account_replication_type = "LRS"
}
"""


def test_literal_regions_outside_the_eea_fail_for_every_provider(scan_files: Scan) -> None:
    result = scan_files({"main.tf": MAIN})
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "alicloud_oss_bucket.records", 19),
        ("HDS-LOC-001", "fail", "oci_objectstorage_bucket.records", 22),
        ("HDS-LOC-001", "fail", "tencentcloud_cbs_storage.records", 27),
        ("HDS-LOC-001", "fail", "hcloud_volume.records", 33),
        ("HDS-LOC-001", "fail", "yandex_compute_disk.records", 38),
        ("HDS-LOC-001", "fail", "azurerm_storage_account.government", 42),
    ]
    assert [f.message for f in result.findings] == [
        "cn-hangzhou (China) is outside the EEA",
        "us-ashburn-1 (United States) is outside the EEA",
        "ap-guangzhou (China) is outside the EEA",
        "ash (United States) is outside the EEA",
        "ru-central1 (Russia) is outside the EEA",
        "usgovvirginia (United States) is outside the EEA",
    ]


@pytest.mark.parametrize(
    ("provider", "region", "country", "in_eea"),
    [
        ("alicloud", "eu-central-1", "DE", True),
        ("alicloud", "eu-west-1", "GB", False),
        ("alicloud", "cn-hangzhou-h", "CN", False),
        ("oci", "eu-paris-1", "FR", True),
        ("oci", "uk-gov-london-1", "GB", False),
        ("ibm", "eu-de", "DE", True),
        ("ibm", "us-south", "US", False),
        ("tencentcloud", "eu-frankfurt", "DE", True),
        ("hcloud", "hel1", "FI", True),
        ("linode", "fr-par", "FR", True),
        ("linode", "us-east", "US", False),
        ("vultr", "ams", "NL", True),
        ("vultr", "ewr", "US", False),
        ("azure", "usdodeast", "US", False),
        ("aws", "us-gov-west-1", "US", False),
        ("aws", "cn-north-1", "CN", False),
    ],
)
def test_the_geography_of_other_clouds(
    provider: str, region: str, country: str, in_eea: bool
) -> None:
    info = load_registry().region_info(provider, region)
    assert info is not None
    assert (info.country, info.in_eea) == (country, in_eea)
    assert info.source and info.as_of  # every entry says where it comes from and when
