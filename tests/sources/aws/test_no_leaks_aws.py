"""Secrets in AWS never reach an output: not in any report format, not in a saved inventory.

The collector reads metadata only (never GetSecretValue, never object or item contents), and
what the APIs return about secrets (a database's master user, a secret's name) is not copied
into resources beyond what a finding needs."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from hdslint.commands.aws import inventory_document
from hdslint.reporters import REPORTERS, get_reporter
from hdslint.sources.inventory import dumps
from tests.sources.aws.test_collector import scan

SECRETS = ("hunter2-super-secret", "RdsMasterPassw0rd-x9", "RedshiftPassw0rd-y7", "sqs-body-secret")


@pytest.mark.usefixtures("aws_env")
def test_no_aws_secret_in_any_output_or_inventory(tmp_path: Path) -> None:
    region = "us-east-1"  # outside the EEA: every store yields a finding to render
    boto3.client("secretsmanager", region_name=region).create_secret(
        Name="db-password",
        SecretString="hunter2-super-secret",
        Tags=[{"Key": "data-classification", "Value": "health"}],
    )
    boto3.client("rds", region_name=region).create_db_instance(
        DBInstanceIdentifier="patients",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="admin",
        MasterUserPassword="RdsMasterPassw0rd-x9",
        AllocatedStorage=20,
    )
    boto3.client("redshift", region_name=region).create_cluster(
        ClusterIdentifier="warehouse",
        NodeType="dc2.large",
        MasterUsername="admin",
        MasterUserPassword="RedshiftPassw0rd-y7",
        ClusterType="single-node",
    )
    sqs = boto3.client("sqs", region_name=region)
    url = sqs.create_queue(QueueName="measurements")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="sqs-body-secret")

    collection, result = scan((region,), services=("secretsmanager", "rds", "redshift", "sqs"))
    assert {f.resource.type for f in result.findings} >= {
        "AWS::RDS::DBInstance",
        "AWS::Redshift::Cluster",
        "AWS::SQS::Queue",
    }
    outputs = {fmt: get_reporter(fmt).render(result, color=False) for fmt in REPORTERS}
    outputs["inventory"] = dumps(inventory_document(collection))
    for name, text in outputs.items():
        for secret in SECRETS:
            assert secret not in text, (name, secret)
