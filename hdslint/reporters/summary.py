"""Counts every reporter shows the same way, and the words of the summary line."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from hdslint.model import Finding, Status
from hdslint.result import Provenance, ScanResult

# Policies whose failure is a fact to confirm, not a failure of the infrastructure: the
# host's certificate applies only under a condition the code cannot show (an HDS contract,
# an option). They are counted apart ("N to confirm"), never as "failed".
TO_CONFIRM_POLICIES = frozenset({"HDS-COND-001"})


def is_to_confirm(finding: Finding) -> bool:
    return finding.status is Status.FAIL and finding.policy_id in TO_CONFIRM_POLICIES


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
    to_confirm: int = 0
    warnings: int = 0
    # Resource types read from cloud inventories that the catalogue does not describe (read
    # as holding no data): type -> count.
    unmapped_types: dict[str, int] = field(default_factory=dict)


def summarize(result: ScanResult) -> Summary:
    active = [f for f in result.findings if f.suppression is None]
    to_confirm = sum(1 for f in active if is_to_confirm(f))
    return Summary(
        resources=len(result.graph),
        health_data_resources=sum(1 for v in result.health.values() if v),
        findings=len(result.findings),
        failed=sum(1 for f in active if f.status is Status.FAIL) - to_confirm,
        not_evaluated=sum(1 for f in active if f.status is Status.NOT_EVALUATED),
        passed=sum(1 for e in result.evaluations if e.status is Status.PASS),
        suppressed=sum(1 for f in result.findings if f.suppression is not None),
        errors=len(result.errors),
        files=result.files_scanned,
        data_stores=sum(1 for r in result.graph if r.is_data_store),
        located_data_stores=sum(
            1 for r in result.graph if r.is_data_store and r.provider and r.region
        ),
        to_confirm=to_confirm,
        warnings=len(result.warnings),
        unmapped_types=dict(result.unmapped_types),
    )


def unmapped_line(s: Summary) -> str | None:
    """`Types hdslint does not describe, read as holding no data: run.googleapis.com/Service
    (2), ...`, or None when every type read was described."""
    if not s.unmapped_types:
        return None
    listed = ", ".join(f"{name} ({count})" for name, count in s.unmapped_types.items())
    return f"Types hdslint does not describe, read as holding no data: {listed}"


@dataclass(frozen=True)
class AccountCounts:
    account: str
    resources: int
    failed: int
    to_confirm: int
    not_evaluated: int


def by_account(result: ScanResult) -> list[AccountCounts]:
    """Unsuppressed findings counted by the cloud account, subscription or project of their
    resources (empty when no resource carries one); resources without one under "-"."""
    accounts = sorted({r.account for r in result.graph if r.account})
    if not accounts:
        return []
    rows: list[AccountCounts] = []
    active = [f for f in result.findings if f.suppression is None]
    for account in [*accounts, None]:
        mine = [f for f in active if f.resource.account == account]
        resources = sum(1 for r in result.graph if r.account == account)
        if account is None and not resources:
            continue
        confirm = sum(1 for f in mine if is_to_confirm(f))
        rows.append(
            AccountCounts(
                account=account or "-",
                resources=resources,
                failed=sum(1 for f in mine if f.status is Status.FAIL) - confirm,
                to_confirm=confirm,
                not_evaluated=sum(1 for f in mine if f.status is Status.NOT_EVALUATED),
            )
        )
    return rows


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def count_words(s: Summary, *, errors: str = "errors") -> list[str]:
    """`9 failed`, `4 to confirm`, `2 not evaluated`, `6 suppressed`, `0 errors`,
    `1 warning`: what the summary line of every human-readable report says, in this order.
    "to confirm", "suppressed" and warnings appear only when there are some."""
    words = [f"{s.failed} failed"]
    if s.to_confirm:
        words.append(f"{s.to_confirm} to confirm")
    words.append(f"{s.not_evaluated} not evaluated")
    if s.suppressed:
        words.append(f"{s.suppressed} suppressed")
    words.append(f"{s.errors} {errors}")
    if s.warnings:
        words.append(_plural(s.warnings, "warning"))
    return words


def provenance_facts(p: Provenance) -> list[tuple[str, str]]:
    """What a scan was judged by, as (label, value) pairs every report words the same way.
    Globs are quoted as JSON strings (control characters escaped): they come from a
    configuration file, which a pull request may have written."""
    if p.config_file is not None:
        config = p.config_file
    elif p.repository_config_ignored:
        config = "none (--no-repo-config: defaults)"
    else:
        config = "none (defaults)"
    health = (
        "every data store (health_data.default: true)"
        if p.health_data_default
        else "only stores tagged as health data (health_data.default: false)"
    )
    return [
        ("Configuration", config),
        ("Policies evaluated", str(len(p.policies_evaluated))),
        ("Policies disabled", ", ".join(p.policies_disabled) or "none"),
        ("Paths excluded", ", ".join(json.dumps(g) for g in p.paths_excluded) or "none"),
        ("Health data", health),
    ]


def provenance_line(p: Provenance) -> str:
    """`Configuration: .hdslint.yaml; policies evaluated: 11; ...` in one line."""
    facts = provenance_facts(p)
    return "; ".join(
        f"{label}: {value}" if i == 0 else f"{label.lower()}: {value}"
        for i, (label, value) in enumerate(facts)
    )
