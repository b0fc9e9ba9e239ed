"""Shared test helpers: write small projects to a temp folder, scan them, run the CLI."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from hdslint.cli import main
from hdslint.scan import ScanOptions, ScanResult, run_scan

ROOT = Path(__file__).resolve().parent.parent
# Official schemas the tests validate against, committed with their source and licence.
SCHEMAS = ROOT / "tests" / "schemas"


def write_tree(root: Path, files: Mapping[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def finding_tuples(result: ScanResult) -> list[tuple[str, str, str, int | None]]:
    """(policy_id, status, resource id, line) for every finding, in report order."""
    return [(f.policy_id, f.status.value, f.resource.id, f.location.line) for f in result.findings]


# The day tests judge certificates and the registry's age on: the registry's as_of, so that
# results do not change as the calendar moves (tests of dates pass their own `today`).
TEST_TODAY = dt.date(2026, 11, 28)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read the real home or the developer's environment variables, nor the clock."""
    monkeypatch.setattr("hdslint.clock.today", lambda: TEST_TODAY)
    # The same day for the hdslint processes tests start (CLI, pre-commit, the Action).
    monkeypatch.setenv("HDSLINT_TODAY", TEST_TODAY.isoformat())
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name in list(__import__("os").environ):
        if name.startswith(("TF_VAR_", "AWS_", "GITHUB_")):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture
def scan_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., ScanResult]:
    """Write files under tmp_path/project, chdir to tmp_path, scan `project`."""

    def run(files: Mapping[str, str], **options: object) -> ScanResult:
        project = write_tree(tmp_path / "project", files)
        monkeypatch.chdir(tmp_path)
        options.setdefault("env", {})
        opts = ScanOptions(paths=[project.name], **options)  # type: ignore[arg-type]
        return run_scan(opts)

    return run


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


# The provenance line of a text report scanned with no configuration file (every report
# states what it was judged by: hdslint.reporters.summary.provenance_line).
DEFAULT_PROVENANCE = (
    "Configuration: none (defaults); policies evaluated: 11; policies disabled: none;"
    " paths excluded: none; health data: every data store (health_data.default: true)"
)
