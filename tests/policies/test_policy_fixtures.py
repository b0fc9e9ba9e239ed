"""Every shipped policy, on its own pass and fail fixtures, asserted exactly.

Each policy has a folder here named after its id, holding cases: small Terraform projects
in folders named `pass*` or `fail*`, each with an `expected.yaml`:

    today: 2026-11-28            # optional: the date certificates are judged on
    findings:                    # exactly this policy's findings, in report order
      - [HDS-LOC-001, fail, aws_s3_bucket.exports, 11]
    passed: [aws_s3_bucket.records]   # exactly the resources this policy passed

A case may hold a `.hdslint.yaml` (e.g. a registry entry of the user's own).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from hdslint import yamlio
from hdslint.model import Status
from hdslint.policy import shipped_policies
from hdslint.scan import ScanOptions, run_scan

HERE = Path(__file__).resolve().parent
SHIPPED_IDS = sorted(p.id for p in shipped_policies())


def _cases() -> list[Path]:
    return sorted(
        case
        for folder in HERE.iterdir()
        if folder.is_dir() and not folder.name.startswith(("_", "."))
        for case in folder.iterdir()
        if case.is_dir() and case.name.startswith(("pass", "fail"))
    )


def _expected(case: Path) -> dict[str, Any]:
    data: dict[str, Any] = yamlio.load((case / "expected.yaml").read_text("utf-8"))
    return data


@pytest.mark.parametrize("case", _cases(), ids=lambda c: f"{c.parent.name}/{c.name}")
def test_policy_fixture(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    policy_id = case.parent.name
    expected = _expected(case)
    monkeypatch.chdir(case)
    config = case / ".hdslint.yaml"
    today = expected.get("today")
    result = run_scan(
        ScanOptions(
            paths=["."],
            env={},
            config=config if config.exists() else None,
            today=dt.date.fromisoformat(str(today)) if today else None,
        )
    )
    assert result.errors == []
    findings = [
        [f.policy_id, f.status.value, f.resource.id, f.location.line]
        for f in result.findings
        if f.policy_id == policy_id
    ]
    passed = [
        e.resource.id
        for e in result.evaluations
        if e.policy.id == policy_id and e.status is Status.PASS
    ]
    assert findings == expected["findings"]
    assert passed == expected["passed"]
    if case.name.startswith("fail"):
        assert findings, "a fail case must produce at least one finding of its policy"
    else:
        assert not findings


def test_every_shipped_policy_has_pass_and_fail_fixtures() -> None:
    kinds: dict[str, set[str]] = {}
    for case in _cases():
        kinds.setdefault(case.parent.name, set()).add(case.name[:4])
    missing = [pid for pid in SHIPPED_IDS if kinds.get(pid) != {"pass", "fail"}]
    assert missing == []
    # and no fixture folder for a policy that does not exist (a renamed policy)
    assert sorted(set(kinds) - set(SHIPPED_IDS)) == []
