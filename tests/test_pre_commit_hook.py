"""The pre-commit hooks, with real `pre-commit` and real `git commit`, this repository (at
its HEAD commit) as the hook source: a health-data bucket in us-east-1 is refused with the
resource named; the same bucket in eu-west-3 is committed.

The hook's environment is built by pre-commit as for any user (a virtualenv, then
`pip install .` of this repository): it needs the package index and nothing else. Only
committed code is tested: commit before running this test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, write_tree

pytestmark = pytest.mark.slow

BUCKET = """
provider "aws" {{
  region = "{region}"
}}

resource "aws_s3_bucket" "records" {{}}
"""


def _git(cwd: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


_NOT_SOURCE = {
    ".git",
    ".venv",
    ".venv-ci",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
    "corpus",
    "results",
    "build",
    "dist",
}


def _hook_source(base: Path, env: dict[str, str]) -> tuple[Path, str]:
    """This repository as pre-commit's hook source: itself at HEAD when it is a git
    checkout, else (a CI that checks out files without history) a one-commit copy."""
    probe = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    if probe.returncode == 0:
        return ROOT, probe.stdout.strip()
    copy = base / "hook-source"
    shutil.copytree(ROOT, copy, ignore=lambda _d, names: [n for n in names if n in _NOT_SOURCE])
    assert _git(copy, "init", "-q", "-b", "main", env=env).returncode == 0
    _git(copy, "add", "-A", env=env)
    assert _git(copy, "commit", "-q", "-m", "hdslint", env=env).returncode == 0
    head = _git(copy, "rev-parse", "HEAD", env=env)
    return copy, head.stdout.strip()


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    base = tmp_path_factory.mktemp("precommit")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "GITHUB_"))},
        "HOME": str(base / "home"),
        "PRE_COMMIT_HOME": str(base / "pre-commit-cache"),
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    source, rev = _hook_source(base, env)
    repo = base / "repo"
    repo.mkdir()
    assert _git(repo, "init", "-q", "-b", "main", env=env).returncode == 0
    write_tree(
        repo,
        {
            ".pre-commit-config.yaml": f"""
                repos:
                  - repo: {source}
                    rev: {rev}
                    hooks:
                      - id: hdslint
                      - id: hdslint-validate-policies
                """
        },
    )
    install = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install", "--install-hooks"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    return repo, env


def _commit(repo: Path, env: dict[str, str], message: str) -> subprocess.CompletedProcess[str]:
    _git(repo, "add", "-A", env=env)
    return _git(repo, "commit", "-q", "-m", message, env=env)


def test_a_bucket_outside_the_eea_is_refused_then_paris_is_committed(
    hook_repo: tuple[Path, dict[str, str]],
) -> None:
    repo, env = hook_repo
    write_tree(repo, {"infra/main.tf": BUCKET.format(region="us-east-1")})
    refused = _commit(repo, env, "bucket in us-east-1")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "hdslint (HDS compliance)" in output
    assert "Failed" in output
    assert "infra/main.tf:5  critical HDS-LOC-001  aws_s3_bucket.records" in output
    assert "us-east-1 (United States) is outside the EEA" in output
    assert _git(repo, "rev-parse", "--verify", "-q", "HEAD", env=env).returncode != 0  # no commit

    write_tree(repo, {"infra/main.tf": BUCKET.format(region="eu-west-3")})
    accepted = _commit(repo, env, "bucket in Paris")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    log = _git(repo, "log", "--format=%s", env=env)
    assert log.stdout.splitlines() == ["bucket in Paris"]


def test_only_the_changed_folder_is_reported(hook_repo: tuple[Path, dict[str, str]]) -> None:
    repo, env = hook_repo
    # A problem already in the repository, in another folder (committed without the hook)...
    write_tree(repo, {"legacy/main.tf": BUCKET.format(region="us-west-2")})
    _git(repo, "add", "-A", env=env)
    assert _git(repo, "commit", "-q", "--no-verify", "-m", "legacy", env=env).returncode == 0
    # ...does not block a compliant change elsewhere.
    write_tree(repo, {"app/main.tf": BUCKET.format(region="eu-west-3")})
    accepted = _commit(repo, env, "app in Paris")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


def test_policy_files_are_validated(hook_repo: tuple[Path, dict[str, str]]) -> None:
    repo, env = hook_repo
    policy = (ROOT / "policies" / "HDS-LOC-001.yaml").read_text()
    write_tree(
        repo,
        {
            "policies/acme.yaml": policy.replace("HDS-LOC-001", "ACME-LOC-001").replace(
                "severity: critical", "severity: severe"
            )
        },
    )
    refused = _commit(repo, env, "bad policy")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "hdslint policy files" in output
    assert (
        "hdslint: error: policies/acme.yaml: $.severity: 'severe' is not one of ['critical',"
        " 'high', 'medium', 'low', 'info']"
    ) in output
    write_tree(repo, {"policies/acme.yaml": policy.replace("HDS-LOC-001", "ACME-LOC-001")})
    accepted = _commit(repo, env, "good policy")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


# The hook fires on every input hdslint reads, not only on pre-commit's `terraform` type
# (which `.tofu` is not): each commit below touches only one such file.

TERRAGRUNT_ROOT = """
locals {
  region_vars = read_terragrunt_config(find_in_parent_folders("region.hcl"))
}
generate "provider" {
  path      = "provider.tf"
  if_exists = "overwrite_terragrunt"
  contents  = <<EOF
provider "aws" {
  region = "${local.region_vars.locals.aws_region}"
}
EOF
}
"""
TERRAGRUNT_UNIT = """
include "root" {
  path = find_in_parent_folders("root.hcl")
}
terraform {
  source = "../../../modules//store"
}
"""
CDK_MANIFEST = """{{
  "version": "36.0.0",
  "artifacts": {{
    "Ehr": {{
      "type": "aws:cloudformation:stack",
      "environment": "aws://111122223333/{region}",
      "properties": {{"templateFile": "Ehr.template.json"}}
    }}
  }}
}}
"""
CDK_TEMPLATE = """{
  "Resources": {
    "Records": {
      "Type": "AWS::S3::Bucket"
    }
  }
}
"""


def test_a_commit_of_only_a_tofu_file_runs_the_hook(
    hook_repo: tuple[Path, dict[str, str]],
) -> None:
    repo, env = hook_repo
    write_tree(repo, {"tofu/main.tofu": BUCKET.format(region="us-east-1")})
    refused = _commit(repo, env, "tofu bucket in us-east-1")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "hdslint (HDS compliance)" in output
    assert "tofu/main.tofu:5  critical HDS-LOC-001  aws_s3_bucket.records" in output
    write_tree(repo, {"tofu/main.tofu": BUCKET.format(region="eu-west-3")})
    accepted = _commit(repo, env, "tofu bucket in Paris")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


def test_terragrunt_units_are_scanned_with_the_hcl_files_they_read(
    hook_repo: tuple[Path, dict[str, str]],
) -> None:
    repo, env = hook_repo
    # The root configuration, a region file and the module, committed without the hook.
    write_tree(
        repo,
        {
            "tg/live/root.hcl": TERRAGRUNT_ROOT,
            "tg/live/paris/region.hcl": 'locals { aws_region = "eu-west-3" }\n',
            "tg/modules/store/main.tf": 'resource "aws_s3_bucket" "records" {}\n',
        },
    )
    _git(repo, "add", "-A", env=env)
    assert _git(repo, "commit", "-q", "--no-verify", "-m", "tg base", env=env).returncode == 0
    # A commit of only the unit: its region comes from the root and region files above it.
    write_tree(repo, {"tg/live/paris/app/terragrunt.hcl": TERRAGRUNT_UNIT})
    accepted = _commit(repo, env, "unit in Paris")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    # A commit of only the region file the root's generate block reads: the unit below it
    # is scanned, and its bucket (located in the module it deploys) refused.
    write_tree(repo, {"tg/live/paris/region.hcl": 'locals { aws_region = "us-east-1" }\n'})
    refused = _commit(repo, env, "region moved")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "tg/modules/store/main.tf:1  critical HDS-LOC-001  aws_s3_bucket.records" in output
    assert "us-east-1 (United States) is outside the EEA" in output
    _git(repo, "checkout", "HEAD", "--", "tg/live/paris/region.hcl", env=env)


def test_a_commit_of_only_a_cdk_manifest_scans_its_templates(
    hook_repo: tuple[Path, dict[str, str]],
) -> None:
    repo, env = hook_repo
    write_tree(
        repo,
        {
            "cdk/cdk.out/manifest.json": CDK_MANIFEST.format(region="eu-west-3"),
            "cdk/cdk.out/Ehr.template.json": CDK_TEMPLATE,
        },
    )
    accepted = _commit(repo, env, "cdk app in Paris")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    write_tree(repo, {"cdk/cdk.out/manifest.json": CDK_MANIFEST.format(region="us-east-1")})
    refused = _commit(repo, env, "cdk app moved")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "cdk/cdk.out/Ehr.template.json:3  critical HDS-LOC-001  Ehr/Records" in output
    _git(repo, "checkout", "HEAD", "--", "cdk/cdk.out/manifest.json", env=env)
