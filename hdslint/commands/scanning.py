"""`hdslint scan` when no stored report answers (hdslint.replay): run the pipeline, render
the reports, choose the exit code.

Kept apart from hdslint.commands.scan, which imports it only when it has to scan (an
exception of tests/test_imports.py): a replayed scan, such as a pre-commit run with nothing
changed, never loads the pipeline, the sources, the policies or the parsers.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from hdslint.changed import expand_changed, only_changed
from hdslint.commands.registry import warn_if_stale
from hdslint.commands.scan import ReportTarget, exit_code, use_color
from hdslint.config import Selection
from hdslint.files import ReadLog
from hdslint.model import Severity
from hdslint.progress import StatusLine
from hdslint.reporters import get_reporter, text
from hdslint.result import ScanResult
from hdslint.scan import ScanOptions, run_scan
from hdslint.sensitive import conceal_report


def render_reports(
    result: ScanResult,
    targets: Sequence[ReportTarget],
    color: bool | None,
    show_suppressed: bool = False,
    layout: str = "full",
) -> list[str]:
    """Each target's text. `layout` (--compact, --quiet) shapes the text format only.
    Values derived from sensitive ones are concealed in every format."""
    return [
        conceal_report(
            text.render(
                result,
                color=use_color(target, color),
                show_suppressed=show_suppressed,
                layout=layout,
            ),
            result,
        )
        if target.format == "text"
        else conceal_report(
            get_reporter(target.format).render(
                result, color=use_color(target, color), show_suppressed=show_suppressed
            ),
            result,
        )
        for target in targets
    ]


def shown_severities(result: ScanResult, severities: Sequence[str]) -> ScanResult:
    """The result as --severity shows it: only findings of those severities (the exit code
    is still decided on every finding). Says on stderr how many are left out."""
    if not severities:
        return result
    wanted = {Severity.parse(level) for level in severities}
    kept = [f for f in result.findings if f.severity in wanted]
    hidden = sum(1 for f in result.findings if f.suppression is None) - sum(
        1 for f in kept if f.suppression is None
    )
    if hidden:
        sys.stderr.write(
            f"hdslint: {hidden} finding{'s' if hidden != 1 else ''} of other severities"
            f" not shown (--severity {','.join(severities)})\n"
        )
    return dataclasses.replace(result, findings=kept)


def scan_and_render(
    *,
    paths: Sequence[str],
    targets: Sequence[ReportTarget],
    config: Path | None,
    fail_on: str | None,
    cli_vars: dict[str, str],
    var_files: list[Path],
    color: bool | None,
    baseline: Path | None,
    changed: bool,
    stdin_filename: str | None,
    cache: bool,
    jobs: int | None,
    env: Mapping[str, str],
    show_suppressed: bool = False,
    selection: Selection | None = None,
    severities: Sequence[str] = (),
    layout: str = "full",
    status: StatusLine | None = None,
    repository_config: bool = True,
    allow_checks_off: bool = False,
    log: ReadLog | None = None,
) -> tuple[list[str], int]:
    """The scan itself: the reports' text and the exit code. With `log`, what the scan
    looked at is recorded there (hdslint.replay)."""
    scope = None
    if changed:
        scope = expand_changed(paths)
        paths = scope.paths
    result = run_scan(
        ScanOptions(
            paths=paths,
            config=config,
            cli_vars=cli_vars,
            var_files=var_files,
            env=env,
            stdin_filename=stdin_filename,
            baseline=baseline,
            cache=cache,
            jobs=jobs,
            selection=selection or Selection(),
            progress=_parse_progress(status) if status is not None else None,
            repository_config=repository_config,
            allow_checks_off=allow_checks_off,
        ),
        log,
    )
    if log is not None and not result.config.cache_enabled:
        log.keep = False  # `cache: {enabled: false}` in the configuration
    warn_if_stale(result.registry)
    if scope is not None:
        result = only_changed(result, scope.folders, scope.units)
    shown = shown_severities(result, severities)
    texts = render_reports(shown, targets, color, show_suppressed, layout)
    return texts, exit_code(result, fail_on or result.config.fail_on or "low")


def _parse_progress(status: StatusLine) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        status.show(
            f"hdslint: {done}/{total} Terraform files parsed ({status.elapsed():.0f} s)",
            force=done == total,
        )

    return show
