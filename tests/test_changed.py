"""`hdslint scan --changed FILE...`: folders of the changed files, with their Terraform
callers for context; only findings in those folders are reported."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hdslint.changed import expand_changed
from tests.conftest import write_tree

Cli = Callable[..., tuple[int, str, str]]

TREE = {
    # A root calling a module: the module's region comes from the root.
    "infra/prod/main.tf": """
        provider "aws" {
          region = var.region
        }
        variable "region" {
          default = "us-east-1"
        }
        module "store" {
          source = "../modules/store"
        }
        resource "aws_s3_bucket" "root_bucket" {}
        """,
    "infra/modules/store/main.tf": 'resource "aws_s3_bucket" "data" {}\n',
    "infra/modules/store/README.md": "# store\n",
    # An unrelated root with its own problem: never reported for a change elsewhere.
    "infra/other/main.tf": 'provider "aws" {\n  region = "us-west-2"\n}\nresource "aws_s3_bucket" "x" {}\n',
}


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_tree(tmp_path, TREE)


def test_a_module_is_scanned_with_its_caller(tree: Path) -> None:
    scope = expand_changed(["infra/modules/store/main.tf"])
    assert scope.paths == ["infra/modules/store/main.tf", "infra/prod/main.tf"]
    assert scope.folders == {(tree / "infra/modules/store").resolve()}


def test_callers_of_callers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_tree(
        tmp_path,
        {
            "live/main.tf": 'module "app" {\n  source = "../app"\n}\n',
            "app/main.tf": 'module "db" {\n  source = "./db"\n}\n',
            "app/db/main.tf": 'resource "aws_db_instance" "x" {}\n',
        },
    )
    assert expand_changed(["app/db/main.tf"]).paths == [
        "app/db/main.tf",
        "app/main.tf",
        "live/main.tf",
    ]


def test_callers_in_terraform_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_tree(
        tmp_path,
        {
            "live/main.tf.json": '{"module": {"app": {"source": "../app"}}}\n',
            "app/main.tf.json": '{"resource": {"aws_s3_bucket": {"b": {}}}}\n',
        },
    )
    assert expand_changed(["app/main.tf.json"]).paths == ["app/main.tf.json", "live/main.tf.json"]


def test_only_findings_in_the_changed_folders(cli: Cli, tree: Path) -> None:
    code, out, _ = cli("scan", "--changed", "infra/modules/store/main.tf")
    assert code == 1
    assert out.splitlines()[:2] == [
        "infra/modules/store/main.tf:1  critical HDS-LOC-001  module.store.aws_s3_bucket.data",
        "    Health data stored outside the EEA: us-east-1 (United States) is outside the EEA",
    ]
    assert "root_bucket" not in out
    assert "infra/other" not in out


def test_the_root_itself(cli: Cli, tree: Path) -> None:
    code, out, _ = cli("scan", "--changed", "infra/prod/main.tf", "-f", "json")
    assert code == 1
    import json

    assert [(f["resource"]["id"], f["location"]["file"]) for f in json.loads(out)["findings"]] == [
        ("aws_s3_bucket.root_bucket", "infra/prod/main.tf")
    ]


def test_files_hdslint_does_not_read_change_nothing(cli: Cli, tree: Path) -> None:
    code, out, _ = cli("scan", "--changed", "infra/modules/store/README.md")
    assert code == 0
    assert (
        out.splitlines()[1]
        == "0 resources (0 with health data), 0 failed, 0 not evaluated, 0 errors"
    )


def test_no_file_at_all_scans_nothing(cli: Cli, tree: Path) -> None:
    code, out, _ = cli("scan", "--changed")
    assert code == 0
    assert out.splitlines()[1].startswith("0 resources")


def test_a_deleted_file_stands_for_its_folder(tree: Path) -> None:
    scope = expand_changed(["infra/other/deleted.tf", "gone/folder/x.tf"])
    assert scope.paths == ["infra/other/main.tf"]
    assert scope.folders == {(tree / "infra/other").resolve()}


def test_folders_are_not_recursive(tree: Path) -> None:
    (tree / "infra" / "main.tf").write_text('resource "aws_s3_bucket" "top" {}\n')
    assert expand_changed(["infra/main.tf"]).paths == ["infra/main.tf"]


CFN_TREE = {
    "sam/template.yaml": (
        "Transform: AWS::Serverless-2016-10-31\nResources:\n"
        "  Table:\n    Type: AWS::Serverless::SimpleTable\n"
    ),
    "sam/samconfig.toml": '[default.deploy.parameters]\nregion = "us-east-1"\n',
    "cfn/main.yaml": (
        'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Storage:\n'
        "    Type: AWS::CloudFormation::Stack\n    Properties:\n"
        "      TemplateURL: nested/storage.yaml\n"
    ),
    "cfn/nested/storage.yaml": (
        'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n'
    ),
    ".hdslint.yaml": "cloudformation:\n  stacks:\n    - {paths: [cfn/main.yaml], region: us-west-1}\n",
}


def test_a_samconfig_stands_for_its_templates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path, CFN_TREE)
    assert expand_changed(["sam/samconfig.toml"]).paths == ["sam/template.yaml"]


def test_a_nested_template_is_scanned_with_its_parent(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path, CFN_TREE)
    scope = expand_changed(["cfn/nested/storage.yaml"])
    assert scope.paths == ["cfn/nested/storage.yaml", "cfn/main.yaml"]
    code, out, _ = cli("scan", "--changed", "cfn/nested/storage.yaml", "-f", "json")
    found = [
        (f["policy_id"], f["resource"]["id"], f["resource"]["region"], f["location"]["line"])
        for f in __import__("json").loads(out)["findings"]
    ]
    # Only the changed folder's findings, located with the parent's region.
    assert (code, found) == (1, [("HDS-LOC-001", "cfn/main.yaml/Storage/Bucket", "us-west-1", 3)])
