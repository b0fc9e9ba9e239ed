resource "aws_backup_vault" "main" {
  name = "telesuivi"
}

resource "aws_backup_vault" "offsite" {
  provider = aws.oregon
  name     = "telesuivi-offsite"
}

resource "aws_backup_plan" "daily" {
  name = "telesuivi-daily"

  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.main.name
    schedule          = "cron(0 3 * * ? *)"

    copy_action {
      destination_vault_arn = aws_backup_vault.offsite.arn
    }
  }
}
