# An argument and a block of one name (bridgecrewio/checkov's
# tests/terraform/checks/resource/kubernetes/example_DockerSocketVolume/main.tf:78 has one).
provider "aws" {
  region = "us-east-1"
}

resource "aws_s3_bucket" "logged" {
  bucket  = "logged"
  logging = "x"
  logging {
    target_bucket = aws_s3_bucket.logs.id
  }
}

resource "aws_s3_bucket" "logs" {
  bucket = "logs"
  bucket = "logs-again"
}

resource "aws_s3_bucket" "dynamic" {
  bucket = "dynamic"
  logging = [{ target_bucket = "x" }]
  dynamic "logging" {
    for_each = ["one"]
    content {
      target_bucket = aws_s3_bucket.logs.id
    }
  }
}
