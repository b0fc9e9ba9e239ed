"""`--format text`: findings grouped by file, readable at a glance, colour on a terminal."""

from __future__ import annotations

from itertools import groupby

from hdslint.model import Finding, Severity, Status, Suppression
from hdslint.reporters.summary import count_words, summarize
from hdslint.scan import ScanResult

_SEVERITY_COLORS = {
    Severity.CRITICAL: "\033[1;31m",
    Severity.HIGH: "\033[31m",
    Severity.MEDIUM: "\033[33m",
    Severity.LOW: "\033[36m",
    Severity.INFO: "\033[2m",
}
_NOT_EVALUATED = "\033[35m"
_RESET = "\033[0m"
_BOLD = "\033[1m"
_DIM = "\033[2m"
_GREEN = "\033[1;32m"
_RED = "\033[1;31m"
_YELLOW = "\033[33m"


def _paint(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color else text


def _status(f: Finding, color: bool) -> str:
    if f.status is Status.NOT_EVALUATED:
        return _paint(f"{'unknown':<8}", _NOT_EVALUATED, color)
    return _paint(f"{f.severity.label:<8}", _SEVERITY_COLORS[f.severity], color)


def _where(f: Finding) -> str:
    if f.location.file is None:
        return f.location.api_call or "<unknown>"
    return f"{f.location.file}:{f.location.line}" if f.location.line else f.location.file


def describe_suppression(s: Suppression) -> str:
    """`inline at p/main.tf:5, until 2026-12-31: reason` — a suppression in one line."""
    where = f" at {s.location}" if s.location is not None else ""
    until = f", until {s.until}" if s.until else ""
    return f"{s.kind}{where}{until}: {s.reason}"


def render(result: ScanResult, *, color: bool = False, show_suppressed: bool = False) -> str:
    """Suppressed findings are counted in the summary line and listed only with
    `show_suppressed` (`--show-suppressed`): a baseline must not bury the new finding."""
    lines: list[str] = []
    for e in result.errors:
        lines.append(f"{_paint('error', _RED, color)}  {e}")
    for w in result.warnings:
        lines.append(f"{_paint('warning', _YELLOW, color)}  {w}")
    if result.errors or result.warnings:
        lines.append("")

    def file_key(f: Finding) -> str:
        return f.location.file or f.location.api_call or ""

    shown = [f for f in result.findings if show_suppressed or f.suppression is None]
    for _file, group in groupby(shown, key=file_key):
        for f in group:
            suppressed = _paint("  (suppressed)", _DIM, color) if f.suppression else ""
            lines.append(
                f"{_paint(_where(f), _BOLD, color)}  {_status(f, color)} "
                f"{f.policy_id}  {f.resource.id}{suppressed}"
            )
            lines.append(f"    {f.title}: {f.message}")
            if f.suppression:
                lines.append(
                    _paint(f"    suppressed: {describe_suppression(f.suppression)}", _DIM, color)
                )
        lines.append("")
    s = summarize(result)
    parts = [f"{s.resources} resources ({s.health_data_resources} with health data)"]
    parts += count_words(s)
    clean = not (s.failed or s.not_evaluated or s.errors)
    lines.append(_paint(", ".join(parts), _GREEN if clean else _BOLD, color))
    note = f"HDS registry as of {result.registry.as_of}"
    if shown:
        note += "; `hdslint policies ID` explains a policy"
    if s.suppressed and not show_suppressed:
        note += "; --show-suppressed lists the suppressed findings"
    lines.append(_paint(note, _DIM, color))
    return "\n".join(lines) + "\n"
