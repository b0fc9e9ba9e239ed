"""What the live commands (`aws`, `aws --org`, `azure`, `gcp`) share: their endpoint check,
writing the inventory `--save` asks for, and the reports with the coverage table."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlsplit

from hdslint.atomic import write_text_atomically
from hdslint.commands.scan import ReportTarget, use_color, write_report
from hdslint.errors import HdslintError
from hdslint.scan import ScanResult

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


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


def save_inventory(text: str, path: Path) -> None:
    """Write the inventory atomically; a failure is one error naming the file."""
    try:
        write_text_atomically(path, text)
    except OSError as exc:
        raise HdslintError(
            f"cannot write the inventory: {exc.strerror or exc}", file=str(path)
        ) from None


def write_reports(
    result: ScanResult,
    targets: Iterable[ReportTarget],
    color: bool | None,
    coverage: Callable[[bool], str],
) -> None:
    """Every report as for `scan`; a text report ends with the coverage table
    (`coverage(colored)`: the other formats carry the same gaps as not evaluated findings)."""
    from hdslint.reporters import get_reporter

    for target in targets:
        colored = use_color(target, color)
        text = get_reporter(target.format).render(result, color=colored)
        if target.format == "text":
            text += "\n" + coverage(colored)
        write_report(text, target.output)
