"""bench/accuracy.py: the per-repository accuracy table, its counting, and its corpus checkout."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT, write_tree


def _accuracy_module() -> ModuleType:
    name = "bench_accuracy"
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "accuracy.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


accuracy = _accuracy_module()

ALPHA = {
    "main.tf": """\
provider "aws" {
  region = "us-east-1"
}

resource "aws_s3_bucket" "records" {
  bucket = "records"
}

resource "aws_db_instance" "ehr" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
}
""",
}
BETA = {
    # Not valid HCL: an input error (exit 2), and the rest of the folder is still scanned.
    "broken.tf": 'resource "aws_s3_bucket" "scans" {\n  bucket = "scans"\n',
    "main.tf": """\
variable "region" {}

provider "aws" {
  region = var.region
}

resource "aws_dynamodb_table" "visits" {
  name     = "visits"
  hash_key = "id"
}
""",
}


def test_the_tables_of_a_two_repository_corpus(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path / "corpus" / "alpha", ALPHA)
    write_tree(tmp_path / "corpus" / "beta", BETA)
    figures = tmp_path / "accuracy.json"

    assert accuracy.main([str(tmp_path / "corpus"), "--json", str(figures)]) == 0

    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "| repository | exit | internal errors | input errors | files | resources"
        " | data stores | located | fail | not evaluated | repeated |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        "| alpha | 0 | 0 | 0 | 1 | 2 | 2 | 100% | 2 | 0 | 0 |",
        "| beta | 2 | 0 | 1 | 2 | 1 | 1 | 0% | 0 | 1 | 0 |",
        "| **total (2)** | 1 non-zero | 0 | 1 | 3 | 3 | 3 | 67% | 2 | 1 | 0 |",
        "",
        "Findings by policy: fail / not evaluated.",
        "",
        "| repository | HDS-LOC-001 | HDS-LOC-002 |",
        "| --- | ---: | ---: |",
        "| alpha | 2 / 0 | 0 / 0 |",
        "| beta | 0 / 0 | 0 / 1 |",
        "| **total** | 2 / 0 | 0 / 1 |",
    ]
    assert [line.split(" in ")[0] for line in err.splitlines()] == [
        "alpha: exit 0",
        "beta: exit 2",
    ]
    beta = json.loads(figures.read_text("utf-8"))["repositories"][1]
    assert {k: beta[k] for k in ("name", "exit_code", "input_errors", "findings")} == {
        "name": "beta",
        "exit_code": 2,
        "input_errors": 1,
        "findings": {"HDS-LOC-002": {"not_evaluated": 1}},
    }


def test_a_repository_still_running_at_the_timeout_is_an_internal_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path / "corpus" / "alpha", ALPHA)

    assert accuracy.main([str(tmp_path / "corpus"), "--timeout", "0.001"]) == 0

    out = capsys.readouterr().out.splitlines()
    assert out[2:] == [
        "| alpha | timeout | 1 | — | — | — | — | — | — | — | — |",
        "| **total (1)** | 1 non-zero | 1 | 0 | 0 | 0 | 0 | — | 0 | 0 | 0 |",
        "",
        "Findings by policy: fail / not evaluated.",
        "",
        "(no findings)",
        "",
        "Internal errors:",
        "",
        "- alpha: no result after 0 s",
    ]


def _finding(policy: str, resource: str, line: int, message: str) -> dict[str, object]:
    return {
        "policy_id": policy,
        "resource": {"id": resource},
        "location": {"file": "m/main.tf", "line": line},
        "message": message,
    }


def test_repeated_findings_are_the_copies_a_user_reads_twice() -> None:
    findings = [
        # One resource reported three times at one place: two repeats.
        _finding("HDS-LOC-002", "module.a.aws_s3_bucket.b", 3, "region unknown"),
        _finding("HDS-LOC-002", "module.a.aws_s3_bucket.b", 3, "region unknown"),
        _finding("HDS-LOC-002", "module.a.aws_s3_bucket.b", 3, "region unknown"),
        # Three instances, one file:line, one message: two repeats.
        _finding("HDS-EVAL-001", "module.x[0]", 9, "for_each is unknown"),
        _finding("HDS-EVAL-001", "module.x[1]", 9, "for_each is unknown"),
        _finding("HDS-EVAL-001", "module.x[2]", 9, "for_each is unknown"),
        # Not repeats: another policy, another line, another message, another root named.
        _finding("HDS-LOC-001", "module.m.aws_s3_bucket.b", 3, "us-east-1 (root module a)"),
        _finding("HDS-LOC-001", "module.m.aws_s3_bucket.b", 3, "us-east-1 (root module b)"),
        _finding("HDS-FLOW-001", "module.a.aws_s3_bucket.b", 3, "region unknown"),
        _finding("HDS-EVAL-001", "module.y", 10, "for_each is unknown"),
        _finding("HDS-EVAL-001", "module.z", 9, "count is unknown"),
    ]
    assert accuracy.repeated(findings) == 4
    assert accuracy.repeated(findings[6:]) == 0
    assert accuracy.repeated(findings[6:8] * 2) == 2


def test_an_internal_error_is_named_by_its_exception_and_innermost_hdslint_frame() -> None:
    stderr = (
        "Traceback (most recent call last):\n"
        '  File "/x/hdslint/cli.py", line 500, in main\n'
        "    return scan()\n"
        '  File "/x/hdslint/sources/terraform/parse.py", line 42, in body_of\n'
        "    merged[key] = value\n"
        '  File "/usr/lib/python3.11/collections.py", line 7, in __setitem__\n'
        "    raise TypeError(k)\n"
        "TypeError: logging\n"
        "hdslint: internal error: TypeError: logging. This is a bug; please report it at"
        " https://example.invalid (run with --debug for the traceback).\n"
    )
    assert accuracy.internal_error_of(stderr) == (
        "TypeError: logging (at hdslint/sources/terraform/parse.py:42 in body_of)"
    )
    assert accuracy.internal_error_of("hdslint: error: no such file\n") == ""


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_prepare_checks_out_the_manifest_commit_and_folders_with_only_what_hdslint_reads(
    tmp_path: Path,
) -> None:
    clone = tmp_path / "mirrors" / "acme+infra"
    write_tree(
        clone,
        {
            "envs/prod/main.tf": 'resource "aws_s3_bucket" "b" {}\n',
            "envs/prod/values.yaml": "a: 1\n",
            "envs/prod/README.md": "# docs\n",
            "envs/prod/tool.go": "package main\n",
            "modules/db/main.tf": "# module\n",
        },
    )
    (clone / "envs" / "prod" / "secrets.tf").symlink_to("/etc/hostname")
    _git(clone, "init", "-q")
    _git(clone, "add", "-A")
    _git(clone, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one")
    commit = _git(clone, "rev-parse", "HEAD")
    (clone / "envs" / "prod" / "later.tf").write_text("# not committed\n")
    manifest = tmp_path / "corpus.txt"
    manifest.write_text(f"# a comment\nacme/infra  {commit}  envs\n")
    corpus = tmp_path / "corpus"
    (corpus / "acme+infra" / "stale.tf").parent.mkdir(parents=True)
    (corpus / "acme+infra" / "stale.tf").write_text("# from an earlier checkout\n")

    accuracy.prepare(accuracy.read_manifest(manifest), tmp_path / "mirrors", corpus)

    files = sorted(p.relative_to(corpus).as_posix() for p in corpus.rglob("*") if p.is_file())
    assert files == ["acme+infra/envs/prod/main.tf", "acme+infra/envs/prod/values.yaml"]
    assert (corpus / "acme+infra/envs/prod/main.tf").read_text() == (
        'resource "aws_s3_bucket" "b" {}\n'
    )
