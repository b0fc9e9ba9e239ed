variable "region" {
  type    = string
  default = "eu-west-3"
}

provider "aws" {
  region = var.region
}

resource "aws_dynamodb_table" "measurements" {
  name     = "measurements"
  hash_key = "id"
}
