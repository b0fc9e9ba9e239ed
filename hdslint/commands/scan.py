"""`hdslint scan`: run a scan, write the reports, choose the exit code."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from hdslint.errors import HdslintError
from hdslint.model import Severity
from hdslint.scan import ScanOptions, ScanResult, run_scan

STDOUT = "-"


@dataclass(frozen=True)
class ReportTarget:
    """One report of the run: a format, written to a file or (output None) to stdout."""

    format: str
    output: Path | None


def exit_code(result: ScanResult, fail_on: str) -> int:
    """2 if something could not be read; else 1 if an unsuppressed finding (failed or not
    evaluated: a missing fact is never a pass) is at or above `fail_on`; else 0."""
    if result.errors:
        return 2
    if fail_on == "none":
        return 0
    threshold = Severity.parse(fail_on)
    for finding in result.findings:
        if finding.suppression is None and finding.severity >= threshold:
            return 1
    return 0


def report_targets(
    formats: Sequence[str], outputs: Sequence[str], env: Mapping[str, str]
) -> list[ReportTarget]:
    """Pair formats and outputs by position: the first --output is the first --format's,
    and so on; a format without an output (or with `-o -`) goes to standard output.

    With neither --format nor --output, the format is `github` inside GitHub Actions
    (GITHUB_ACTIONS=true) and `text` elsewhere."""
    if not formats:
        in_actions = env.get("GITHUB_ACTIONS") == "true" and not outputs
        formats = ["github" if in_actions else "text"]
    if len(outputs) > len(formats):
        raise HdslintError(
            f"{len(outputs)} --output for {len(formats)} --format: each --output belongs to"
            " the --format in the same position (e.g. -f sarif -o hdslint.sarif -f text)"
        )
    targets = [
        ReportTarget(
            name,
            Path(outputs[i]) if i < len(outputs) and outputs[i] != STDOUT else None,
        )
        for i, name in enumerate(formats)
    ]
    to_stdout = [t.format for t in targets if t.output is None]
    if len(to_stdout) > 1:
        raise HdslintError(
            f"formats {', '.join(to_stdout)} would all go to standard output: give all but"
            " one an --output FILE (outputs pair with formats by position)"
        )
    return targets


def write_report(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise HdslintError(
            f"cannot write the report: {exc.strerror or exc}", file=str(output)
        ) from None


def write_reports(result: ScanResult, targets: Sequence[ReportTarget], color: bool | None) -> None:
    from hdslint.reporters import get_reporter

    for target in targets:
        use_color = color if color is not None else (target.output is None and sys.stdout.isatty())
        text = get_reporter(target.format).render(result, color=use_color)
        write_report(text, target.output)


def run(
    *,
    paths: Sequence[str],
    formats: Sequence[str],
    outputs: Sequence[str],
    config: Path | None,
    fail_on: str | None,
    cli_vars: dict[str, str],
    var_files: list[Path],
    color: bool | None,
    baseline: Path | None = None,
    changed: bool = False,
) -> int:
    targets = report_targets(formats, outputs, os.environ)  # usage errors before the scan
    scope = None
    if changed:
        from hdslint.changed import expand_changed

        scope = expand_changed(paths)
        paths = scope.paths
    result = run_scan(
        ScanOptions(
            paths=paths, config=config, cli_vars=cli_vars, var_files=var_files, baseline=baseline
        )
    )
    if scope is not None:
        from hdslint.changed import only_changed

        result = only_changed(result, scope.folders)
    write_reports(result, targets, color)
    return exit_code(result, fail_on or result.config.fail_on or "low")
