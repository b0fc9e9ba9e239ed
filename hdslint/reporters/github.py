"""`--format github`: GitHub Actions workflow commands (`::error file=,line=::message`), which
GitHub shows as annotations on the run and on the pull request's files.

GitHub shows at most 10 annotations of each kind (error, warning, notice) per step and drops
the rest silently. So the most severe come first, and when some do not fit, the last notice
says how many were not shown and where to find them all (SARIF, the job summary). Kinds:
- error: failed critical and high findings, and inputs that could not be read;
- warning: failed medium and low findings, not-evaluated findings (a missing fact is
  never a pass, but it is not a proven failure either) and unused suppressions;
- notice: info findings.
Suppressed findings are not annotated; the closing log line counts them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hdslint.model import Finding, InputError, ScanWarning, Severity, Status
from hdslint.paths import relative_path
from hdslint.reporters.summary import count_words, provenance_line, summarize
from hdslint.result import ScanResult

MAX_PER_KIND = 10  # GitHub's limit per annotation kind and step
KINDS = ("error", "warning", "notice")


@dataclass(frozen=True)
class Annotation:
    kind: str
    message: str
    title: str | None = None
    file: str | None = None
    line: int | None = None

    def command(self) -> str:
        props = []
        if self.file:
            props.append(f"file={escape_property(self.file)}")
            if self.line:
                props.append(f"line={self.line}")
        if self.title:
            props.append(f"title={escape_property(self.title)}")
        head = f"::{self.kind} {','.join(props)}" if props else f"::{self.kind}"
        return f"{head}::{escape_data(self.message)}"


def escape_data(text: str) -> str:
    """A workflow command's message: `%`, CR and LF are encoded (as actions/toolkit does)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: the message's escapes, plus `:` and `,`, which
    would otherwise end the value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def kind_of(finding: Finding) -> str:
    if finding.severity is Severity.INFO:
        return "notice"
    if finding.status is Status.NOT_EVALUATED:
        return "warning"
    return "error" if finding.severity >= Severity.HIGH else "warning"


def _annotation(finding: Finding) -> Annotation:
    status = "not evaluated" if finding.status is Status.NOT_EVALUATED else "failed"
    return Annotation(
        kind=kind_of(finding),
        title=f"{finding.policy_id} {finding.title} ({finding.severity.label}, {status})",
        message=f"{finding.resource.id}: {finding.message}",
        file=relative_path(finding.location.file) if finding.location.file else None,
        line=finding.location.line,
    )


def _priority(finding: Finding) -> tuple[int, int]:
    # Most severe first; at equal severity a proven failure before a missing fact.
    return (-int(finding.severity), 0 if finding.status is Status.FAIL else 1)


def select_annotations(result: ScanResult) -> tuple[list[Annotation], int]:
    """The annotations to print, most severe first within each kind, and how many did not
    fit under GitHub's limit."""
    by_kind: dict[str, list[Annotation]] = {kind: [] for kind in KINDS}
    problems: tuple[tuple[str, str, Sequence[InputError | ScanWarning]], ...] = (
        ("error", "hdslint: input could not be checked", result.errors),
        ("warning", "hdslint: unused suppression", result.warnings),
    )
    for kind, title, items in problems:
        by_kind[kind].extend(
            Annotation(
                kind,
                item.message,
                title=title,
                file=relative_path(item.file) if item.file else None,
                line=item.line,
            )
            for item in items
        )
    active = [f for f in result.findings if f.suppression is None]
    # sorted() is stable: the report order (file, line) is kept within a severity.
    for finding in sorted(active, key=_priority):
        annotation = _annotation(finding)
        by_kind[annotation.kind].append(annotation)
    hidden = sum(max(len(items) - MAX_PER_KIND, 0) for items in by_kind.values())
    notice_room = MAX_PER_KIND - 1 if hidden else MAX_PER_KIND  # keep one for the count
    shown = by_kind["error"][:MAX_PER_KIND] + by_kind["warning"][:MAX_PER_KIND]
    shown += by_kind["notice"][:notice_room]
    hidden = sum(len(items) for items in by_kind.values()) - len(shown)
    return shown, hidden


def render(result: ScanResult, *, color: bool = False, show_suppressed: bool = False) -> str:
    shown, hidden = select_annotations(result)
    lines = [a.command() for a in shown]
    if hidden:
        lines.append(
            Annotation(
                "notice",
                f"{hidden} more finding(s) not shown as annotations (GitHub shows"
                f" {MAX_PER_KIND} of each kind per step): see the job summary or the code"
                " scanning alerts (SARIF) for all of them.",
                title="hdslint: more findings",
            ).command()
        )
    s = summarize(result)
    lines.append(
        f"hdslint: {s.resources} resources ({s.health_data_resources} with health data),"
        f" {', '.join(count_words(s))}; HDS registry as of {result.registry.as_of};"
        f" {escape_data(provenance_line(result.provenance))}"
    )
    return "\n".join(lines) + "\n"
