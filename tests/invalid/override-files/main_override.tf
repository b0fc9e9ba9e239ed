# The records bucket moves to Paris, and logs to a bucket declared here; its old logging
# block is replaced, not kept beside the new one.
resource "aws_s3_bucket" "records" {
  provider = aws.paris
  logging {
    target_bucket = aws_s3_bucket.exports.id
  }
}

# Nothing to override: Terraform refuses it.
resource "aws_s3_bucket" "missing" {
  bucket = "missing"
}
