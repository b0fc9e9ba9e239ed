"""Backup destinations: Velero BackupStorageLocations, CloudNativePG object stores."""

from __future__ import annotations

from collections.abc import Callable

from hdslint.scan import ScanResult
from tests.conftest import finding_tuples

Scan = Callable[..., ScanResult]

PROD = """
kubernetes:
  clusters:
    - {name: prod, paths: ["k8s/**"], provider: aws, region: eu-west-3}
"""


def located(result: ScanResult) -> dict[str, tuple[str | None, str | None, str, str | None]]:
    return {r.id: (r.provider, r.service, r.category, r.region) for r in result.graph}


def test_velero_location_in_us_east_1(scan_files: Scan) -> None:
    result = scan_files(
        {
            ".hdslint.yaml": PROD,
            "k8s/velero.yaml": """
apiVersion: velero.io/v1
kind: BackupStorageLocation
metadata:
  name: default
  namespace: velero
spec:
  provider: aws
  objectStorage:
    bucket: hds-cluster-backups
  config:
    region: us-east-1
""",
        }
    )
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "BackupStorageLocation.velero.io/velero/default", 1)
    ]
    (location,) = list(result.graph)
    assert (location.category, location.service, location.activities) == ("backup", "aws:s3", (6,))
    assert [f.message for f in result.findings] == ["us-east-1 (United States) is outside the EEA"]


def test_velero_locations_on_s3_compatible_endpoints_and_joined_buckets(scan_files: Scan) -> None:
    result = scan_files(
        {
            ".hdslint.yaml": PROD,
            "k8s/velero.yaml": """
apiVersion: velero.io/v1
kind: BackupStorageLocation
metadata: {name: ovh, namespace: velero}
spec:
  provider: aws
  objectStorage: {bucket: backups}
  config: {region: gra, s3Url: "https://s3.gra.io.cloud.ovh.net"}
---
apiVersion: velero.io/v1
kind: BackupStorageLocation
metadata: {name: minio, namespace: velero}
spec:
  provider: aws
  objectStorage: {bucket: velero}
  config: {region: minio, s3Url: "http://minio.velero.svc:9000", s3ForcePathStyle: "true"}
---
apiVersion: velero.io/v1
kind: BackupStorageLocation
metadata: {name: gcs, namespace: velero}
spec:
  provider: velero.io/gcp
  objectStorage: {bucket: hds-velero}
---
apiVersion: velero.io/v1
kind: BackupStorageLocation
metadata: {name: s3-no-region, namespace: velero}
spec:
  provider: aws
  objectStorage: {bucket: unknown-bucket}
""",
            "infra/kcc.yaml": """
apiVersion: storage.cnrm.cloud.google.com/v1beta1
kind: StorageBucket
metadata:
  name: velero-bucket
  namespace: infra
spec:
  resourceID: hds-velero
  location: europe-west9
""",
        }
    )
    assert located(result) == {
        "BackupStorageLocation.velero.io/velero/ovh": ("ovh", "ovh:object", "backup", "GRA"),
        "BackupStorageLocation.velero.io/velero/minio": ("aws", "aws:ebs", "backup", "eu-west-3"),
        "BackupStorageLocation.velero.io/velero/gcs": (
            "gcp",
            "gcp:storage",
            "backup",
            "europe-west9",
        ),
        "BackupStorageLocation.velero.io/velero/s3-no-region": ("aws", "aws:s3", "backup", None),
        "StorageBucket.storage.cnrm.cloud.google.com/infra/velero-bucket": (
            "gcp",
            "gcp:storage",
            "storage",
            "europe-west9",
        ),
    }
    unknown = [f for f in result.findings if f.policy_id == "HDS-LOC-002"]
    assert [(f.resource.id, f.message) for f in unknown] == [
        (
            "BackupStorageLocation.velero.io/velero/s3-no-region",
            "could not be checked: the region is not known: spec.config.region is not set, and"
            " bucket 'unknown-bucket' is not among the scanned manifests",
        )
    ]


