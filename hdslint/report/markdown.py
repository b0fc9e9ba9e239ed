"""The auditor's report as GitHub-flavoured Markdown (the flows as a table: a printed report
cannot draw Mermaid source)."""

from __future__ import annotations

from hdslint.markup import cell, code
from hdslint.registry import format_activities, lowest_confidence
from hdslint.report.model import Certificate, FindingRow, Report, SuppressionRow
from hdslint.report.text import (
    ABOUT,
    ACTIVITIES_NOTE,
    FINDINGS_NOTE,
    FLOWS_NOTE,
    SECTION_TITLES,
    SUPPRESSED_NOTE,
    TO_CONFIRM_NOTE,
    VERDICT_LEGEND,
    VERDICT_MARKS,
    WARNINGS_NOTE,
    summary_line,
)


def _list(items: tuple[str, ...] | list[str]) -> str:
    return ", ".join(items) if items else "-"


def _header(report: Report) -> list[str]:
    lines = [
        "# HDS compliance report",
        "",
        f"**{summary_line(report)}**",
        "",
        "| | |",
        "|---|---|",
        f"| Inputs scanned | {_list([code(i) for i in report.inputs])} |",
        f"| Revision | {cell(report.revision or 'not known (not a git checkout)')} |",
        f"| Files read | {report.files_scanned} |",
        *(f"| {label} | {cell(value)} |" for label, value in report.provenance),
        f"| Evaluated on | {report.evaluated_on} |",
        f"| HDS registry as of | {report.registry_as_of} |",
        f"| hdslint version | {report.tool_version} |",
        "",
    ]
    if report.registry_warning:
        lines += [f"> **Warning:** {report.registry_warning}", ""]
    return lines


def _stores(report: Report) -> list[str]:
    lines = [f"## {SECTION_TITLES['stores']}", ""]
    if not report.stores:
        return [*lines, "No resource holds health data in the scanned inputs.", ""]
    lines += [
        "| Resource | Provider | Region | In the EEA | Why health data | Declared at |",
        "|---|---|---|---|---|---|",
    ]
    for s in report.stores:
        lines.append(
            f"| {code(s.id)} | {s.provider or 'unknown'} | {cell(s.place)} | {s.in_eea} |"
            f" {cell(s.why)} | {code(s.location)} |"
        )
    return [*lines, ""]


def _accounts(report: Report) -> list[str]:
    if not report.accounts:
        return []
    lines = [
        f"## {SECTION_TITLES['accounts']}",
        "",
        "| Account | Resources | With health data | Failed | To confirm | Not evaluated |",
        "|---|---|---|---|---|---|",
    ]
    for a in report.accounts:
        lines.append(
            f"| {code(a.account)} | {a.resources} | {a.health_data} | {a.failed} |"
            f" {a.to_confirm} | {a.not_evaluated} |"
        )
    return [*lines, ""]


def _activities(report: Report) -> list[str]:
    lines = [
        f"## {SECTION_TITLES['activities']}",
        "",
        ACTIVITIES_NOTE,
        "",
        "| Activity | Providers | Services | Regions | Covered | NOT covered | Cannot tell |",
        "|---|---|---|---|---|---|---|",
    ]
    for a in report.activities:
        lines.append(
            f"| {a.number}. {a.name} | {cell(_list(a.providers))} | {cell(_list(a.services))} |"
            f" {cell(_list(a.regions))} | {a.covered} | {a.not_covered} | {a.cannot_tell} |"
        )
    lines += ["", "### By provider, service and region", ""]
    if not report.usage:
        return [*lines, "No scanned resource relies on a host for an HDS activity.", ""]
    head = " | ".join(str(n) for n in range(1, 7))
    lines += [
        f"| Provider | Service | Region | Resources | Health data | {head} | Why | Confidence |",
        "|---|---|---|---|---|" + "---|" * 6 + "---|---|",
    ]
    for row in report.usage:
        cells = []
        for n in range(1, 7):
            cov = row.for_activity(n)
            cells.append(VERDICT_MARKS[cov.verdict] if cov else "")
        shown = ", ".join(code(r) for r in row.resources[:5])
        if len(row.resources) > 5:
            shown += f" and {len(row.resources) - 5} more"
        confidence = lowest_confidence(*(c.confidence for _, c in row.coverage))
        lines.append(
            f"| {cell(row.provider_name)} | {cell(row.service or '-')} | {cell(row.place)} |"
            f" {shown} | {row.health_data} | {' | '.join(cells)} |"
            f" {cell('; '.join(row.reasons))} | {confidence} |"
        )
    return [*lines, "", VERDICT_LEGEND, ""]


def _certificate(c: Certificate) -> list[str]:
    acts = "not published" if c.activities is None else format_activities(c.activities)
    if c.activities_confidence and c.activities:
        acts += f" (confidence {c.activities_confidence})"
    lines = [
        f"### {cell(c.name)} ({code(c.provider)})",
        "",
        "| | |",
        "|---|---|",
        f"| HDS status | {c.status} |",
        f"| Referential | {cell(c.referential or 'unknown')} |",
        f"| Certified activities | {acts} |",
        f"| Certifier | {cell(c.certifier or 'unknown')} |",
    ]
    if c.certificate:
        lines.append(f"| Certificate | {cell(c.certificate)} |")
    lines += [
        f"| Valid from / until | {c.valid_from or 'unknown'} / {c.valid_until or 'unknown'} |",
        f"| Validity | {cell(c.validity)} |",
        f"| Confidence | {c.confidence} |",
        f"| As of | {c.as_of or '-'} |",
        f"| Resources relying on it | {c.resources} |",
        f"| Sources | {cell('; '.join(c.sources) or 'none')} |",
        "",
    ]
    for cond in c.conditions:
        mark = "confirmed in the configuration" if cond.confirmed else "**to verify**"
        lines.append(f"- Condition {code(cond.id)} ({mark}): {cell(cond.text)}")
    for note in c.notes:
        lines.append(f"- Note: {cell(note)}")
    return [*lines, ""] if c.conditions or c.notes else lines


