# The same app after a few quick changes by a busy team: an analytics export bucket
# created through the "us" provider alias, a database region taken from a variable nobody
# sets, S3 replication to Virginia, and a backup copy to a vault in Oregon.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
  }
}

provider "aws" {
  region = "eu-west-3"
}

provider "aws" {
  alias  = "us"
  region = "us-east-1"
}

provider "aws" {
  alias  = "oregon"
  region = "us-west-2"
}

provider "aws" {
  alias  = "reporting"
  region = var.reporting_region
}

variable "reporting_region" {
  type        = string
  description = "Where the reporting database runs (set per environment)."
}
