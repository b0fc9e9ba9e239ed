"""Build the auditor's report (hdslint.report.model.Report) from a scan result.

One model with `hdslint scan`: the findings, suppressions and counts are the scan's own
(the same ScanResult, counted by the same `summarize`), and every "covered" / "not covered"
is the answer of the registry lookup the policies make (`Registry.coverage`, whose answers
are memoised: the report reads the answer the scan got), so a region outside the EEA is
never "covered" (EXI-28) in the report either."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from hdslint import __version__
from hdslint.ids import ResourceKey
from hdslint.model import Evidence, Finding, Resource, Status
from hdslint.policy.describe import help_uri
from hdslint.registry import ACTIVITY_NAMES, Registry, Verdict
from hdslint.registry.validity import ValidityState
from hdslint.report.model import (
    AccountRow,
    ActivitySummary,
    Certificate,
    Condition,
    Coverage,
    FindingRow,
    FlowRow,
    PolicyRun,
    Report,
    Store,
    SuppressionRow,
    UsageRow,
)
from hdslint.report.responsibilities import responsibilities
from hdslint.reporters.flows import health_data_flows
from hdslint.reporters.summary import (
    by_account,
    count_words,
    is_to_confirm,
    provenance_facts,
    summarize,
)
from hdslint.result import ScanResult

_VERDICT_ORDER = {Verdict.NOT_COVERED: 0, Verdict.CANNOT_TELL: 1, Verdict.COVERED: 2}
_IN_EEA = {Verdict.COVERED: "yes", Verdict.NOT_COVERED: "no", Verdict.CANNOT_TELL: "unknown"}


def _where(resource: Resource) -> str:
    loc = resource.location
    if loc.file is None:
        return loc.api_call or "-"
    return f"{loc.file}:{loc.line}" if loc.line else loc.file


def _place(registry: Registry, resource: Resource) -> str:
    """Where a resource is, in words; unknowns say so (their reasons are in Not evaluated)."""
    if resource.provider is None:
        return "provider unknown"
    if resource.region is None:
        return "region unknown"
    return registry.describe_region(resource.provider, resource.region)


def _stores(result: ScanResult) -> tuple[Store, ...]:
    out = []
    labels = _labels(result)
    for resource in result.graph:
        if not (resource.is_data_store and result.health.get(resource.key)):
            continue
        eea = result.registry.eea(resource.provider, resource.region).verdict
        out.append(
            Store(
                id=labels[resource.key],
                type=resource.type,
                provider=resource.provider,
                region=resource.region,
                place=_place(result.registry, resource),
                in_eea=_IN_EEA[eea],
                why=result.health_reasons.get(resource.key, ""),
                location=_where(resource),
            )
        )
    return tuple(out)


def _labels(result: ScanResult) -> dict[ResourceKey, str]:
    """How resources are named in the report: their id, qualified by their root module
    when the same id appears in several (e.g. two Terraform roots scanned together)."""
    counts: dict[str, int] = {}
    for resource in result.graph:
        counts[resource.id] = counts.get(resource.id, 0) + 1
    return {
        r.key: f"{r.scope}: {r.id}" if counts[r.id] > 1 and r.scope else r.id for r in result.graph
    }


def _usage(result: ScanResult) -> tuple[UsageRow, ...]:
    """Every (provider, service, region) the infrastructure relies on a host for, with the
    certificate's answer for each activity its resources need."""
    registry = result.registry
    labels = _labels(result)
    groups: dict[tuple[str | None, str | None, str | None], list[Resource]] = {}
    for resource in result.graph:
        if resource.activities:
            region = resource.region
            if resource.provider is not None and region is not None:
                region = registry.normalise_region(resource.provider, region)  # zone -> region
            key = (resource.provider, resource.service, region)
            groups.setdefault(key, []).append(resource)
    rows = []
    for (provider, service, region), members in groups.items():
        activities = sorted({a for r in members for a in r.activities})
        coverage = []
        for activity in activities:
            # The policies' own lookup, EEA rule included: a host relied on for an activity
            # outside the EEA is not covered for health data, whatever its certificate says.
            answer = registry.coverage(provider, service, region, (activity,))
            reason = answer.reason
            if answer.verify:  # conditions of the certificate the configuration does not confirm
                conditions = "; ".join(v.split(": ", 1)[-1] for v in answer.verify)
                reason += f", provided that {conditions} (to verify)"
            coverage.append((activity, Coverage(answer.verdict.value, reason, answer.confidence)))
        rows.append(
            UsageRow(
                provider=provider,
                provider_name=registry.provider_name(provider) if provider else "unknown",
                service=service,
                region=region,
                place=_place(registry, members[0]),
                in_eea=_IN_EEA[registry.eea(provider, region).verdict],
                resources=tuple(labels[r.key] for r in members),
                health_data=sum(1 for r in members if result.health.get(r.key)),
                coverage=tuple(coverage),
            )
        )

    def worst(row: UsageRow) -> int:
        return min(_VERDICT_ORDER[Verdict(c.verdict)] for _, c in row.coverage)

    rows.sort(key=lambda r: (worst(r), r.provider or "~", r.service or "", r.region or "~"))
    return tuple(rows)


