"""Workload storage: claims, volumes, classes, and where the cluster runs."""

from __future__ import annotations

from collections.abc import Callable

from hdslint.ids import ResourceKey
from hdslint.scan import ScanResult
from tests.conftest import finding_tuples

Scan = Callable[..., ScanResult]

CLUSTERS = """
kubernetes:
  clusters:
    - name: prod
      paths: ["k8s/prod/**"]
      provider: aws
      region: eu-west-3
    - paths: ["k8s/us-analytics"]
      provider: aws
      region: us-east-1
"""

CLAIM = """
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: patient-files
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests: {storage: 20Gi}
"""


def located(result: ScanResult) -> dict[str, tuple[str | None, str | None, str | None]]:
    return {str(r.key): (r.provider, r.service, r.region) for r in result.graph}


def test_claims_in_two_folders_mapped_to_two_regions(scan_files: Scan) -> None:
    result = scan_files(
        {
            ".hdslint.yaml": CLUSTERS,
            "k8s/prod/storage/pvc.yaml": CLAIM,
            "k8s/us-analytics/pvc.yaml": CLAIM,
        }
    )
    # The same id in two clusters: two resources, kept apart by their scope.
    assert located(result) == {
        "cluster:prod::PersistentVolumeClaim/default/patient-files": (
            "aws",
            "aws:ebs",
            "eu-west-3",
        ),
        "cluster:k8s/us-analytics::PersistentVolumeClaim/default/patient-files": (
            "aws",
            "aws:ebs",
            "us-east-1",
        ),
    }
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "PersistentVolumeClaim/default/patient-files", 1)
    ]
    assert result.findings[0].location.file == "project/k8s/us-analytics/pvc.yaml"
    assert result.findings[0].resource.activities == (1, 2, 3)


def test_claim_in_a_folder_with_no_mapping_is_not_evaluated(scan_files: Scan) -> None:
    result = scan_files({".hdslint.yaml": CLUSTERS, "k8s/staging/pvc.yaml": CLAIM})
    assert finding_tuples(result) == [
        ("HDS-LOC-002", "not_evaluated", "PersistentVolumeClaim/default/patient-files", 1)
    ]
    assert [f.message for f in result.findings] == [
        "could not be checked: the provider is not known: no kubernetes.clusters entry in"
        " project/.hdslint.yaml matches the manifests in project/k8s/staging, and its"
        " StorageClass (the cluster's default, not among the scanned manifests) does not pin a"
        " region"
    ]
    # One hint for the folder, saying how to map it (globs relative to the configuration).
    assert [(w.file, w.message) for w in result.warnings] == [
        (
            "project/k8s/staging",
            "the manifests here are not mapped to a cluster, so where their 1 data store is"
            " not known: say where they are deployed with kubernetes: {clusters: [{paths:"
            ' ["k8s/staging/**"], provider: ..., region: ...}]} in project/.hdslint.yaml',
        )
    ]


SLOW_CLASS = """
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: slow
provisioner: kubernetes.io/aws-ebs
"""
SLOW_CLAIM = """
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: %s
spec:
  storageClassName: slow
  accessModes: [ReadWriteOnce]
  resources:
    requests: {storage: 20Gi}
"""


def test_a_folder_with_no_mapping_gets_one_hint_and_messages_name_no_neighbour(
    scan_files: Scan,
) -> None:
    # No .hdslint.yaml: three objects in two files of one folder, two claims located through
    # the class of the other file; a second folder of its own.
    result = scan_files(
        {
            "ehr/class.yaml": SLOW_CLASS,
            "ehr/claims.yaml": SLOW_CLAIM % "uploads" + "---\n" + SLOW_CLAIM % "scans",
            "billing/claim.yaml": CLAIM,
        }
    )
    assert [
        (f.policy_id, f.resource.id, f.location.file, f.location.line, f.message)
        for f in result.findings
    ] == [
        (
            "HDS-LOC-002",
            "PersistentVolumeClaim/default/patient-files",
            "project/billing/claim.yaml",
            1,
            "could not be checked: the provider is not known: no .hdslint.yaml maps the"
            " manifests in project/billing to their cluster (kubernetes.clusters: paths,"
            " provider, region), and its StorageClass (the cluster's default, not among the"
            " scanned manifests) does not pin a region",
        ),
        (
            "HDS-LOC-002",
            "PersistentVolumeClaim/default/uploads",
            "project/ehr/claims.yaml",
            1,
            "could not be checked: the region is not known: no .hdslint.yaml maps the"
            " manifests in project/ehr to their cluster (kubernetes.clusters: paths, provider,"
            " region), and StorageClass 'slow' does not pin a region",
        ),
        (
            "HDS-LOC-002",
            "PersistentVolumeClaim/default/scans",
            "project/ehr/claims.yaml",
            12,
            "could not be checked: the region is not known: no .hdslint.yaml maps the"
            " manifests in project/ehr to their cluster (kubernetes.clusters: paths, provider,"
            " region), and StorageClass 'slow' does not pin a region",
        ),
    ]
    assert [(w.file, w.message) for w in result.warnings] == [
        (
            folder,
            f"the manifests here are not mapped to a cluster, so where their {stored} not"
            " known: say where they are deployed with kubernetes: {clusters: [{paths:"
            f' ["{folder}/**"], provider: ..., region: ...}}]}} in .hdslint.yaml',
        )
        for folder, stored in (
            ("project/billing", "1 data store is"),
            ("project/ehr", "2 data stores are"),
        )
    ]


