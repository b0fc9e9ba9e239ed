"""Names outside the scanned folders never reach a scan (issue #13): `fileset()` with `..`
lists nothing outside, and a module that `.terraform/modules/modules.json` places outside
is HDS-EVAL-001, never a silently empty module."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from hdslint.files import FileAccess, ReadLimits
from hdslint.sources.terraform.functions import FileReader, _fn_fileset
from tests.conftest import write_tree

CliRun = Callable[..., tuple[int, str, str]]


def test_fileset_never_lists_names_outside_the_roots(tmp_path: Path) -> None:
    write_tree(tmp_path / "outside", {"secret.txt": "x"})
    root = write_tree(tmp_path / "repo", {"main.tf": "", "data/a.yaml": "a: 1\n"})
    reader = FileReader(root.resolve(), FileAccess(limits=ReadLimits((root.resolve(),))))
    assert _fn_fileset(reader, str(root), "../outside/*") == []
    assert _fn_fileset(reader, str(root / "data"), "../../outside/*") == []
    assert _fn_fileset(reader, str(root / "data"), "../*") == ["../main.tf"]
    assert _fn_fileset(reader, str(root), "**/*.yaml") == ["data/a.yaml"]


def test_a_downloaded_module_outside_the_roots_is_not_evaluated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRun
) -> None:
    write_tree(
        tmp_path / "outside" / "m",
        {"main.tf": 'resource "aws_s3_bucket" "elsewhere" {}\n'},
    )
    root = write_tree(
        tmp_path / "repo",
        {
            "main.tf": 'provider "aws" { region = "eu-west-3" }\n'
            'module "m" {\n  source = "terraform-aws-modules/s3-bucket/aws"\n}\n',
            ".terraform/modules/modules.json": json.dumps(
                {"Modules": [{"Key": "m", "Source": "x", "Dir": "../outside/m"}]}
            ),
        },
    )
    (root / ".git").mkdir()
    monkeypatch.chdir(root)
    code, out, _ = cli("scan", ".", "--no-color")
    assert (code, out.splitlines()[:2]) == (
        1,
        [
            "main.tf:2  high, not evaluated HDS-EVAL-001  module.m",
            "    Part of the infrastructure could not be evaluated: could not be checked: contents"
            " is not known: module 'terraform-aws-modules/s3-bucket/aws': .terraform/modules/modules.json places it"
            " outside the scanned folders and the working folder, so it is not read",
        ],
    )
    assert "elsewhere" not in out
