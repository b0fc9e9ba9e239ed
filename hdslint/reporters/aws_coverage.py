"""The coverage table that ends `hdslint aws`'s text report: one row per region, one column
per service, so a gap in what was read shows at a glance.

Not a format of its own: `hdslint aws` appends it to the text report (the other formats
carry the same gaps as HDS-EVAL-001 findings, and saved inventories carry the coverage).
"""

from __future__ import annotations

from collections.abc import Sequence

from hdslint.reporters.colors import BOLD, BOLD_RED, DIM, GREEN, YELLOW, paint
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
_COLORS = {
    OK: GREEN,
    ACCESS_DENIED: BOLD_RED,
    REGION_DISABLED: BOLD_RED,
    THROTTLED: YELLOW,
    ERROR: BOLD_RED,
}


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
    lines = [paint("Coverage: what was read, by region and service", BOLD, color), header]
    for region in shown:
        cells = [f"{region:<{width}}"]
        for service in services:
            code = status.get((service, region))
            text = CODES[code] if code else "-"
            padded = f"{text:<{len(service)}}"
            cells.append(paint(padded, _COLORS[code], color) if code else paint(padded, DIM, color))
        lines.append("  ".join(cells).rstrip())
    lines.append(paint(LEGEND, DIM, color))
    gaps = sum(1 for e in entries if e.status != OK)
    total = len(entries)
    summary = (
        f"{total - gaps} of {total} service-region pairs read in full"
        if gaps
        else f"all {total} service-region pairs read in full"
    )
    lines.append(paint(summary, BOLD_RED if gaps else GREEN, color))
    if not_opted_in:
        lines.append(
            paint(
                f"Regions not enabled for this account (not read): {', '.join(not_opted_in)}",
                DIM,
                color,
            )
        )
    if footer:
        lines.append(paint(footer, DIM, color))
    return "\n".join(lines) + "\n"
