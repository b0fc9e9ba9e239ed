"""`hdslint scan`: run a scan, write the report, choose the exit code."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from hdslint.errors import HdslintError
from hdslint.model import Severity
from hdslint.scan import ScanOptions, ScanResult, run_scan


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


def run(
    *,
    paths: Sequence[str],
    output_format: str,
    output: Path | None,
    config: Path | None,
    fail_on: str | None,
    cli_vars: dict[str, str],
    var_files: list[Path],
    color: bool | None,
    stdin_filename: str | None = None,
) -> int:
    from hdslint.commands.registry import warn_if_stale
    from hdslint.reporters import get_reporter

    result = run_scan(
        ScanOptions(
            paths=paths,
            config=config,
            cli_vars=cli_vars,
            var_files=var_files,
            stdin_filename=stdin_filename,
        )
    )
    warn_if_stale(result.registry)
    use_color = color if color is not None else (output is None and sys.stdout.isatty())
    text = get_reporter(output_format).render(result, color=use_color)
    write_report(text, output)
    return exit_code(result, fail_on or result.config.fail_on or "low")
