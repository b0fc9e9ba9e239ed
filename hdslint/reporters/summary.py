"""Counts every reporter shows the same way."""

from __future__ import annotations

from dataclasses import dataclass

from hdslint.model import Status
from hdslint.result import ScanResult


@dataclass(frozen=True)
class Summary:
    resources: int
    health_data_resources: int
    findings: int
    failed: int
    not_evaluated: int
    passed: int
    suppressed: int
    errors: int
    files: int
    data_stores: int
    located_data_stores: int


def summarize(result: ScanResult) -> Summary:
    active = [f for f in result.findings if f.suppression is None]
    return Summary(
        resources=len(result.graph),
        health_data_resources=sum(1 for v in result.health.values() if v),
        findings=len(result.findings),
        failed=sum(1 for f in active if f.status is Status.FAIL),
        not_evaluated=sum(1 for f in active if f.status is Status.NOT_EVALUATED),
        passed=sum(1 for e in result.evaluations if e.status is Status.PASS),
        suppressed=sum(1 for f in result.findings if f.suppression is not None),
        errors=len(result.errors),
        files=result.files_scanned,
        data_stores=sum(1 for r in result.graph if r.is_data_store),
        located_data_stores=sum(
            1 for r in result.graph if r.is_data_store and r.provider and r.region
        ),
    )
