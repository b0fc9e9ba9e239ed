"""Reading manifests: documents, lines, List kinds, JSON, and what is not Kubernetes."""

from __future__ import annotations

import pytest

from hdslint.model import InputError
from hdslint.sources.kubernetes import manifests
from hdslint.sources.kubernetes.clusters import glob_regex


def read(
    text: str, *, json_file: bool = False
) -> tuple[list[tuple[str, str, int, int]], list[InputError]]:
    docs, errors = manifests.parse(text, "m.yaml", json_file=json_file)
    objects, more = manifests.objects(docs, "m.yaml")
    return [(o.kind, o.name, o.line, o.end_line) for o in objects], errors + more


def test_documents_with_their_start_and_end_lines() -> None:
    text = (
        "# a comment\n"
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "metadata:\n"
        "  name: a\n"
        "---\n"
        "---\n"
        "apiVersion: v1\n"
        "kind: Secret\n"
        "metadata: {name: b}\n"
        "data: {password: aHVudGVyMg==}\n"
    )
    assert read(text) == ([("ConfigMap", "a", 2, 5), ("Secret", "b", 8, 11)], [])


def test_list_kinds_give_each_item_its_own_lines() -> None:
    text = (
        "apiVersion: v1\n"
        "kind: List\n"
        "items:\n"
        "- apiVersion: v1\n"
        "  kind: PersistentVolumeClaim\n"
        "  metadata: {name: one}\n"
        "- apiVersion: v1\n"
        "  kind: PersistentVolumeClaim\n"
        "  metadata:\n"
        "    name: two\n"
    )
    assert read(text) == (
        [("PersistentVolumeClaim", "one", 4, 6), ("PersistentVolumeClaim", "two", 7, 10)],
        [],
    )


def test_json_and_json_that_yaml_refuses() -> None:
    text = '{"apiVersion": "v1", "kind": "Namespace",\n "metadata": {"name": "ehr"}}\n'
    assert read(text, json_file=True) == ([("Namespace", "ehr", 1, 2)], [])
    tabbed = '{\n\t"apiVersion": "v1",\t"kind": "Namespace",\n\t"metadata": {"name": "x"}\n}\n'
    assert read(tabbed, json_file=True)[0] == [("Namespace", "x", 1, 4)]
    broken = '{"apiVersion": "v1", "kind": "Namespace",\n "metadata": {"name": }}\n'
    assert read(broken, json_file=True) == (
        [],
        [InputError("m.yaml", "invalid JSON: Expecting value", 2)],
    )


def test_a_broken_document_is_reported_and_the_others_still_read() -> None:
    text = (
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "metadata: {name: before}\n"
        "---\n"
        "apiVersion: v1\n"
        "kind: PersistentVolumeClaim\n"
        "metadata:\n"
        "  name: broken\n"
        "   labels: {a: b}\n"
        "---\n"
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "metadata: {name: after}\n"
    )
    found, errors = read(text)
    assert found == [("ConfigMap", "before", 1, 3), ("ConfigMap", "after", 11, 13)]
    assert [str(e) for e in errors] == [
        "m.yaml:9: invalid YAML: mapping values are not allowed in this context"
    ]


@pytest.mark.parametrize(
    "text",
    [
        # Helm values, a CI configuration, docker-compose: not Kubernetes.
        "replicaCount: 2\nimage:\n  repository: ghcr.io/acme/ehr\n",
        "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
        "services:\n  db:\n    image: postgres\n    volumes: [pg:/var/lib/postgresql]\n",
        # A Helm template: not YAML until rendered.
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {{ .Values.name }}\n"
        "{{- if .Values.x }}\n  labels: {a: b}\n{{- end }}\n",
        # Broken YAML that is not Kubernetes either.
        "key: [unclosed\n",
        # Tools' configurations that borrow apiVersion/kind but are not cluster objects.
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n",
        "apiVersion: v1\nkind: Config\nclusters: []\n",
        "",
    ],
)
def test_files_that_are_not_kubernetes_are_skipped_silently(text: str) -> None:
    assert read(text) == ([], [])


def test_objects_that_cannot_be_read_are_reported() -> None:
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {labels: {a: b}}\n"
        "---\n"
        "apiVersion: v1\nkind: [ConfigMap]\nmetadata: {name: x}\n"
        "---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: y, namespace: [a]}\n"
    )
    assert read(text) == (
        [],
        [
            InputError("m.yaml", "ConfigMap: metadata.name is missing", 1),
            InputError("m.yaml", "apiVersion and kind must be strings", 5),
            InputError("m.yaml", "ConfigMap y: metadata.namespace must be a string", 9),
        ],
    )


def test_the_value_tag_of_real_crds_loads() -> None:
    # kube-prometheus CRDs contain `- =` (PyYAML issue #89).
    text = (
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
        "metadata: {name: x.example.com}\nspec:\n  enum:\n  - =\n  - '!='\n"
    )
    assert read(text) == ([("CustomResourceDefinition", "x.example.com", 1, 7)], [])


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("k8s/prod/**", "k8s/prod/app/pvc.yaml", True),
        ("k8s/prod/**", "k8s/production/pvc.yaml", False),
        ("k8s/prod", "k8s/prod/a/b.yaml", True),
        ("k8s/*/pvc.yaml", "k8s/prod/pvc.yaml", True),
        ("k8s/*/pvc.yaml", "k8s/prod/a/pvc.yaml", False),
        ("**/overlays/prod/**", "apps/ehr/overlays/prod/pvc.yaml", True),
        ("**/overlays/prod/**", "overlays/prod/pvc.yaml", True),
        ("./k8s/prod/", "k8s/prod/pvc.yaml", True),
        ("k8s/pro?", "k8s/prod/pvc.yaml", True),
    ],
)
def test_cluster_path_globs(pattern: str, path: str, matches: bool) -> None:
    assert glob_regex(pattern).matches_start(path) is matches
