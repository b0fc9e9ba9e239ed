"""Operators' custom resources that provision storage are data stores, located as volume
claims of the StorageClass they name (issue #15)."""

from __future__ import annotations

from collections.abc import Callable

from hdslint.scan import ScanResult
from tests.conftest import finding_tuples

Scan = Callable[..., ScanResult]

CLUSTERS = """
kubernetes:
  clusters:
    - paths: ["k8s/**"]
      provider: aws
      region: us-east-1
"""

MANIFESTS = """
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: paris
provisioner: ebs.csi.aws.com
allowedTopologies:
  - matchLabelExpressions:
      - key: topology.ebs.csi.aws.com/zone
        values: [eu-west-3a]
---
apiVersion: kafka.strimzi.io/v1beta2
kind: Kafka
metadata:
  name: events
spec:
  kafka:
    replicas: 3
    storage:
      type: jbod
      volumes:
        - id: 0
          type: persistent-claim
          size: 100Gi
          class: paris
  zookeeper:
    replicas: 3
    storage:
      type: persistent-claim
      size: 10Gi
      class: paris
---
apiVersion: acid.zalan.do/v1
kind: postgresql
metadata:
  name: records
spec:
  teamId: acid
  volume:
    size: 10Gi
  numberOfInstances: 2
---
apiVersion: elasticsearch.k8s.elastic.co/v1
kind: Elasticsearch
metadata:
  name: search
spec:
  version: 8.15.0
  nodeSets:
    - name: default
      count: 3
      volumeClaimTemplates:
        - metadata:
            name: elasticsearch-data
          spec:
            accessModes: [ReadWriteOnce]
            storageClassName: paris
---
apiVersion: app.redislabs.com/v1
kind: RedisEnterpriseCluster
metadata:
  name: cache
spec:
  nodes: 3
  persistentSpec:
    enabled: true
    storageClassName: elsewhere
---
apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaTopic
metadata:
  name: admissions
spec:
  partitions: 3
"""


def test_operator_resources_are_stores_where_their_claims_are(scan_files: Scan) -> None:
    result = scan_files({".hdslint.yaml": CLUSTERS, "k8s/data.yaml": MANIFESTS})
    stores = {r.id: (r.provider, r.region, r.category) for r in result.graph if r.is_data_store}
    assert stores == {
        # Its StorageClass pins eu-west-3.
        "Kafka.kafka.strimzi.io/events": ("aws", "eu-west-3", "queue"),
        # No class named: the cluster's default, where the cluster runs.
        "postgresql.acid.zalan.do/records": ("aws", "us-east-1", "database"),
        "Elasticsearch.elasticsearch.k8s.elastic.co/search": (
            "aws",
            "eu-west-3",
            "database",
        ),
        # A class that is not among the manifests: where the cluster runs.
        "RedisEnterpriseCluster.app.redislabs.com/cache": ("aws", "us-east-1", "cache"),
    }
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "postgresql.acid.zalan.do/records", 32),
        ("HDS-LOC-001", "fail", "RedisEnterpriseCluster.app.redislabs.com/cache", 58),
    ]


def test_a_gcsfuse_volume_is_the_bucket_it_names(scan_files: Scan) -> None:
    result = scan_files(
        {
            ".hdslint.yaml": CLUSTERS,
            "k8s/job.yaml": """
apiVersion: batch/v1
kind: Job
metadata:
  name: train
spec:
  template:
    spec:
      containers:
        - name: train
          image: trainer
      volumes:
        - name: data
          csi:
            driver: gcsfuse.csi.storage.gke.io
            volumeAttributes:
              bucketName: patient-scans
""",
        }
    )
    assert {r.id: (r.type, r.provider, r.region) for r in result.graph if r.is_data_store} == {
        "Job/default/train/volumes/data": ("google_storage_bucket", "gcp", None)
    }
    assert finding_tuples(result) == [
        ("HDS-LOC-002", "not_evaluated", "Job/default/train/volumes/data", 1)
    ]
    assert result.findings[0].message.endswith(
        "volume 'data' is bucket 'patient-scans' (through gcsfuse.csi.storage.gke.io), which"
        " is not located by the manifests"
    )


def test_operator_backup_repositories_are_backups_where_their_bucket_is(scan_files: Scan) -> None:
    result = scan_files(
        {
            ".hdslint.yaml": CLUSTERS,
            "k8s/db.yaml": """
apiVersion: postgres-operator.crunchydata.com/v1beta1
kind: PostgresCluster
metadata:
  name: ehr
  namespace: health
spec:
  postgresVersion: 16
  instances:
    - dataVolumeClaimSpec:
        accessModes: [ReadWriteOnce]
        storageClassName: fast
  backups:
    pgbackrest:
      repos:
        - name: repo1
          volume:
            volumeClaimSpec:
              accessModes: [ReadWriteOnce]
        - name: repo2
          s3:
            bucket: ehr-backups
            endpoint: s3.us-west-2.amazonaws.com
            region: us-west-2
        - name: repo3
          gcs:
            bucket: ehr-archive
---
apiVersion: pxc.percona.com/v1
kind: PerconaXtraDBCluster
metadata:
  name: billing
  namespace: health
spec:
  backup:
    storages:
      s3-eu:
        type: s3
        s3:
          bucket: billing-backups
          region: eu-west-3
""",
        }
    )
    located = {
        r.id: (r.category, r.provider, r.region)
        for r in result.graph
        if r.is_data_store and "/backups/" in r.id
    }
    assert located == {
        "PostgresCluster.postgres-operator.crunchydata.com/health/ehr/backups/repo2": (
            "backup",
            "aws",
            "us-west-2",
        ),
        "PostgresCluster.postgres-operator.crunchydata.com/health/ehr/backups/repo3": (
            "backup",
            "gcp",
            None,
        ),
        "PerconaXtraDBCluster.pxc.percona.com/health/billing/backups/s3-eu": (
            "backup",
            "aws",
            "eu-west-3",
        ),
    }
    crunchy = "PostgresCluster.postgres-operator.crunchydata.com/health/ehr"
    assert finding_tuples(result) == [
        ("HDS-FLOW-001", "fail", crunchy, 1),
        # (Its backup to repo3 is not evaluated for the reason repo3's HDS-LOC-002 gives.)
        ("HDS-LOC-001", "fail", crunchy, 1),
        ("HDS-LOC-001", "fail", f"{crunchy}/backups/repo2", 1),
        ("HDS-LOC-002", "not_evaluated", f"{crunchy}/backups/repo3", 1),
        ("HDS-LOC-001", "fail", "PerconaXtraDBCluster.pxc.percona.com/health/billing", 28),
    ]
    assert result.findings[0].message == (
        f"is backed up to {crunchy}/backups/repo2: us-west-2 (United States) is outside the EEA"
    )
