"""The Kubernetes source end to end: the real CLI, standard input, files beside manifests."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from hdslint.scan import ScanResult
from tests.conftest import finding_tuples, write_tree

Scan = Callable[..., ScanResult]

RENDERED = """\
---
# Source: ehr/templates/pvc.yaml
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ehr-uploads
  labels: {app.kubernetes.io/name: ehr}
spec:
  storageClassName: gp3
  resources: {requests: {storage: 10Gi}}
---
# Source: ehr/templates/bucket.yaml
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: ehr-exports
spec:
  forProvider:
    region: us-east-1
"""

CONFIG = """
kubernetes:
  clusters:
    - {name: prod, paths: ["k8s/prod/**"], provider: aws, region: eu-west-3}
"""


def run_cli(args: list[str], cwd: Path, stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hdslint", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd)},
    )


def test_manifests_piped_on_stdin_with_the_real_cli(tmp_path: Path) -> None:
    write_tree(tmp_path, {".hdslint.yaml": CONFIG})
    done = run_cli(["scan", "-", "--no-color"], tmp_path, RENDERED)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[:4] == [
        "<stdin>:3  high, not evaluated HDS-LOC-002  PersistentVolumeClaim/default/ehr-uploads",
        "    Location of a health-data store cannot be determined: could not be checked: the"
        " provider is not known: manifests read from standard input are not mapped to a cluster"
        " (give --stdin-filename a path that a kubernetes.clusters entry of .hdslint.yaml"
        " matches), and its StorageClass 'gp3' (not among the scanned manifests) does not pin a"
        " region",
        "<stdin>:13  critical HDS-LOC-001  Bucket.s3.aws.upbound.io/ehr-exports",
        "    Health data stored outside the EEA: us-east-1 (United States) is outside the EEA",
    ]
    done = run_cli(
        ["scan", "-", "--stdin-filename", "k8s/prod/ehr.yaml", "--format", "json"],
        tmp_path,
        RENDERED,
    )
    report = json.loads(done.stdout)
    assert [
        (f["policy_id"], f["resource"]["id"], f["location"]["file"], f["location"]["line"])
        for f in report["findings"]
    ] == [
        (
            "HDS-LOC-001",
            "Bucket.s3.aws.upbound.io/ehr-exports",
            "k8s/prod/ehr.yaml",
            13,
        ),
    ]
    assert report["summary"]["resources"] == 2
    assert report["summary"]["files"] == 1


def test_stdin_without_manifests_is_an_input_error(tmp_path: Path) -> None:
    done = run_cli(["scan", "-"], tmp_path, "replicaCount: 2\n")
    assert done.returncode == 2
    assert (
        done.stdout.splitlines()[0]
        == "error  <stdin>: no Kubernetes manifests found on standard input"
    )


def test_helm_values_and_chart_templates_beside_manifests_are_ignored(scan_files: Scan) -> None:
    result = scan_files(
        {
            ".hdslint.yaml": CONFIG,
            "k8s/prod/values.yaml": "persistence:\n  enabled: true\n  size: 10Gi\n",
            "k8s/prod/.gitlab-ci.yml": "stages: [test]\ntest:\n  script: [make]\n",
            "k8s/prod/pvc.yaml": RENDERED.split(
                "---\n# Source: ehr/templates/bucket.yaml", maxsplit=1
            )[0],
            "charts/ehr/Chart.yaml": "apiVersion: v2\nname: ehr\nversion: 1.0.0\n",
            "charts/ehr/values.yaml": "name: ehr\n",
            "charts/ehr/templates/pvc.yaml": RENDERED,
            "charts/ehr/templates/svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n",
        }
    )
    assert [r.id for r in result.graph] == ["PersistentVolumeClaim/default/ehr-uploads"]
    assert result.errors == []
    assert finding_tuples(result) == []


def test_every_finding_names_the_manifest_and_the_document_start(scan_files: Scan) -> None:
    result = scan_files(
        {
            "k8s/all.yaml": "# header\n" + RENDERED,
            "k8s/velero.json": json.dumps(
                {
                    "apiVersion": "velero.io/v1",
                    "kind": "BackupStorageLocation",
                    "metadata": {"name": "offsite", "namespace": "velero"},
                    "spec": {
                        "provider": "aws",
                        "objectStorage": {"bucket": "b"},
                        "config": {"region": "us-west-2"},
                    },
                },
                indent=1,
            ),
        }
    )
    assert [(f.location.file, f.location.line, f.resource.id) for f in result.findings] == [
        ("project/k8s/all.yaml", 4, "PersistentVolumeClaim/default/ehr-uploads"),
        ("project/k8s/all.yaml", 14, "Bucket.s3.aws.upbound.io/ehr-exports"),
        ("project/k8s/velero.json", 1, "BackupStorageLocation.velero.io/velero/offsite"),
    ]
    assert all(f.location.end_line for f in result.findings)


def test_a_broken_manifest_is_an_error_and_the_scan_goes_on(
    scan_files: Scan, cli: Callable[..., tuple[int, str, str]]
) -> None:
    project = {
        "k8s/broken.yaml": "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: [x\n",
        "k8s/bucket.yaml": RENDERED.split("---\n# Source: ehr/templates/bucket.yaml\n")[1],
    }
    result = scan_files(project)
    assert [str(e) for e in result.errors] == [
        "project/k8s/broken.yaml:5: invalid YAML: while parsing a flow sequence, did not find"
        " expected ',' or ']'"
    ]
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "Bucket.s3.aws.upbound.io/ehr-exports", 1)
    ]
    code, out, _err = cli("scan", "project", "--no-color")
    assert code == 2
    assert out.splitlines()[0].startswith("error  project/k8s/broken.yaml:5: invalid YAML")


def test_unknown_custom_resources_and_crd_scopes(scan_files: Scan) -> None:
    result = scan_files(
        {
            "crd.yaml": """
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Cluster
  names: {kind: Widget, plural: widgets}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w, namespace: ignored}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: tls}
