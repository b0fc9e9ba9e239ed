variable "classification" {
  type = string
}

provider "aws" {
  region = "eu-west-3"
}

resource "aws_s3_bucket" "exports" {
  bucket = "exports"
  tags = {
    data-classification = var.classification
  }
}
