"""Evaluate every policy on every resource it selects: pass, fail or not evaluated."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from hdslint.model import Finding, Resource, Status
from hdslint.policy import Policy
from hdslint.policy.conditions import Context, Outcome
from hdslint.result import Evaluation as Evaluation  # noqa: PLC0414 (re-exported)


def selects(policy: Policy, resource: Resource, ctx: Context) -> bool:
    """Does the policy apply to the resource?"""
    return policy.selector.matches(resource, ctx)


def evaluate_policies(
    policies: Sequence[Policy], resources: Iterable[Resource], ctx: Context
) -> list[Evaluation]:
    out: list[Evaluation] = []
    resource_list = list(resources)
    for policy in policies:
        for resource in resource_list:
            if not selects(policy, resource, ctx):
                continue
            outcome: Outcome = policy.rule.evaluate(resource, ctx)
            status = (
                Status.PASS
                if outcome.value is True
                else Status.FAIL
                if outcome.value is False
                else Status.NOT_EVALUATED
            )
            out.append(
                Evaluation(
                    policy, resource, status, outcome.reasons, outcome.evidence, outcome.verify
                )
            )
    return out


class _Fields(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def message_for(evaluation: Evaluation) -> str:
    reasons = "; ".join(_dedupe(evaluation.reasons)) or evaluation.policy.title
    template = evaluation.policy.message
    if not template or evaluation.status is Status.NOT_EVALUATED:
        text = reasons
        if evaluation.status is Status.NOT_EVALUATED:
            text = f"could not be checked: {reasons}"
        return text
    resource = evaluation.resource
    fields = _Fields(
        reason=reasons,
        resource_id=resource.id,
        resource_type=resource.type,
        provider=resource.provider or "unknown provider",
        region=resource.region or "unknown region",
    )
    return template.format_map(fields)


def _dedupe(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def findings_from(evaluations: Iterable[Evaluation]) -> list[Finding]:
    """Every evaluation that did not pass, as a finding, in a stable order."""
    findings = [
        Finding(
            policy_id=e.policy.id,
            status=e.status,
            severity=e.policy.severity,
            title=e.policy.title,
            message=message_for(e),
            activities=e.policy.activities,
            references=e.policy.references,
            resource=e.resource,
            location=e.resource.location,
            evidence=tuple(dict.fromkeys(e.evidence)),
        )
        for e in evaluations
        if e.status is not Status.PASS
    ]
    findings = said_per_root(findings)
    findings.sort(key=finding_sort_key)
    return findings


def said_per_root(findings: list[Finding]) -> list[Finding]:
    """One module evaluated from several roots (Terraform root modules, Terragrunt units)
    gives one finding per root at one file and line: each then names its root, so that no
    two findings read alike."""
    where = Counter(
        (f.policy_id, f.resource.id, f.location.file, f.location.line) for f in findings
    )
    return [
        dataclasses.replace(f, message=f"{f.message} (root module {f.resource.scope})")
        if f.resource.scope
        and where[(f.policy_id, f.resource.id, f.location.file, f.location.line)] > 1
        else f
        for f in findings
    ]


def finding_sort_key(f: Finding) -> tuple[Any, ...]:
    return (
        f.location.file or "",
        f.location.line or 0,
        f.location.api_call or "",
        f.resource.id,
        f.policy_id,
        f.resource.scope,
    )