def _activity_summaries(usage: tuple[UsageRow, ...]) -> tuple[ActivitySummary, ...]:
    out = []
    for number, name in ACTIVITY_NAMES.items():
        rows = [(row, row.for_activity(number)) for row in usage]
        used = [(row, cov) for row, cov in rows if cov is not None]
        verdicts = [cov.verdict for _, cov in used]
        out.append(
            ActivitySummary(
                number=number,
                name=name,
                providers=tuple(sorted({row.provider_name for row, _ in used})),
                services=tuple(sorted({row.service or "unknown" for row, _ in used})),
                regions=tuple(sorted({row.region or "unknown" for row, _ in used})),
                covered=verdicts.count(Verdict.COVERED.value),
                not_covered=verdicts.count(Verdict.NOT_COVERED.value),
                cannot_tell=verdicts.count(Verdict.CANNOT_TELL.value),
            )
        )
    return tuple(out)


def _certificate(pid: str, count: int, registry: Registry) -> Certificate:
    entry: Mapping[str, Any] | None = registry.providers.get(pid)
    if entry is None:
        return Certificate(
            provider=pid,
            name=pid,
            status="not in the registry",
            referential=None,
            activities=(),
            activities_confidence=None,
            certifier=None,
            certificate=None,
            valid_from=None,
            valid_until=None,
            validity_state=ValidityState.NO_CERTIFICATE.value,
            validity=f"no HDS certificate known for {pid!r}: not covered",
            conditions=(),
            notes=(),
            sources=(),
            as_of=registry.as_of,
            confidence="medium",
            resources=count,
        )
    validity = registry.validity(pid)
    assert validity is not None  # the entry exists
    acts = entry.get("activities")
    return Certificate(
        provider=pid,
        name=str(entry["name"]),
        status=str(entry["status"]),
        referential=entry.get("referential"),
        activities=tuple(acts) if acts is not None else None,
        activities_confidence=entry.get("activities_confidence"),
        certifier=entry.get("certifier"),
        certificate=entry.get("certificate"),
        valid_from=entry.get("valid_from"),
        valid_until=entry.get("valid_until"),
        validity_state=validity.state.value,
        validity=validity.text,
        conditions=tuple(
            Condition(
                f"{pid}:{c['id']}",
                str(c["text"]),
                f"{pid}:{c['id']}" in registry.confirmed_conditions,
            )
            for c in entry.get("conditions") or ()
        ),
        notes=tuple(entry.get("notes") or ()),
        sources=tuple(entry.get("sources") or ()),
        as_of=str(entry.get("as_of")) if entry.get("as_of") else None,
        confidence=str(entry.get("confidence", "low")),
        resources=count,
    )


def _certificates(result: ScanResult) -> tuple[Certificate, ...]:
    counts: dict[str, int] = {}
    for resource in result.graph:
        if resource.provider is not None and resource.activities:
            counts[resource.provider] = counts.get(resource.provider, 0) + 1
    return tuple(_certificate(pid, n, result.registry) for pid, n in sorted(counts.items()))


def _flows(result: ScanResult) -> tuple[FlowRow, ...]:
    words = {
        "replicates_to": "replicates to",
        "backs_up_to": "is backed up to",
        "copies_to": "is copied to",
        "logs_to": "logs to",
        "reads_from": "has a read replica",
    }
    status = {True: "compliant", False: "non-compliant", None: "unknown"}
    labels = _labels(result)
    rows = []
    for flow in health_data_flows(result):
        source = result.graph.get(flow.source)
        label = flow.source_label
        if source is not None:
            where = f"{source.provider or '?'} {source.region or 'region unknown'}"
            label = f"{labels[source.key]} ({where})"
        rows.append(
            FlowRow(
                label,
                words.get(flow.kind.value, flow.kind.value),
                flow.target_label,
                status[flow.compliant],
            )
        )
    return tuple(rows)


