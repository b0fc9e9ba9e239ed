"""`hdslint scan`: run a scan, write the reports, choose the exit code."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hdslint import clock
from hdslint.atomic import write_output
from hdslint.errors import HdslintError
from hdslint.files import ReadLog
from hdslint.model import Severity
from hdslint.outputpath import require_output_folder
from hdslint.progress import StatusLine
from hdslint.replay import Replay, ReplayStore, StderrCopy, request_key, store_for
from hdslint.reporters import REPORTERS
from hdslint.reporters.colors import use_color as decide

if TYPE_CHECKING:
    from hdslint.config import Selection
    from hdslint.result import ScanResult

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


def _format_spec(text: str) -> tuple[str, str | None]:
    """`sarif=hdslint.sarif` -> ("sarif", "hdslint.sarif"); `text` -> ("text", None)."""
    name, sep, file = text.partition("=")
    if name not in REPORTERS:
        raise HdslintError(
            f"--format {text}: unknown format {name!r} (choose from {', '.join(REPORTERS)})"
        )
    if sep and not file:
        raise HdslintError(f"--format {text}: the file is missing after '='")
    return name, file if sep else None


def report_targets(
    formats: Sequence[str], outputs: Sequence[str], env: Mapping[str, str]
) -> list[ReportTarget]:
    """Where each report goes. `--format FORMAT=FILE` names its file; `--output FILE` is the
    file of the one format given without one; the others go to standard output (`-` too),
    and only one report may.

    With neither --format nor --output, the format is `github` inside GitHub Actions
    (GITHUB_ACTIONS=true) and `text` elsewhere."""
    specs = [_format_spec(text) for text in formats]
    if len(outputs) > 1:
        raise HdslintError(
            f"--output is given {len(outputs)} times: name each report's file in its"
            " --format (-f sarif=hdslint.sarif -f markdown=summary.md)"
        )
    if not specs:
        in_actions = env.get("GITHUB_ACTIONS") == "true" and not outputs
        specs = [("github" if in_actions else "text", None)]
    if outputs:
        without_file = [i for i, (_, file) in enumerate(specs) if file is None]
        if len(without_file) != 1:
            raise HdslintError(
                "--output FILE is the file of the one --format given without =FILE;"
                f" there are {len(without_file)}: write -f FORMAT=FILE for each report"
            )
        specs[without_file[0]] = (specs[without_file[0]][0], outputs[0])
    if outputs:
        warn_if_format_name(outputs[0])
    targets = [
        ReportTarget(name, Path(file) if file not in (None, STDOUT) else None)
        for name, file in specs
    ]
    to_stdout = [t.format for t in targets if t.output is None]
    if len(to_stdout) > 1:
        raise HdslintError(
            f"formats {', '.join(to_stdout)} would all go to standard output: give all but"
            " one a file (-f FORMAT=FILE)"
        )
    return targets


def require_output_folders(targets: Sequence[ReportTarget]) -> None:
    """Before the scan: every report's folder exists (hdslint creates none)."""
    for target in targets:
        if target.output is not None:
            require_output_folder(target.output, "report")


def warn_if_format_name(output: str) -> None:
    """`-o sarif` is Checkov's way to ask for SARIF; here it writes a file named `sarif`.
    Said on stderr (the report is still written where asked)."""
    if output.lower() in REPORTERS and not Path(output).exists():
        sys.stderr.write(
            f"hdslint: warning: --output {output} writes the report to a file named"
            f" {output!r}; for the {output.lower()} format write -f {output.lower()}"
            f" (or -f {output.lower()}=FILE)\n"
        )


