terraform {
  required_providers {
    scaleway = { source = "scaleway/scaleway" }
  }
}

resource "scaleway_object_bucket" "records" {
  name   = "patient-records"
  region = "fr-par"
}

# A rule kept for later, disabled: not an active lifecycle rule.
resource "scaleway_object_bucket" "scans" {
  name   = "patient-scans"
  region = "fr-par"

  lifecycle_rule {
    id      = "archive"
    enabled = false
    expiration {
      days = 3650
    }
  }
}

resource "scaleway_object" "scan" {
  bucket        = scaleway_object_bucket.scans.id
  key           = "2026/scan-0001.dcm"
  file          = "scan-0001.dcm"
  storage_class = "STANDARD"
  region        = "fr-par"
}
