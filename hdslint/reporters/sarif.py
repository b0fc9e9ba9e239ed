"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer).

What GitHub needs, and how it is met (../docs/integrations.md has the user's view):
- one run, `tool.driver.rules` from every loaded policy, each with short and full
  descriptions, `help` (text and markdown), `helpUri`, tags and `security-severity`;
- results with repo-relative URIs (relative to the working directory: run hdslint from the
  repository's root, as the Action does), `startLine` >= 1 and no `endLine`: GitHub shows an
  alert on a pull request only when all of its lines are in the diff, and the resource's
  first line is the one a change touches;
- `partialFingerprints["hdslint/v1"]`: our own hash of policy, resource and file, without
  the line (hdslint.fingerprint). `primaryLocationLineHash` is left to upload-sarif, which
  computes it from the file and warns about any value it did not compute itself;
- findings without a file (live AWS resources, found by an API call) are left out: code
  scanning cannot show a result without a file and line. A tool notification counts them;
  they are in the JSON, text and markdown reports;
- suppressed findings are kept with `suppressions` (inline comments and annotations as
  `inSource`, config waivers and baselines as `external`), so code scanning shows them as
  dismissed instead of losing them.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from hdslint import __version__
from hdslint.fingerprint import FINGERPRINT_KEY, fingerprint
from hdslint.model import Finding, Location, Severity, Status, Suppression
from hdslint.paths import relative_path
from hdslint.policy import Policy, describe
from hdslint.reporters.json_report import provenance_to_dict
from hdslint.reporters.summary import summarize
from hdslint.result import ScanResult

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://github.com/hdslint/hdslint"

# GitHub reads security-severity as a CVSS-like score: > 9.0 critical, 7.0-8.9 high,
# 4.0-6.9 medium, 0.1-3.9 low. Each value sits inside its band, away from the edges.
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.5",
}
LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "warning",
    Severity.INFO: "note",
}
SUPPRESSION_KINDS = {
    "inline": "inSource",
    "annotation": "inSource",
    "metadata": "inSource",
    "config": "external",
    "baseline": "external",
}
MAX_DESCRIPTION = 1024  # GitHub's limit for shortDescription and fullDescription
MAX_TAGS = 20  # GitHub's limit per rule


def _clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def rule_name(title: str) -> str:
    """`HealthDataStoredOutsideTheEea` from `Health data stored outside the EEA`."""
    words = re.findall(r"[A-Za-z0-9]+", title)
    return "".join(w[:1].upper() + w[1:].lower() for w in words)[:255] or "Policy"


def help_uri(policy: Policy) -> str | None:
    """The policy's own `help_uri`; for shipped policies, their section of docs/policies.md
    (anchored by the lower-cased id); custom policies without one have none."""
    if policy.help_uri or policy.shipped:
        return describe.help_uri(policy)
    return None


def _help(policy: Policy, uri: str | None) -> dict[str, str]:
    text = [
        f"{policy.id}: {policy.title} (severity {policy.severity.label})",
        "",
        policy.description,
    ]
    markdown = [
        f"**{policy.id}: {policy.title}** (severity: {policy.severity.label})",
        "",
        policy.description,
    ]
    if policy.rationale:
        text += ["", f"Why: {policy.rationale}"]
        markdown += ["", f"**Why.** {policy.rationale}"]
    text += ["", f"How to fix: {policy.remediation}"]
    markdown += ["", f"**How to fix.** {policy.remediation}"]
    activities = f"HDS activities: {describe.describe_activities(policy.activities)}."
    text += ["", activities, "References:"]
    markdown += ["", activities, "", "References:", ""]
    for key in policy.references:
        meaning = describe.describe_reference(key)
        line = key if meaning == key else f"{key}: {meaning}"
        text.append(f"- {line}")
        markdown.append(f"- {line}")
    markdown += [
        "",
        f'To accept a finding knowingly: `# hdslint:ignore={policy.id} reason="..."'
        " until=YYYY-MM-DD` in the resource's block.",
    ]
    if uri:
        text += ["", f"Documentation: {uri}"]
        markdown += ["", f"[Policy documentation]({uri})"]
    return {"text": "\n".join(text), "markdown": "\n".join(markdown)}


def rule(policy: Policy) -> dict[str, Any]:
    uri = help_uri(policy)
    tags = list(dict.fromkeys(["security", "hds", "compliance", *policy.tags]))[:MAX_TAGS]
    out: dict[str, Any] = {
        "id": policy.id,
        "name": rule_name(policy.title),
        "shortDescription": {"text": _clip(policy.title)},
        "fullDescription": {"text": _clip(policy.description)},
        "help": _help(policy, uri),
        "defaultConfiguration": {"level": LEVELS[policy.severity]},
        "properties": {
            "tags": tags,
            "security-severity": SECURITY_SEVERITY[policy.severity],
            # The facts a policy rests on are exact (a region's country, a registry entry);
            # what can be wrong is the registry's data, whose confidence each finding carries.
            "precision": "high",
            "severity": policy.severity.label,
            "hds-activities": list(policy.activities),
            "references": list(policy.references),
        },
    }
    if uri:
        out["helpUri"] = uri
    return out


