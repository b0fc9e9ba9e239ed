provider "aws" {
  region = "eu-west-3"
}

provider "aws" {
  alias  = "frankfurt"
  region = "eu-central-1"
}

resource "aws_s3_bucket" "records" {
  bucket = "patient-records"
}

resource "aws_s3_bucket" "copy" {
  provider = aws.frankfurt
  bucket   = "patient-records-copy"
}

resource "aws_s3_bucket_replication_configuration" "records" {
  bucket = aws_s3_bucket.records.id
  role   = "arn:aws:iam::123456789012:role/replication"
  rule {
    status = "Enabled"
    destination {
      bucket = aws_s3_bucket.copy.arn
    }
  }
}
