terraform {
  required_providers {
    outscale = { source = "outscale/outscale" }
  }
}

provider "aws" {
  region = "eu-west-3"
}

# On 3DS Outscale, eu-west-2 is France (the same id is London on AWS).
provider "outscale" {
  region = "eu-west-2"
}

resource "aws_db_instance" "patients" {
  engine         = "postgres"
  instance_class = "db.t4g.medium"
}

resource "outscale_volume" "data" {
  subregion_name = "eu-west-2a"
  size           = 100
}
