"""Baseline files: the findings a team accepts as they are today, so a scan reports only new
ones. Written by `hdslint baseline`, read by `hdslint scan --baseline FILE` (or the
`baseline:` key of `.hdslint.yaml`); the schema is hdslint/schemas/baseline.schema.json.

Entries are matched by fingerprint (see hdslint.fingerprint), with paths taken relative to
the baseline file's folder, so the file works from any working directory and survives code
moving within a file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hdslint import __version__
from hdslint.errors import HdslintError
from hdslint.files import FileAccess
from hdslint.fingerprint import FINGERPRINT_KEY, fingerprint
from hdslint.model import Finding
from hdslint.paths import relative_path
from hdslint.schemas import validate

BASELINE_VERSION = 1
DEFAULT_BASELINE = ".hdslint-baseline.json"
# Far above any real baseline (a few hundred bytes per finding), far below a memory blow-up.
MAX_BASELINE_BYTES = 200_000_000


@dataclass(frozen=True, slots=True)
class Baseline:
    file: str  # as users see it
    folder: Path  # fingerprints are computed with paths relative to this folder
    fingerprints: frozenset[str]
    # The file access of the scan that loaded it (scopes are asked whether they are folders).
    fs: FileAccess | None = field(default=None, compare=False)

    def __contains__(self, finding: object) -> bool:
        return isinstance(finding, Finding) and fingerprint(finding, self.folder, self.fs) in (
            self.fingerprints
        )


def load_baseline(path: Path, display: str | None = None, fs: FileAccess | None = None) -> Baseline:
    """The baseline at `path`, read through `fs`, the scan's file access (outside a scan:
    one of its own)."""
    fs = fs or FileAccess()
    shown = display or relative_path(str(path))
    try:
        data = json.loads(fs.read(path, MAX_BASELINE_BYTES).decode("utf-8"))
    except FileNotFoundError:
        raise HdslintError(
            "baseline file not found (write one with `hdslint baseline`)", file=shown
        ) from None
    except OSError as exc:
        raise HdslintError(f"cannot read the baseline: {exc.strerror or exc}", file=shown) from None
    except UnicodeDecodeError as exc:
        raise HdslintError(f"cannot read the baseline: {exc}", file=shown) from None
    except json.JSONDecodeError as exc:
        raise HdslintError(f"invalid JSON: {exc.msg}", file=shown, line=exc.lineno) from None
    errors = validate(data, "hdslint.schemas", "baseline.schema.json")
    if errors:
        raise HdslintError(f"not an hdslint baseline: {errors[0]}", file=shown)
    return Baseline(
        file=shown,
        folder=fs.resolve(path).parent,
        fingerprints=frozenset(entry["fingerprint"] for entry in data["findings"]),
        fs=fs,
    )


def baseline_document(
    findings: Iterable[Finding], folder: Path, fs: FileAccess | None = None
) -> dict[str, Any]:
    """Every unsuppressed finding, sorted, with paths relative to `folder`: the same scan
    gives the same file, byte for byte, so it diffs well in reviews."""
    entries = {}
    for f in findings:
        if f.suppression is not None:
            continue
        key = fingerprint(f, folder, fs)
        entries[key] = {
            "fingerprint": key,
            "policy_id": f.policy_id,
            "resource_id": f.resource.id,
            "file": relative_path(f.location.file, folder) if f.location.file else None,
            "status": f.status.value,
            "severity": f.severity.label,
        }
    ordered = sorted(
        entries.values(), key=lambda e: (e["file"] or "", e["resource_id"], e["policy_id"])
    )
    return {
        "hdslint_baseline": BASELINE_VERSION,
        "tool": {"name": "hdslint", "version": __version__},
        "fingerprint": FINGERPRINT_KEY,
        "findings": ordered,
    }


def write_baseline(findings: Iterable[Finding], path: Path) -> int:
    """Write the baseline file; return how many findings it holds."""
    fs = FileAccess()  # after the scan, recording nothing
    document = baseline_document(findings, fs.resolve(path).parent, fs)
    try:
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")
    except OSError as exc:
        raise HdslintError(
            f"cannot write the baseline: {exc.strerror or exc}", file=str(path)
        ) from None
    return len(document["findings"])
