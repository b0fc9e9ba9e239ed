resource "aws_s3_bucket" "records" {
  bucket = "telesuivi-patient-records"
}

# Analytics exports of patient measurements, created in the wrong region.
resource "aws_s3_bucket" "analytics_exports" {
  provider = aws.us
  bucket   = "telesuivi-analytics-exports"
}

resource "aws_s3_bucket_replication_configuration" "records" {
  bucket = aws_s3_bucket.records.id
  role   = "arn:aws:iam::123456789012:role/telesuivi-replication"

  rule {
    id     = "to-analytics"
    status = "Enabled"
    destination {
      bucket = aws_s3_bucket.analytics_exports.arn
    }
  }
}
