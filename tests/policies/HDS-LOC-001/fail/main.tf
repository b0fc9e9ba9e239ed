provider "aws" {
  region = "eu-west-3"
}

provider "aws" {
  alias  = "london"
  region = "eu-west-2"
}

# On AWS, eu-west-2 is London: outside the EEA.
resource "aws_s3_bucket" "exports" {
  provider = aws.london
  bucket   = "patient-exports"
}

resource "aws_s3_bucket" "records" {
  bucket = "patient-records"
}
