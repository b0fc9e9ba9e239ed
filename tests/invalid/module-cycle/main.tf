# Modules that call themselves, directly or through another: Terraform cannot build such a
# configuration. Each cycle is one input error at the call that closes it; what the modules
# declare before it is evaluated once per call. One module called twice under two names
# is fine.
provider "aws" {
  region = "us-east-1"
}

module "first" {
  source = "./modules/a"
}

module "second" {
  source = "./modules/a"
}

module "self" {
  source = "./modules/self"
}
