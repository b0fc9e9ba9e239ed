"""The wheel carries everything hdslint needs at run time: no source tree, no shared/."""

from __future__ import annotations

import os
import shutil
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


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel `pip install .` installs, built once for this module (offline)."""
    wheel_dir = tmp_path_factory.mktemp("wheel")
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
    (built,) = wheel_dir.glob("hdslint-*.whl")
    return built


@pytest.mark.slow
def test_wheel_runs_without_the_source_tree(tmp_path: Path, wheel: Path) -> None:
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


# Run hdslint as if boto3 were not installed: any import of boto3 or botocore fails.
_WITHOUT_BOTO3 = """
import sys
class _NoBoto3:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ("boto3", "botocore"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, _NoBoto3())
from hdslint.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.slow
def test_plain_install_needs_no_boto3(tmp_path: Path, wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        lines = archive.read(metadata).decode().splitlines()
        archive.extractall(tmp_path / "site")
    # Run from elsewhere: the source tree would shadow the installed package.
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    requires = [line.removeprefix("Requires-Dist: ") for line in lines if "Requires-Dist" in line]
    assert [r for r in requires if "extra ==" not in r] == [
        "python-hcl2<9,>=8.1",
        "PyYAML>=6.0",
        "jsonschema>=4.17",
        "click>=8.1",
        "jmespath>=1.0",
        "google-re2>=1.1",
    ]
    assert 'boto3>=1.34; extra == "aws"' in requires
    assert "License-Expression: Apache-2.0" in lines
    assert "License-File: LICENSE" in lines

    def hdslint(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", _WITHOUT_BOTO3, *args],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(tmp_path / "site")},
            capture_output=True,
            text=True,
            check=False,
        )

    scan = hdslint("scan", "--no-cache", "examples")
    assert scan.returncode == 1, scan.stderr
    assert scan.stderr == ""
    assert scan.stdout.splitlines()[-2].startswith("54 resources (45 with health data), ")
    aws = hdslint("aws", "-r", "eu-west-3")
    assert (aws.returncode, aws.stdout) == (2, "")
    assert aws.stderr == (
        "hdslint: error: hdslint aws needs boto3, which a plain `pip install hdslint` leaves"
        " out: pip install 'hdslint[aws]'\n"
    )
