terraform {
  required_providers {
    ovh = { source = "ovh/ovh" }
  }
}

resource "ovh_cloud_project" "health" {
  ovh_subsidiary = "FR"
  description    = "patients"
}

resource "ovh_cloud_project_storage" "records" {
  service_name = ovh_cloud_project.health.project_id
  region_name  = "GRA"
  name         = "patient-records"
}

# A project created outside this code: its HDS option cannot be seen.
resource "ovh_cloud_project_storage" "archive" {
  service_name = "5f3c8e1d2a9b4c7e8f0a1b2c3d4e5f60"
  region_name  = "SBG"
  name         = "patient-archive"
}

# No service_name: the provider takes the project from OVH_CLOUD_PROJECT_SERVICE at run time.
resource "ovh_cloud_project_database" "measurements" {
  engine  = "postgresql"
  version = "16"
  plan    = "business"
  flavor  = "db1-7"
  nodes {
    region = "GRA"
  }
}
