resource "aws_dynamodb_table" "visits" {
  name     = "visits"
  hash_key = "id"
}
