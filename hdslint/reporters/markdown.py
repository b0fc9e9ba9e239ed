"""`--format markdown`: a GitHub job summary (or a pull-request comment): totals, the findings,
certificate conditions to confirm, what could not be evaluated, input errors, unused
suppressions, and a Mermaid diagram of the health-data flows (GitHub renders Mermaid in job
summaries). Suppressed findings are counted in the totals and listed only with
`--show-suppressed`.

GitHub refuses a step summary over 1 MiB. Tables are filled in order of importance
(findings, to confirm, not evaluated, suppressed, errors, warnings) until the size limit,
and a note says how many rows were left out; SARIF and JSON always have everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from hdslint import __version__
from hdslint.markup import cell, code
from hdslint.model import Finding, Severity, Status
from hdslint.paths import relative_path
from hdslint.reporters.flows import mermaid
from hdslint.reporters.summary import count_words, is_to_confirm, provenance_facts, summarize
from hdslint.result import ScanResult

# GitHub's limit is 1 MiB per step summary; stay clear of it.
SUMMARY_LIMIT = 1_000_000
# A diagram larger than this share of the limit is not drawn (it would not be readable).
DIAGRAM_SHARE = 4
ICONS = {
    Severity.CRITICAL: "🔴",
    Severity.HIGH: "🟠",
    Severity.MEDIUM: "🟡",
    Severity.LOW: "🔵",
    Severity.INFO: "⚪",
}


def _where(f: Finding) -> str:
    if f.location.file is None:
        return cell(f.location.api_call or "")
    path = relative_path(f.location.file)
    return code(f"{path}:{f.location.line}" if f.location.line else path)


def _resource(f: Finding) -> str:
    r = f.resource
    place = " ".join(p for p in (r.provider, r.region) if p) or "location unknown"
    return f"{code(r.id)} ({cell(place)})"


@dataclass
class Table:
    title: str
    header: Sequence[str]
    rows: list[str] = field(default_factory=list)
    intro: str = ""

    def head(self) -> str:
        text = f"### {self.title}\n\n"
        if self.intro:
            text += f"{self.intro}\n\n"
        text += "| " + " | ".join(self.header) + " |\n"
        text += "|" + "---|" * len(self.header) + "\n"
        return text


def _tables(result: ScanResult, show_suppressed: bool) -> list[Table]:
    active = [f for f in result.findings if f.suppression is None]
    failed = [f for f in active if f.status is Status.FAIL and not is_to_confirm(f)]
    conditions = [f for f in active if is_to_confirm(f)]
    unknown = [
        f for f in result.findings if f.suppression is None and f.status is Status.NOT_EVALUATED
    ]
    suppressed = [f for f in result.findings if f.suppression is not None]
    by_severity = sorted(failed, key=lambda f: -int(f.severity))  # stable: file order kept
    findings = Table("Findings", ("Severity", "Policy", "Resource", "Location", "Finding"))
    findings.rows = [
        f"| {ICONS[f.severity]} {f.severity.label} | {f.policy_id} | {_resource(f)} |"
        f" {_where(f)} | {cell(f.message)} |"
        for f in by_severity
    ]
    to_confirm = Table(
        "To confirm",
        ("Policy", "Resource", "Location", "What to confirm"),
        intro="The host's certificate applies only under a condition the code cannot show:"
        " confirm it once in the configuration (`hdslint policies show HDS-COND-001`).",
    )
    to_confirm.rows = [
        f"| {f.policy_id} | {_resource(f)} | {_where(f)} | {cell(f.message)} |" for f in conditions
    ]
    not_evaluated = Table(
        "Not evaluated",
        ("Severity", "Policy", "Resource", "Location", "Why it could not be checked"),
        intro="A missing fact is never a pass: each of these counts at its policy's severity.",
    )
    not_evaluated.rows = [
        f"| {f.severity.label} | {f.policy_id} | {_resource(f)} | {_where(f)} |"
        f" {cell(f.message.removeprefix('could not be checked: '))} |"
        for f in sorted(unknown, key=lambda f: -int(f.severity))
    ]
    waived = Table("Suppressed", ("Policy", "Resource", "Location", "Kind", "Reason", "Until"))
    waived.rows = [
        f"| {f.policy_id} | {code(f.resource.id)} | {_where(f)} | {f.suppression.kind} |"
        f" {cell(f.suppression.reason)} | {f.suppression.until or '-'} |"
        for f in suppressed
        if f.suppression is not None
    ]
    errors = Table("Input errors", ("Where", "Problem"), intro="These could not be checked.")
    errors.rows = [f"| {_at(e.file, e.line)} | {cell(e.message)} |" for e in result.errors]
    warnings = Table("Warnings", ("Where", "Warning"))
    warnings.rows = [f"| {_at(w.file, w.line)} | {cell(w.message)} |" for w in result.warnings]
    if not show_suppressed:
        waived.rows = []
    tables = (findings, to_confirm, not_evaluated, waived, errors, warnings)
    return [t for t in tables if t.rows]


def _at(file: str | None, line: int | None) -> str:
    if not file:
        return "-"
    return code(relative_path(file) + (f":{line}" if line else ""))


def _header(result: ScanResult) -> str:
    s = summarize(result)
    if s.failed:
        icon = "❌"
    elif s.not_evaluated or s.errors:
        icon = "⚠️"
    else:
        icon = "✅"
    words = count_words(s, errors="input errors")
    words[0] = f"**{words[0]}**"
    lines = [
        "## hdslint: HDS compliance",
        "",
        f"{icon} {', '.join(words)}"
        f" — {s.resources} resources scanned ({s.health_data_resources} with health data)"
        f" in {s.files} files",
        "",
        " · ".join(
            f"{label}: {cell(value)}" for label, value in provenance_facts(result.provenance)
        ),
        "",
    ]
    active = [f for f in result.findings if f.suppression is None and not is_to_confirm(f)]
    if active:
        lines += ["| Severity | Failed | Not evaluated |", "|---|---:|---:|"]
        for severity in sorted(Severity, reverse=True):
            failed = sum(1 for f in active if f.severity is severity and f.status is Status.FAIL)
            unknown = sum(
                1 for f in active if f.severity is severity and f.status is Status.NOT_EVALUATED
            )
            if failed or unknown:
                lines.append(f"| {ICONS[severity]} {severity.label} | {failed} | {unknown} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def _flows(result: ScanResult, limit: int) -> str:
    diagram = mermaid(result)
    if not diagram:
        return ""
    text = (
        "### Health-data flows\n\nWhere copies of health data go (replication, backups,"
        " snapshot copies, read replicas). Dashed red: outside the EEA or not covered by an"
        " HDS certificate; orange: cannot tell.\n\n```mermaid\n" + diagram + "```\n\n"
    )
    if len(text.encode("utf-8")) > limit // DIAGRAM_SHARE:
        return "### Health-data flows\n\nToo many flows to draw here; see the JSON report.\n\n"
    return text


def _footer(result: ScanResult) -> str:
    return (
        f"<sub>hdslint {__version__} · HDS registry as of {result.registry.as_of} ·"
        " `hdslint policies ID` explains a policy</sub>\n"
    )


def render(
    result: ScanResult,
    *,
    color: bool = False,
    show_suppressed: bool = False,
    limit: int = SUMMARY_LIMIT,
) -> str:
    header, footer = _header(result), _footer(result)
    flows = _flows(result, limit)
    tables = _tables(result, show_suppressed)
    size = len((header + flows + footer).encode("utf-8"))
    size += sum(len(t.head().encode("utf-8")) + 200 for t in tables)  # 200: a note's room
    body = []
    full = False
    for table in tables:
        kept: list[str] = []
        for row in table.rows:
            cost = len(row.encode("utf-8")) + 1
            if full or size + cost > limit:
                full = True
                break
            kept.append(row)
            size += cost
        # A table with no room left keeps its title and says what it leaves out.
        text = table.head() + "".join(row + "\n" for row in kept) if kept else ""
        text = text or f"### {table.title}\n"
        left = len(table.rows) - len(kept)
        if left:
            text += (
                f"\n*{left} more row(s) not shown: a job summary is limited to 1 MiB."
                " The SARIF and JSON reports have every finding.*\n"
            )
        body.append(text + "\n")
    return header + "".join(body) + flows + footer
