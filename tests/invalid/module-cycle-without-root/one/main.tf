# Two folders that only call each other: neither is called by a root, so the first (in path
# order) is evaluated as a root and the cycle is reported; nothing is skipped in silence.
provider "aws" {
  region = "us-east-1"
}

resource "aws_s3_bucket" "one" {
  bucket = "one"
}

module "two" {
  source = "../two"
}
