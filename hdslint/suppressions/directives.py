"""Suppression directives written by users: inline comments and the Kubernetes annotation.

    # hdslint:ignore=HDS-LOC-001,HDS-FLOW-001 reason="DR test, deleted in March" until=2026-03-31
    metadata.annotations: hdslint.io/ignore: 'HDS-LOC-001 reason="..." until=2026-03-31'

(several directives in one annotation: one per line, with a YAML block scalar `|`).

A comment counts when it is a comment (`#` or `//`, as HCL and YAML write them) and sits
inside the resource's block or document, or on the line just above it. A reason is
mandatory; `until` is an optional expiry date (the suppression stops on that day). A
directive that cannot be read is an input error naming its file and line: it never
suppresses anything, and it is never silently dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from hdslint.model import InputError, Location

ANNOTATION = "hdslint.io/ignore"
# A CloudFormation resource's `Metadata: {hdslint: {ignore: [...]}}`, handed over by the
# source as directive lines under this key (kind "metadata").
METADATA = "hdslint.cloudformation/metadata-ignore"
MARKER = "hdslint:ignore"

POLICY_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
# The marker must start a comment: `# hdslint:ignore=...`, `// hdslint:ignore=...`,
# `/* hdslint:ignore=... */`.
_COMMENT = re.compile(r"(?:^|\s)(?:#|//|/\*)\s*hdslint:ignore\b(?P<rest>.*)$")
_PAIR = re.compile(r'\s*(?P<key>[A-Za-z_][\w-]*)=(?:"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<bare>\S+))')
KEYS = ("reason", "until")


@dataclass(frozen=True, slots=True)
class Directive:
    """One readable suppression: which policies, why, until when, and where it is written."""

    policies: tuple[str, ...]
    reason: str
    until: dt.date | None
    location: Location
    kind: str  # "inline" | "annotation" | "metadata"

    def covers(self, policy_id: str) -> bool:
        return policy_id in self.policies


def parse(text: str, location: Location, kind: str) -> Directive | InputError:
    """Read `ID[,ID...] reason="..." [until=YYYY-MM-DD]` (what follows `hdslint:ignore=` or
    the annotation's value)."""

    def error(message: str) -> InputError:
        return InputError(location.file, f"suppression {message}", location.line)

    text = text.strip()
    if text.endswith("*/"):
        text = text[:-2].rstrip()
    head, _, rest = text.partition(" ")
    ids = tuple(i.strip() for i in head.split(",") if i.strip())
    if not ids:
        return error('names no policy (write hdslint:ignore=POLICY-ID reason="...")')
    bad = [i for i in ids if not POLICY_ID.match(i)]
    if bad:
        return error(f"names {bad[0]!r}, which is not a policy id (e.g. HDS-LOC-001)")
    values: dict[str, str] = {}
    position = 0
    rest = rest.rstrip()
    while position < len(rest):
        match = _PAIR.match(rest, position)
        if match is None:
            return error(f'cannot be read at {rest[position:].strip()!r} (expected key="value")')
        key = match["key"]
        if key not in KEYS:
            return error(f"has an unknown key {key!r} (expected reason, until)")
        raw = match["quoted"] if match["quoted"] is not None else match["bare"]
        values[key] = re.sub(r"\\(.)", r"\1", raw)
        position = match.end()
    reason = values.get("reason", "").strip()
    if not reason:
        return error(
            f'for {", ".join(ids)} has no reason: a suppression needs reason="..." '
            "(it is not applied)"
        )
    until: dt.date | None = None
    if "until" in values:
        try:
            until = dt.date.fromisoformat(values["until"])
        except ValueError:
            return error(f"has until={values['until']!r}, which is not a date (YYYY-MM-DD)")
    return Directive(ids, reason, until, location, kind)


def comments_in(text: str, file: str) -> Iterator[Directive | InputError]:
    """Every `hdslint:ignore` comment in a source file, in line order."""
    if MARKER not in text:  # the common case: one substring search, no line loop
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if MARKER not in line:
            continue
        match = _COMMENT.search(line)
        if match is None:
            continue
        rest = match["rest"]
        location = Location(file, number)
        if not rest.startswith("=") or rest[1:2] in ("", " ", "\t"):
            yield InputError(
                file,
                'suppression names no policy (write hdslint:ignore=POLICY-ID reason="...")',
                number,
            )
            continue
        yield parse(rest[1:], location, "inline")


def annotation_directives(
    value: str, location: Location, kind: str = "annotation"
) -> Iterator[Directive | InputError]:
    """The `hdslint.io/ignore` annotation (or a template's Metadata entries, kind
    "metadata"): one directive per line."""
    for entry in value.splitlines():
        if entry.strip():
            yield parse(entry, location, kind)
