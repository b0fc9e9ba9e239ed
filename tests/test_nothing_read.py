"""Nothing read is never a pass: a scan that reads no file, and infrastructure files this
version does not read (Terragrunt stacks), are input errors (exit 2)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from hdslint.files import FileAccess
from hdslint.sources import classify_file
from tests.conftest import DEFAULT_PROVENANCE, write_tree

Cli = Callable[..., tuple[int, str, str]]

NOTHING = (
    "nothing to scan: this folder holds no file hdslint reads"
    " (Terraform/OpenTofu .tf/.tofu/.tfvars, plan JSON, Kubernetes YAML, CloudFormation"
    " templates,"
    " hdslint inventories)"
)
TERRAGRUNT = (
    "not read by this version of hdslint: a Terragrunt stack (terragrunt.stack.hcl): its unit"
    " blocks are not expanded (the units `terragrunt stack generate` writes into"
    " .terragrunt-stack are read when present)"
)
STACK = 'unit "app" {\n  source = "../units/app"\n  path   = "app"\n}\n'
EU_BUCKET = 'provider "aws" { region = "eu-west-3" }\nresource "aws_s3_bucket" "b" {}\n'
CFN_YAML = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  B:\n    Type: AWS::S3::Bucket\n'
SAM_YAML = "Transform: AWS::Serverless-2016-10-31\n"
# No format version: the Resources section with an AWS type says it (after 5 kB of text).
CFN_NO_VERSION = (
    "Description: |\n" + "  padding\n" * 600 + "Resources:\n  Q:\n    Type: 'AWS::SQS::Queue'\n"
)
CFN_JSON = '{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}'
FOOTER = "HDS registry as of 2026-11-28\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[dict[str, str]], Path]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p").mkdir()
    return lambda files: write_tree(tmp_path / "p", files)


def errors_text(*lines: str, resources: int = 0) -> str:
    shown = "".join(f"error  {line}\n" for line in lines)
    return (
        f"{shown}\n{DEFAULT_PROVENANCE}\n{resources} resources (0 with health data), 0 failed, 0 not evaluated,"
        f" {len(lines)} errors\n{FOOTER}"
    )


def test_an_empty_folder_is_exit_2_in_one_line(cli: Cli, project) -> None:  # type: ignore[no-untyped-def]
    project({})
    assert cli("scan", "p") == (2, errors_text(f"p: {NOTHING}"), "")


def test_a_folder_of_files_hdslint_does_not_read_is_exit_2(cli: Cli, project) -> None:  # type: ignore[no-untyped-def]
    project({"README.md": "# infra\n", "notes.txt": "x\n", "Chart.yaml": "name: x\n"})
    assert cli("scan", "p") == (2, errors_text(f"p: {NOTHING}"), "")


@pytest.mark.parametrize(
    ("files", "lines"),
    [
        (
            {"terragrunt.stack.hcl": STACK},
            [f"p/terragrunt.stack.hcl: {TERRAGRUNT}"],
        ),
    ],
)
def test_infrastructure_that_is_not_read_is_named_and_exit_2(
    cli: Cli,
    project,  # type: ignore[no-untyped-def]
    files: dict[str, str],
    lines: list[str],
) -> None:
    project(files)
    assert cli("scan", "p") == (2, errors_text(*lines, f"p: {NOTHING}"), "")


def test_an_unread_file_given_by_name_is_exit_2(cli: Cli, project) -> None:  # type: ignore[no-untyped-def]
    project({"terragrunt.stack.hcl": STACK})
    assert cli("scan", "p/terragrunt.stack.hcl") == (
        2,
        errors_text(f"p/terragrunt.stack.hcl: {TERRAGRUNT}"),
        "",
    )


def test_unread_files_beside_read_ones_are_named_and_the_rest_is_scanned(cli: Cli, project) -> None:  # type: ignore[no-untyped-def]
    project({"main.tf": EU_BUCKET, "next/terragrunt.stack.hcl": "", "cfn/t.yaml": CFN_YAML})
    code, out, err = cli("scan", "p", "-f", "json")
    doc = json.loads(out)
    assert (code, err) == (2, "")
    assert doc["errors"] == [
        {"file": "p/next/terragrunt.stack.hcl", "line": None, "message": TERRAGRUNT}
    ]
    assert (doc["summary"]["resources"], doc["summary"]["files"]) == (2, 2)


@pytest.mark.parametrize(
    ("name", "text", "resources"),
    [
        ("template.yaml", CFN_YAML, 1),
        ("queue.yaml", CFN_NO_VERSION, 1),
        ("stack.json", CFN_JSON, 1),
        ("stack.template", CFN_JSON, 1),
    ],
)
def test_cloudformation_templates_are_read(
    cli: Cli,
    project,  # type: ignore[no-untyped-def]
    name: str,
    text: str,
    resources: int,
) -> None:
    project({name: text})
    code, out, _err = cli("scan", "p", "-f", "json")
    doc = json.loads(out)
    assert (code, doc["errors"], doc["summary"]["resources"]) == (1, [], resources)


def test_a_template_without_resources_is_an_input_error(cli: Cli, project) -> None:  # type: ignore[no-untyped-def]
    project({"sam.yml": SAM_YAML})
    assert cli("scan", "p") == (
        2,
        errors_text("p/sam.yml: the template has no Resources section"),
        "",
    )


def test_unread_files_are_in_every_report(cli: Cli, project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project({"main.tf": EU_BUCKET, "next/terragrunt.stack.hcl": ""})
    formats = ("json", "sarif", "github", "markdown", "junit", "text")
    args = [a for f in formats for a in ("-f", f"{f}={tmp_path / f}")]
    assert cli("scan", "p", *args) == (2, "", "")
    for name in formats:
        assert "p/next/terragrunt.stack.hcl" in (tmp_path / name).read_text("utf-8"), name
        assert "not read by this version of hdslint" in (tmp_path / name).read_text("utf-8"), name


def test_a_malformed_plan_is_an_input_error_naming_the_file(cli: Cli, project) -> None:  # type: ignore[no-untyped-def]
    # Cut short (no terraform_version yet): shaped like a plan, so it is read and refused.
    project({"plan.json": '{"format_version": "1.2", "planned_values": {"root_module": '})
    assert cli("scan", "p") == (2, errors_text("p/plan.json:1: invalid JSON: Expecting value"), "")


def test_a_plan_shaped_document_without_planned_values_is_an_input_error(cli: Cli, project) -> None:  # type: ignore[no-untyped-def]
    project({"plan.json": '{"format_version": "1.2", "resource_changes": []}'})
    assert cli("scan", "p") == (
        2,
        errors_text("p/plan.json: not a Terraform plan: no planned_values.root_module"),
        "",
    )


@pytest.mark.parametrize(
    ("name", "text", "kind"),
    [
        ("main.tf", "", "terraform"),
        ("main.tofu", "", "terraform"),
        ("x.tofu.json", "{}", "terraform"),
        ("terragrunt.hcl", "", "terragrunt"),
        ("terragrunt.hcl.json", "{}", "terragrunt"),
        ("terragrunt.stack.hcl", "", "terragrunt-stack"),
        ("root.hcl", "", None),
        ("template.yaml", CFN_YAML, "cloudformation"),
        ("deploy.yaml", "apiVersion: v1\nkind: ConfigMap\n", "kubernetes"),
        # A manifest that carries a template in its data stays a manifest.
        ("cm.yaml", "apiVersion: v1\nkind: ConfigMap\ndata:\n  t: |\n" + CFN_YAML, "kubernetes"),
        ("values.yaml", "replicas: 2\nResources: {}\n", "kubernetes"),
        ("notes.template", "hello", None),
        ("plan.json", '{"format_version": "1.2", "planned_values": {', "terraform-plan"),
        ("data.json", '{"format_version": "1.2"}', None),
    ],
)
def test_classify_file(tmp_path: Path, name: str, text: str, kind: str | None) -> None:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    assert classify_file(FileAccess(), path) == kind


def test_changed_files_that_hdslint_does_not_read_are_not_an_error(cli: Cli, project) -> None:  # type: ignore[no-untyped-def]
    # pre-commit passes what a commit touches: a commit without infrastructure has nothing
    # to scan, and that is no error.
    project({"README.md": "# x\n"})
    assert cli("scan", "--changed", "p/README.md") == (
        0,
        f"{DEFAULT_PROVENANCE}\n"
        "0 resources (0 with health data), 0 failed, 0 not evaluated, 0 errors\n" + FOOTER,
        "",
    )
