"""Terraform templates of bench/generate.py: four local modules and a root module per
environment, in the style of published modules (descriptions, validations, for_each and
count, dynamic blocks, provider aliases passed with `providers = {...}`)."""

from __future__ import annotations

import random
import textwrap

EEA = ["eu-west-3", "eu-west-1", "eu-central-1", "eu-north-1", "eu-south-1"]
ELSEWHERE = ["us-east-1", "us-west-2", "ca-central-1", "ap-southeast-2"]
TEAMS = ["teleconsult", "imaging", "labs", "records", "billing", "pharmacy", "triage"]


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def storage_module(rng: random.Random) -> dict[str, str]:
    lifecycle = rng.choice([True, False])
    main = dedent(
        """
        # Buckets holding patient documents, one per data set.
        resource "aws_kms_key" "this" {
          description             = "${var.name} storage key"
          deletion_window_in_days = 30
          enable_key_rotation     = true
          tags                    = var.tags
        }

        resource "aws_s3_bucket" "this" {
          for_each = toset(var.buckets)

          bucket        = "${var.name}-${each.key}"
          force_destroy = false
          tags          = merge(var.tags, { dataset = each.key })
        }

        resource "aws_s3_bucket_versioning" "this" {
          for_each = aws_s3_bucket.this

          bucket = each.value.id
          versioning_configuration {
            status = "Enabled"
          }
        }

        resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
          for_each = aws_s3_bucket.this

          bucket = each.value.id
          rule {
            apply_server_side_encryption_by_default {
              sse_algorithm     = "aws:kms"
              kms_master_key_id = aws_kms_key.this.arn
            }
            bucket_key_enabled = true
          }
        }

        resource "aws_s3_bucket_public_access_block" "this" {
          for_each = aws_s3_bucket.this

          bucket                  = each.value.id
          block_public_acls       = true
          block_public_policy     = true
          ignore_public_acls      = true
          restrict_public_buckets = true
        }

        resource "aws_s3_bucket" "replica" {
          count    = var.replicate ? 1 : 0
          provider = aws.replica

          bucket = "${var.name}-replica"
          tags   = merge(var.tags, { role = "replica" })
        }

        resource "aws_iam_role" "replication" {
          count = var.replicate ? 1 : 0
          name  = "${var.name}-replication"

          assume_role_policy = jsonencode({
            Version = "2012-10-17"
            Statement = [{
              Action    = "sts:AssumeRole"
              Effect    = "Allow"
              Principal = { Service = "s3.amazonaws.com" }
            }]
          })
        }

        resource "aws_s3_bucket_replication_configuration" "this" {
          count  = var.replicate ? 1 : 0
          bucket = aws_s3_bucket.this[var.buckets[0]].id
          role   = aws_iam_role.replication[0].arn

          rule {
            id     = "to-replica"
            status = "Enabled"

            destination {
              bucket        = aws_s3_bucket.replica[0].arn
              storage_class = "STANDARD_IA"
            }
          }
        }
        """
    )
    main += dedent(
        """

        data "aws_iam_policy_document" "tls_only" {
          for_each = aws_s3_bucket.this

          statement {
            sid     = "DenyInsecureTransport"
            effect  = "Deny"
            actions = ["s3:*"]
            resources = [
              each.value.arn,
              "${each.value.arn}/*",
            ]

            principals {
              type        = "*"
              identifiers = ["*"]
            }

            condition {
              test     = "Bool"
              variable = "aws:SecureTransport"
              values   = ["false"]
            }
          }
        }

        resource "aws_s3_bucket_policy" "tls_only" {
          for_each = aws_s3_bucket.this

          bucket = each.value.id
          policy = data.aws_iam_policy_document.tls_only[each.key].json
        }

        resource "aws_s3_bucket_logging" "this" {
          for_each = var.access_log_bucket == null ? {} : aws_s3_bucket.this

          bucket        = each.value.id
          target_bucket = var.access_log_bucket
          target_prefix = "s3/${each.key}/"
        }

        resource "aws_cloudwatch_metric_alarm" "errors" {
          for_each = var.alarms ? aws_s3_bucket.this : {}

          alarm_name          = "${each.value.bucket}-5xx"
          comparison_operator = "GreaterThanThreshold"
          evaluation_periods  = 3
          metric_name         = "5xxErrors"
          namespace           = "AWS/S3"
          period              = 300
          statistic           = "Sum"
          threshold           = 10
          alarm_description   = "Server errors on ${each.value.bucket}"
          alarm_actions       = var.alarm_topic_arns

          dimensions = {
            BucketName = each.value.bucket
            FilterId   = "EntireBucket"
          }
        }
        """
    )
    if lifecycle:
        main += dedent(
            """

            resource "aws_s3_bucket_lifecycle_configuration" "this" {
              for_each = aws_s3_bucket.this
              bucket   = each.value.id

              rule {
                id     = "archive"
                status = "Enabled"
                filter {
                  prefix = "archive/"
                }
                transition {
                  days          = var.archive_after_days
                  storage_class = "GLACIER"
                }
                noncurrent_version_expiration {
                  noncurrent_days = 365
                }
              }
            }
            """
        )
    variables = dedent(
        """
        variable "name" {
          description = "Prefix of every bucket name."
          type        = string
        }

        variable "buckets" {
          description = "Data sets, one bucket each."
          type        = list(string)
          default     = ["documents"]
        }

        variable "replicate" {
          description = "Replicate the first bucket to the replica provider's region."
          type        = bool
          default     = false
        }

        variable "archive_after_days" {
          type    = number
          default = 90

          validation {
            condition     = var.archive_after_days >= 30
            error_message = "Archive after 30 days at the earliest."
          }
        }

        variable "access_log_bucket" {
          description = <<-EOT
            Name of the bucket that receives S3 server access logs. Leave null to turn
            access logging off (not recommended for buckets holding health data).
          EOT
          type        = string
          default     = null
        }

        variable "alarms" {
          description = "Create CloudWatch alarms on server errors."
          type        = bool
          default     = true
        }

        variable "alarm_topic_arns" {
          description = "SNS topics notified by the alarms."
          type        = list(string)
          default     = []
        }

        variable "tags" {
          description = "Tags added to every resource."
          type        = map(string)
          default     = {}
        }
        """
    )
    outputs = dedent(
        """
        output "bucket_arns" {
          description = "ARN of each bucket, by data set."
          value       = { for name, bucket in aws_s3_bucket.this : name => bucket.arn }
        }

        output "kms_key_arn" {
          value = aws_kms_key.this.arn
        }

        output "replica_arn" {
          value = try(aws_s3_bucket.replica[0].arn, null)
        }
        """
    )
    return {
        "main.tf": main,
        "variables.tf": variables,
        "outputs.tf": outputs,
        "versions.tf": versions(["replica"]),
    }