---
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: ehr}
stringData: {password: hunter2}
""",
        }
    )
    assert [(r.id, r.category) for r in result.graph] == [
        ("CustomResourceDefinition/widgets.example.com", "other"),
        ("Widget.example.com/w", "other"),
        ("Certificate.cert-manager.io/tls", "other"),
        ("Secret/ehr/db", "secret"),
    ]
    # Secrets are not presumed to hold health data; their values never reach the model.
    assert finding_tuples(result) == []
    assert "hunter2" not in repr(list(result.graph))


def test_a_billion_laughs_manifest_is_refused(scan_files: Scan) -> None:
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    body = "\n".join(f"    {line}" for line in levels)
    result = scan_files(
        {
            "bomb.yaml": "apiVersion: s3.aws.upbound.io/v1beta2\nkind: Bucket\nmetadata: {name: bomb}\n"
            f"spec:\n  forProvider:\n{body}\n    region: *i\n    tags: *i\n",
        }
    )
    assert list(result.graph) == []
    assert [str(e) for e in result.errors] == [
        "project/bomb.yaml:1: the YAML expands to more than 100000 values through aliases"
        ' (a "billion laughs" document?)'
    ]


def test_aliases_below_the_limit_are_read_in_bounded_work() -> None:
    # A field aliased to 9**4 values: accepted by the expansion limit, read without walking
    # more than a bounded number of values.
    from hdslint.sources.kubernetes.objects import MAX_FIELD_VALUES, strings_at

    data: object = ["eu-west-3"] * 9
    for _ in range(4):
        data = [data] * 9
    assert strings_at({"spec": {"region": data}}, "spec.region")[:1] == ["eu-west-3"]
    assert len(strings_at({"spec": {"region": [data] * 9}}, "spec.region")) == MAX_FIELD_VALUES
