"""The wheel carries everything hdslint needs at run time: no source tree, no shared/."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


def test_every_package_folder_is_listed_in_pyproject() -> None:
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "hdslint").rglob("__init__.py")
    }
    assert found | {"hdslint.policies"} == listed


@pytest.mark.slow
def test_wheel_runs_without_the_source_tree(tmp_path: Path) -> None:
    wheel_dir = tmp_path / "wheel"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheel_dir),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheel_dir.glob("hdslint-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "hdslint/policies/HDS-LOC-001.yaml",
        "hdslint/registry/data/hds.yaml",
        "hdslint/registry/data/geography.yaml",
        "hdslint/registry/hds.schema.json",
        "hdslint/policy/policy.schema.json",
        "hdslint/schemas/output.schema.json",
        "hdslint/config.schema.json",
        "hdslint/catalogue/terraform.yaml",
        "hdslint/catalogue/aws.yaml",
        "hdslint/schemas/inventory.schema.json",
        "hdslint/sources/aws/iam-policy.json",
        "hdslint/catalogue/kubernetes.yaml",
        "hdslint/policy/references.yaml",
        "hdslint/report/report.css",
        "hdslint/policies/HDS-OVH-001.yaml",
        "hdslint/py.typed",
    ):
        assert required in names, required
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    work = tmp_path / "elsewhere"
    (work / "infra").mkdir(parents=True)
    (work / "infra" / "main.tf").write_text(
        'provider "aws" { region = "us-east-1" }\nresource "aws_s3_bucket" "b" {}\n'
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import hdslint, sys; from hdslint.cli import main; print(hdslint.__file__);"
            " sys.exit(main(['scan', 'infra']))",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    first, second = proc.stdout.splitlines()[:2]
    assert first == str(site / "hdslint" / "__init__.py")
    assert second == "infra/main.tf:2  critical HDS-LOC-001  aws_s3_bucket.b"