def uri(file: str) -> str:
    """A relative URI reference for a file (never absolute: GitHub rejects URIs whose scheme
    does not match the checkout's)."""
    return quote(relative_path(file), safe="/-._~")


def _physical(location: Location) -> dict[str, Any]:
    assert location.file is not None
    return {
        "artifactLocation": {"uri": uri(location.file)},
        "region": {"startLine": max(location.line or 1, 1)},
    }


def _suppression(s: Suppression) -> dict[str, Any]:
    justification = s.reason if s.until is None else f"{s.reason} (until {s.until})"
    out: dict[str, Any] = {
        "kind": SUPPRESSION_KINDS.get(s.kind, "external"),
        "status": "accepted",
        "justification": justification,
        "properties": {"hdslint-kind": s.kind, "until": s.until},
    }
    if s.location is not None and s.location.file:
        out["location"] = {"physicalLocation": _physical(s.location)}
    return out


def level(finding: Finding) -> str:
    """fail: by severity; not_evaluated: warning (a missing fact is never a pass, and it is
    not the proven error a failure is)."""
    if finding.status is Status.NOT_EVALUATED:
        return "note" if finding.severity is Severity.INFO else "warning"
    return LEVELS[finding.severity]


def sarif_result(finding: Finding, rule_index: int) -> dict[str, Any]:
    r = finding.resource
    out: dict[str, Any] = {
        "ruleId": finding.policy_id,
        "ruleIndex": rule_index,
        "level": level(finding),
        "message": {"text": f"{r.id}: {finding.message}"},
        "locations": [
            {
                "physicalLocation": _physical(finding.location),
                "logicalLocations": [{"fullyQualifiedName": r.id, "kind": "resource"}],
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
        "properties": {
            "status": finding.status.value,
            "severity": finding.severity.label,
            "hds-activities": list(finding.activities),
            "references": list(finding.references),
            "resource": {
                "id": r.id,
                "type": r.type,
                "provider": r.provider,
                "service": r.service,
                "region": r.region,
                "source": r.source,
                "module": r.module,
            },
            "evidence": [
                {"subject": e.subject, "statement": e.statement, "confidence": e.confidence}
                for e in finding.evidence
            ],
        },
    }
    if finding.suppression is not None:
        out["suppressions"] = [_suppression(finding.suppression)]
    return out


def document(scan: ScanResult) -> dict[str, Any]:
    index = {p.id: i for i, p in enumerate(scan.policies)}
    results = []
    left_out = 0
    for finding in scan.findings:
        if finding.location.file is None or finding.policy_id not in index:
            left_out += 1
            continue
        results.append(sarif_result(finding, index[finding.policy_id]))
    notifications: list[dict[str, Any]] = []
    for error in scan.errors:
        note: dict[str, Any] = {"level": "error", "message": {"text": error.message}}
        if error.file:
            where = Location(error.file, error.line)
            note["locations"] = [{"physicalLocation": _physical(where)}]
        notifications.append(note)
    for warning in scan.warnings:
        note = {"level": "warning", "message": {"text": warning.message}}
        if warning.file:
            where = Location(warning.file, warning.line)
            note["locations"] = [{"physicalLocation": _physical(where)}]
        notifications.append(note)
    if left_out:
        notifications.append(
            {
                "level": "note",
                "message": {
                    "text": f"{left_out} finding(s) without a source file (resources found by"
                    " an API call) are not in this SARIF file: code scanning needs a file and"
                    " line. They are in the JSON, text and markdown reports."
                },
            }
        )
    summary = summarize(scan)
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "hdslint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [rule(p) for p in scan.policies],
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": not scan.errors,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": results,
                "properties": {
                    "registry-as-of": scan.registry.as_of,
                    "provenance": provenance_to_dict(scan.provenance),
                    "summary": {
                        "resources": summary.resources,
                        "health_data_resources": summary.health_data_resources,
                        "failed": summary.failed,
                        "to_confirm": summary.to_confirm,
                        "not_evaluated": summary.not_evaluated,
                        "suppressed": summary.suppressed,
                        "errors": summary.errors,
                        "warnings": summary.warnings,
                    },
                },
            }
        ],
    }


def render(result: ScanResult, *, color: bool = False, show_suppressed: bool = False) -> str:
    return json.dumps(document(result), indent=2, ensure_ascii=False) + "\n"
