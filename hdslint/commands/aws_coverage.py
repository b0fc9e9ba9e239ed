"""The coverage table that ends `hdslint aws`'s text report: one row per region, one column
per service, so a gap in what was read shows at a glance.

Not a format of its own, so it lives with the command: `hdslint aws` appends it to the text
report (the other formats carry the same gaps as HDS-EVAL-001 findings, and saved
inventories carry the coverage).
"""

from __future__ import annotations

from collections.abc import Sequence

from hdslint.sources.aws.coverage import (
    ACCESS_DENIED,
    ERROR,
    OK,
    REGION_DISABLED,
    THROTTLED,
    CoverageEntry,
)

CODES = {
    OK: "ok",
    ACCESS_DENIED: "AD",
    REGION_DISABLED: "RD",
    THROTTLED: "TH",
    ERROR: "ER",
}
LEGEND = (
    "ok read; AD access denied; RD region not enabled; TH throttled; ER error; "
    "- service not offered in the region"
)
_GREEN = "\033[32m"
_RED = "\033[1;31m"
_YELLOW = "\033[33m"
_DIM = "\033[2m"
_BOLD = "\033[1m"
_RESET = "\033[0m"
_COLORS = {OK: _GREEN, ACCESS_DENIED: _RED, REGION_DISABLED: _RED, THROTTLED: _YELLOW, ERROR: _RED}


def render(
    entries: Sequence[CoverageEntry],
    *,
    services: Sequence[str],
    regions: Sequence[str],
    not_opted_in: Sequence[str] = (),
    footer: str = "",
    color: bool = False,
) -> str:
    status = {(e.service, e.region): e.status for e in entries}
    # Regions outside the plan can appear (an account-wide call made from elsewhere).
    shown = list(regions) + sorted({e.region for e in entries} - set(regions))
    width = max([len("region"), *(len(r) for r in shown)])
    header = "  ".join([f"{'region':<{width}}", *services])
    lines = [_paint("Coverage: what was read, by region and service", _BOLD, color), header]
    for region in shown:
        cells = [f"{region:<{width}}"]
        for service in services:
            code = status.get((service, region))
            text = CODES[code] if code else "-"
            padded = f"{text:<{len(service)}}"
            cells.append(
                _paint(padded, _COLORS[code], color) if code else _paint(padded, _DIM, color)
            )
        lines.append("  ".join(cells).rstrip())
    lines.append(_paint(LEGEND, _DIM, color))
    gaps = sum(1 for e in entries if e.status != OK)
    total = len(entries)
    summary = (
        f"{total - gaps} of {total} service-region pairs read in full"
        if gaps
        else f"all {total} service-region pairs read in full"
    )
    lines.append(_paint(summary, _RED if gaps else _GREEN, color))
    if not_opted_in:
        lines.append(
            _paint(
                f"Regions not enabled for this account (not read): {', '.join(not_opted_in)}",
                _DIM,
                color,
            )
        )
    if footer:
        lines.append(_paint(footer, _DIM, color))
    return "\n".join(lines) + "\n"


def _paint(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color else text
