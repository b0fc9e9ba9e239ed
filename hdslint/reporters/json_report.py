"""`--format json`: the stable JSON contract (see hdslint/schemas/output.schema.json).

Suppressed findings stay in `findings`, each with its `suppression` (kind, reason, until,
where it is written), whatever `--show-suppressed` says: a program reading the document
filters on `suppression`, and `summary.suppressed` counts them."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from hdslint import __version__
from hdslint.fingerprint import fingerprint
from hdslint.model import Finding, InputError, ScanWarning
from hdslint.reporters.summary import summarize
from hdslint.result import Provenance, ScanResult


def finding_to_dict(f: Finding) -> dict[str, Any]:
    return {
        "policy_id": f.policy_id,
        "fingerprint": fingerprint(f),
        "status": f.status.value,
        "severity": f.severity.label,
        "title": f.title,
        "message": f.message,
        "causes": [list(chain) for chain in f.causes],
        "activities": list(f.activities),
        "references": list(f.references),
        "resource": {
            "id": f.resource.id,
            "type": f.resource.type,
            "provider": f.resource.provider,
            "service": f.resource.service,
            "category": f.resource.category,
            "region": f.resource.region,
            "source": f.resource.source,
            "module": f.resource.module,
            "account": f.resource.account,
        },
        "location": {
            "file": f.location.file,
            "line": f.location.line,
            "api_call": f.location.api_call,
        },
        "evidence": [
            {
                "subject": e.subject,
                "statement": e.statement,
                "confidence": e.confidence,
                "sources": list(e.sources),
                "as_of": e.as_of,
            }
            for e in f.evidence
        ],
        "suppression": (
            {
                "kind": f.suppression.kind,
                "reason": f.suppression.reason,
                "until": f.suppression.until,
                "file": f.suppression.location.file if f.suppression.location else None,
                "line": f.suppression.location.line if f.suppression.location else None,
            }
            if f.suppression
            else None
        ),
    }


def error_to_dict(e: InputError | ScanWarning) -> dict[str, Any]:
    return {"file": e.file, "line": e.line, "message": e.message}


def document(result: ScanResult) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "tool": {"name": "hdslint", "version": __version__},
        "registry": {"as_of": result.registry.as_of},
        "summary": dataclasses.asdict(summarize(result)),
        "findings": [finding_to_dict(f) for f in result.findings],
        "errors": [error_to_dict(e) for e in result.errors],
        "warnings": [error_to_dict(w) for w in result.warnings],
        "provenance": provenance_to_dict(result.provenance),
    }


def provenance_to_dict(p: Provenance) -> dict[str, Any]:
    """What the scan was judged by (JSON report, SARIF run properties)."""
    return {
        "config_file": p.config_file,
        "repository_config_ignored": p.repository_config_ignored,
        "policies_evaluated": list(p.policies_evaluated),
        "policies_disabled": list(p.policies_disabled),
        "paths_excluded": list(p.paths_excluded),
        "health_data_default": p.health_data_default,
    }


def render(result: ScanResult, *, color: bool = False, show_suppressed: bool = False) -> str:
    return json.dumps(document(result), indent=2, ensure_ascii=False) + "\n"
