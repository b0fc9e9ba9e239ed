"""Secrets in manifests (env values, Secret objects, last-applied annotations) never reach
an output: not the model, not any report format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hdslint.reporters import REPORTERS, get_reporter
from hdslint.scan import ScanOptions, run_scan
from tests.conftest import write_tree

SECRETS = ("env-db-password-7", "c2VjcmV0LWRhdGEtOQ==", "string-data-secret-3", "annot-secret-5")

MANIFESTS = """
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: ehr}
data: {password: c2VjcmV0LWRhdGEtOQ==}
stringData: {token: string-data-secret-3}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: postgres
  namespace: ehr
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"env": "annot-secret-5"}'
spec:
  serviceName: postgres
  selector: {matchLabels: {app: postgres}}
  template:
    metadata: {labels: {app: postgres}}
    spec:
      containers:
        - name: postgres
          image: postgres:16
          env:
            - {name: POSTGRES_PASSWORD, value: env-db-password-7}
          volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        storageClassName: gp3
        resources: {requests: {storage: 10Gi}}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: gp3}
provisioner: ebs.csi.aws.com
allowedTopologies:
  - matchLabelExpressions:
      - {key: topology.kubernetes.io/region, values: [us-east-1]}
"""


def test_no_manifest_secret_in_the_model_or_any_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path / "k8s", {"app.yaml": MANIFESTS})
    monkeypatch.chdir(tmp_path)
    result = run_scan(ScanOptions(paths=["k8s"], env={}))
    assert [f.resource.id for f in result.findings if f.policy_id == "HDS-LOC-001"] == [
        "StatefulSet/ehr/postgres/volumeClaimTemplates/data"
    ]
    for resource in result.graph:
        kept = json.dumps([dict(resource.attributes), dict(resource.annotations)], default=str)
        for secret in SECRETS:
            assert secret not in kept, (resource.id, secret)
    for fmt in REPORTERS:
        text = get_reporter(fmt).render(result, color=False)
        for secret in SECRETS:
            assert secret not in text, (fmt, secret)
