resource "aws_db_instance" "patients" {
  identifier        = "telesuivi-patients"
  engine            = "postgres"
  instance_class    = "db.t4g.medium"
  allocated_storage = 100
  storage_encrypted = true
}

# Reporting database: its region depends on a variable with no default and no tfvars.
resource "aws_db_instance" "reporting" {
  provider          = aws.reporting
  identifier        = "telesuivi-reporting"
  engine            = "postgres"
  instance_class    = "db.t4g.small"
  allocated_storage = 50
}
