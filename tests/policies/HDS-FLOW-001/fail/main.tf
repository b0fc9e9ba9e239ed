provider "aws" {
  region = "eu-west-3"
}

provider "aws" {
  alias  = "virginia"
  region = "us-east-1"
}

resource "aws_s3_bucket" "records" {
  bucket = "patient-records"
}

resource "aws_s3_bucket" "copy" {
  provider = aws.virginia
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

# A read replica in Virginia of a Paris database.
resource "aws_db_instance" "patients" {
  engine         = "postgres"
  instance_class = "db.t4g.medium"
}

resource "aws_db_instance" "patients_replica" {
  provider            = aws.virginia
  replicate_source_db = aws_db_instance.patients.arn
  instance_class      = "db.t4g.medium"
}