def database_module(rng: random.Random) -> dict[str, str]:
    engine = rng.choice(["postgres", "mysql"])
    version = {"postgres": "15.4", "mysql": "8.0.35"}[engine]
    main = dedent(
        f"""
        locals {{
          port       = {5432 if engine == "postgres" else 3306}
          identifier = "${{var.name}}-{engine}"
          snapshot_arn = "arn:aws:rds:${{var.region}}:123456789012:snapshot:${{local.identifier}}"
          parameters = {{
            log_min_duration_statement = "500"
            rds_force_ssl              = "1"
          }}
        }}

        resource "aws_db_subnet_group" "this" {{
          name       = local.identifier
          subnet_ids = var.subnet_ids
          tags       = var.tags
        }}

        resource "aws_db_parameter_group" "this" {{
          name   = local.identifier
          family = "{engine}{version.split(".")[0]}"

          dynamic "parameter" {{
            for_each = local.parameters
            content {{
              name  = parameter.key
              value = parameter.value
            }}
          }}
        }}

        resource "aws_db_instance" "this" {{
          count = var.instances

          identifier              = "${{local.identifier}}-${{count.index}}"
          engine                  = "{engine}"
          engine_version          = "{version}"
          instance_class          = var.instance_class
          allocated_storage       = var.storage_gb
          storage_encrypted       = true
          db_subnet_group_name    = aws_db_subnet_group.this.name
          parameter_group_name    = aws_db_parameter_group.this.name
          backup_retention_period = var.backup_days
          multi_az                = var.instances > 1 ? false : true
          port                    = local.port
          username                = "app"
          manage_master_user_password = true
          skip_final_snapshot     = false
          final_snapshot_identifier = "${{local.identifier}}-${{count.index}}-final"
          tags                    = var.tags
        }}

        resource "aws_db_instance" "replica" {{
          count    = var.cross_region_replica ? 1 : 0
          provider = aws.replica

          identifier          = "${{local.identifier}}-replica"
          replicate_source_db = aws_db_instance.this[0].arn
          instance_class      = var.instance_class
          storage_encrypted   = true
          skip_final_snapshot = true
          tags                = merge(var.tags, {{ role = "read-replica" }})
        }}

        locals {{
          alarms = {{
            cpu = {{
              metric    = "CPUUtilization"
              threshold = 80
              operator  = "GreaterThanThreshold"
            }}
            storage = {{
              metric    = "FreeStorageSpace"
              threshold = 5 * 1024 * 1024 * 1024
              operator  = "LessThanThreshold"
            }}
            connections = {{
              metric    = "DatabaseConnections"
              threshold = 200
              operator  = "GreaterThanThreshold"
            }}
          }}
        }}

        resource "aws_cloudwatch_metric_alarm" "db" {{
          for_each = {{ for pair in setproduct(keys(local.alarms), range(var.instances)) :
            "${{pair[0]}}-${{pair[1]}}" => merge(local.alarms[pair[0]], {{ index = pair[1] }}) }}

          alarm_name          = "${{local.identifier}}-${{each.key}}"
          comparison_operator = each.value.operator
          evaluation_periods  = 2
          metric_name         = each.value.metric
          namespace           = "AWS/RDS"
          period              = 300
          statistic           = "Average"
          threshold           = each.value.threshold
          dimensions = {{
            DBInstanceIdentifier = aws_db_instance.this[each.value.index].identifier
          }}
        }}

        resource "aws_iam_role" "monitoring" {{
          name = "${{local.identifier}}-monitoring"
          assume_role_policy = jsonencode({{
            Version = "2012-10-17"
            Statement = [{{
              Effect    = "Allow"
              Action    = "sts:AssumeRole"
              Principal = {{ Service = "monitoring.rds.amazonaws.com" }}
            }}]
          }})
        }}

        resource "aws_iam_role_policy_attachment" "monitoring" {{
          role       = aws_iam_role.monitoring.name
          policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
        }}

        resource "aws_db_snapshot_copy" "offsite" {{
          count    = var.copy_snapshots ? 1 : 0
          provider = aws.replica

          source_db_snapshot_identifier = "${{local.snapshot_arn}}-weekly"
          target_db_snapshot_identifier = "${{local.identifier}}-weekly-copy"
        }}
        """
    )
    variables = dedent(
        """
        variable "name" {
          type = string
        }

        variable "region" {
          description = "Region of the primary instance (used in snapshot ARNs)."
          type        = string
        }

        variable "instances" {
          type    = number
          default = 1
        }

        variable "instance_class" {
          type    = string
          default = "db.t3.medium"
        }

        variable "storage_gb" {
          type    = number
          default = 50
        }

        variable "backup_days" {
          type    = number
          default = 7
        }

        variable "subnet_ids" {
          type    = list(string)
          default = []
        }

        variable "cross_region_replica" {
          type    = bool
          default = false
        }

        variable "copy_snapshots" {
          description = "Copy the weekly snapshot to the replica provider's region."
          type        = bool
          default     = false
        }

        variable "maintenance_window" {
          description = "Weekly maintenance window, in UTC."
          type        = string
          default     = "sun:02:00-sun:03:00"

          validation {
            condition = can(regex(
              "^[a-z]{3}:[0-9]{2}:[0-9]{2}-[a-z]{3}:[0-9]{2}:[0-9]{2}$", var.maintenance_window
            ))
            error_message = "Use the ddd:hh:mm-ddd:hh:mm format."
          }
        }

        variable "tags" {
          type    = map(string)
          default = {}
        }
        """
    )
    outputs = dedent(
        """
        output "endpoints" {
          value = aws_db_instance.this[*].endpoint
        }

        output "primary_arn" {
          value = aws_db_instance.this[0].arn
        }
        """
    )
    return {
        "main.tf": main,
        "variables.tf": variables,
        "outputs.tf": outputs,
        "versions.tf": versions(["replica"]),
    }


