"""`--format text`: findings grouped by file, readable at a glance, colour on a terminal."""

from __future__ import annotations

from itertools import groupby

from hdslint.model import Finding, Status, Suppression
from hdslint.printable import not_a_workflow_command, printable
from hdslint.reporters.colors import (
    BOLD,
    BOLD_GREEN,
    BOLD_RED,
    DIM,
    MAGENTA,
    SEVERITY_STYLES,
    YELLOW,
    paint,
)
from hdslint.reporters.summary import (
    by_account as count_by_account,
)
from hdslint.reporters.summary import (
    count_words,
    provenance_line,
    summarize,
    unmapped_line,
)
from hdslint.result import ScanResult

# How much the text report says: "full" (each finding on two lines, with its message, grouped
# by file, then the counts), "compact" (one line per finding, then the counts) or "quiet"
# (one line per finding and the input errors, nothing else: for grep and diff).
LAYOUTS = ("full", "compact", "quiet")


def _status(f: Finding, color: bool) -> str:
    """The severity a finding counts at for --fail-on, not-evaluated ones included (a
    missing fact is never a pass), so the exit code can be read off the text."""
    if f.status is Status.NOT_EVALUATED:
        return paint(f"{f.severity.label}, not evaluated", MAGENTA, color)
    return paint(f"{f.severity.label:<8}", SEVERITY_STYLES[f.severity], color)


def _where(f: Finding) -> str:
    if f.location.file is None:
        return printable(f.location.api_call or "<unknown>")
    file = printable(f.location.file)
    return f"{file}:{f.location.line}" if f.location.line else file


# Suppression kinds as a reader names them (the others are their own names).
SUPPRESSION_WORDS = {"metadata": "Metadata hdslint.ignore"}


def describe_suppression(s: Suppression) -> str:
    """`inline at p/main.tf:5, until 2026-12-31: reason` — a suppression in one line."""
    where = f" at {s.location}" if s.location is not None else ""
    until = f", until {s.until}" if s.until else ""
    kind = SUPPRESSION_WORDS.get(s.kind, s.kind)
    return printable(f"{kind}{where}{until}: {s.reason}")


def render(
    result: ScanResult,
    *,
    color: bool = False,
    show_suppressed: bool = False,
    layout: str = "full",
    by_account: bool = True,
) -> str:
    """Suppressed findings are counted in the summary line and listed only with
    `show_suppressed` (`--show-suppressed`): a baseline must not bury the new finding."""
    full = layout == "full"
    lines: list[str] = []
    for e in result.errors:
        lines.append(f"{paint('error', BOLD_RED, color)}  {printable(e)}")
    for w in result.warnings:
        lines.append(f"{paint('warning', YELLOW, color)}  {printable(w)}")
    if (result.errors or result.warnings) and full:
        lines.append("")

    def file_key(f: Finding) -> str:
        return f.location.file or f.location.api_call or ""

    shown = [f for f in result.findings if show_suppressed or f.suppression is None]
    for _file, group in groupby(shown, key=file_key):
        for f in group:
            suppressed = paint("  (suppressed)", DIM, color) if f.suppression else ""
            head = (
                f"{paint(_where(f), BOLD, color)}  {_status(f, color)} "
                f"{printable(f.policy_id)}  {printable(f.resource.id)}{suppressed}"
            )
            if not full:
                lines.append(f"{head}  {printable(f.title)}")
                continue
            lines.extend([head, f"    {printable(f.title)}: {printable(f.message)}"])
            if f.suppression:
                lines.append(
                    paint(f"    suppressed: {describe_suppression(f.suppression)}", DIM, color)
                )
        if full:
            lines.append("")
    # Escaped above, every field is one line; none may read as a workflow command either.
    lines = [not_a_workflow_command(line) for line in lines]
    if layout == "quiet":
        return "".join(line + "\n" for line in lines)
    s = summarize(result)
    parts = [f"{s.resources} resources ({s.health_data_resources} with health data)"]
    parts += count_words(s)
    clean = not (s.failed or s.not_evaluated or s.errors)
    accounts = count_by_account(result) if by_account else []
    if accounts:
        lines.append("By account, subscription or project:")
        for row in accounts:
            counts = [f"{row.failed} failed"]
            if row.to_confirm:
                counts.append(f"{row.to_confirm} to confirm")
            counts.append(f"{row.not_evaluated} not evaluated")
            lines.append(
                f"  {printable(row.account)}: {row.resources} resources, {', '.join(counts)}"
            )
    unmapped = unmapped_line(s)
    if unmapped is not None:
        lines.append(printable(unmapped))
    lines.append(paint(provenance_line(result.provenance), DIM, color))
    lines.append(paint(", ".join(parts), BOLD_GREEN if clean else BOLD, color))
    note = f"HDS registry as of {result.registry.as_of}"
    if shown:
        note += "; `hdslint policies ID` explains a policy"
    if s.suppressed and not show_suppressed:
        note += "; --show-suppressed lists the suppressed findings"
    lines.append(paint(note, DIM, color))
    return "\n".join(lines) + "\n"
