"""action.yml, run as a runner would (tests/action_runner.py): a non-compliant workspace
fails the job after the SARIF is written and wired to upload-sarif; a compliant one passes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from hdslint import __version__
from tests.action_runner import JobRun, Runner, base_env, parse_env_file
from tests.conftest import ROOT, SCHEMAS, write_tree
from tests.reporters.test_sarif import validate_sarif

NONCOMPLIANT = {
    "infra/main.tf": """
        provider "aws" {
          region = "eu-west-3"
        }
        provider "aws" {
          alias  = "us"
          region = "us-east-1"
        }
        resource "aws_s3_bucket" "records" {}
        resource "aws_s3_bucket" "exports" {
          provider = aws.us
        }
        """
}
COMPLIANT = {
    "infra/main.tf": """
        provider "aws" {
          region = "eu-west-3"
        }
        resource "aws_s3_bucket" "records" {}
        """
}


def test_action_yml_validates_against_the_schema() -> None:
    schema = json.loads((SCHEMAS / "github-action.json").read_text())
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    jsonschema.validate(action, schema)
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {
        "paths",
        "config",
        "fail-on",
        "upload-sarif",
        "sarif-file",
        "category",
        "args",
        "python-version",
        "cache",
    }
    assert action["inputs"]["fail-on"]["default"] == "high"
    setup = action["runs"]["steps"][0]
    assert setup["uses"].startswith("actions/setup-python@")
    assert setup["with"]["python-version"] == "${{ inputs.python-version }}"


def test_env_file_format() -> None:
    assert parse_env_file("a=1\nb<<EOF\nx\ny\nEOF\nc=d=e\n") == {"a": "1", "b": "x\ny", "c": "d=e"}


@pytest.fixture(scope="module")
def runner_temp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Shared by the jobs of this module so hdslint's dependencies are downloaded once; every
    # job still runs every step, the install included.
    return tmp_path_factory.mktemp("runner_temp")


def run_job(
    tmp_path: Path,
    runner_temp: Path,
    files: dict[str, str],
    cache_hit: str = "false",
    **inputs: str,
) -> JobRun:
    workspace = write_tree(tmp_path / "workspace", files)
    for leftover in runner_temp.glob("_runner_file_commands"):
        import shutil

        shutil.rmtree(leftover)
    runner = Runner(
        ROOT,
        workspace=workspace,
        runner_temp=runner_temp,
        env={**base_env(), "HOME": str(tmp_path / "home")},
        uses_outputs={
            "actions/setup-python": {"python-path": sys.executable},
            "actions/cache/restore": {"cache-hit": cache_hit},
        },
    )
    return runner.run({"paths": "infra", **inputs})


@pytest.mark.slow
def test_noncompliant_workspace_fails_after_uploading(tmp_path: Path, runner_temp: Path) -> None:
    job = run_job(tmp_path, runner_temp, NONCOMPLIANT)
    steps = [(s.name, s.skipped, s.returncode) for s in job.steps]
    assert steps == [
        ("Set up Python for hdslint", False, 0),
        ("Install hdslint", False, 0),
        ("Restore the parse cache", False, 0),
        ("Scan", False, 0),
        ("Save the parse cache", False, 0),
        ("Upload SARIF to code scanning", False, 0),
        ("Fail on findings at or above fail-on", False, 1),
    ], job.step("Install hdslint").stderr
    assert job.failed
    # the scan's annotations, in the step's log
    scan = job.step("Scan")
    assert scan.stdout.splitlines()[0] == (
        "::error file=infra/main.tf,line=9,title=HDS-LOC-001 Health data stored outside the EEA"
        " (critical%2C failed)::aws_s3_bucket.exports: us-east-1 (United States) is outside"
        " the EEA"
    )
    # SARIF written in the workspace, valid, and handed to upload-sarif
    sarif_file = tmp_path / "workspace" / "hdslint.sarif"
    document = json.loads(sarif_file.read_text())
    validate_sarif(document)
    assert [r["ruleId"] for r in document["runs"][0]["results"]] == ["HDS-LOC-001"]
    setup = job.step("Set up Python for hdslint")
    assert setup.uses == "actions/setup-python@v6"
    assert setup.with_ == {"python-version": "3.12", "update-environment": "false"}
    upload = job.step("Upload SARIF to code scanning")
    assert upload.uses == "github/codeql-action/upload-sarif@v4"
    assert upload.with_ == {"sarif_file": "hdslint.sarif", "category": "hdslint"}
    # the job summary names the resource
    assert job.summary.startswith("## hdslint: HDS compliance\n")
    assert "`aws_s3_bucket.exports` (aws us-east-1)" in job.summary
    assert job.outputs == {
        "failed": "1",
        "not-evaluated": "0",
        "suppressed": "0",
        "errors": "0",
        "sarif-file": "hdslint.sarif",
        "exit-code": "1",
    }
    final = job.step("Fail on findings at or above fail-on")
    assert final.stdout == (
        "::error title=hdslint::findings at or above high: see the annotations and the job"
        " summary\n"
    )


@pytest.mark.slow
def test_the_parse_cache_is_kept_between_runs_keyed_on_the_version(
    tmp_path: Path, runner_temp: Path
) -> None:
    job = run_job(tmp_path, runner_temp, NONCOMPLIANT)
    cache_dir = str(runner_temp / "hdslint-cache")
    prefix = f"hdslint-parse-local-{__version__}-"
    install = job.step("Install hdslint")
    assert install.outputs == {
        "version": __version__,
        "cache-dir": cache_dir,
        "cache-key": prefix + "local",
        "cache-prefix": prefix,
    }
    restore = job.step("Restore the parse cache")
    assert restore.uses == "actions/cache/restore@v4"
    assert restore.with_ == {"path": cache_dir, "key": prefix + "local", "restore-keys": prefix}
    save = job.step("Save the parse cache")
    assert save.uses == "actions/cache/save@v4"
    assert save.with_ == {"path": cache_dir, "key": prefix + "local"}
    # The scan filled the folder actions/cache saves.
    assert any(path.is_file() for path in Path(cache_dir).rglob("*"))
    # An exact hit is not saved again; `cache: false` neither restores nor saves.
    hit = run_job(tmp_path / "hit", runner_temp, NONCOMPLIANT, cache_hit="true")
    assert [s.skipped for s in hit.steps][2:5] == [False, False, True]
    off = run_job(tmp_path / "off", runner_temp, NONCOMPLIANT, cache="false")
    assert [s.skipped for s in off.steps][2:5] == [True, False, True]


@pytest.mark.slow
def test_compliant_workspace_passes(tmp_path: Path, runner_temp: Path) -> None:
    job = run_job(tmp_path, runner_temp, COMPLIANT)
    assert not job.failed
    assert [s.returncode for s in job.steps] == [0, 0, 0, 0, 0, 0, 0]
    assert job.outputs["exit-code"] == "0"
    assert job.outputs["failed"] == "0"
    assert job.step("Fail on findings at or above fail-on").stdout == (
        "hdslint: no finding at or above high\n"
    )
    assert "✅ **0 failed**" in job.summary


@pytest.mark.slow
def test_inputs_fail_on_upload_args_and_config(tmp_path: Path, runner_temp: Path) -> None:
    files = {
        **NONCOMPLIANT,
        "ci/hdslint.yaml": "suppressions:\n  non_waivable: [HDS-FLOW-*]\n",
    }
    job = run_job(
        tmp_path,
        runner_temp,
        files,
        **{
            "fail-on": "none",
            "upload-sarif": "false",
            "sarif-file": "reports/out.sarif",
            "config": "ci/hdslint.yaml",
            "args": "--var unused=1",
        },
    )
    assert not job.failed
    assert job.step("Upload SARIF to code scanning").skipped
    assert job.outputs["sarif-file"] == "reports/out.sarif"
    assert (tmp_path / "workspace" / "reports" / "out.sarif").is_file()
    assert job.outputs["exit-code"] == "0"
    assert job.outputs["failed"] == "1"


@pytest.mark.slow
def test_an_input_error_fails_the_job_with_exit_2(tmp_path: Path, runner_temp: Path) -> None:
    job = run_job(tmp_path, runner_temp, {"infra/main.tf": "resource {\n"})
    assert job.failed
    assert job.outputs["exit-code"] == "2"
    assert job.outputs["errors"] == "1"
    assert job.step("Fail on findings at or above fail-on").returncode == 2
    assert "### Input errors" in job.summary


@pytest.mark.slow
def test_a_trusted_config_input_keeps_the_pull_requests_config_out(
    tmp_path: Path, runner_temp: Path
) -> None:
    # The pull request's own .hdslint.yaml says no store holds health data; the configuration
    # from the base branch (here written outside the workspace, as the README's hardened
    # workflow writes it to $RUNNER_TEMP) is the one the scan uses.
    trusted = write_tree(tmp_path / "base", {"hdslint.yaml": "fail_on: critical\n"})
    files = {**NONCOMPLIANT, ".hdslint.yaml": "health_data:\n  default: false\n"}
    job = run_job(
        tmp_path,
        runner_temp,
        files,
        **{"config": str(trusted / "hdslint.yaml"), "args": "--no-repo-config"},
    )
    assert job.failed
    assert (job.outputs["exit-code"], job.outputs["failed"]) == ("1", "1")
    assert f"Configuration: {trusted / 'hdslint.yaml'} · Policies evaluated: 11 ·" in job.summary
    # Without the input, the pull request's configuration switches the checks off, and
    # every report says so.
    job = run_job(tmp_path / "pr", runner_temp, files)
    assert (job.outputs["exit-code"], job.outputs["failed"]) == ("0", "0")
    assert "Health data: only stores tagged as health data" in job.summary
