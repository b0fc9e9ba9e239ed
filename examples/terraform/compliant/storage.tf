resource "aws_s3_bucket" "records" {
  bucket = "telesuivi-${var.environment}-patient-records"
}

resource "aws_s3_bucket_versioning" "records" {
  bucket = aws_s3_bucket.records.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket" "records_dr" {
  provider = aws.dr
  bucket   = "telesuivi-${var.environment}-patient-records-dr"
}

resource "aws_s3_bucket_replication_configuration" "records" {
  bucket = aws_s3_bucket.records.id
  role   = aws_iam_role.replication.arn

  rule {
    id     = "dr-copy"
    status = "Enabled"
    destination {
      bucket        = aws_s3_bucket.records_dr.arn
      storage_class = "STANDARD_IA"
    }
  }
}

resource "aws_iam_role" "replication" {
  name               = "telesuivi-s3-replication"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}

resource "aws_sqs_queue" "measurements" {
  name                      = "telesuivi-${var.environment}-measurements"
  message_retention_seconds = 86400
}

resource "aws_cloudwatch_log_group" "api" {
  name              = "/telesuivi/${var.environment}/api"
  retention_in_days = 365
}
