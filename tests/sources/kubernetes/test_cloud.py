"""Cloud resources declared as custom resources: Crossplane, ACK, Config Connector, ASO."""

from __future__ import annotations

from collections.abc import Callable

from hdslint.ids import Outside, ResourceKey
from hdslint.scan import ScanResult
from tests.conftest import finding_tuples

Scan = Callable[..., ScanResult]


def located(result: ScanResult) -> dict[str, tuple[str | None, str | None, str | None]]:
    return {r.id: (r.provider, r.service, r.region) for r in result.graph}


def messages(result: ScanResult) -> list[str]:
    return [f.message for f in result.findings]


CROSSPLANE_BUCKETS = """
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: analytics-exports
spec:
  forProvider:
    region: us-east-1
---
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: patient-records
  annotations:
    crossplane.io/external-name: hds-patient-records
spec:
  forProvider:
    region: eu-west-3
    tags:
      team: records
"""


def test_crossplane_bucket_in_us_east_1_fails_and_eu_west_3_passes(scan_files: Scan) -> None:
    result = scan_files({"crossplane/buckets.yaml": CROSSPLANE_BUCKETS})
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "Bucket.s3.aws.upbound.io/analytics-exports", 1),
    ]
    assert messages(result) == ["us-east-1 (United States) is outside the EEA"]
    assert [f.location.file for f in result.findings] == ["project/crossplane/buckets.yaml"]
    records = result.graph.get(
        ResourceKey("project/crossplane", "Bucket.s3.aws.upbound.io/patient-records")
    )
    assert records is not None
    # The same normalised resource as Terraform's aws_s3_bucket.
    assert (records.type, records.provider, records.service, records.category) == (
        "Bucket.s3.aws.upbound.io",
        "aws",
        "aws:s3",
        "storage",
    )
    assert (records.region, records.activities, records.source) == (
        "eu-west-3",
        (1, 2, 3, 4),
        "kubernetes",
    )
    assert (records.location.line, records.location.end_line) == (9, 19)
    assert dict(records.tags) == {"team": "records"}


def test_crossplane_namespaced_and_community_groups(scan_files: Scan) -> None:
    result = scan_files(
        {
            "buckets.yaml": """
apiVersion: s3.aws.m.upbound.io/v1beta1
kind: Bucket
metadata:
  name: example
  namespace: upbound-system
spec:
  forProvider:
    region: us-west-1
---
apiVersion: s3.aws.crossplane.io/v1beta1
kind: Bucket
metadata:
  name: legacy
spec:
  forProvider:
    locationConstraint: eu-central-1
---
apiVersion: rds.aws.upbound.io/v1beta3
kind: Instance
metadata:
  name: db
spec:
  forProvider:
    availabilityZone: eu-west-3b
    region: eu-west-3
"""
        }
    )
    assert located(result) == {
        "Bucket.s3.aws.m.upbound.io/upbound-system/example": ("aws", "aws:s3", "us-west-1"),
        "Bucket.s3.aws.crossplane.io/legacy": ("aws", "aws:s3", "eu-central-1"),
        "Instance.rds.aws.upbound.io/db": ("aws", "aws:rds", "eu-west-3"),
    }
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "Bucket.s3.aws.m.upbound.io/upbound-system/example", 1)
    ]


def test_crossplane_replication_follows_refs_and_selectors(scan_files: Scan) -> None:
    result = scan_files(
        {
            "s3.yaml": """
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata: {name: source}
spec:
  forProvider: {region: eu-west-3}
---
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: replica
  labels: {role: dr}
spec:
  forProvider: {region: us-west-2}
---
apiVersion: s3.aws.upbound.io/v1beta1
kind: BucketReplicationConfiguration
metadata: {name: replication}
spec:
  forProvider:
    region: eu-west-3
    bucketRef: {name: source}
    rule:
      - destination:
          - bucketSelector:
              matchLabels: {role: dr}
        status: Enabled
"""
        }
    )
    assert finding_tuples(result) == [
        ("HDS-FLOW-001", "fail", "Bucket.s3.aws.upbound.io/source", 1),
        ("HDS-LOC-001", "fail", "Bucket.s3.aws.upbound.io/replica", 7),
    ]
    assert messages(result)[0] == (
        "replicates to Bucket.s3.aws.upbound.io/replica: us-west-2 (United States) is outside"
        " the EEA"
    )


def test_ack_region_annotation(scan_files: Scan) -> None:
    result = scan_files(
        {
            "ack/bucket.yaml": """
apiVersion: s3.services.k8s.aws/v1alpha1
kind: Bucket
metadata:
  name: exports
  namespace: health
  annotations:
    services.k8s.aws/region: us-east-1
spec:
  name: hds-exports
"""
        }
    )
    assert located(result) == {
        "Bucket.s3.services.k8s.aws/health/exports": ("aws", "aws:s3", "us-east-1")
    }
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "Bucket.s3.services.k8s.aws/health/exports", 1)
    ]


