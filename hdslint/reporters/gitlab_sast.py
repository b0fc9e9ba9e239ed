"""`--format gitlab-sast`: GitLab's security report (schema 15.0.7), for `artifacts:reports:sast`.

GitLab shows these in the merge request's security widget and the vulnerability report
(GitLab Ultimate). What it needs, and how it is met:
- one vulnerability per unsuppressed finding that has a file (findings of a live scan have
  none: they are counted in a `scan.messages` entry, as SARIF does in a notification);
  suppressed findings are left out and counted likewise;
- `id` is the finding's stable fingerprint (hdslint.fingerprint), so a finding keeps its
  identity from one pipeline to the next; the primary identifier is the policy id, then the
  HDS references;
- a not-evaluated finding keeps the severity it counts at for --fail-on (a missing fact is
  never a pass) and says "Not evaluated" in its description;
- `start_time` and `end_time` are the day the scan was evaluated on (HDSLINT_TODAY pins it):
  the report is a function of the result, so a replayed scan writes the same bytes.
Tests validate the output against GitLab's published schema (tests/schemas/).
"""

from __future__ import annotations

import json
from typing import Any

from hdslint import __version__
from hdslint.fingerprint import fingerprint, relative_path
from hdslint.model import Finding, Severity, Status
from hdslint.policy import Policy, describe
from hdslint.reporters.json_report import provenance_to_dict
from hdslint.reporters.summary import provenance_line
from hdslint.result import Provenance, ScanResult

SCHEMA_VERSION = "15.0.7"
SCHEMA_URL = (
    "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/"
    f"v{SCHEMA_VERSION}/dist/sast-report-format.json"
)
INFORMATION_URI = "https://github.com/hdslint/hdslint"
SEVERITIES = {
    Severity.CRITICAL: "Critical",
    Severity.HIGH: "High",
    Severity.MEDIUM: "Medium",
    Severity.LOW: "Low",
    Severity.INFO: "Info",
}
_MAX_NAME = 255
_MAX_SOLUTION = 7000


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _identifiers(finding: Finding, policy: Policy | None) -> list[dict[str, str]]:
    primary = {"type": "hdslint_policy", "name": finding.policy_id, "value": finding.policy_id}
    if policy is not None and (policy.shipped or policy.help_uri):
        primary["url"] = describe.help_uri(policy)
    references = [
        {"type": "hds_reference", "name": reference, "value": reference}
        for reference in finding.references
    ]
    return [primary, *references]


def vulnerability(finding: Finding, policy: Policy | None) -> dict[str, Any]:
    assert finding.location.file is not None
    r = finding.resource
    status = "Not evaluated: " if finding.status is Status.NOT_EVALUATED else ""
    out: dict[str, Any] = {
        "id": fingerprint(finding),
        "name": _clip(finding.title, _MAX_NAME),
        "description": f"{status}{r.id}: {finding.message}",
        "severity": SEVERITIES[finding.severity],
        "identifiers": _identifiers(finding, policy),
        "location": {
            "file": relative_path(finding.location.file),
            "start_line": max(finding.location.line or 1, 1),
        },
    }
    if policy is not None:
        out["solution"] = _clip(policy.remediation, _MAX_SOLUTION)
    return out


def document(result: ScanResult) -> dict[str, Any]:
    policies = {p.id: p for p in result.policies}
    vulnerabilities = []
    without_file = suppressed = 0
    for finding in result.findings:
        if finding.suppression is not None:
            suppressed += 1
        elif finding.location.file is None:
            without_file += 1
        else:
            vulnerabilities.append(vulnerability(finding, policies.get(finding.policy_id)))
    messages = [{"level": "warn", "value": f"{e}"} for e in result.errors]
    if without_file:
        messages.append(
            {
                "level": "info",
                "value": f"{without_file} finding(s) without a source file (resources found"
                " by an API call) are not in this report; they are in the JSON, text and"
                " markdown reports.",
            }
        )
    if suppressed:
        messages.append({"level": "info", "value": f"{suppressed} suppressed finding(s)."})
    # What the scan was judged by: a configuration can switch checks off.
    messages.append({"level": "info", "value": provenance_line(result.provenance)})
    day = f"{result.registry.today.isoformat()}T00:00:00"
    component = {
        "id": "hdslint",
        "name": "hdslint",
        "url": INFORMATION_URI,
        "vendor": {"name": "hdslint"},
        "version": __version__,
    }
    return {
        "schema": SCHEMA_URL,
        "version": SCHEMA_VERSION,
        "scan": {
            "analyzer": component,
            "scanner": component,
            "type": "sast",
            "start_time": day,
            "end_time": day,
            "status": "failure" if result.errors else "success",
            "messages": messages,
            "options": provenance_options(result.provenance),
        },
        "vulnerabilities": vulnerabilities,
    }


def provenance_options(provenance: Provenance) -> list[dict[str, Any]]:
    """The provenance as the scan's configuration options (`scan.options`: a name, a
    string, boolean or null value, and where it came from)."""
    facts = provenance_to_dict(provenance)
    return [
        {
            "name": f"hdslint.{name}",
            "value": ", ".join(value) if isinstance(value, list) else value,
            "source": "file" if name != "repository_config_ignored" else "argument",
        }
        for name, value in facts.items()
    ]


def render(result: ScanResult, *, color: bool = False, show_suppressed: bool = False) -> str:
    return json.dumps(document(result), indent=2, ensure_ascii=False) + "\n"