def describe_evidence(e: Evidence) -> str:
    """`aws:us-east-1: located in United States (confidence high, as of 2026-11-28,
    source https://...)` — one registry fact, with how sure it is and where it comes from."""
    sources = ", ".join(e.sources) or "none recorded"
    return (
        f"{e.subject}: {e.statement} (confidence {e.confidence}, as of {e.as_of or 'unknown'},"
        f" source {sources})"
    )


def _location(f: Finding) -> str:
    return _where(f.resource) if f.location == f.resource.location else str(f.location)


def _finding_rows(findings: Iterable[Finding], docs: Mapping[str, str]) -> tuple[FindingRow, ...]:
    # By account (when resources carry one), then severity; stable: keeps file order.
    ordered = sorted(findings, key=lambda f: (f.resource.account or "\uffff", -int(f.severity)))
    return tuple(
        FindingRow(
            policy_id=f.policy_id,
            title=f.title,
            severity=f.severity.label,
            status=f.status.value,
            resource=f.resource.id,
            resource_type=f.resource.type,
            provider=f.resource.provider,
            region=f.resource.region,
            location=_location(f),
            message=f.message,
            references=f.references,
            help_uri=docs.get(f.policy_id, ""),
            evidence=tuple(describe_evidence(e) for e in f.evidence),
            account=f.resource.account,
        )
        for f in ordered
    )


def _suppression_rows(findings: Iterable[Finding]) -> tuple[SuppressionRow, ...]:
    rows = []
    for f in findings:
        s = f.suppression
        if s is None:
            continue
        rows.append(
            SuppressionRow(
                policy_id=f.policy_id,
                title=f.title,
                severity=f.severity.label,
                status=f.status.value,
                resource=f.resource.id,
                location=_location(f),
                kind=s.kind,
                reason=s.reason,
                until=s.until,
                written_at=str(s.location) if s.location is not None else "-",
            )
        )
    return tuple(rows)


def _policies(result: ScanResult) -> tuple[PolicyRun, ...]:
    counts: dict[str, list[int]] = {p.id: [0, 0, 0] for p in result.policies}
    index = {Status.PASS: 0, Status.FAIL: 1, Status.NOT_EVALUATED: 2}
    for e in result.evaluations:
        counts[e.policy.id][index[e.status]] += 1
    return tuple(
        PolicyRun(p.id, p.title, p.severity.label, *counts[p.id])
        for p in sorted(result.policies, key=lambda p: p.id)
    )


def _accounts(result: ScanResult) -> tuple[AccountRow, ...]:
    return tuple(
        AccountRow(
            account=row.account,
            resources=row.resources,
            health_data=sum(
                1
                for r in result.graph
                if (r.account or "-") == row.account and result.health.get(r.key)
            ),
            failed=row.failed,
            to_confirm=row.to_confirm,
            not_evaluated=row.not_evaluated,
        )
        for row in by_account(result)
    )


def build_report(result: ScanResult, revision: str | None = None) -> Report:
    """The report of a scan; `revision` names what was scanned (hdslint.revision)."""
    certificates = _certificates(result)
    usage = _usage(result)
    docs = {p.id: help_uri(p) for p in result.policies}
    active = [f for f in result.findings if f.suppression is None]
    return Report(
        tool_version=__version__,
        revision=revision,
        evaluated_on=result.registry.today.isoformat(),
        registry_as_of=result.registry.as_of,
        registry_warning=result.registry.age_warning(),
        inputs=tuple(result.inputs),
        files_scanned=result.files_scanned,
        provenance=tuple(provenance_facts(result.provenance)),
        resources=len(result.graph),
        health_data_resources=sum(1 for v in result.health.values() if v),
        stores=_stores(result),
        activities=_activity_summaries(usage),
        usage=usage,
        certificates=certificates,
        unknown_validity=tuple(
            c.name for c in certificates if c.validity_state == ValidityState.UNKNOWN.value
        ),
        responsibilities=responsibilities(usage, certificates),
        flows=_flows(result),
        counts=tuple(count_words(summarize(result))),
        findings=_finding_rows(
            (f for f in active if f.status is Status.FAIL and not is_to_confirm(f)), docs
        ),
        to_confirm=_finding_rows((f for f in active if is_to_confirm(f)), docs),
        not_evaluated=_finding_rows((f for f in active if f.status is Status.NOT_EVALUATED), docs),
        suppressed=_suppression_rows(result.findings),
        errors=tuple(str(e) for e in result.errors),
        warnings=tuple(str(w) for w in result.warnings),
        policies=_policies(result),
        accounts=_accounts(result),
    )
