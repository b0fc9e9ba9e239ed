resource "aws_dynamodb_table" "self" {
  name     = "self"
  hash_key = "id"
}

module "again" {
  source = "./"
}
