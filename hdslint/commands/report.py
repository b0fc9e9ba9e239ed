"""`hdslint report`: scan, then write the auditor's report (Markdown or self-contained HTML)."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path

from hdslint.commands.registry import warn_if_stale
from hdslint.commands.scan import write_report
from hdslint.outputpath import require_output_folder
from hdslint.report import RENDERERS
from hdslint.report.build import build_report
from hdslint.report.model import Report
from hdslint.revision import scanned_revision
from hdslint.scan import ScanOptions, run_scan
from hdslint.sensitive import conceal_report


def render(report: Report, output_format: str) -> str:
    module = importlib.import_module(RENDERERS[output_format])
    text: str = module.render(report)
    return text


def run(
    *,
    paths: Sequence[str],
    output_format: str,
    output: Path | None,
    config: Path | None,
    cli_vars: dict[str, str],
    var_files: list[Path],
    baseline: Path | None = None,
    repository_config: bool = True,
    allow_checks_off: bool = False,
) -> int:
    """Exit 0 once the report is written, whatever it finds (it documents, it does not gate:
    use `hdslint scan --fail-on` for that); 2 when an input could not be read, as for scan.
    The scan is `hdslint scan`'s, baseline included, so both count the same."""
    if output is not None:
        require_output_folder(output, "report")
    result = run_scan(
        ScanOptions(
            paths=paths,
            config=config,
            cli_vars=cli_vars,
            var_files=var_files,
            baseline=baseline,
            repository_config=repository_config,
            allow_checks_off=allow_checks_off,
        )
    )
    warn_if_stale(result.registry)
    revision = scanned_revision(paths)
    report = build_report(result, str(revision) if revision else None)
    write_report(conceal_report(render(report, output_format), result), output)
    return 2 if result.errors else 0
