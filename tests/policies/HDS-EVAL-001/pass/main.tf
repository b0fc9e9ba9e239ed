provider "aws" {
  region = "eu-west-3"
}

module "storage" {
  source = "./modules/storage"
  bucket = "patient-records"
}
