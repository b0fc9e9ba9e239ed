provider "aws" {
  region = "eu-west-3"
}

provider "aws" {
  alias  = "frankfurt"
  region = "eu-central-1"
}

resource "aws_backup_vault" "main" {
  name = "patients"
}

resource "aws_backup_vault" "dr" {
  provider = aws.frankfurt
  name     = "patients-dr"
}

resource "aws_backup_plan" "daily" {
  name = "daily"
  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.main.name
    schedule          = "cron(0 3 * * ? *)"
    copy_action {
      destination_vault_arn = aws_backup_vault.dr.arn
    }
  }
}
