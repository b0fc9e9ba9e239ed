terraform {
  required_providers {
    scaleway    = { source = "scaleway/scaleway" }
    clevercloud = { source = "clevercloud/clevercloud" }
  }
}

provider "aws" {
  region = "eu-west-3"
}

resource "aws_db_instance" "patients" {
  engine         = "postgres"
  instance_class = "db.t4g.medium"
}

resource "scaleway_object_bucket" "records" {
  name   = "patient-records"
  region = "fr-par"
}

resource "clevercloud_postgresql" "records" {
  name   = "records"
  plan   = "xs_sml"
  region = "rbxhds"
}
