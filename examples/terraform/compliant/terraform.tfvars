primary_region = "eu-west-3"
environment    = "prod"
