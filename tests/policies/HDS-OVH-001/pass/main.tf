terraform {
  required_providers {
    ovh = { source = "ovh/ovh" }
  }
}

resource "ovh_cloud_project" "health" {
  ovh_subsidiary = "FR"
  description    = "patients"

  plan {
    duration     = "P1M"
    plan_code    = "project.2018"
    pricing_mode = "default"
  }

  plan_option {
    duration     = "P1M"
    plan_code    = "certification.hds.2018"
    pricing_mode = "default"
  }
}

resource "ovh_cloud_project_storage" "records" {
  service_name = ovh_cloud_project.health.project_id
  region_name  = "GRA"
  name         = "patient-records"
}