def test_without_any_configuration_the_message_says_what_to_add(scan_files: Scan) -> None:
    result = scan_files({"pvc.yaml": CLAIM})
    assert [f.message for f in result.findings] == [
        "could not be checked: the provider is not known: no .hdslint.yaml maps the manifests"
        " in project to their cluster (kubernetes.clusters: paths, provider, region), and its"
        " StorageClass (the cluster's default, not among the scanned manifests) does not pin a"
        " region"
    ]


def test_storage_class_topology_pins_the_region_without_a_mapping(scan_files: Scan) -> None:
    result = scan_files(
        {
            "storage.yaml": """
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: gp3-paris
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: ebs.csi.aws.com
allowedTopologies:
  - matchLabelExpressions:
      - key: topology.kubernetes.io/zone
        values: [eu-west-3a, eu-west-3b]
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: azure-us}
provisioner: disk.csi.azure.com
parameters: {location: eastus, skuName: Premium_LRS}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: scw}
provisioner: csi.scaleway.com
allowedTopologies:
  - matchLabelExpressions:
      - key: topology.csi.scaleway.com/zone
        values: [fr-par-2]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: default-class, namespace: ehr}
spec: {}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: azure, namespace: ehr}
spec: {storageClassName: azure-us}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: scaleway, namespace: ehr}
spec: {storageClassName: scw}
""",
        }
    )
    claims = {k: v for k, v in located(result).items() if "PersistentVolumeClaim" in k}
    assert claims == {
        "project::PersistentVolumeClaim/ehr/default-class": ("aws", "aws:ebs", "eu-west-3"),
        "project::PersistentVolumeClaim/ehr/azure": ("azure", "azure:disk", "eastus"),
        "project::PersistentVolumeClaim/ehr/scaleway": ("scaleway", "scaleway:block", "fr-par"),
    }
    stores_in = sorted(
        (str(e.source), str(e.target)) for e in result.graph.edges if e.kind.value == "stores_in"
    )
    assert stores_in == [
        ("project::PersistentVolumeClaim/ehr/azure", "project::StorageClass/azure-us"),
        ("project::PersistentVolumeClaim/ehr/default-class", "project::StorageClass/gp3-paris"),
        ("project::PersistentVolumeClaim/ehr/scaleway", "project::StorageClass/scw"),
    ]
    assert ("HDS-LOC-001", "fail", "PersistentVolumeClaim/ehr/azure", 33) in finding_tuples(result)


