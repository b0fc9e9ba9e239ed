"""`hdslint scan`: run a scan, write the report, choose the exit code."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hdslint.errors import HdslintError

if TYPE_CHECKING:
    from hdslint.resultcache import Recorder, ResultCache, StderrCopy
    from hdslint.scan import ScanResult

# hdslint.scan (and what it imports) is loaded only when the scan really runs: a report
# replayed from the result cache never needs it.


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


def exit_code(result: ScanResult, fail_on: str) -> int:
    """2 if something could not be read; else 1 if an unsuppressed finding (failed or not
    evaluated: a missing fact is never a pass) is at or above `fail_on`; else 0."""
    from hdslint.model import Severity

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
    cache: bool = True,
    jobs: int | None = None,
) -> int:
    use_color = color if color is not None else (output is None and sys.stdout.isatty())
    env = dict(os.environ)
    request = {
        "paths": list(paths),
        "format": output_format,
        "config": config,
        "fail_on": fail_on,
        "vars": cli_vars,
        "var_files": var_files,
        "color": use_color,
    }
    replays, key = _result_cache(cache, paths, config, request, env)
    if replays is not None:
        replay = replays.lookup(key)
        if replay is not None:
            sys.stderr.write(replay.stderr)
            write_report(replay.text, output)
            return replay.exit_code
    with cyclic_gc_paused(), _recorded(replays) as (recorder, stderr):
        text, code = scan_and_render(
            paths=paths,
            output_format=output_format,
            config=config,
            fail_on=fail_on,
            cli_vars=cli_vars,
            var_files=var_files,
            use_color=use_color,
            cache=cache,
            jobs=jobs,
            env=env,
        )
    write_report(text, output)
    if replays is not None and recorder is not None and stderr is not None:
        from hdslint.resultcache import Replay

        replays.save(key, recorder, Replay(text, code, stderr.text()))
    return code


def scan_and_render(
    *,
    paths: Sequence[str],
    output_format: str,
    config: Path | None,
    fail_on: str | None,
    cli_vars: dict[str, str],
    var_files: list[Path],
    use_color: bool,
    cache: bool,
    jobs: int | None,
    env: Mapping[str, str],
) -> tuple[str, int]:
    """The scan itself: the report's text and the exit code. Everything a scan does must
    happen in here (it is recorded, see hdslint.resultcache): a replayed report skips it."""
    from hdslint.commands.registry import warn_if_stale
    from hdslint.reporters import get_reporter
    from hdslint.scan import ScanOptions, run_scan

    result = run_scan(
        ScanOptions(
            paths=paths,
            config=config,
            cli_vars=cli_vars,
            var_files=var_files,
            env=env,
            cache=cache,
            jobs=jobs,
        )
    )
    warn_if_stale(result.registry)
    text = get_reporter(output_format).render(result, color=use_color)
    return text, exit_code(result, fail_on or result.config.fail_on or "low")


def _result_cache(
    cache: bool,
    paths: Sequence[str],
    config: Path | None,
    request: Mapping[str, Any],
    env: Mapping[str, str],
) -> tuple[ResultCache | None, str]:
    """The store of replayable reports, or None when the cache is off, and this scan's key."""
    from hdslint import resultcache
    from hdslint.cache import cache_directory
    from hdslint.configfile import config_file, peek_cache_settings

    if not cache or not resultcache.supported():
        return None, ""
    enabled, configured = peek_cache_settings(config_file(paths, config))
    directory = cache_directory(enabled, configured, env)
    if directory is None:
        return None, ""
    return resultcache.ResultCache(directory), resultcache.request_key(request, env)


@contextlib.contextmanager
def _recorded(
    replays: ResultCache | None,
) -> Iterator[tuple[Recorder | None, StderrCopy | None]]:
    """Record what the scan looks at and says on stderr, when its report can be replayed."""
    if replays is None:
        yield None, None
        return
    from hdslint.resultcache import StderrCopy, recording

    stderr = StderrCopy(sys.stderr)
    with recording([replays.store.directory]) as recorder, contextlib.redirect_stderr(stderr):
        yield recorder, stderr
