provider "aws" {
  region = "us-west-2"
}

provider "aws" {
  alias  = "virginia"
  region = "eu-west-1"
}

variable "name" {
  default = "other"
}

locals {
  prefix = "other"
}

resource "aws_s3_bucket" "records" {
  provider = aws.virginia
  bucket   = "records-copy"
}

module "storage" {
  source = "./modules/nowhere"
}

output "bucket" {
  value = "other"
}

data "aws_caller_identity" "me" {}
data "aws_caller_identity" "me" {}

# Not a duplicate: the rest of the module is evaluated.
resource "aws_s3_bucket" "exports" {
  provider = aws.virginia
  bucket   = "exports"
}