def test_statefulset_claim_templates_and_mounts(scan_files: Scan) -> None:
    result = scan_files(
        {
            ".hdslint.yaml": CLUSTERS,
            "k8s/prod/db.yaml": """
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: uploads, namespace: ehr}
spec: {storageClassName: standard}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: postgres
  namespace: ehr
  labels: {data-classification: phi}
spec:
  template:
    spec:
      containers:
        - name: db
          image: postgres:16
          env: [{name: POSTGRES_PASSWORD, value: hunter2}]
      volumes:
        - name: uploads
          persistentVolumeClaim: {claimName: uploads}
        - name: scratch
          ephemeral:
            volumeClaimTemplate:
              spec: {resources: {requests: {storage: 1Gi}}}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {resources: {requests: {storage: 50Gi}}}
""",
        }
    )
    assert sorted(r.id for r in result.graph) == [
        "PersistentVolumeClaim/ehr/uploads",
        "StatefulSet/ehr/postgres",
        "StatefulSet/ehr/postgres/volumeClaimTemplates/data",
        "StatefulSet/ehr/postgres/volumes/scratch",
    ]
    template = result.graph.get(
        ResourceKey("cluster:prod", "StatefulSet/ehr/postgres/volumeClaimTemplates/data")
    )
    assert template is not None
    assert (template.type, template.category, template.region, template.location.line) == (
        "PersistentVolumeClaim",
        "storage",
        "eu-west-3",
        6,
    )
    assert dict(template.tags) == {"data-classification": "phi"}
    mounts = sorted(str(e.target) for e in result.graph.edges if e.kind.value == "mounts")
    assert mounts == [
        "cluster:prod::PersistentVolumeClaim/ehr/uploads",
        "cluster:prod::StatefulSet/ehr/postgres/volumeClaimTemplates/data",
        "cluster:prod::StatefulSet/ehr/postgres/volumes/scratch",
    ]
    workload = result.graph.get(ResourceKey("cluster:prod", "StatefulSet/ehr/postgres"))
    assert workload is not None and workload.category == "compute"
    assert "hunter2" not in repr(list(result.graph))


def test_persistent_volume_node_affinity_and_unknown_provisioner(scan_files: Scan) -> None:
    result = scan_files(
        {
            "pv.yaml": """
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-gke}
spec:
  csi: {driver: pd.csi.storage.gke.io, volumeHandle: disk-1}
  nodeAffinity:
    required:
      nodeSelectorTerms:
        - matchExpressions:
            - {key: topology.gke.io/zone, operator: In, values: [europe-west9-a]}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: bound}
spec: {volumeName: pv-gke, storageClassName: ""}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: nas}
provisioner: example.com/nas
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: on-nas}
spec: {storageClassName: nas}
""",
        }
    )
    assert located(result)["project::PersistentVolume/pv-gke"] == (
        "gcp",
        "gcp:compute-disk",
        "europe-west9",
    )
    assert located(result)["project::PersistentVolumeClaim/default/bound"] == (
        "gcp",
        "gcp:compute-disk",
        "europe-west9",
    )
    on_nas = [f for f in result.findings if f.resource.id == "PersistentVolumeClaim/default/on-nas"]
    assert [(f.policy_id, f.message) for f in on_nas] == [
        (
            "HDS-LOC-002",
            "could not be checked: the provider is not known: StorageClass 'nas' uses"
            " provisioner 'example.com/nas', which hdslint does not know",
        )
    ]


def test_cluster_mapping_provider_with_in_cluster_and_cinder_storage(scan_files: Scan) -> None:
    result = scan_files(
        {
            ".hdslint.yaml": """
kubernetes:
  clusters:
    - {name: mks, paths: ["**"], provider: ovh, region: GRA}
""",
            "k8s.yaml": """
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: csi-cinder-high-speed}
provisioner: cinder.csi.openstack.org
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: records}
spec: {storageClassName: csi-cinder-high-speed}
""",
        }
    )
    assert located(result)["cluster:mks::PersistentVolumeClaim/default/records"] == (
        "ovh",
        "ovh:blockstorage",
        "GRA",
    )
    assert finding_tuples(result) == [
        ("HDS-COND-001", "fail", "PersistentVolumeClaim/default/records", 6)
    ]


def test_in_cluster_storage_is_where_the_cluster_is_and_nfs_cannot_be_told(
    scan_files: Scan,
) -> None:
    result = scan_files(
        {
            ".hdslint.yaml": CLUSTERS,
            "k8s/prod/storage.yaml": """
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: ceph}
provisioner: storage-system.rbd.csi.ceph.com
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: nfs}
provisioner: nfs.csi.k8s.io
parameters: {server: 192.168.1.100, share: /exports}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: on-ceph}
spec: {storageClassName: ceph}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: on-nfs}
spec: {storageClassName: nfs}
""",
        }
    )
    assert located(result)["cluster:prod::PersistentVolumeClaim/default/on-ceph"] == (
        "aws",
        "aws:ebs",
        "eu-west-3",
    )
    assert [(f.policy_id, f.resource.id, f.message) for f in result.findings] == [
        (
            "HDS-LOC-002",
            "PersistentVolumeClaim/default/on-nfs",
            "could not be checked: the provider is not known: StorageClass 'nfs': its volumes are"
            " shares of the NFS server in its parameters, whose location cannot be told",
        )
    ]
