"""`hdslint baseline`: write the current findings to a baseline file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from hdslint.outputpath import require_output_folder
from hdslint.printable import log_line
from hdslint.scan import ScanOptions, run_scan
from hdslint.suppressions.baseline import write_baseline


def run(
    *,
    paths: Sequence[str],
    output: Path,
    config: Path | None,
    cli_vars: dict[str, str],
    var_files: list[Path],
    repository_config: bool = True,
    allow_checks_off: bool = False,
) -> int:
    """Scan without any baseline (a new baseline must hold every current finding), write
    the unsuppressed findings, and exit 2 when something could not be read: a baseline of
    an incomplete scan would hide what the next scan finds there."""
    require_output_folder(output, "baseline")
    result = run_scan(
        ScanOptions(
            paths=paths,
            config=config,
            cli_vars=cli_vars,
            var_files=var_files,
            use_config_baseline=False,
            repository_config=repository_config,
            allow_checks_off=allow_checks_off,
        )
    )
    count = write_baseline(result.findings, output)
    for error in result.errors:
        click.echo(log_line(f"hdslint: error: {error}"), err=True)
    noun = "finding" if count == 1 else "findings"
    click.echo(log_line(f"Wrote {count} {noun} to {output}"), err=True)
    return 2 if result.errors else 0
