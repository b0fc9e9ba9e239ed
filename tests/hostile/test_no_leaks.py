"""Secrets never leave through any output, and scanning files has no side effects: no
network, no process, nothing read outside the scanned folders."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hdslint.reporters import REPORTERS, get_reporter
from hdslint.scan import ScanOptions, run_scan
from tests.conftest import ROOT, write_tree

SECRETS = ["hunter2-db-password", "AKIAEXAMPLESECRETKEY", "s3cr3t-from-tfvars", "tf-var-secret-9"]

TERRAFORM = {
    "main.tf": """
variable "db_password" {
  type      = string
  sensitive = true
}
variable "api_token" {
  default = "tf-var-secret-9"
}
provider "aws" {
  region     = "us-east-1"
  access_key = "AKIAEXAMPLESECRETKEY"
}
resource "aws_db_instance" "db" {
  engine   = "postgres"
  username = "admin"
  password = var.db_password
}
resource "aws_secretsmanager_secret_version" "token" {
  secret_id     = "x"
  secret_string = var.api_token
}
resource "aws_db_instance" "inline" {
  engine              = "postgres"
  master_password     = "hunter2-db-password"
  replicate_source_db = aws_db_instance.db.arn
}
""",
    "terraform.tfvars": 'db_password = "s3cr3t-from-tfvars"\n',
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path / "tf", TERRAFORM)
    (tmp_path / "plan").mkdir()
    shutil.copy(ROOT / "tests/fixtures/plan/tfplan.json", tmp_path / "plan" / "tfplan.json")
    return tmp_path


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_no_secret_in_any_output_format(project: Path, fmt: str) -> None:
    result = run_scan(ScanOptions(paths=["tf", "plan"], env={}))
    assert result.findings, "the scan must have something to report"
    text = get_reporter(fmt).render(result, color=False)
    for secret in SECRETS:
        assert secret not in text, (fmt, secret)
    # ... nor in what the graph keeps for policies.
    for resource in result.graph:
        dumped = json.dumps(dict(resource.attributes), default=str)
        for secret in SECRETS:
            assert secret not in dumped, (resource.id, secret)


def test_no_secret_in_the_auditors_report(project: Path) -> None:
    from hdslint.report.build import build_report
    from hdslint.report.html import render as render_html
    from hdslint.report.markdown import render as render_markdown

    result = run_scan(ScanOptions(paths=["tf", "plan"], env={}))
    report = build_report(result)
    for text in (render_markdown(report), render_html(report)):
        for secret in SECRETS:
            assert secret not in text, secret


AUDIT = r"""
import sys
FORBIDDEN = ("socket.connect", "socket.bind", "socket.getaddrinfo", "subprocess.Popen",
             "os.system", "os.exec", "os.spawn", "os.posix_spawn", "os.fork", "os.forkpty",
             "urllib.Request", "http.client.connect", "ctypes.dlopen")
seen = []
def hook(event, args):
    if event.startswith(FORBIDDEN):
        seen.append(event)
        raise RuntimeError("forbidden side effect: " + event)
sys.addaudithook(hook)
from hdslint.cli import main
code = main(sys.argv[1:])
if seen:
    print("SIDE EFFECTS:", seen, file=sys.stderr)
    sys.exit(99)
sys.exit(code)
"""


def test_scanning_files_opens_no_socket_and_starts_no_process(project: Path) -> None:
    (project / "k8s").mkdir()
    (project / "k8s" / "pvc.yaml").write_text(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec: {}\n"
    )
    for fmt in sorted(REPORTERS):
        proc = subprocess.run(
            [sys.executable, "-c", AUDIT, "scan", "tf", "plan", "k8s", "--format", fmt],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode in (1, 2), (fmt, proc.returncode, proc.stderr)
        assert "SIDE EFFECTS" not in proc.stderr, (fmt, proc.stderr)
        assert "forbidden side effect" not in proc.stderr + proc.stdout, fmt
