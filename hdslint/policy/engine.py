"""Evaluate every policy on every resource it selects: pass, fail or not evaluated."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from hdslint.causes import about_of, chains, innermost, short
from hdslint.ids import ResourceKey, module_in_configuration, parse_module_path
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
    """The finding's message: each reason by its first and innermost cause (the whole chain
    is the finding's `causes`)."""
    reasons = "; ".join(short(r) for r in _dedupe(evaluation.reasons)) or evaluation.policy.title
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
    """Every evaluation that did not pass, as a finding, in a stable order: one finding per
    thing a user must act on."""
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
            causes=chains(_dedupe(e.reasons)),
        )
        for e in one_per_cause(evaluations)
        if e.status is not Status.PASS
    ]
    findings = one_per_module_call(findings)
    findings = said_per_root(findings)
    findings.sort(key=finding_sort_key)
    return findings


def one_per_cause(evaluations: Iterable[Evaluation]) -> list[Evaluation]:
    """A flow that cannot be checked because of an unknown that another finding already
    reports is not reported again: the unknown region of its destination (that resource's
    HDS-LOC-002), its own unknown region (an Azure paired region), or the one unknown
    destination that two flow policies (HDS-FLOW-001, HDS-FLOW-002) both stop at.

    A not-evaluated outcome whose reasons all go through edges is left out when every
    (resource it is about, innermost cause) pair was said by one kept before it; outcomes
    about the resource itself are always kept, and come first, then the more severe."""
    listed = list(evaluations)
    unknown = [e for e in listed if e.status is Status.NOT_EVALUATED]

    def via_edges(e: Evaluation) -> bool:
        return bool(e.reasons) and all(about_of(r) is not None for r in e.reasons)

    said: set[tuple[ResourceKey, str]] = set()
    left_out: set[int] = set()
    for e in sorted(unknown, key=lambda e: (via_edges(e), -e.policy.severity, e.policy.id)):
        causes = {(about_of(r) or e.resource.key, innermost(r)) for r in e.reasons}
        if via_edges(e) and causes <= said:
            left_out.add(id(e))
            continue
        said |= causes
    return [e for e in listed if id(e) not in left_out]


# Resources that stand for a module call whose contents were not read (HDS-EVAL-001).
MODULE_CALL_TYPES = frozenset({"terraform_module_call"})


def one_per_module_call(findings: list[Finding]) -> list[Finding]:
    """One finding per module call that could not be read, not one per root module and per
    instance of the calls that reach it: the user downloads or vendors the module once.

    The call's findings at one file and line with one message become one, whose resource
    is the call as the configuration declares it (no instance keys; only the call's own
    name when it is reached along several module paths) and whose message says how often
    it is reached."""
    groups: dict[tuple[object, ...], list[Finding]] = {}
    for f in findings:
        if f.resource.type in MODULE_CALL_TYPES:
            key = (f.policy_id, f.status, f.location.file, f.location.line, f.message)
            groups.setdefault(key, []).append(f)
    merged: dict[int, Finding | None] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        first = min(group, key=lambda f: (f.resource.scope, f.resource.id))
        paths = {_call_in_configuration(f.resource.id) for f in group}
        call_id = paths.pop() if len(paths) == 1 else _call_name(first.resource.id)
        scopes = {f.resource.scope for f in group}
        scope = next(iter(scopes)) if len(scopes) == 1 else ""
        roots = f" from {len(scopes)} root modules" if len(scopes) > 1 else ""
        resource = dataclasses.replace(first.resource, id=call_id, scope=scope)
        message = f"{first.message} (the call is reached {len(group)} times{roots})"
        merged[id(first)] = dataclasses.replace(first, resource=resource, message=message)
        for f in group:
            if f is not first:
                merged[id(f)] = None
    out = []
    for f in findings:
        replaced = merged.get(id(f), f)
        if replaced is not None:
            out.append(replaced)
    return out


def _call_in_configuration(call_id: str) -> str:
    """`module.a["x"].module.b` -> `module.a.module.b`."""
    path = parse_module_path(call_id)
    if path is None:
        return call_id
    return ".".join(str(step) for step in module_in_configuration(path))


def _call_name(call_id: str) -> str:
    """`module.a["x"].module.b` -> `module.b`."""
    path = parse_module_path(call_id)
    if path is None:
        return call_id
    return str(module_in_configuration(path[-1:])[0])


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
