"""The generated docs: up to date, anchored by policy id, every requirement key explained."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from hdslint.docsgen import main, pages, stale_pages
from hdslint.policy import shipped_policies
from hdslint.policy.describe import reference_texts
from tests.conftest import ROOT


def test_committed_docs_are_up_to_date() -> None:
    # When this fails: run `python -m hdslint.docsgen` and commit docs/.
    assert stale_pages(ROOT) == []


def test_every_policy_has_a_stable_anchor() -> None:
    text = (ROOT / "docs" / "policies.md").read_text("utf-8")
    headings = re.findall(r"^## (\S+)$", text, flags=re.MULTILINE)
    ids = [p.id for p in shipped_policies()]
    assert [h for h in headings if h.startswith("HDS-")] == sorted(ids)
    for pid in ids:
        assert f"](#{pid.lower()})" in text


def test_every_cited_requirement_is_explained() -> None:
    cited = {ref for p in shipped_policies() for ref in p.references}
    assert sorted(cited - set(reference_texts())) == []


def test_every_provider_has_a_section() -> None:
    text = pages()["docs/registry.md"]
    from hdslint.registry import load_registry

    for pid in load_registry().providers:
        assert f"\n## {pid}\n" in text


def test_check_mode_reports_and_write_mode_fixes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    page = tmp_path / "docs" / "registry.md"
    page.write_text(page.read_text("utf-8") + "hand edit\n", encoding="utf-8")
    (tmp_path / "docs" / "policies.md").unlink()
    assert main(["--check", "--root", str(tmp_path)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "docs/policies.md is out of date: run `python -m hdslint.docsgen`",
        "docs/registry.md is out of date: run `python -m hdslint.docsgen`",
    ]
    assert main(["--root", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "wrote docs/policies.md",
        "wrote docs/registry.md",
    ]
    assert main(["--check", "--root", str(tmp_path)]) == 0