def test_ack_namespace_default_region_then_config_default(scan_files: Scan) -> None:
    result = scan_files(
        {
            ".hdslint.yaml": "kubernetes:\n  ack:\n    default_region: eu-central-1\n",
            "ns.yaml": """
apiVersion: v1
kind: Namespace
metadata:
  name: records
  annotations:
    services.k8s.aws/default-region: eu-west-3
""",
            "tables.yaml": """
apiVersion: dynamodb.services.k8s.aws/v1alpha1
kind: Table
metadata: {name: visits, namespace: records}
spec:
  tableName: visits
  tableReplicas:
    - regionName: us-east-1
---
apiVersion: rds.services.k8s.aws/v1alpha1
kind: DBInstance
metadata: {name: reporting, namespace: analytics}
spec: {dbInstanceIdentifier: reporting}
""",
        }
    )
    regions = {r.id: r.region for r in result.graph if r.provider == "aws"}
    assert regions == {
        "Table.dynamodb.services.k8s.aws/records/visits": "eu-west-3",
        "DBInstance.rds.services.k8s.aws/analytics/reporting": "eu-central-1",
    }
    assert finding_tuples(result) == [
        ("HDS-FLOW-001", "fail", "Table.dynamodb.services.k8s.aws/records/visits", 1)
    ]


def test_ack_without_any_region_is_not_evaluated_with_the_reason(scan_files: Scan) -> None:
    result = scan_files(
        {
            "queue.yaml": """
apiVersion: sqs.services.k8s.aws/v1alpha1
kind: Queue
metadata: {name: events, namespace: health}
spec: {queueName: events}
"""
        }
    )
    assert finding_tuples(result) == [
        ("HDS-LOC-002", "not_evaluated", "Queue.sqs.services.k8s.aws/health/events", 1)
    ]
    assert messages(result) == [
        "could not be checked: the region is not known: none of annotation"
        " services.k8s.aws/region, annotation services.k8s.aws/default-region on Namespace"
        " 'health' (not among the scanned manifests) or kubernetes.ack.default_region in"
        " .hdslint.yaml is set"
    ]


def test_config_connector_bucket_in_us_and_its_default(scan_files: Scan) -> None:
    result = scan_files(
        {
            "kcc.yaml": """
apiVersion: storage.cnrm.cloud.google.com/v1beta1
kind: StorageBucket
metadata:
  name: imaging
  namespace: health
spec:
  location: US
---
apiVersion: storage.cnrm.cloud.google.com/v1beta1
kind: StorageBucket
metadata:
  name: defaulted
  namespace: health
spec:
  storageClass: STANDARD
---
apiVersion: storage.cnrm.cloud.google.com/v1beta1
kind: StorageBucket
metadata:
  name: paris
  namespace: health
spec:
  location: europe-west9
"""
        }
    )
    assert located(result) == {
        "StorageBucket.storage.cnrm.cloud.google.com/health/imaging": ("gcp", "gcp:storage", "us"),
        "StorageBucket.storage.cnrm.cloud.google.com/health/defaulted": (
            "gcp",
            "gcp:storage",
            "us",
        ),
        "StorageBucket.storage.cnrm.cloud.google.com/health/paris": (
            "gcp",
            "gcp:storage",
            "europe-west9",
        ),
    }
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "StorageBucket.storage.cnrm.cloud.google.com/health/imaging", 1),
        ("HDS-LOC-001", "fail", "StorageBucket.storage.cnrm.cloud.google.com/health/defaulted", 9),
        ("HDS-COND-001", "fail", "StorageBucket.storage.cnrm.cloud.google.com/health/paris", 17),
    ]
    assert messages(result)[0] == "us (US multi-region) is outside the EEA"


def test_azure_service_operator_location_and_geo_redundancy(scan_files: Scan) -> None:
    result = scan_files(
        {
            "aso.yaml": """
apiVersion: storage.azure.com/v1api20230101
kind: StorageAccount
metadata: {name: records, namespace: default}
spec:
  location: francecentral
  sku: {name: Standard_GRS}
  owner: {name: rg}
---
apiVersion: dbforpostgresql.azure.com/v20250801
kind: FlexibleServer
metadata: {name: pg, namespace: default}
spec:
  location: uksouth
"""
        }
    )
    assert located(result) == {
        "StorageAccount.storage.azure.com/default/records": (
            "azure",
            "azure:storage",
            "francecentral",
        ),
        "FlexibleServer.dbforpostgresql.azure.com/default/pg": (
            "azure",
            "azure:postgresql",
            "uksouth",
        ),
    }
    (paired,) = [e for e in result.graph.edges if e.kind.value == "replicates_to"]
    assert paired.target == Outside("azure", "francesouth")
    assert (
        "HDS-LOC-001",
        "fail",
        "FlexibleServer.dbforpostgresql.azure.com/default/pg",
        9,
    ) in finding_tuples(result)