def _certificates(report: Report) -> list[str]:
    lines = [f"## {SECTION_TITLES['certificates']}", ""]
    if not report.certificates:
        return [*lines, "The scanned resources rely on no identified provider.", ""]
    if report.unknown_validity:
        lines += [
            f"The validity dates of the certificates of {', '.join(report.unknown_validity)}"
            " are not known to hdslint (not in the sources read): ask the provider for its"
            " certificate and record its dates in `.hdslint.yaml` (`registry.providers`) so"
            " that expiry is checked (HDS-CERT-002).",
            "",
        ]
    for c in report.certificates:
        lines += _certificate(c)
    return lines


def _responsibilities(report: Report) -> list[str]:
    lines = [
        f"## {SECTION_TITLES['responsibilities']}",
        "",
        "| Activity | Relied on | Covered by | Left to you or your managed-service provider |",
        "|---|---|---|---|",
    ]
    for r in report.responsibilities:
        lines.append(
            f"| {r.number}. {r.name} | {cell(_list(r.relied_on))} | {cell(_list(r.covered_by))} |"
            f" **{r.left_to_customer}** — {cell(r.text)} |"
        )
    return [*lines, ""]


def _flows(report: Report) -> list[str]:
    lines = [f"## {SECTION_TITLES['flows']}", ""]
    if not report.flows:
        return [*lines, "No replication, copy or backup of health data in the scanned inputs.", ""]
    lines += [FLOWS_NOTE, "", "| From | Flow | To | Status |", "|---|---|---|---|"]
    for f in report.flows:
        lines.append(f"| {cell(f.source)} | {f.kind} | {cell(f.destination)} | {f.status} |")
    return [*lines, ""]


def _findings(title: str, rows: tuple[FindingRow, ...], empty: str, note: str = "") -> list[str]:
    lines = [f"## {title}", ""]
    if not rows:
        return [*lines, empty, ""]
    if note:
        lines += [note, ""]
    accounts = any(f.account for f in rows)
    lines += [
        "| Severity | Policy |"
        + (" Account |" if accounts else "")
        + " Resource | Location | Message | Evidence |",
        "|---|---|" + ("---|" if accounts else "") + "---|---|---|---|",
    ]
    for f in rows:
        account = f" {code(f.account or '-')} |" if accounts else ""
        lines.append(
            f"| {f.severity} | [{f.policy_id}]({f.help_uri}) {cell(f.title)} |{account}"
            f" {code(f.resource)} | {code(f.location)} | {cell(f.message)} |"
            f" {cell('; '.join(f.evidence) or '-')} |"
        )
    return [*lines, ""]


def _suppressed(rows: tuple[SuppressionRow, ...]) -> list[str]:
    lines = [f"## {SECTION_TITLES['suppressed']}", ""]
    if not rows:
        return [*lines, "No finding is suppressed.", ""]
    lines += [
        SUPPRESSED_NOTE,
        "",
        "| Policy | Resource | Location | Kind | Reason | Until | Written at |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in rows:
        lines.append(
            f"| {s.policy_id} ({s.severity}) | {code(s.resource)} | {code(s.location)} |"
            f" {s.kind} | {cell(s.reason)} | {s.until or 'no expiry'} | {code(s.written_at)} |"
        )
    return [*lines, ""]


def _policies(report: Report) -> list[str]:
    lines = [
        f"## {SECTION_TITLES['policies']}",
        "",
        "| Policy | Severity | Title | Passed | Failed | Not evaluated |",
        "|---|---|---|---|---|---|",
    ]
    for p in report.policies:
        lines.append(
            f"| {p.id} | {p.severity} | {cell(p.title)} | {p.passed} | {p.failed} |"
            f" {p.not_evaluated} |"
        )
    return [*lines, "", "`hdslint policies show ID` explains each policy.", ""]


def render(report: Report) -> str:
    lines = _header(report)
    lines += _stores(report)
    lines += _accounts(report)
    lines += _activities(report)
    lines += _certificates(report)
    lines += _responsibilities(report)
    lines += _flows(report)
    lines += _findings(SECTION_TITLES["findings"], report.findings, "No finding.", FINDINGS_NOTE)
    lines += _findings(
        SECTION_TITLES["to_confirm"], report.to_confirm, "Nothing to confirm.", TO_CONFIRM_NOTE
    )
    lines += _findings(
        SECTION_TITLES["not_evaluated"], report.not_evaluated, "Everything could be evaluated."
    )
    lines += _suppressed(report.suppressed)
    if report.errors:
        lines += [
            f"## {SECTION_TITLES['errors']}",
            "",
            *(f"- {cell(e)}" for e in report.errors),
            "",
        ]
    if report.warnings:
        lines += [f"## {SECTION_TITLES['warnings']}", "", WARNINGS_NOTE, ""]
        lines += [*(f"- {cell(w)}" for w in report.warnings), ""]
    lines += _policies(report)
    lines += [f"## {SECTION_TITLES['about']}", "", ABOUT, ""]
    return "\n".join(lines).rstrip("\n") + "\n"
