"""bench/sample_findings.py: a reproducible sample, stratified by repository, whose verdicts
carry over to a new draw."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_sample_findings", ROOT / "bench" / "sample_findings.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sample_findings = _module()


def _finding(repo: str, n: int, status: str) -> dict[str, object]:
    return {
        "policy_id": "HDS-LOC-001" if status == "fail" else "HDS-LOC-002",
        "status": status,
        "message": f"finding {n}",
        "resource": {"id": f"aws_s3_bucket.b{n}", "type": "aws_s3_bucket", "region": "us-east-1"},
        "location": {"file": f"{repo}/main.tf", "line": n},
        "suppression": None,
    }


@pytest.fixture
def reports(tmp_path: Path) -> tuple[Path, Path]:
    corpus, reports = tmp_path / "corpus", tmp_path / "reports"
    reports.mkdir()
    # a+big has 20 failures, b+small 2, c+none only not-evaluated findings.
    sizes = {"a+big": (20, 3), "b+small": (2, 0), "c+none": (0, 4)}
    for repo, (fails, unknowns) in sizes.items():
        (corpus / repo).mkdir(parents=True)
        findings = [_finding(repo, n, "fail") for n in range(1, fails + 1)]
        findings += [_finding(repo, 100 + n, "not_evaluated") for n in range(unknowns)]
        findings.append({**_finding(repo, 99, "fail"), "suppression": {"kind": "inline"}})
        (reports / f"{repo}.json").write_text(json.dumps({"findings": findings}))
    return corpus, reports


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_sample_is_stratified_and_reproducible(
    reports: tuple[Path, Path], tmp_path: Path
) -> None:
    corpus, folder = reports
    args = [str(corpus), "--reports", str(folder), "--fail", "6", "--not-evaluated", "5"]
    assert sample_findings.main([*args, "--out", str(tmp_path / "one.csv")]) == 0
    assert sample_findings.main([*args, "--out", str(tmp_path / "two.csv")]) == 0
    one = _read(tmp_path / "one.csv")
    assert one == _read(tmp_path / "two.csv")
    fails = [r["repo"] for r in one if r["sample"] == "fail"]
    # Round-robin: the small repository gives both of its failures, the big one the rest;
    # suppressed findings are never drawn.
    assert sorted(fails) == ["a+big"] * 4 + ["b+small"] * 2
    assert all(r["line"] != "99" for r in one)
    unknown = [r["repo"] for r in one if r["sample"] == "not_evaluated"]
    assert sorted(unknown) == ["a+big"] * 3 + ["c+none"] * 2
    assert (one[0]["file"], one[0]["policy"], one[0]["status"]) == (
        "main.tf",
        "HDS-LOC-001",
        "fail",
    )
    # Another seed draws other findings of the big repository.
    assert sample_findings.main([*args, "--seed", "7", "--out", str(tmp_path / "three.csv")]) == 0
    assert _read(tmp_path / "three.csv") != one


def test_verdicts_carry_over_to_a_new_draw(reports: tuple[Path, Path], tmp_path: Path) -> None:
    corpus, folder = reports
    args = [str(corpus), "--reports", str(folder), "--fail", "3", "--not-evaluated", "0"]
    first = tmp_path / "judged.csv"
    sample_findings.main([*args, "--out", str(first)])
    rows = _read(first)
    rows[0].update(verdict="FP", justification="a policy, not a store")
    with first.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=sample_findings.FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    again = tmp_path / "again.csv"
    sample_findings.main([*args, "--judged", str(first), "--out", str(again)])
    redrawn = _read(again)
    assert [r["verdict"] for r in redrawn] == ["FP", "", ""]
    assert redrawn[0]["justification"] == "a policy, not a store"
    assert sample_findings.summary(redrawn) == (
        "fail: 3 drawn from 2 repositories, 1 judged (FP 1), 2 to judge\n"
        "fail: false positives 1/1 = 100.0 %\n"
        "not_evaluated: 0 drawn from 0 repositories, 0 judged (none), 0 to judge"
    )