def test_placeholder_region_is_unknown_not_a_guess(scan_files: Scan) -> None:
    result = scan_files(
        {
            "b.yaml": """
apiVersion: s3.aws.upbound.io/v1beta1
kind: Bucket
metadata: {name: b}
spec:
  forProvider: {region: "${REGION}"}
"""
        }
    )
    assert messages(result) == [
        "could not be checked: the region is not known: spec.forProvider.region is a placeholder"
        " ('${REGION}') filled in at deploy time"
    ]


def test_health_data_labels_classify_when_default_is_false(scan_files: Scan) -> None:
    result = scan_files(
        {
            ".hdslint.yaml": "health_data:\n  default: false\n",
            "buckets.yaml": """
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: phi
  labels: {data-classification: phi}
spec:
  forProvider: {region: us-east-1}
---
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: logs
spec:
  forProvider: {region: us-east-1}
---
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: tagged
spec:
  forProvider:
    region: us-east-1
    tags: {data-classification: health}
""",
        }
    )
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "Bucket.s3.aws.upbound.io/phi", 1),
        ("HDS-LOC-001", "fail", "Bucket.s3.aws.upbound.io/tagged", 16),
    ]


def test_only_hdslint_annotations_are_kept(scan_files: Scan) -> None:
    result = scan_files(
        {
            "b.yaml": """
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: b
  annotations:
    hdslint.io/ignore: "HDS-LOC-001: archived copy, tracked in JIRA-12"
    kubectl.kubernetes.io/last-applied-configuration: '{"env": [{"value": "s3cr3t"}]}'
spec:
  forProvider:
    region: eu-west-3
    credentials: {secretKey: s3cr3t}
"""
        }
    )
    (bucket,) = list(result.graph)
    assert dict(bucket.annotations) == {
        "hdslint.io/ignore": "HDS-LOC-001: archived copy, tracked in JIRA-12"
    }
    assert "s3cr3t" not in repr(bucket)


def test_region_from_the_parent_object(scan_files: Scan) -> None:
    result = scan_files(
        {
            "azure.yaml": """
apiVersion: storage.azure.upbound.io/v1beta2
kind: Account
metadata:
  name: records
spec:
  forProvider:
    location: France Central
    accountReplicationType: LRS
---
apiVersion: storage.azure.upbound.io/v1beta1
kind: Container
metadata: {name: scans}
spec:
  forProvider:
    storageAccountNameRef: {name: records}
---
apiVersion: storage.azure.upbound.io/v1beta1
kind: Container
metadata: {name: orphan}
spec:
  forProvider: {}
---
apiVersion: healthcare.cnrm.cloud.google.com/v1alpha1
kind: HealthcareFHIRStore
metadata: {name: fhir, namespace: health}
spec:
  dataset: projects/p/locations/europe-west9/datasets/ehr
"""
        }
    )
    assert located(result) == {
        "Account.storage.azure.upbound.io/records": ("azure", "azure:storage", "francecentral"),
        "Container.storage.azure.upbound.io/scans": ("azure", "azure:storage", "francecentral"),
        "Container.storage.azure.upbound.io/orphan": ("azure", "azure:storage", None),
        "HealthcareFHIRStore.healthcare.cnrm.cloud.google.com/health/fhir": (
            "gcp",
            "gcp:healthcare",
            "europe-west9",
        ),
    }
    orphan = [f.message for f in result.findings if f.resource.id.endswith("/orphan")]
    assert orphan == [
        "could not be checked: the region is not known: none of"
        " spec.forProvider.storageAccountId or spec.forProvider.storageAccountName is set"
    ]


def test_selectors_resolve_to_the_kind_the_field_names_not_the_whole_stack(
    scan_files: Scan,
) -> None:
    # Upjet examples label every object of a stack alike: the Plan's vault selector must not
    # pick the SNS topic or the IAM role carrying the same label.
    result = scan_files(
        {
            "backup.yaml": """
apiVersion: backup.aws.upbound.io/v1beta1
kind: Vault
metadata:
  name: vault
  labels: {stack: ehr}
spec:
  forProvider: {region: eu-west-3}
---
apiVersion: sns.aws.upbound.io/v1beta1
kind: Topic
metadata:
  name: topic
  labels: {stack: ehr}
spec:
  forProvider: {region: us-east-1}
---
apiVersion: iam.aws.upbound.io/v1beta1
kind: Role
metadata:
  name: role
  labels: {stack: ehr}
spec:
  forProvider: {}
---
apiVersion: backup.aws.upbound.io/v1beta2
kind: Plan
metadata: {name: daily}
spec:
  forProvider:
    region: eu-west-3
    rule:
      - ruleName: daily
        targetVaultNameSelector:
          matchLabels: {stack: ehr}
"""
        }
    )
    backs_up_to = [
        (str(e.source), str(e.target)) for e in result.graph.edges if e.kind.value == "backs_up_to"
    ]
    assert backs_up_to == [
        ("project::Plan.backup.aws.upbound.io/daily", "project::Vault.backup.aws.upbound.io/vault")
    ]
