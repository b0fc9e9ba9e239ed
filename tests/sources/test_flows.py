"""The catalogue's flows language is interpreted once: a keyword added to the interpreter is
honoured alike by HCL, plan JSON and Kubernetes custom resources."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest

from hdslint import catalogue
from hdslint.ids import Destination, Outside, ResourceKey
from hdslint.model import EdgeKind
from hdslint.scan import ScanResult
from hdslint.sources import flows
from hdslint.sources.kubernetes.kinds import kind_spec

Scan = Callable[..., ScanResult]

HCL = """
provider "aws" { region = "eu-west-3" }
resource "aws_s3_bucket" "records" { region = "us-east-1" }
"""

PLAN = {
    "format_version": "1.2",
    "terraform_version": "1.9.0",
    "planned_values": {
        "root_module": {
            "resources": [
                {
                    "address": "aws_s3_bucket.records",
                    "mode": "managed",
                    "type": "aws_s3_bucket",
                    "name": "records",
                    "provider_name": "registry.terraform.io/hashicorp/aws",
                    "values": {"bucket": "records", "region": "us-east-1"},
                    "sensitive_values": {},
                }
            ]
        }
    },
}

CROSSPLANE = """
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: records
spec:
  forProvider:
    region: us-east-1
"""


def _mirror(flow: Mapping[str, Any], reader: flows.FieldReader) -> list[Destination]:
    """A test-only keyword: the data is mirrored to the region the field names."""
    return [
        Outside(reader.provider, f"mirror-of-{value}")
        for value in reader.values(flow["mirror"])
        if isinstance(value, str)
    ]


@pytest.fixture
def mirror_keyword(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """`{kind: copies_to, mirror: region}` on aws_s3_bucket, and the keyword, each written in
    one place."""
    monkeypatch.setitem(flows.DESTINATIONS, "mirror", _mirror)
    type_info = catalogue.type_info

    def with_mirror(
        name: str, native_type: str, provider: str | None, kind: object = None
    ) -> catalogue.TypeInfo:
        info = type_info(name, native_type, provider, kind)
        if native_type != "aws_s3_bucket":
            return info
        flow = {"kind": "copies_to", "mirror": "region"}
        return dataclasses.replace(info, flows=(*info.flows, flow))

    monkeypatch.setattr(catalogue, "type_info", with_mirror)
    kind_spec.cache_clear()
    yield
    kind_spec.cache_clear()


def _mirrored(result: ScanResult) -> list[tuple[ResourceKey, Destination]]:
    assert result.errors == []
    return [(e.source, e.target) for e in result.graph.edges if e.kind is EdgeKind.COPIES_TO]


FILES = {
    "tf/main.tf": HCL,
    "plan/tfplan.json": json.dumps(PLAN, indent=1),
    "k8s/buckets.yaml": CROSSPLANE,
}


@pytest.mark.usefixtures("mirror_keyword")
def test_a_new_flow_keyword_works_for_hcl_plan_and_kubernetes(scan_files: Scan) -> None:
    mirror = Outside("aws", "mirror-of-us-east-1")
    assert sorted(_mirrored(scan_files(FILES)), key=repr) == [
        (ResourceKey("project/k8s", "Bucket.s3.aws.upbound.io/records"), mirror),
        (ResourceKey("project/plan/tfplan.json", "aws_s3_bucket.records"), mirror),
        (ResourceKey("project/tf", "aws_s3_bucket.records"), mirror),
    ]


def test_without_the_keyword_there_is_no_such_flow(scan_files: Scan) -> None:
    assert _mirrored(scan_files(FILES)) == []
