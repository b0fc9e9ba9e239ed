# "Télésuivi" — a remote patient-monitoring app hosted on AWS for French hospitals.
# Primary region: Paris; disaster recovery: Frankfurt. Both are EEA regions.
terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
  }
}

provider "aws" {
  region = var.primary_region

  default_tags {
    tags = {
      application         = "telesuivi"
      data-classification = "health"
    }
  }
}

provider "aws" {
  alias  = "dr"
  region = var.dr_region
}
