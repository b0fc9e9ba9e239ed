"""What the live commands (`aws`, `aws --org`, `azure`, `gcp`) share: their options, the
checks and loading before they read (endpoint, output folders, configuration, policies,
baseline), their progress line, and what they do once the result is evaluated (the
inventory `--save` asks for, the reports with the coverage table, the exit code)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from hdslint.atomic import write_output
from hdslint.commands.registry import warn_if_stale
from hdslint.commands.scan import (
    ReportTarget,
    exit_code,
    require_output_folders,
    use_color,
    write_report,
)
from hdslint.config import Config, find_config, load_config
from hdslint.errors import HdslintError
from hdslint.outputpath import require_output_folder
from hdslint.policy import Policy
from hdslint.progress import StatusLine
from hdslint.registry import Registry
from hdslint.reporters import get_reporter
from hdslint.reporters import text as text_report
from hdslint.reporters.summary import by_account
from hdslint.scan import ScanOptions, ScanResult, load_rules, resolve_baseline
from hdslint.suppressions.baseline import Baseline

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class LiveOptions:
    """The options every live command takes besides what it reads."""

    formats: tuple[str, ...] = ()  # FORMAT[=FILE], as for `scan`
    outputs: tuple[str, ...] = ()
    config: Path | None = None
    # False: --no-repo-config (no `.hdslint.yaml` is looked for; --config still applies).
    repository_config: bool = True
    fail_on: str | None = None
    save: Path | None = None
    quiet: bool = False
    deadline: float | None = None  # seconds; None: the command's DEFAULT_DEADLINE_SECONDS
    color: bool | None = None


@dataclass(frozen=True)
class Rules:
    """The configuration a live scan is evaluated with, and what it loads."""

    config: Config
    registry: Registry
    policies: list[Policy]
    baseline: Baseline | None
    repository_config_ignored: bool

    def keywords(self) -> dict[str, Any]:
        """As `hdslint.scan.evaluate` takes them."""
        return {
            "config": self.config,
            "registry": self.registry,
            "policies": self.policies,
            "baseline": self.baseline,
            "repository_config_ignored": self.repository_config_ignored,
        }


def check_endpoint(endpoint: str | None, *, default: str, refusal: str) -> str:
    """`endpoint` (or `default`): https (http only on loopback, for a local emulator), a host
    and nothing else; otherwise a usage error saying `--endpoint ENDPOINT: REFUSAL`."""
    if endpoint is None:
        return default
    parts = urlsplit(endpoint)
    loopback = (parts.hostname or "") in LOOPBACK
    if (
        parts.scheme not in {"https", "http"}
        or (parts.scheme == "http" and not loopback)
        or not parts.hostname
        or parts.path not in {"", "/"}
        or parts.query
        or parts.fragment
        or parts.username
    ):
        raise HdslintError(f"--endpoint {endpoint}: {refusal}")
    return endpoint.rstrip("/")


def config_for(path: Path | None, repository_config: bool = True) -> Config:
    if path is not None:
        return load_config(path, display=str(path))
    if not repository_config:
        return Config()
    found = find_config(Path.cwd())
    return load_config(found, display=str(found) if found else None)


def prepare(options: LiveOptions, targets: Sequence[ReportTarget]) -> Rules:
    """Before anything is read: the reports' and the inventory's folders exist, and the
    configuration, policies and baseline load (each failure a usage or input error)."""
    require_output_folders(targets)
    if options.save is not None:
        require_output_folder(options.save, "inventory")
    config = config_for(options.config, options.repository_config)
    registry, policies = load_rules(config)
    return Rules(
        config=config,
        registry=registry,
        policies=policies,
        baseline=resolve_baseline(config, ScanOptions(config=options.config)),
        repository_config_ignored=not options.repository_config and options.config is None,
    )


class TerminalProgress:
    """How far a live read is, on one status line: `hdslint COMMAND: DONE/TOTAL SAID
    (ASIDE, SECONDS s)`, where `wording(*details)` turns what the collector reports besides
    done and total into SAID and ASIDE (None: no aside)."""

    def __init__(
        self,
        stream: IO[str],
        command: str,
        wording: Callable[..., tuple[str, str | None]],
    ) -> None:
        self.line = StatusLine(stream, delay=0.0)
        self.command = command
        self.wording = wording

    def __call__(self, done: int, total: int, *details: Any) -> None:
        said, aside = self.wording(*details)
        seconds = f"{self.line.elapsed():.0f} s"
        self.line.show(
            f"hdslint {self.command}: {done}/{total} {said}"
            f" ({f'{aside}, ' if aside else ''}{seconds})",
            force=done == total,
        )

    def close(self) -> None:
        self.line.close()


@contextmanager
def progress_shown(
    quiet: bool, progress: Callable[[IO[str]], TerminalProgress]
) -> Iterator[TerminalProgress | None]:
    """`progress` on standard error when it is a terminal and not `quiet` (else None),
    erased when the read ends."""
    shown = None if quiet or not sys.stderr.isatty() else progress(sys.stderr)
    try:
        yield shown
    finally:
        if shown is not None:
            shown.close()


def document_text(document: dict[str, Any]) -> str:
    """A live read's document as --save writes it: indented JSON."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def finish(
    result: ScanResult,
    options: LiveOptions,
    rules: Rules,
    targets: Iterable[ReportTarget],
    *,
    inventory: Callable[[], str],
    coverage: Callable[[bool], str],
    accounts_in_coverage: bool = False,
) -> int:
    """Once the result is evaluated: the registry's age warned about, the inventory
    (`inventory()`) written where --save asks, every report written, the exit code."""
    warn_if_stale(result.registry)
    if options.save is not None:
        write_output(options.save, inventory(), "inventory")
    write_reports(
        result, targets, options.color, coverage, accounts_in_coverage=accounts_in_coverage
    )
    return exit_code(result, options.fail_on or rules.config.fail_on or "low")