def _drop_stdout() -> None:
    """Point standard output at /dev/null, so that the exit does not flush the unwritten
    report again and print Python's "Exception ignored" noise."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def write_report(text: str, output: Path | None) -> None:
    if output is None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            raise  # the reader has gone (`| head`): not an error
        except OSError as exc:  # a full disk, a closed descriptor
            _drop_stdout()
            raise HdslintError(
                f"cannot write the report to standard output: {exc.strerror or exc}"
            ) from None
        return
    write_output(output, text, "report")


def use_color(target: ReportTarget, color: bool | None) -> bool:
    return decide(color, sys.stdout if target.output is None else None, os.environ)


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Run without Python's cyclic garbage collector. A scan builds syntax trees and a graph
    that all live until the report is written, and makes next to no cyclic garbage: the
    collector would walk those objects again and again and free nothing (it cost 35-40% of
    the CPU time of a scan served from the parse cache; docs/performance.md). Reference
    counting still frees everything else."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    stdin_filename: str | None = None,
    cache: bool = True,
    jobs: int | None = None,
    show_suppressed: bool = False,
    selection: Selection | None = None,
    severities: Sequence[str] = (),
    layout: str = "full",
    progress: bool = True,
    repository_config: bool = True,
    allow_checks_off: bool = False,
) -> int:
    targets = report_targets(formats, outputs, os.environ)  # usage errors before the scan
    require_output_folders(targets)
    env = dict(os.environ)
    request = {
        "paths": list(paths),
        "reports": [(t.format, str(t.output), use_color(t, color)) for t in targets],
        "config": str(config),
        "fail_on": fail_on,
        "vars": sorted(cli_vars.items()),
        "var_files": [str(f) for f in var_files],
        "baseline": str(baseline),
        "show_suppressed": show_suppressed,
        "selection": repr(selection),
        "severities": list(severities),
        "layout": layout,
        "repository_config": repository_config,
        "allow_checks_off": allow_checks_off,
    }
    # What --changed reads is decided by git, and standard input is no file: never replayed.
    replays, key = _replays(cache and not changed and stdin_filename is None, paths, env, request)
    if replays is not None:
        replay = replays.lookup(key)
        if replay is not None and len(replay.texts) == len(targets):
            sys.stderr.write(replay.stderr)
            for target, text in zip(targets, replay.texts, strict=True):
                write_report(text, target.output)
            return replay.exit_code
    # The pipeline is loaded only now (an exception of tests/test_imports.py): a replayed
    # scan never needs it.
    from hdslint.commands.scanning import scan_and_render

    log = ReadLog() if replays is not None else None
    status = _status_line() if progress else None
    stderr = StderrCopy(sys.stderr) if replays is not None else None
    try:
        with (
            cyclic_gc_paused(),
            contextlib.redirect_stderr(stderr) if stderr is not None else contextlib.nullcontext(),
        ):
            texts, code = scan_and_render(
                paths=paths,
                targets=targets,
                config=config,
                fail_on=fail_on,
                cli_vars=cli_vars,
                var_files=var_files,
                color=color,
                baseline=baseline,
                changed=changed,
                stdin_filename=stdin_filename,
                cache=cache,
                jobs=jobs,
                env=env,
                show_suppressed=show_suppressed,
                selection=selection,
                severities=severities,
                layout=layout,
                status=status,
                repository_config=repository_config,
                allow_checks_off=allow_checks_off,
                log=log,
            )
    finally:
        if status is not None:
            status.close()
    for target, text in zip(targets, texts, strict=True):
        write_report(text, target.output)
    if replays is not None and log is not None and stderr is not None:
        replays.save(key, log, Replay(tuple(texts), code, stderr.text()))
    return code


def _replays(
    allowed: bool, paths: Sequence[str], env: Mapping[str, str], request: Mapping[str, object]
) -> tuple[ReplayStore | None, str]:
    """The store of replayable reports (None: the cache is off) and this scan's key."""
    if not allowed:
        return None, ""
    store = store_for(True, paths, env)
    if store is None:
        return None, ""
    try:
        today = clock.today().isoformat()
    except HdslintError:
        return None, ""  # the scan says why HDSLINT_TODAY is wrong
    return store, request_key(request, env, today)


def _status_line() -> StatusLine | None:
    """A status line on standard error when it is a terminal (never in CI logs or files)."""
    if not sys.stderr.isatty():
        return None
    return StatusLine(sys.stderr)
