"""Stable finding fingerprints, for SARIF `partialFingerprints` and baseline files.

A fingerprint names *what* is wrong, not *where the text is*: the policy, the resource and
the file that declares it (and the Terraform root module, which keeps two roots calling the
same module apart). The line is left out on purpose, so that moving a block, or adding a
line above it, does not make a finding look new.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from hdslint.files import FileAccess
from hdslint.model import Finding
from hdslint.paths import relative_path as relative_path  # noqa: PLC0414 (re-exported)

# Bump when the recipe changes: fingerprints of different versions never match.
FINGERPRINT_KEY = "hdslint/v1"


def _scope(scope: str, base: Path | None, fs: FileAccess | None) -> str:
    # A Terraform scope is the root module's folder as a display path: relativise it like a
    # file. Other scopes (a Kubernetes cluster name) are names and stay as they are.
    if not scope or base is None:
        return scope
    fs = fs or FileAccess()
    return relative_path(scope, base) if fs.is_dir(scope) else scope


def fingerprint(finding: Finding, base: Path | None = None, fs: FileAccess | None = None) -> str:
    """A 32-hex-digit hash of (policy id, resource id, scope, file), paths taken relative to
    `base` (default: the working directory). With a `base`, whether the scope is a folder
    is asked through `fs`, the scan's file access (outside a scan: one of its own)."""
    location = finding.location
    where = relative_path(location.file, base) if location.file else (location.api_call or "")
    parts = (
        FINGERPRINT_KEY,
        finding.policy_id,
        finding.resource.id,
        _scope(finding.resource.scope, base, fs),
        where,
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]