def backup_module(rng: random.Random) -> dict[str, str]:
    schedule = rng.choice(["cron(0 3 * * ? *)", "cron(30 1 * * ? *)", "cron(0 5 ? * SUN *)"])
    main = dedent(
        f"""
        resource "aws_backup_vault" "main" {{
          name        = "${{var.name}}-vault"
          kms_key_arn = var.kms_key_arn
          tags        = var.tags
        }}

        resource "aws_backup_vault" "offsite" {{
          count    = var.offsite_copy ? 1 : 0
          provider = aws.offsite

          name = "${{var.name}}-offsite"
          tags = var.tags
        }}

        resource "aws_backup_plan" "this" {{
          name = "${{var.name}}-plan"

          rule {{
            rule_name         = "daily"
            target_vault_name = aws_backup_vault.main.name
            schedule          = "{schedule}"

            lifecycle {{
              cold_storage_after = 30
              delete_after       = var.retention_days
            }}

            dynamic "copy_action" {{
              for_each = var.offsite_copy ? [1] : []
              content {{
                destination_vault_arn = aws_backup_vault.offsite[0].arn
                lifecycle {{
                  delete_after = var.retention_days
                }}
              }}
            }}
          }}
        }}

        resource "aws_sns_topic" "backup" {{
          name              = "${{var.name}}-backup-events"
          kms_master_key_id = var.kms_key_arn
        }}

        resource "aws_backup_vault_notifications" "main" {{
          backup_vault_name   = aws_backup_vault.main.name
          sns_topic_arn       = aws_sns_topic.backup.arn
          backup_vault_events = ["BACKUP_JOB_FAILED", "RESTORE_JOB_COMPLETED", "COPY_JOB_FAILED"]
        }}

        resource "aws_backup_vault_policy" "main" {{
          backup_vault_name = aws_backup_vault.main.name
          policy = jsonencode({{
            Version = "2012-10-17"
            Statement = [
              {{
                Sid       = "DenyDeleteRecoveryPoints"
                Effect    = "Deny"
                Principal = "*"
                Action = [
                  "backup:DeleteRecoveryPoint",
                  "backup:UpdateRecoveryPointLifecycle",
                ]
                Resource = aws_backup_vault.main.arn
              }},
            ]
          }})
        }}

        resource "aws_backup_selection" "this" {{
          name         = "${{var.name}}-selection"
          plan_id      = aws_backup_plan.this.id
          iam_role_arn = "arn:aws:iam::123456789012:role/backup"
          resources    = var.resource_arns
        }}
        """
    )
    variables = dedent(
        """
        variable "name" {
          type = string
        }

        variable "kms_key_arn" {
          type    = string
          default = null
        }

        variable "offsite_copy" {
          type    = bool
          default = false
        }

        variable "retention_days" {
          type    = number
          default = 180
        }

        variable "resource_arns" {
          type    = list(string)
          default = []
        }

        variable "tags" {
          type    = map(string)
          default = {}
        }
        """
    )
    outputs = dedent(
        """
        output "vault_arn" {
          value = aws_backup_vault.main.arn
        }
        """
    )
    return {
        "main.tf": main,
        "variables.tf": variables,
        "outputs.tf": outputs,
        "versions.tf": versions(["offsite"]),
    }


