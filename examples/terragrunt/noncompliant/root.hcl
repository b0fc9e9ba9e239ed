# Every unit's provider, with the region of the region.hcl above the unit.
locals {
  region = read_terragrunt_config(find_in_parent_folders("region.hcl")).locals.aws_region
}

generate "provider" {
  path      = "provider.tf"
  if_exists = "overwrite_terragrunt"
  contents  = <<EOF
provider "aws" {
  region = "${local.region}"
}
EOF
}

inputs = {
  name = "patient-records-${local.region}"
}