def write_reports(
    result: ScanResult,
    targets: Iterable[ReportTarget],
    color: bool | None,
    coverage: Callable[[bool], str],
    *,
    accounts_in_coverage: bool = False,
) -> None:
    """Every report as for `scan`; a text report ends with the coverage table
    (`coverage(colored)`: the other formats carry the same gaps as not evaluated findings).
    `accounts_in_coverage`: the table counts each account's findings, so the text summary
    does not list the accounts a second time."""
    for target in targets:
        colored = use_color(target, color)
        if target.format == "text":
            text = text_report.render(result, color=colored, by_account=not accounts_in_coverage)
            text += "\n" + coverage(colored)
        else:
            text = get_reporter(target.format).render(result, color=colored)
        write_report(text, target.output)


def account_columns(result: ScanResult) -> Callable[[str], tuple[str, str, str]]:
    """The finding counts of an account (failed, to confirm, not evaluated) as the coverage
    tables show them, by the account's id compared case-insensitively."""
    counts = {row.account.lower(): row for row in by_account(result)}

    def columns(account: str) -> tuple[str, str, str]:
        row = counts.get(account.lower())
        if row is None:
            return ("0", "0", "0")
        return (str(row.failed), str(row.to_confirm), str(row.not_evaluated))

    return columns


def aligned(rows: Sequence[Sequence[str]], *, indent: str = "") -> list[str]:
    """Rows as lines, every column but the last padded to its widest cell."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return [
        indent
        + "".join(f"{cell.ljust(width)}  " for cell, width in zip(row[:-1], widths, strict=True))
        + row[-1]
        for row in rows
    ]


def coverage_text(
    title: str, rows: Sequence[Sequence[str]], summary: str, incomplete: str | None
) -> str:
    """A coverage table as the Azure and Google Cloud text reports end: the title, the rows
    aligned, the summary, and why the read is incomplete if it is."""
    lines = [title, *(line.rstrip() for line in aligned(rows, indent="  ")), summary]
    if incomplete:
        lines.append(f"Incomplete: {incomplete}")
    return "\n".join(lines) + "\n"
