variable "name" {
  type = string
}

resource "aws_s3_bucket" "records" {
  bucket = var.name
}
