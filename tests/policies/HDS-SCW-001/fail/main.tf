terraform {
  required_providers {
    scaleway = { source = "scaleway/scaleway" }
  }
}

resource "scaleway_object_bucket" "records" {
  name   = "patient-records"
  region = "fr-par"

  lifecycle_rule {
    id      = "archive"
    enabled = true
    transition {
      days          = 30
      storage_class = "GLACIER"
    }
  }
}

resource "scaleway_object_bucket" "scans" {
  name   = "patient-scans"
  region = "fr-par"
}

resource "scaleway_object" "scan" {
  bucket        = scaleway_object_bucket.scans.id
  key           = "2026/scan-0001.dcm"
  file          = "scan-0001.dcm"
  storage_class = "GLACIER"
  region        = "fr-par"
}
