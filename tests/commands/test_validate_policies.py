"""`hdslint validate-policies FILE...`: every file checked, one line per problem."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT, write_tree

Cli = Callable[..., tuple[int, str, str]]

GOOD = (ROOT / "policies" / "HDS-LOC-001.yaml").read_text().replace("HDS-LOC-001", "ACME-LOC-001")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_valid_files(cli: Cli, folder: Path) -> None:
    write_tree(
        folder / "policies",
        {"a.yaml": GOOD, "b.yaml": GOOD.replace("ACME-LOC-001", "ACME-LOC-002")},
    )
    assert cli("validate-policies", "policies/a.yaml", "policies/b.yaml") == (
        0,
        "2 policies valid: ACME-LOC-001, ACME-LOC-002\n",
        "",
    )
    assert cli("validate-policies", "policies")[0] == 0


def test_every_problem_is_reported(cli: Cli, folder: Path) -> None:
    write_tree(
        folder / "policies",
        {
            "a.yaml": GOOD,
            "dup.yaml": GOOD,
            "shipped.yaml": GOOD.replace("ACME-LOC-001", "HDS-LOC-001"),
            "bad.yaml": GOOD.replace("severity: critical", "severity: severe"),
            "broken.yaml": "id: [\n",
        },
    )
    code, out, err = cli(
        "validate-policies",
        "policies/a.yaml",
        "policies/dup.yaml",
        "policies/shipped.yaml",
        "policies/bad.yaml",
        "policies/broken.yaml",
        "policies/missing.yaml",
    )
    assert (code, out) == (2, "")
    lines = err.splitlines()
    # libyaml and the pure-Python parser word YAML errors differently: compare the start
    assert lines[3].startswith(
        "hdslint: error: policies/broken.yaml:2: invalid YAML: while parsing a flow node"
    )
    assert lines[:3] + lines[4:] == [
        "hdslint: error: policies/dup.yaml: policy id ACME-LOC-001 is already defined in"
        " policies/a.yaml",
        "hdslint: error: policies/shipped.yaml: policy id HDS-LOC-001 is already defined in"
        " hdslint:policies/HDS-LOC-001.yaml",
        "hdslint: error: policies/bad.yaml: $.severity: 'severe' is not one of ['critical',"
        " 'high', 'medium', 'low', 'info']",
        "hdslint: error: policies/missing.yaml: no such file",
    ]
