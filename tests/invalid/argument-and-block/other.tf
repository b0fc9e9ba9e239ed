resource "aws_db_instance" "records" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
}
