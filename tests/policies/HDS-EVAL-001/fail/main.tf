provider "aws" {
  region = "eu-west-3"
}

# A registry module that `terraform init` has not downloaded: hdslint cannot see inside.
module "storage" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "4.1.0"
  bucket  = "patient-records"
}
