"""`--format gitlab-codequality`: GitLab's Code Quality report (Code Climate issues), for
`artifacts:reports:codequality`: the merge request widget and the diff annotations.

First an `info` issue stating the scan's provenance (the configuration used, the policies
evaluated and disabled, the paths excluded, the health-data default), then one issue per
unsuppressed finding that has a file; `fingerprint` is the finding's stable
fingerprint (GitLab compares the merge request's issues with the target branch's by it).
GitLab has five severities; hdslint's map one to one, highest to highest. Tests validate
the output against the schema GitLab validates it with (tests/schemas/).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hdslint.fingerprint import fingerprint, relative_path
from hdslint.model import Finding, Severity, Status
from hdslint.reporters.summary import provenance_line
from hdslint.result import Provenance, ScanResult

SEVERITIES = {
    Severity.CRITICAL: "blocker",
    Severity.HIGH: "critical",
    Severity.MEDIUM: "major",
    Severity.LOW: "minor",
    Severity.INFO: "info",
}


def issue(finding: Finding) -> dict[str, Any]:
    assert finding.location.file is not None
    status = " (not evaluated)" if finding.status is Status.NOT_EVALUATED else ""
    return {
        "type": "issue",
        "check_name": finding.policy_id,
        "description": f"{finding.policy_id}{status} {finding.title}: {finding.message}"
        f" ({finding.resource.id})",
        "categories": ["Security"],
        "severity": SEVERITIES[finding.severity],
        "fingerprint": fingerprint(finding),
        "location": {
            "path": relative_path(finding.location.file),
            "lines": {"begin": max(finding.location.line or 1, 1)},
        },
    }


def provenance_issue(provenance: Provenance) -> dict[str, Any]:
    """What the scan was judged by, as the report's first entry (an `info` issue): the
    format has no header, and a report with no finding must still say that a configuration
    switched checks off. Its fingerprint is that of the provenance, so the merge request
    widget lists it as new exactly when the pull request changes what is checked."""
    line = provenance_line(provenance)
    return {
        "type": "issue",
        "check_name": "hdslint.provenance",
        "description": f"hdslint: {line}",
        "categories": ["Security"],
        "severity": "info",
        "fingerprint": hashlib.sha256(line.encode("utf-8")).hexdigest()[:32],
        "location": {
            "path": relative_path(provenance.config_file) if provenance.config_file else ".",
            "lines": {"begin": 1},
        },
    }


def document(result: ScanResult) -> list[dict[str, Any]]:
    return [
        provenance_issue(result.provenance),
        *(
            issue(f)
            for f in result.findings
            if f.suppression is None and f.location.file is not None
        ),
    ]


def render(result: ScanResult, *, color: bool = False, show_suppressed: bool = False) -> str:
    return json.dumps(document(result), indent=2, ensure_ascii=False) + "\n"
