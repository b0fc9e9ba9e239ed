# Override files are merged into the blocks they name, as Terraform does: not duplicates.
provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "paris"
  region = "eu-west-3"
}

resource "aws_s3_bucket" "records" {
  bucket = "records"
  logging {
    target_bucket = "elsewhere"
  }
}

resource "aws_s3_bucket" "exports" {
  bucket = "exports"
}
