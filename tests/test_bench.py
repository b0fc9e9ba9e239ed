"""The benchmark's corpus generator makes Terraform that hdslint reads without errors."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from hdslint.scan import ScanOptions, run_scan
from hdslint.sources import FILE_SOURCES
from tests.conftest import ROOT


def _generate_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_corpus_scans_cleanly_and_has_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate = _generate_module()
    count = generate.generate(tmp_path / "corpus", 90, seed=1)
    assert count == 3 * generate.FILES_PER_UNIT  # three units (and the .hdslint.yaml)
    assert generate.unit_files(0, 1) == generate.unit_files(0, 1)  # deterministic
    monkeypatch.chdir(tmp_path)
    result = run_scan(ScanOptions(paths=["corpus"], env={}, cache=False))
    assert result.errors == []
    # 27 Terraform files per unit and 4 manifests per unit (the .hdslint.yaml is tool
    # configuration: neither read as input nor counted).
    assert "kubernetes" in FILE_SOURCES
    assert result.files_scanned == 3 * 27 + 3 * 4
    assert len(result.graph) > 3 * 2 * 15
    assert {f.policy_id for f in result.findings} <= {
        "HDS-LOC-001",
        "HDS-FLOW-001",
        "HDS-FLOW-002",
        "HDS-CERT-001",
        "HDS-DATA-001",
    }
