"""Values no output shows: derived from values Terraform marks sensitive.

A region that comes from a `sensitive = true` variable (through lower(), a local, a module,
a plan's `sensitive_values`) is decided on, as Terraform deploys there, but it never appears
in a report: the sources hand the values they derived from sensitive ones to the scan result
(`ScanResult.sensitive_values`), and every rendered report passes through `conceal` before
it is written, whatever path the value took into it (a message, a field, an evidence line,
a table of the auditor's report). A region is concealed with the country shown after it
("us-east-1 (United States)"): the country would tell the value.
"""

from __future__ import annotations

from collections.abc import Iterable

from hdslint.result import ScanResult
from hdslint.saferegex import compile_pattern

SHOWN = "(sensitive)"

# Shorter values are concealed only as whole words (`us`, not the `us` of `status`).
_SUBSTRING_FROM = 4


def concealed_values(result: ScanResult) -> frozenset[str]:
    """What no report of `result` may show: the values derived from sensitive ones, and
    the name of the country each such region is in ("located in United States" would
    tell the region's value as well as its id)."""
    values = set(result.sensitive_values)
    for resource in result.graph:
        if resource.region in result.sensitive_values:
            info = result.registry.region_info(resource.provider, resource.region)
            if info is not None and info.country:
                values.add(result.registry.country_name(info.country))
    return frozenset(values)


def conceal_report(text: str, result: ScanResult) -> str:
    """A rendered report of `result` with nothing it must not show."""
    return conceal(text, concealed_values(result)) if result.sensitive_values else text


def _literal(value: str) -> str:
    return "".join(c if c.isalnum() or c == "_" else f"\\x{{{ord(c):x}}}" for c in value)


def conceal(text: str, values: Iterable[str]) -> str:
    """`text` with every occurrence of each value, in any case (and a parenthesised
    country right after it), written SHOWN."""
    wanted = sorted({v for v in values if v.strip()}, key=len, reverse=True)
    if not wanted:
        return text
    pattern = compile_pattern(
        "(?i)(?:" + "|".join(_literal(v) for v in wanted) + r")(?: \([^()\n]{1,60}\))?"
    )
    short = {v.lower() for v in wanted if len(v) < _SUBSTRING_FROM}
    out: list[str] = []
    last = 0
    for start, end in pattern.spans(text):
        matched = text[start:end].split(" (", 1)[0].lower()
        if matched in short and (_word(text, start - 1) or _word(text, start + len(matched))):
            continue
        out.append(text[last:start])
        out.append(SHOWN)
        last = end
    out.append(text[last:])
    return "".join(out)


def _word(text: str, index: int) -> bool:
    return 0 <= index < len(text) and (text[index].isalnum() or text[index] in "_-")
