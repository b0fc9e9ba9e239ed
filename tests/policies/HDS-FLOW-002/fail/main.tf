provider "aws" {
  region = "eu-west-3"
}

resource "aws_backup_vault" "main" {
  name = "patients"
}

resource "aws_backup_plan" "daily" {
  name = "daily"
  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.main.name
    schedule          = "cron(0 3 * * ? *)"
  }
}

# A global-table replica in the AWS European Sovereign Cloud, whose HDS scope is unconfirmed.
resource "aws_dynamodb_table" "measurements" {
  name     = "measurements"
  hash_key = "id"
  replica {
    region_name = "eusc-de-east-1"
  }
}
