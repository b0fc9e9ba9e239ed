"""The auditor's report as GitHub-flavoured Markdown (the flows as a table: a printed report
cannot draw Mermaid source)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

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


def _row(cells: Sequence[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    """A table: the header row, its rule, a line per row (each cell as given)."""
    return [_row(headers), "|" + "---|" * len(headers), *(_row(row) for row in rows)]


def _fields(fields: Iterable[tuple[str, object]]) -> list[str]:
    """A table of label and value, with an empty header."""
    return ["| | |", "|---|---|", *(_row(field) for field in fields)]


def _section(key: str) -> list[str]:
    return [f"## {SECTION_TITLES[key]}", ""]


def _header(report: Report) -> list[str]:
    lines = [
        "# HDS compliance report",
        "",
        f"**{summary_line(report)}**",
        "",
        *_fields(
            [
                ("Inputs scanned", _list([code(i) for i in report.inputs])),
                ("Revision", cell(report.revision or "not known (not a git checkout)")),
                ("Files read", report.files_scanned),
                *((label, cell(value)) for label, value in report.provenance),
                ("Evaluated on", report.evaluated_on),
                ("HDS registry as of", report.registry_as_of),
                ("hdslint version", report.tool_version),
            ]
        ),
        "",
    ]
    if report.registry_warning:
        lines += [f"> **Warning:** {report.registry_warning}", ""]
    return lines


def _stores(report: Report) -> list[str]:
    lines = _section("stores")
    if not report.stores:
        return [*lines, "No resource holds health data in the scanned inputs.", ""]
    return [
        *lines,
        *_table(
            ("Resource", "Provider", "Region", "In the EEA", "Why health data", "Declared at"),
            (
                (
                    code(s.id),
                    s.provider or "unknown",
                    cell(s.place),
                    s.in_eea,
                    cell(s.why),
                    code(s.location),
                )
                for s in report.stores
            ),
        ),
        "",
    ]


def _accounts(report: Report) -> list[str]:
    if not report.accounts:
        return []
    return [
        *_section("accounts"),
        *_table(
            ("Account", "Resources", "With health data", "Failed", "To confirm", "Not evaluated"),
            (
                (
                    code(a.account),
                    a.resources,
                    a.health_data,
                    a.failed,
                    a.to_confirm,
                    a.not_evaluated,
                )
                for a in report.accounts
            ),
        ),
        "",
    ]


def _activities(report: Report) -> list[str]:
    lines = [
        *_section("activities"),
        ACTIVITIES_NOTE,
        "",
        *_table(
            (
                "Activity",
                "Providers",
                "Services",
                "Regions",
                "Covered",
                "NOT covered",
                "Cannot tell",
            ),
            (
                (
                    f"{a.number}. {a.name}",
                    cell(_list(a.providers)),
                    cell(_list(a.services)),
                    cell(_list(a.regions)),
                    a.covered,
                    a.not_covered,
                    a.cannot_tell,
                )
                for a in report.activities
            ),
        ),
        "",
        "### By provider, service and region",
        "",
    ]
    if not report.usage:
        return [*lines, "No scanned resource relies on a host for an HDS activity.", ""]
    rows = []
    for row in report.usage:
        marks = []
        for n in range(1, 7):
            cov = row.for_activity(n)
            marks.append(VERDICT_MARKS[cov.verdict] if cov else "")
        shown = ", ".join(code(r) for r in row.resources[:5])
        if len(row.resources) > 5:
            shown += f" and {len(row.resources) - 5} more"
        confidence = lowest_confidence(*(c.confidence for _, c in row.coverage))
        rows.append(
            (
                cell(row.provider_name),
                cell(row.service or "-"),
                cell(row.place),
                shown,
                row.health_data,
                *marks,
                cell("; ".join(row.reasons)),
                confidence,
            )
        )
    head = ("Provider", "Service", "Region", "Resources", "Health data")
    activities = tuple(str(n) for n in range(1, 7))
    return [
        *lines,
        *_table((*head, *activities, "Why", "Confidence"), rows),
        "",
        VERDICT_LEGEND,
        "",
    ]


def _certificate(c: Certificate) -> list[str]:
    acts = "not published" if c.activities is None else format_activities(c.activities)
    if c.activities_confidence and c.activities:
        acts += f" (confidence {c.activities_confidence})"
    lines = [
        f"### {cell(c.name)} ({code(c.provider)})",
        "",
        *_fields(
            [
                ("HDS status", c.status),
                ("Referential", cell(c.referential or "unknown")),
                ("Certified activities", acts),
                ("Certifier", cell(c.certifier or "unknown")),
                *([("Certificate", cell(c.certificate))] if c.certificate else []),
                (
                    "Valid from / until",
                    f"{c.valid_from or 'unknown'} / {c.valid_until or 'unknown'}",
                ),
                ("Validity", cell(c.validity)),
                ("Confidence", c.confidence),
                ("As of", c.as_of or "-"),
                ("Resources relying on it", c.resources),
                ("Sources", cell("; ".join(c.sources) or "none")),
            ]
        ),
        "",
    ]
    for cond in c.conditions:
        mark = "confirmed in the configuration" if cond.confirmed else "**to verify**"
        lines.append(f"- Condition {code(cond.id)} ({mark}): {cell(cond.text)}")
    for note in c.notes:
        lines.append(f"- Note: {cell(note)}")
    return [*lines, ""] if c.conditions or c.notes else lines


def _certificates(report: Report) -> list[str]:
    lines = _section("certificates")
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
    return [
        *_section("responsibilities"),
        *_table(
            ("Activity", "Relied on", "Covered by", "Left to you or your managed-service provider"),
            (
                (
                    f"{r.number}. {r.name}",
                    cell(_list(r.relied_on)),
                    cell(_list(r.covered_by)),
                    f"**{r.left_to_customer}** — {cell(r.text)}",
                )
                for r in report.responsibilities
            ),
        ),
        "",
    ]


def _flows(report: Report) -> list[str]:
    lines = _section("flows")
    if not report.flows:
        return [*lines, "No replication, copy or backup of health data in the scanned inputs.", ""]
    rows = ((cell(f.source), f.kind, cell(f.destination), f.status) for f in report.flows)
    return [*lines, FLOWS_NOTE, "", *_table(("From", "Flow", "To", "Status"), rows), ""]


def _findings(title: str, rows: tuple[FindingRow, ...], empty: str, note: str = "") -> list[str]:
    lines = [f"## {title}", ""]
    if not rows:
        return [*lines, empty, ""]
    if note:
        lines += [note, ""]
    accounts = any(f.account for f in rows)
    return [
        *lines,
        *_table(
            (
                "Severity",
                "Policy",
                *(["Account"] if accounts else []),
                "Resource",
                "Location",
                "Message",
                "Evidence",
            ),
            (
                (f.severity, f"[{f.policy_id}]({f.help_uri}) {cell(f.title)}")
                + ((code(f.account or "-"),) if accounts else ())
                + (code(f.resource), code(f.location), cell(f.message))
                + (cell("; ".join(f.evidence) or "-"),)
                for f in rows
            ),
        ),
        "",
    ]


def _suppressed(rows: tuple[SuppressionRow, ...]) -> list[str]:
    lines = _section("suppressed")
    if not rows:
        return [*lines, "No finding is suppressed.", ""]
    return [
        *lines,
        SUPPRESSED_NOTE,
        "",
        *_table(
            ("Policy", "Resource", "Location", "Kind", "Reason", "Until", "Written at"),
            (
                (
                    f"{s.policy_id} ({s.severity})",
                    code(s.resource),
                    code(s.location),
                    s.kind,
                    cell(s.reason),
                    s.until or "no expiry",
                    code(s.written_at),
                )
                for s in rows
            ),
        ),
        "",
    ]


def _policies(report: Report) -> list[str]:
    return [
        *_section("policies"),
        *_table(
            ("Policy", "Severity", "Title", "Passed", "Failed", "Not evaluated"),
            (
                (p.id, p.severity, cell(p.title), p.passed, p.failed, p.not_evaluated)
                for p in report.policies
            ),
        ),
        "",
        "`hdslint policies show ID` explains each policy.",
        "",
    ]


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
        lines += [*_section("errors"), *(f"- {cell(e)}" for e in report.errors), ""]
    if report.warnings:
        lines += [*_section("warnings"), WARNINGS_NOTE, ""]
        lines += [*(f"- {cell(w)}" for w in report.warnings), ""]
    lines += _policies(report)
    lines += [*_section("about"), ABOUT, ""]
    return "\n".join(lines).rstrip("\n") + "\n"
