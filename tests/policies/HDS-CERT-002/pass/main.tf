terraform {
  required_providers {
    clevercloud = { source = "clevercloud/clevercloud" }
  }
}

provider "aws" {
  region = "eu-west-3"
}

# The registry gives Clever Cloud's certificate an end date (2027-12-19).
resource "clevercloud_postgresql" "records" {
  name   = "records"
  plan   = "xs_sml"
  region = "rbxhds"
}

# AWS publishes no dates: not flagged here (the report lists it once).
resource "aws_s3_bucket" "records" {
  bucket = "patient-records"
}
