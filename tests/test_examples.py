"""The bundled examples: what the README shows, asserted exactly."""

from __future__ import annotations

import pytest

from hdslint.scan import ScanOptions, run_scan
from tests.conftest import ROOT, finding_tuples


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_compliant_example_has_no_findings() -> None:
    result = run_scan(ScanOptions(paths=["examples/terraform/compliant"], env={}))
    assert finding_tuples(result) == []
    assert result.errors == []
    assert {r.id: r.region for r in result.graph if r.type == "aws_db_instance"} == {
        "aws_db_instance.patients": "eu-west-3",
        "aws_db_instance.patients_replica": "eu-central-1",
    }


def test_noncompliant_example_findings() -> None:
    result = run_scan(ScanOptions(paths=["examples/terraform/noncompliant"], env={}))
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "aws_backup_vault.offsite", 5),
        ("HDS-FLOW-001", "fail", "aws_backup_plan.daily", 10),
        ("HDS-LOC-002", "not_evaluated", "aws_db_instance.reporting", 10),
        ("HDS-FLOW-001", "fail", "aws_s3_bucket.records", 1),
        ("HDS-LOC-001", "fail", "aws_s3_bucket.analytics_exports", 6),
    ]
    assert [f.location.file for f in result.findings] == [
        "examples/terraform/noncompliant/backup.tf",
        "examples/terraform/noncompliant/backup.tf",
        "examples/terraform/noncompliant/database.tf",
        "examples/terraform/noncompliant/storage.tf",
        "examples/terraform/noncompliant/storage.tf",
    ]


def test_kubernetes_compliant_example_has_no_findings() -> None:
    result = run_scan(ScanOptions(paths=["examples/kubernetes/compliant"], env={}))
    assert finding_tuples(result) == []
    assert result.errors == []
    # The cluster mapping of examples/.hdslint.yaml and the StorageClass both say Paris.
    assert {r.id: (r.provider, r.region) for r in result.graph if r.is_data_store} == {
        "Bucket.s3.aws.upbound.io/ehr-documents": ("aws", "eu-west-3"),
        "Bucket.s3.aws.upbound.io/ehr-documents-dr": ("aws", "eu-central-1"),
        "Cluster.postgresql.cnpg.io/ehr/ehr-db": ("aws", "eu-west-3"),
        "Cluster.postgresql.cnpg.io/ehr/ehr-db/backup/barmanObjectStore": ("aws", "eu-west-3"),
        "PersistentVolumeClaim/ehr/patient-uploads": ("aws", "eu-west-3"),
        "BackupStorageLocation.velero.io/velero/default": ("aws", "eu-west-3"),
    }


def test_kubernetes_noncompliant_example_findings() -> None:
    result = run_scan(ScanOptions(paths=["examples/kubernetes/noncompliant"], env={}))
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "StatefulSet/analytics/clickhouse/volumeClaimTemplates/data", 2),
        ("HDS-LOC-001", "fail", "Bucket.s3.aws.upbound.io/ehr-analytics-exports", 2),
        ("HDS-FLOW-001", "fail", "Table.dynamodb.services.k8s.aws/ehr/appointments", 11),
        ("HDS-LOC-001", "fail", "StorageBucket.storage.cnrm.cloud.google.com/ehr/ehr-imaging", 29),
        ("HDS-LOC-001", "fail", "BackupStorageLocation.velero.io/velero/offsite", 38),
        ("HDS-LOC-002", "not_evaluated", "PersistentVolumeClaim/ehr-staging/patient-uploads", 2),
    ]
    assert result.errors == []


def test_scanning_all_examples_gives_the_readme_summary() -> None:
    result = run_scan(ScanOptions(paths=["examples"], env={}))
    assert len(result.graph) == 54
    assert sum(1 for f in result.findings if f.status.value == "fail") == 13
    assert sum(1 for f in result.findings if f.status.value == "not_evaluated") == 3
    assert result.errors == []


def test_cloudformation_compliant_example_has_no_findings() -> None:
    result = run_scan(ScanOptions(paths=["examples/cloudformation/compliant"], env={}))
    assert finding_tuples(result) == []
    assert result.errors == []
    # samconfig.toml says Paris; the replicas and backup copies go to Frankfurt.
    assert {r.id: r.region for r in result.graph if r.is_data_store} == {
        "ehr-records/Patients": "eu-west-3",
        "ehr-records/Documents": "eu-west-3",
        "ehr-records/Vault": "eu-west-3",
        "ehr-records/Plan": "eu-west-3",
    }
    assert sorted(str(e.target) for e in result.graph.edges) == [
        "a destination in eu-central-1",
        "a destination in eu-west-3",
        "arn:aws:backup:eu-central-1:111122223333:backup-vault:ehr-dr",
        "examples/cloudformation/compliant/template.yaml::ehr-records/Vault",
    ]


def test_cloudformation_noncompliant_example_findings() -> None:
    result = run_scan(ScanOptions(paths=["examples/cloudformation/noncompliant"], env={}))
    assert result.errors == []
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "AnalyticsStack/Analytics8D8F6C0B", 3),
        ("HDS-FLOW-001", "fail", "EhrStack/Records2F6A8D36", 3),
        (
            "HDS-LOC-002",
            "not_evaluated",
            "examples/cloudformation/noncompliant/legacy/reporting.yaml/Reporting",
            9,
        ),
    ]


@pytest.mark.parametrize("tool", ["opentofu", "terragrunt"])
def test_opentofu_and_terragrunt_compliant_examples_have_no_findings(tool: str) -> None:
    result = run_scan(ScanOptions(paths=[f"examples/{tool}/compliant"], env={}))
    assert (finding_tuples(result), result.errors) == ([], [])


def test_opentofu_noncompliant_example_findings() -> None:
    result = run_scan(ScanOptions(paths=["examples/opentofu/noncompliant"], env={}))
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", 'aws_s3_bucket.records["virginia"]', 12),
    ]
    assert result.errors == []


def test_terragrunt_noncompliant_example_findings() -> None:
    result = run_scan(ScanOptions(paths=["examples/terragrunt/noncompliant"], env={}))
    assert [
        (f.policy_id, f.resource.id, f.location.file, f.location.line, f.resource.scope)
        for f in result.findings
    ] == [
        (
            "HDS-LOC-001",
            "aws_s3_bucket.records",
            "examples/terragrunt/modules/records/main.tf",
            5,
            "examples/terragrunt/noncompliant/us-east-1/records",
        ),
    ]
    assert result.errors == []
