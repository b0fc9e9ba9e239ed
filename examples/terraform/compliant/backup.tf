resource "aws_backup_vault" "main" {
  name = "telesuivi-${var.environment}"
}

resource "aws_backup_vault" "dr" {
  provider = aws.dr
  name     = "telesuivi-${var.environment}-dr"
}

resource "aws_backup_plan" "daily" {
  name = "telesuivi-daily"

  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.main.name
    schedule          = "cron(0 3 * * ? *)"

    copy_action {
      destination_vault_arn = aws_backup_vault.dr.arn
    }
  }
}

resource "aws_backup_selection" "databases" {
  name         = "databases"
  plan_id      = aws_backup_plan.daily.id
  iam_role_arn = aws_iam_role.replication.arn
  resources    = [aws_db_instance.patients.arn]
}
