resource "aws_db_instance" "patients" {
  identifier        = "telesuivi-${var.environment}-patients"
  engine            = "postgres"
  engine_version    = "16.4"
  instance_class    = "db.t4g.medium"
  allocated_storage = 100
  storage_encrypted = true
  username          = "telesuivi"
  password          = var.db_password

  backup_retention_period = 14
}

resource "aws_db_instance" "patients_replica" {
  provider            = aws.dr
  identifier          = "telesuivi-${var.environment}-patients-dr"
  replicate_source_db = aws_db_instance.patients.arn
  instance_class      = "db.t4g.medium"
  storage_encrypted   = true
}

variable "db_password" {
  type      = string
  sensitive = true
  default   = "change-me-in-vault"
}