def network_module(rng: random.Random) -> dict[str, str]:
    cidr_b = rng.randrange(0, 250)
    main = dedent(
        f"""
        data "aws_availability_zones" "available" {{
          state = "available"
        }}

        resource "aws_vpc" "this" {{
          cidr_block           = "10.{cidr_b}.0.0/16"
          enable_dns_hostnames = true
          tags                 = merge(var.tags, {{ Name = var.name }})
        }}

        resource "aws_subnet" "private" {{
          count = var.subnet_count

          vpc_id            = aws_vpc.this.id
          cidr_block        = cidrsubnet(aws_vpc.this.cidr_block, 8, count.index)
          availability_zone = element(data.aws_availability_zones.available.names, count.index)
          tags              = merge(var.tags, {{ Name = "${{var.name}}-private-${{count.index}}" }})
        }}

        resource "aws_security_group" "db" {{
          name   = "${{var.name}}-db"
          vpc_id = aws_vpc.this.id

          dynamic "ingress" {{
            for_each = var.db_ports
            content {{
              from_port   = ingress.value
              to_port     = ingress.value
              protocol    = "tcp"
              cidr_blocks = [aws_vpc.this.cidr_block]
            }}
          }}

          egress {{
            from_port   = 0
            to_port     = 0
            protocol    = "-1"
            cidr_blocks = ["0.0.0.0/0"]
          }}
        }}

        resource "aws_flow_log" "this" {{
          vpc_id          = aws_vpc.this.id
          traffic_type    = "ALL"
          log_destination = aws_cloudwatch_log_group.flow.arn
        }}

        resource "aws_cloudwatch_log_group" "flow" {{
          name              = "/vpc/${{var.name}}/flow"
          retention_in_days = 90
        }}
        """
    )
    variables = dedent(
        """
        variable "name" {
          type = string
        }

        variable "subnet_count" {
          type    = number
          default = 3
        }

        variable "db_ports" {
          type    = list(number)
          default = [5432]
        }

        variable "tags" {
          type    = map(string)
          default = {}
        }
        """
    )
    outputs = dedent(
        """
        output "private_subnet_ids" {
          value = aws_subnet.private[*].id
        }

        output "vpc_id" {
          value = aws_vpc.this.id
        }
        """
    )
    return {"main.tf": main, "variables.tf": variables, "outputs.tf": outputs}


