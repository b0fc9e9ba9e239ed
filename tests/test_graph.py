"""The resource graph's lookups."""

from __future__ import annotations

from hdslint.graph import ResourceGraph
from hdslint.model import Location, Resource


def bucket(rid: str, scope: str = "root") -> Resource:
    return Resource(
        id=rid,
        type="aws_s3_bucket",
        provider="aws",
        service="aws:s3",
        category="storage",
        region="eu-west-3",
        location=Location("main.tf", 1),
        source="terraform",
        scope=scope,
    )


def test_instances_of_a_counted_resource_or_module() -> None:
    graph = ResourceGraph(
        [
            bucket("aws_s3_bucket.a[0]"),
            bucket('aws_s3_bucket.a["x"]'),
            bucket("aws_s3_bucket.ab[0]"),
            bucket("module.m[0].aws_s3_bucket.b"),
            bucket('module.m["k"].aws_s3_bucket.c[1]'),
            bucket("aws_s3_bucket.a[0]", scope="other"),
            bucket("aws_s3_bucket.plain"),
        ],
        [],
    )
    ids = lambda key: [r.id for r in graph.instances(key)]  # noqa: E731
    assert ids("root::aws_s3_bucket.a") == ["aws_s3_bucket.a[0]", 'aws_s3_bucket.a["x"]']
    assert ids("root::module.m") == [
        "module.m[0].aws_s3_bucket.b",
        'module.m["k"].aws_s3_bucket.c[1]',
    ]
    assert ids('root::module.m["k"].aws_s3_bucket.c') == ['module.m["k"].aws_s3_bucket.c[1]']
    assert ids("other::aws_s3_bucket.a") == ["aws_s3_bucket.a[0]"]
    assert ids("root::aws_s3_bucket.plain") == []
    assert ids("root::aws_s3_bucket") == []
