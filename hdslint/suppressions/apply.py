"""Apply suppressions to findings, under the configuration's governance.

A suppressed finding is not dropped: it keeps its `suppression` (kind, reason, where, until)
so JSON and SARIF still carry it, and it no longer counts for the exit code. A suppression
that does not apply says why in the finding's message: it has expired, its policy is
non-waivable, or inline suppressions are disabled. Suppressions are tried in this order:
inline comment, Kubernetes annotation, config waiver, baseline.

A suppression naming a policy that is not loaded (a typo such as `HDS-LOC-01`) is an input
error and suppresses nothing, like one that cannot be read. An inline suppression, annotation
or config waiver that matched no finding is a warning (it is stale, or sits in the wrong
place): warnings are reported with their file and line and never change the exit code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import fnmatch
from collections.abc import Iterable, Sequence
from pathlib import Path

from hdslint.files import FileAccess
from hdslint.globs import glob_match
from hdslint.ids import ResourceKey
from hdslint.model import Finding, InputError, Location, Resource, ScanWarning, Suppression
from hdslint.paths import relative_path
from hdslint.suppressions.baseline import Baseline
from hdslint.suppressions.directives import (
    ANNOTATION,
    METADATA,
    Directive,
    annotation_directives,
    comments_in,
)
from hdslint.suppressions.settings import SuppressionSettings, Waiver

# Sources read plans and inventories up to 25 times the configured file size limit.
PLAN_FACTOR = 25


# Where a candidate suppression comes from, to tell which ones matched nothing: a directive
# and the one policy of it that matched, or a waiver's index in the configuration.
_Origin = tuple[Directive, str] | int | None


@dataclasses.dataclass(frozen=True, slots=True)
class _Candidate:
    kind: str
    reason: str
    until: dt.date | None
    location: Location | None
    origin: _Origin = None

    def describe(self) -> str:
        where = str(self.location) if self.location else "the configuration"
        return {
            "inline": f"inline suppression at {where}",
            "annotation": f"annotation {ANNOTATION} at {where}",
            "metadata": f"Metadata hdslint.ignore at {where}",
            "config": f"waiver in {where}",
            "baseline": f"baseline {where}",
        }[self.kind]


def _read(fs: FileAccess, file: str) -> str | None:
    """A source file's text, to look for comments in; None when it may not or cannot be
    read (the source that read it has already reported why)."""
    path = Path(file)
    if fs.too_large(path, PLAN_FACTOR):
        return None
    try:
        return fs.read(path).decode("utf-8-sig", errors="replace")
    except OSError:
        return None


def _unknown_policy(policy_id: str, known: frozenset[str]) -> str:
    """Why a policy id is refused, with the closest known id when it looks like a typo."""
    close = difflib.get_close_matches(policy_id, sorted(known), n=1, cutoff=0.8)
    hint = f" (did you mean {close[0]}?)" if close else " (`hdslint policies` lists them)"
    return f"{policy_id!r}, which is not a known policy{hint}"


def collect_directives(
    fs: FileAccess,
    resources: Iterable[Resource],
    settings: SuppressionSettings,
    known: frozenset[str],
) -> tuple[dict[str, list[Directive]], dict[ResourceKey, list[Directive]], list[InputError]]:
    """Inline directives by file, annotation directives by resource key, and the errors of
    directives that cannot be read or name a policy that is not in `known` (each reported
    once, with its file and line)."""
    by_file: dict[str, list[Directive]] = {}
    by_resource: dict[ResourceKey, list[Directive]] = {}
    errors: list[InputError] = []

    def keep(item: Directive | InputError, into: list[Directive]) -> None:
        unknown = (
            [] if isinstance(item, InputError) else [p for p in item.policies if p not in known]
        )
        if isinstance(item, InputError):
            errors.append(item)
        elif unknown:
            errors.append(
                InputError(
                    item.location.file,
                    f"suppression names {_unknown_policy(unknown[0], known)}: it is not applied",
                    item.location.line,
                )
            )
        elif settings.require_expiry and item.until is None:
            errors.append(
                InputError(
                    item.location.file,
                    f"suppression for {', '.join(item.policies)} has no until=YYYY-MM-DD: "
                    f"{settings.source} requires an expiry (it is not applied)",
                    item.location.line,
                )
            )
        else:
            into.append(item)

    files: dict[str, None] = {}
    for resource in resources:
        if resource.location.file:
            files.setdefault(resource.location.file)
        for key, kind in ((ANNOTATION, "annotation"), (METADATA, "metadata")):
            value = resource.annotations.get(key)
            if value:
                found = by_resource.setdefault(resource.key, [])
                for item in annotation_directives(value, resource.location, kind):
                    keep(item, found)
    for file in files:
        text = _read(fs, file)
        if text is None:
            continue
        directives: list[Directive] = []
        for item in comments_in(text, file):
            keep(item, directives)
        if directives:
            by_file[file] = directives
    return by_file, by_resource, errors


def _inline_for(finding: Finding, by_file: dict[str, list[Directive]]) -> list[_Candidate]:
    loc = finding.resource.location
    if not loc.file or loc.line is None or loc.file not in by_file:
        return []
    first, last = loc.line - 1, max(loc.end_line or loc.line, loc.line)
    return [
        _Candidate(d.kind, d.reason, d.until, d.location, (d, finding.policy_id))
        for d in by_file[loc.file]
        if first <= (d.location.line or 0) <= last and d.covers(finding.policy_id)
    ]


def _waiver_matches(waiver: Waiver, finding: Finding, settings: SuppressionSettings) -> bool:
    if not any(fnmatch.fnmatchcase(finding.policy_id, p) for p in waiver.policies):
        return False
    if waiver.resources and not any(
        fnmatch.fnmatchcase(finding.resource.id, r) for r in waiver.resources
    ):
        return False
    if waiver.paths:
        file = finding.location.file
        if not file:
            return False
        rel = relative_path(file, settings.root)
        return any(glob_match(p, rel) for p in waiver.paths)
    return True


def _candidates(
    finding: Finding,
    by_file: dict[str, list[Directive]],
    by_resource: dict[ResourceKey, list[Directive]],
    waivers: Sequence[tuple[int, Waiver]],
    settings: SuppressionSettings,
    baseline: Baseline | None,
) -> list[_Candidate]:
    out = _inline_for(finding, by_file)
    out += [
        _Candidate(d.kind, d.reason, d.until, d.location, (d, finding.policy_id))
        for d in by_resource.get(finding.resource.key, ())
        if d.covers(finding.policy_id)
    ]
    config_location = Location(settings.config_file) if settings.config_file else None
    out += [
        _Candidate("config", w.reason, w.until, config_location, i)
        for i, w in waivers
        if _waiver_matches(w, finding, settings)
    ]
    if baseline is not None and finding in baseline:
        out.append(
            _Candidate(
                "baseline", f"accepted in baseline {baseline.file}", None, Location(baseline.file)
            )
        )
    return out


def _decide(
    finding: Finding,
    candidates: Sequence[_Candidate],
    settings: SuppressionSettings,
    today: dt.date,
) -> Finding:
    notes: list[str] = []
    if not settings.waivable(finding.policy_id):
        described = ", ".join(c.describe() for c in candidates)
        notes.append(
            f"{described} not applied: {finding.policy_id} is non-waivable in {settings.source}"
        )
        candidates = ()
    for candidate in candidates:
        if candidate.kind in ("inline", "annotation", "metadata") and not settings.inline:
            notes.append(
                f"{candidate.describe()} not applied: inline suppressions are disabled in "
                f"{settings.source}"
            )
            continue
        if candidate.until is not None and candidate.until < today:
            notes.append(
                f"{candidate.describe()} expired on {candidate.until.isoformat()}"
                f" (reason was: {candidate.reason})"
            )
            continue
        suppression = Suppression(
            kind=candidate.kind,
            reason=candidate.reason,
            location=candidate.location,
            until=candidate.until.isoformat() if candidate.until else None,
        )
        return dataclasses.replace(finding, suppression=suppression)
    if notes:
        return dataclasses.replace(finding, message=f"{finding.message}; {'; '.join(notes)}")
    return finding


@dataclasses.dataclass(frozen=True, slots=True)
class Applied:
    """The findings with their suppressions decided, the errors of suppressions that cannot
    be read or name no known policy (they never suppress anything), and a warning for each
    suppression that matched no finding."""

    findings: list[Finding]
    errors: list[InputError]
    warnings: list[ScanWarning]


def _known_waivers(
    settings: SuppressionSettings, known: frozenset[str]
) -> tuple[list[tuple[int, Waiver]], list[InputError]]:
    """The waivers whose every policy pattern matches a known policy, with their index in
    the configuration; an error for each other one (it is not applied)."""
    kept: list[tuple[int, Waiver]] = []
    errors: list[InputError] = []
    for i, waiver in enumerate(settings.waivers):
        unknown = [p for p in waiver.policies if not fnmatch.filter(known, p)]
        if unknown:
            errors.append(
                InputError(
                    settings.config_file,
                    f"$.suppressions.waivers[{i}].policies names"
                    f" {_unknown_policy(unknown[0], known)}: the waiver is not applied",
                )
            )
        else:
            kept.append((i, waiver))
    return kept, errors


def _unused(
    by_file: dict[str, list[Directive]],
    by_resource: dict[ResourceKey, list[Directive]],
    waivers: Sequence[tuple[int, Waiver]],
    settings: SuppressionSettings,
    used: set[_Origin],
) -> list[ScanWarning]:
    warnings: list[ScanWarning] = []
    directives = [d for found in by_file.values() for d in found]
    directives += [d for found in by_resource.values() for d in found]
    for d in directives:
        for policy_id in d.policies:
            if (d, policy_id) in used:
                continue
            what = {
                "inline": f"hdslint:ignore={policy_id}",
                "metadata": f"Metadata hdslint.ignore entry for {policy_id}",
            }.get(d.kind, f"annotation {ANNOTATION} for {policy_id}")
            where = (
                "in the resource's block or on the line just above it"
                if d.kind == "inline"
                else "on that resource"
            )
            warnings.append(
                ScanWarning(
                    d.location.file,
                    f"unused suppression: {what} matched no finding {where}"
                    " (remove it, or move it to the resource it is meant for)",
                    d.location.line,
                )
            )
    for i, waiver in waivers:
        if i not in used:
            warnings.append(
                ScanWarning(
                    settings.config_file,
                    f"unused waiver: $.suppressions.waivers[{i}]"
                    f" ({', '.join(waiver.policies)}) matched no finding (remove it)",
                )
            )
    # One warning per place: resources declared at one place share their annotation.
    return sorted(set(warnings), key=lambda w: (w.file or "", w.line or 0, w.message))


def apply_suppressions(
    findings: Sequence[Finding],
    resources: Iterable[Resource],
    *,
    settings: SuppressionSettings,
    baseline: Baseline | None,
    today: dt.date,
    known_policies: Iterable[str],
    fs: FileAccess,
) -> Applied:
    """Decide every finding's suppression (see the module's docstring). `known_policies`
    are the ids a suppression may name: the loaded policies and the disabled ones. Source
    files are read for their comments through `fs` (outside the scanned folders: not)."""
    known = frozenset(known_policies)
    by_file, by_resource, errors = collect_directives(fs, resources, settings, known)
    waivers, waiver_errors = _known_waivers(settings, known)
    used: set[_Origin] = set()
    out = []
    for finding in findings:
        candidates = _candidates(finding, by_file, by_resource, waivers, settings, baseline)
        used.update(c.origin for c in candidates)
        out.append(_decide(finding, candidates, settings, today) if candidates else finding)
    warnings = _unused(by_file, by_resource, waivers, settings, used)
    return Applied(out, [*waiver_errors, *errors], warnings)
