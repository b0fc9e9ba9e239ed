"""The services `hdslint aws` reads, in report order. An explicit table: adding a service
means writing its module and listing it here (and its IAM actions in `permissions`)."""

from __future__ import annotations

from hdslint.sources.aws import (
    backup,
    dynamodb,
    ebs,
    ecr,
    efs,
    elasticache,
    kinesis,
    logs,
    messaging,
    opensearch,
    rds,
    redshift,
    s3,
    secrets,
)
from hdslint.sources.aws.spec import ServiceSpec

SERVICES: dict[str, ServiceSpec] = {
    spec.name: spec
    for spec in (
        s3.SPEC,
        rds.SPEC,
        dynamodb.SPEC,
        ebs.SPEC,
        efs.SPEC,
        backup.SPEC,
        elasticache.SPEC,
        redshift.SPEC,
        opensearch.SPEC,
        kinesis.SPEC,
        messaging.SQS_SPEC,
        messaging.SNS_SPEC,
        logs.SPEC,
        secrets.SPEC,
        ecr.SPEC,
    )
}