def versions(aliases: list[str]) -> str:
    listed = ", ".join(f"aws.{alias}" for alias in aliases)
    return dedent(
        f"""
        terraform {{
          required_version = ">= 1.5"

          required_providers {{
            aws = {{
              source                = "hashicorp/aws"
              version               = ">= 5.0"
              configuration_aliases = [{listed}]
            }}
          }}
        }}
        """
    )


def environment(rng: random.Random, team: str, env: str) -> dict[str, str]:
    region = rng.choice(EEA)
    # One environment in five sends its replicas and backups outside the EEA.
    replica_region = rng.choice(ELSEWHERE if rng.random() < 0.2 else EEA)
    buckets = rng.sample(["documents", "imaging", "exports", "audit", "reports"], 3)
    main = dedent(
        f"""
        provider "aws" {{
          region = var.region

          default_tags {{
            tags = local.tags
          }}
        }}

        provider "aws" {{
          alias  = "replica"
          region = var.replica_region
        }}

        module "network" {{
          source = "../../modules/network"

          name         = local.name
          subnet_count = var.subnet_count
          db_ports     = [5432, 3306]
          tags         = local.tags
        }}

        module "storage" {{
          source = "../../modules/storage"
          providers = {{
            aws         = aws
            aws.replica = aws.replica
          }}

          name      = local.name
          buckets   = {hcl_list(buckets)}
          replicate = var.replicate
          tags      = local.tags
        }}

        module "database" {{
          source = "../../modules/database"
          providers = {{
            aws         = aws
            aws.replica = aws.replica
          }}

          name                 = local.name
          region               = var.region
          instances            = var.db_instances
          subnet_ids           = module.network.private_subnet_ids
          cross_region_replica = var.replicate
          copy_snapshots       = var.env == "prod"
          tags                 = local.tags
        }}

        module "backup" {{
          source = "../../modules/backup"
          providers = {{
            aws         = aws
            aws.offsite = aws.replica
          }}

          name          = local.name
          kms_key_arn   = module.storage.kms_key_arn
          offsite_copy  = var.offsite_backups
          resource_arns = [module.database.primary_arn]
          tags          = local.tags
        }}
        """
    )
    locals_tf = dedent(
        f"""
        data "aws_caller_identity" "current" {{}}

        locals {{
          name       = "${{var.team}}-${{var.env}}"
          account_id = data.aws_caller_identity.current.account_id
          sizes = {{
            prod    = {{ db_class = "db.r6g.large", subnets = 3, retention = 365 }}
            staging = {{ db_class = "db.t3.medium", subnets = 2, retention = 30 }}
          }}
          size = lookup(local.sizes, var.env, local.sizes["staging"])
          tags = {{
            team                = var.team
            environment         = var.env
            data-classification = "health"
            cost-center         = "{rng.randrange(1000, 9999)}"
          }}
        }}
        """
    )
    variables = dedent(
        """
        variable "team" {
          type = string
        }

        variable "env" {
          type = string
        }

        variable "region" {
          type = string
        }

        variable "replica_region" {
          type = string
        }

        variable "replicate" {
          type    = bool
          default = true
        }

        variable "offsite_backups" {
          type    = bool
          default = false
        }

        variable "db_instances" {
          type    = number
          default = 1
        }

        variable "subnet_count" {
          type    = number
          default = 3
        }
        """
    )
    tfvars = dedent(
        f"""
        team            = "{team}"
        env             = "{env}"
        region          = "{region}"
        replica_region  = "{replica_region}"
        replicate       = {str(env == "prod").lower()}
        offsite_backups = {str(rng.random() < 0.5).lower()}
        db_instances    = {rng.randrange(1, 3)}
        """
    )
    outputs = dedent(
        """
        output "buckets" {
          value = module.storage.bucket_arns
        }

        output "database" {
          value     = module.database.endpoints
          sensitive = true
        }
        """
    )
    return {
        "main.tf": main,
        "locals.tf": locals_tf,
        "variables.tf": variables,
        "terraform.tfvars": tfvars,
        "outputs.tf": outputs,
        "backend.tf": dedent(
            f"""
            terraform {{
              backend "s3" {{
                bucket = "{team}-terraform-state"
                key    = "{env}/terraform.tfstate"
                region = "{region}"
              }}
            }}
            """
        ),
    }


def hcl_list(items: list[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"
