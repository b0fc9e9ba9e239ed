variable "region" {
  type = string
}

provider "aws" {
  region = var.region
}

resource "aws_dynamodb_table" "measurements" {
  name     = "measurements"
  hash_key = "id"
}
