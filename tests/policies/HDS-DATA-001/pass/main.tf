provider "aws" {
  region = "eu-west-3"
}

resource "aws_s3_bucket" "records" {
  bucket = "records"
  tags = {
    data-classification = "health"
  }
}

resource "aws_s3_bucket" "assets" {
  bucket = "public-assets"
}