def test_velero_schedule_moving_volume_data_links_claims_to_the_location(scan_files: Scan) -> None:
    result = scan_files(
        {
            ".hdslint.yaml": "health_data:\n  default: false\n" + PROD,
            "k8s/app.yaml": """
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: records
  namespace: ehr
  labels: {data-classification: health}
spec: {}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: cache, namespace: tools}
spec: {}
""",
            "k8s/velero.yaml": """
apiVersion: velero.io/v1
kind: BackupStorageLocation
metadata: {name: offsite, namespace: velero}
spec:
  provider: aws
  default: true
  objectStorage: {bucket: offsite}
  config: {region: us-west-2}
---
apiVersion: velero.io/v1
kind: Schedule
metadata: {name: nightly, namespace: velero}
spec:
  schedule: "0 2 * * *"
  template:
    includedNamespaces: [ehr, tools]
    snapshotMoveData: true
""",
        }
    )
    backed_up = sorted(
        (str(e.source), str(e.target)) for e in result.graph.edges if e.kind.value == "backs_up_to"
    )
    assert backed_up == [
        (
            "cluster:prod::PersistentVolumeClaim/ehr/records",
            "cluster:prod::BackupStorageLocation.velero.io/velero/offsite",
        ),
        (
            "cluster:prod::PersistentVolumeClaim/tools/cache",
            "cluster:prod::BackupStorageLocation.velero.io/velero/offsite",
        ),
    ]
    # The labelled claim is health data, and so is its backup.
    assert finding_tuples(result) == [
        ("HDS-FLOW-001", "fail", "PersistentVolumeClaim/ehr/records", 1),
        ("HDS-LOC-001", "fail", "BackupStorageLocation.velero.io/velero/offsite", 1),
    ]


def test_cloudnative_pg_backups(scan_files: Scan) -> None:
    result = scan_files(
        {
            ".hdslint.yaml": PROD,
            "k8s/pg.yaml": """
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: {name: ehr-db, namespace: ehr}
spec:
  instances: 3
  storage: {size: 20Gi}
  backup:
    barmanObjectStore:
      destinationPath: s3://ehr-backups/
      endpointURL: https://s3.fr-par.scw.cloud
      s3Credentials:
        accessKeyId: {name: scw, key: ACCESS_KEY_ID}
        secretAccessKey: {name: scw, key: ACCESS_SECRET_KEY}
---
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: {name: aws-db, namespace: ehr}
spec:
  instances: 1
  backup:
    barmanObjectStore:
      destinationPath: s3://hds-pg-backups/main
      s3Credentials:
        region: {name: aws-creds, key: AWS_REGION}
---
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: {name: plugin-db, namespace: ehr}
spec:
  instances: 1
  plugins:
    - name: barman-cloud.cloudnative-pg.io
      isWALArchiver: true
      parameters: {barmanObjectName: pg-store}
---
apiVersion: barmancloud.cnpg.io/v1
kind: ObjectStore
metadata: {name: pg-store, namespace: ehr}
spec:
  configuration:
    destinationPath: s3://joined/
""",
            "infra/buckets.yaml": """
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: joined
spec:
  forProvider: {region: eu-central-1}
""",
        }
    )
    assert {
        k: v for k, v in located(result).items() if "cnpg" in k or k == "barmanObjectStore"
    } == {
        "Cluster.postgresql.cnpg.io/ehr/ehr-db": ("aws", "aws:ebs", "database", "eu-west-3"),
        "Cluster.postgresql.cnpg.io/ehr/ehr-db/backup/barmanObjectStore": (
            "scaleway",
            "scaleway:object",
            "backup",
            "fr-par",
        ),
        "Cluster.postgresql.cnpg.io/ehr/aws-db": ("aws", "aws:ebs", "database", "eu-west-3"),
        "Cluster.postgresql.cnpg.io/ehr/aws-db/backup/barmanObjectStore": (
            "aws",
            "aws:s3",
            "backup",
            None,
        ),
        "Cluster.postgresql.cnpg.io/ehr/plugin-db": ("aws", "aws:ebs", "database", "eu-west-3"),
        "ObjectStore.barmancloud.cnpg.io/ehr/pg-store": ("aws", "aws:s3", "backup", "eu-central-1"),
    }
    assert finding_tuples(result) == [
        ("HDS-FLOW-002", "fail", "Cluster.postgresql.cnpg.io/ehr/ehr-db", 1),
        (
            "HDS-CERT-001",
            "fail",
            "Cluster.postgresql.cnpg.io/ehr/ehr-db/backup/barmanObjectStore",
            1,
        ),
        # (The backup flow of aws-db cannot be checked for the reason its destination's
        # HDS-LOC-002 gives: reported once, there.)
        (
            "HDS-LOC-002",
            "not_evaluated",
            "Cluster.postgresql.cnpg.io/ehr/aws-db/backup/barmanObjectStore",
            15,
        ),
    ]
    by_id = {(f.policy_id, f.resource.id): f.message for f in result.findings}
    assert by_id[
        "HDS-LOC-002", "Cluster.postgresql.cnpg.io/ehr/aws-db/backup/barmanObjectStore"
    ] == (
        "could not be checked: the region is not known: the manifest does not say in which region"
        " S3 bucket 'hds-pg-backups' is (it is in Secret 'aws-creds'), and the bucket is not among"
        " the scanned manifests"
    )
    assert by_id[
        "HDS-CERT-001", "Cluster.postgresql.cnpg.io/ehr/ehr-db/backup/barmanObjectStore"
    ] == ("Scaleway's HDS certificate covers activities 1-4, not 6 (backup)")
