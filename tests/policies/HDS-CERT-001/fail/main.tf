terraform {
  required_providers {
    scaleway    = { source = "scaleway/scaleway" }
    clevercloud = { source = "clevercloud/clevercloud" }
  }
}

# Scaleway's HDS certificate covers Paris only: not Amsterdam.
resource "scaleway_object_bucket" "records" {
  name   = "patient-records"
  region = "nl-ams"
}

# Clever Cloud's "par" zone is not one of its HDS zones.
resource "clevercloud_postgresql" "records" {
  name   = "records"
  plan   = "xs_sml"
  region = "par"
}

# Scaleway publishes no HDS scope for managed databases.
resource "scaleway_rdb_instance" "db" {
  name    = "records"
  engine  = "PostgreSQL-15"
  region  = "fr-par"
}
