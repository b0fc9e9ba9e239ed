# Names Terraform refuses to see declared twice in one module (DataDog/kics and fugue/regula
# fixtures had 181 such resources, silently collapsed into one). The first declaration, in
# Terraform's file order (a.tf before b.tf), is the one evaluated.
provider "aws" {
  region = "eu-west-3"
}

provider "aws" {
  alias  = "virginia"
  region = "us-east-1"
}

variable "name" {
  default = "records"
}

locals {
  prefix = "ehr"
}

resource "aws_s3_bucket" "records" {
  bucket = "${local.prefix}-${var.name}"
}

module "storage" {
  source = "./modules/storage"
}

output "bucket" {
  value = aws_s3_bucket.records.bucket
}
