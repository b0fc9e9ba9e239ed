"""Error classification and the coverage book."""

from __future__ import annotations

import pytest

from hdslint.ids import ResourceKey
from hdslint.sources.aws.coverage import (
    CallFailure,
    CoverageEntry,
    classify_code,
    classify_exception,
    gap_resources,
)


@pytest.mark.parametrize(
    ("code", "http", "status"),
    [
        ("AccessDenied", 403, "access_denied"),  # S3, query services
        ("AccessDeniedException", 400, "access_denied"),  # JSON services
        ("UnauthorizedOperation", 403, "access_denied"),  # EC2
        ("AuthorizationError", 403, "access_denied"),  # SNS
        ("403", 403, "access_denied"),  # a JSON service answered with an XML body
        ("UnrecognizedClientException", 400, "region_disabled"),
        ("InvalidClientTokenId", 403, "region_disabled"),
        ("AuthFailure", 401, "region_disabled"),
        ("OptInRequired", 403, "region_disabled"),
        ("Throttling", 400, "throttled"),
        ("ThrottlingException", 400, "throttled"),
        ("RequestLimitExceeded", 503, "throttled"),
        ("TooManyRequestsException", 429, "throttled"),
        ("SlowDown", 503, "throttled"),
        ("InternalFailure", 500, "error"),
        ("500", 500, "error"),
    ],
)
def test_error_codes(code: str, http: int, status: str) -> None:
    assert classify_code(code, http) == status


def test_client_side_errors_are_errors() -> None:
    from botocore.exceptions import EndpointConnectionError

    exc = EndpointConnectionError(endpoint_url="https://rds.xx-test-1.amazonaws.com/")
    assert classify_exception(exc) == (
        "error",
        "EndpointConnectionError",
        'Could not connect to the endpoint URL: "https://rds.xx-test-1.amazonaws.com/"',
    )


def test_the_most_actionable_status_wins_and_failures_are_listed_once() -> None:
    entry = CoverageEntry("rds", "eu-west-3")
    entry.record(None)
    entry.record(CallFailure("rds:DescribeDBSnapshots", "Throttling", "", "throttled"))
    entry.record(CallFailure("rds:DescribeDBInstances", "AccessDenied", "no", "access_denied"))
    entry.record(CallFailure("rds:DescribeDBSnapshots", "Throttling", "", "throttled"))
    assert (entry.status, entry.calls) == ("access_denied", 4)
    assert entry.reason() == (
        "rds in eu-west-3 was not fully read: access denied:"
        " rds:DescribeDBSnapshots failed with Throttling;"
        " rds:DescribeDBInstances failed with AccessDenied (no)"
    )
    assert CoverageEntry.from_dict(entry.to_dict()) == entry


def test_only_gaps_become_pseudo_resources() -> None:
    ok = CoverageEntry("sqs", "eu-west-3", calls=1)
    gap = CoverageEntry("sqs", "us-east-1", status="region_disabled")
    (resource,) = gap_resources([ok, gap], account="123456789012", source="aws")
    assert (resource.id, resource.type, resource.key, resource.region, resource.category) == (
        "aws:coverage:sqs:us-east-1",
        "aws_coverage_gap",
        ResourceKey("123456789012", "aws:coverage:sqs:us-east-1"),
        "us-east-1",
        "other",
    )
    assert dict(resource.unknown) == {
        "contents": "sqs in us-east-1 was not read: the region is not enabled for this account"
        " (or rejects its credentials)"
    }
