"""The GitLab CI job documented in docs/integrations.md works as written: its `hdslint`
command runs, exits as documented, and writes the three reports its `artifacts:reports`
name, each valid for GitLab."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from hdslint.cli import main
from tests.conftest import ROOT
from tests.reporters.test_gitlab import validate_codequality, validate_sast


def documented_job() -> dict[str, Any]:
    text = (ROOT / "docs" / "integrations.md").read_text("utf-8")
    section = text.split("## GitLab CI", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block is not None
    job: dict[str, Any] = yaml.safe_load(block.group(1))["hdslint"]
    return job


def test_the_documented_job_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    job = documented_job()
    install, command = job["script"]
    # The install is the plain package: what the job runs needs no extra.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["name"]
    assert shlex.split(install) == ["pip", "install", "--quiet", project]
    reports = job["artifacts"]["reports"]
    assert job["artifacts"]["when"] == "always"
    assert set(reports) == {"sast", "codequality", "junit"}

    # A repository with findings, checked out as the job's working directory.
    shutil.copytree(ROOT / "examples" / "terraform" / "noncompliant", tmp_path / "infra")
    monkeypatch.chdir(tmp_path)
    argv = shlex.split(command)
    assert argv[0] == "hdslint"
    code = main(argv[1:])
    out, err = capsys.readouterr()
    assert (code, err) == (1, "")
    assert out.splitlines()[-2] == (
        "8 resources (7 with health data), 4 failed, 1 not evaluated, 0 errors"
    )
    sast = json.loads((tmp_path / reports["sast"]).read_text("utf-8"))
    validate_sast(sast)
    assert [
        (v["identifiers"][0]["value"], v["location"]["file"], v["location"]["start_line"])
        for v in sast["vulnerabilities"]
    ] == [
        ("HDS-LOC-001", "infra/backup.tf", 5),
        ("HDS-FLOW-001", "infra/backup.tf", 10),
        ("HDS-LOC-002", "infra/database.tf", 10),
        ("HDS-FLOW-001", "infra/storage.tf", 1),
        ("HDS-LOC-001", "infra/storage.tf", 6),
    ]
    quality = json.loads((tmp_path / reports["codequality"]).read_text("utf-8"))
    validate_codequality(quality)
    # The first issue states the scan's provenance; then the findings, fingerprinted alike.
    assert quality[0]["check_name"] == "hdslint.provenance"
    assert [i["fingerprint"] for i in quality[1:]] == [v["id"] for v in sast["vulnerabilities"]]
    junit = ET.parse(tmp_path / reports["junit"]).getroot()
    assert (junit.tag, junit.get("failures"), junit.get("errors")) == ("testsuites", "4", "1")
