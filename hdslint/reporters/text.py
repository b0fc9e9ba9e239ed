"""`--format text`: findings grouped by file, readable at a glance, colour on a terminal."""

from __future__ import annotations

from itertools import groupby

from hdslint.model import Finding, Status
from hdslint.reporters.colors import (
    BOLD,
    BOLD_GREEN,
    BOLD_RED,
    DIM,
    MAGENTA,
    SEVERITY_STYLES,
    paint,
)
from hdslint.reporters.summary import summarize
from hdslint.scan import ScanResult

# How much the text report says: "full" (each finding on two lines, with its message, grouped
# by file, then the counts), "compact" (one line per finding, then the counts) or "quiet"
# (one line per unsuppressed finding and the input errors, nothing else: for grep and diff).
LAYOUTS = ("full", "compact", "quiet")


def _status(f: Finding, color: bool) -> str:
    """The severity a finding counts at for --fail-on, not-evaluated ones included (a
    missing fact is never a pass), so the exit code can be read off the text."""
    if f.status is Status.NOT_EVALUATED:
        return paint(f"{f.severity.label}, not evaluated", MAGENTA, color)
    return paint(f"{f.severity.label:<8}", SEVERITY_STYLES[f.severity], color)


def _where(f: Finding) -> str:
    if f.location.file is None:
        return f.location.api_call or "<unknown>"
    return f"{f.location.file}:{f.location.line}" if f.location.line else f.location.file


def render(result: ScanResult, *, color: bool = False, layout: str = "full") -> str:
    lines: list[str] = []
    for e in result.errors:
        lines.append(f"{paint('error', BOLD_RED, color)}  {e}")
    if result.errors and layout == "full":
        lines.append("")

    def file_key(f: Finding) -> str:
        return f.location.file or f.location.api_call or ""

    for _file, group in groupby(result.findings, key=file_key):
        for f in group:
            if f.suppression and layout == "quiet":
                continue
            suppressed = paint("  (suppressed)", DIM, color) if f.suppression else ""
            head = (
                f"{paint(_where(f), BOLD, color)}  {_status(f, color)} "
                f"{f.policy_id}  {f.resource.id}{suppressed}"
            )
            if layout == "full":
                lines.extend([head, f"    {f.title}: {f.message}"])
            else:
                lines.append(f"{head}  {f.title}")
        if layout == "full":
            lines.append("")
    if layout == "quiet":
        return "".join(line + "\n" for line in lines)
    s = summarize(result)
    parts = [
        f"{s.resources} resources ({s.health_data_resources} with health data)",
        f"{s.failed} failed",
        f"{s.not_evaluated} not evaluated",
    ]
    if s.suppressed:
        parts.append(f"{s.suppressed} suppressed")
    parts.append(f"{s.errors} errors")
    clean = not (s.failed or s.not_evaluated or s.errors)
    lines.append(paint(", ".join(parts), BOLD_GREEN if clean else BOLD, color))
    note = f"HDS registry as of {result.registry.as_of}"
    if result.findings:
        note += "; `hdslint policies ID` explains a policy"
    lines.append(paint(note, DIM, color))
    return "\n".join(lines) + "\n"
