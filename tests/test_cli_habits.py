"""The flags and environment variables users bring from Checkov and Trivy (issue 18): one
test per flag, asserting exact output and exit codes."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from hdslint import __version__
from hdslint.reporters.colors import use_color
from tests.conftest import DEFAULT_PROVENANCE, ROOT, write_tree

Cli = Callable[..., tuple[int, str, str]]

MAIN_TF = """
provider "aws" {
  region = "eu-west-3"
}

provider "aws" {
  alias  = "us"
  region = "us-east-1"
}

provider "aws" {
  alias  = "unset"
  region = var.region
}

variable "region" {}

resource "aws_s3_bucket" "records" {}

resource "aws_s3_bucket" "exports" {
  provider = aws.us
}

resource "aws_s3_bucket" "unknown" {
  provider = aws.unset
}
"""
SUMMARY = "3 resources (3 with health data), 1 failed, 1 not evaluated, 0 errors"
EXPORTS = "p/main.tf:19  critical HDS-LOC-001  aws_s3_bucket.exports"
UNKNOWN = "p/main.tf:23  high, not evaluated HDS-LOC-002  aws_s3_bucket.unknown"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_tree(tmp_path / "p", {"main.tf": MAIN_TF})


def heads(out: str) -> list[str]:
    """The finding lines of a full text report (those naming a file)."""
    return [line for line in out.splitlines() if line.startswith("p/")]


def test_not_evaluated_findings_show_the_severity_they_count_at(project: Path, cli: Cli) -> None:
    code, out, _ = cli("scan", "p")
    assert code == 1
    assert heads(out) == [EXPORTS, UNKNOWN]
    # The not-evaluated finding alone, at high, fails a scan that fails on high.
    assert cli("scan", "p", "--check", "HDS-LOC-002", "--fail-on", "high")[0] == 1


def test_check_keeps_only_the_named_policies(project: Path, cli: Cli) -> None:
    code, out, _ = cli("scan", "p", "--check", "HDS-LOC-001", "-q")
    assert (code, out) == (1, f"{EXPORTS}  Health data stored outside the EEA\n")
    code, out, _ = cli("scan", "p", "--check", "HDS-LOC-001,HDS-LOC-002", "-q")
    assert len(out.splitlines()) == 2


def test_check_with_an_unknown_id_is_a_usage_error(project: Path, cli: Cli) -> None:
    assert cli("scan", "p", "--check", "HDS-LOC-001,HDS-NOPE-9") == (
        2,
        "",
        "hdslint: error: --check HDS-NOPE-9: no such policy (`hdslint policies` lists them)\n",
    )


def test_skip_check(project: Path, cli: Cli) -> None:
    code, out, _ = cli("scan", "p", "--skip-check", "HDS-LOC-002", "--skip-check", "HDS-FLOW-001")
    assert code == 1
    assert heads(out) == [EXPORTS]
    code, out, _ = cli("scan", "p", "--skip-check", "HDS-LOC-001,HDS-LOC-002")
    assert (code, heads(out)) == (0, [])


def test_skip_path_is_a_glob_from_the_current_folder(project: Path, cli: Cli) -> None:
    write_tree(project / "modules" / "eu", {"main.tf": 'resource "aws_s3_bucket" "x" {}\n'})
    code, out, _ = cli("scan", "p", "--skip-path", "p/modules/*", "--skip-path", "other")
    assert code == 1
    assert heads(out) == [EXPORTS, UNKNOWN]
    code, out, _ = cli("scan", "p", "--skip-path", "p/main.tf", "--skip-path", "p/modules")
    assert "0 resources" in out.splitlines()[-2]


def test_external_policies(project: Path, cli: Cli, tmp_path: Path) -> None:
    custom = tmp_path / "acme"
    custom.mkdir()
    text = (ROOT / "policies" / "HDS-LOC-001.yaml").read_text("utf-8")
    (custom / "ACME-LOC-001.yaml").write_text(text.replace("id: HDS-LOC-001", "id: ACME-LOC-001"))
    code, out, _ = cli("scan", "p", "--external-policies", "acme", "--check", "ACME-LOC-001", "-q")
    assert (code, out) == (
        1,
        "p/main.tf:19  critical ACME-LOC-001  aws_s3_bucket.exports"
        "  Health data stored outside the EEA\n",
    )


def test_severity_filters_the_display_not_the_exit_code(project: Path, cli: Cli) -> None:
    code, out, err = cli("scan", "p", "--severity", "HIGH", "--fail-on", "critical")
    assert code == 1  # the critical finding, though not shown, still fails the scan
    assert heads(out) == [UNKNOWN]
    assert err == "hdslint: 1 finding of other severities not shown (--severity high)\n"
    code, out, err = cli("scan", "p", "--severity", "critical,high", "--fail-on", "critical")
    assert (code, heads(out), err) == (1, [EXPORTS, UNKNOWN], "")


def test_severity_filters_written_reports_too(project: Path, cli: Cli) -> None:
    import json

    code, _, _ = cli("scan", "p", "--severity", "critical", "-f", "json=r.json")
    document = json.loads(Path("r.json").read_text())
    assert (code, [f["policy_id"] for f in document["findings"]]) == (1, ["HDS-LOC-001"])


def test_severity_rejects_unknown_levels(project: Path, cli: Cli) -> None:
    code, out, err = cli("scan", "p", "--severity", "high,urgent")
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == (
        "Error: Invalid value for '--severity': 'urgent' is not one of 'critical', 'high',"
        " 'medium', 'low', 'info'"
    )


def test_quiet_is_one_line_per_finding_and_nothing_else(project: Path, cli: Cli) -> None:
    assert cli("scan", "p", "--quiet") == (
        1,
        f"{EXPORTS}  Health data stored outside the EEA\n"
        f"{UNKNOWN}  Location of a health-data store cannot be determined\n",
        "",
    )
    assert cli("scan", "p", "-q", "--check", "HDS-FLOW-001") == (0, "", "")


def test_compact_is_one_line_per_finding_then_the_counts(project: Path, cli: Cli) -> None:
    code, out, _ = cli("scan", "p", "--compact")
    assert (code, out.splitlines()[:4]) == (
        1,
        [
            f"{EXPORTS}  Health data stored outside the EEA",
            f"{UNKNOWN}  Location of a health-data store cannot be determined",
            DEFAULT_PROVENANCE,
            SUMMARY,
        ],
    )


def test_levels_and_formats_in_any_case(project: Path, cli: Cli) -> None:
    assert cli("scan", "p", "--fail-on", "CRITICAL", "-q")[0] == 1
    assert cli("scan", "p", "--fail-on", "None", "-q")[0] == 0
    code, out, _ = cli("scan", "p", "-f", "JSON")
    assert (code, out.startswith("{")) == (1, True)
    code, _, _ = cli("scan", "p", "-f", "SARIF=out.sarif")
    assert (code, Path("out.sarif").exists()) == (1, True)
    code, _, _ = cli("report", "p", "-f", "HTML", "-o", "r.html")
    assert (code, Path("r.html").read_text().startswith("<!DOCTYPE html>")) == (0, True)


def test_output_named_like_a_format_warns(project: Path, cli: Cli) -> None:
    code, out, err = cli("scan", "p", "-o", "sarif")
    assert (code, out) == (1, "")
    assert err == (
        "hdslint: warning: --output sarif writes the report to a file named 'sarif'; for the"
        " sarif format write -f sarif (or -f sarif=FILE)\n"
    )
    assert Path("sarif").read_text().splitlines()[-2] == SUMMARY
    # A file that exists was meant.
    assert cli("scan", "p", "-o", "sarif")[2] == ""


def test_version_flags(cli: Cli) -> None:
    for flag in ("-v", "-V", "--version"):
        assert cli(flag) == (0, f"hdslint, version {__version__}\n", "")


def test_debug_after_the_subcommand(
    project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hdslint import cli as cli_module

    def broken(**_: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr("hdslint.commands.scan.run", broken)
    monkeypatch.setattr(cli_module._State, "debug", False)
    code, _, err = cli("scan", "p")
    assert (code, "Traceback" in err) == (3, False)
    code, _, err = cli("scan", "--debug", "p")
    assert code == 3
    assert err.startswith("Traceback (most recent call last):")
    assert err.splitlines()[-1].startswith("hdslint: internal error: RuntimeError: boom.")
    for command in (["policies", "--debug"], ["cache", "info", "--debug"]):
        assert cli(*command)[0] == 0


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("flag", "stream", "env", "expected"),
    [
        (None, _Terminal(), {}, True),
        (None, _Terminal(), {"NO_COLOR": "1"}, False),
        (None, _Terminal(), {"NO_COLOR": ""}, True),  # no-color.org: empty means unset
        (None, _Terminal(), {"TERM": "dumb"}, False),
        (None, _Terminal(), {"TERM": "xterm-256color"}, True),
        (None, io.StringIO(), {}, False),  # not a terminal
        (None, None, {}, False),  # a file
        (True, io.StringIO(), {"NO_COLOR": "1"}, True),  # the flag wins (no-color.org)
        (False, _Terminal(), {}, False),
    ],
)
def test_one_colour_rule(
    flag: bool | None, stream: io.StringIO | None, env: dict[str, str], expected: bool
) -> None:
    assert use_color(flag, stream, env) is expected


def test_no_color_and_term_dumb_reach_the_text_report(
    project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    assert "\033[" in cli("scan", "p", "--no-cache")[1]
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" not in cli("scan", "p", "--no-cache")[1]
    assert "\033[" in cli("scan", "p", "--no-cache", "--color")[1]
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert "\033[" not in cli("scan", "p", "--no-cache")[1]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(cli: Cli, shell: str) -> None:
    code, out, err = cli("completion", shell)
    assert (code, err) == (0, "")
    assert "_HDSLINT_COMPLETE" in out
    assert f"{shell}_complete" in out


def test_completion_completes(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "_HDSLINT_COMPLETE": "bash_complete",
        "COMP_WORDS": "hdslint scan --skip-c",
        "COMP_CWORD": "2",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "hdslint"], env=env, capture_output=True, text=True, check=False
    )
    assert (proc.returncode, proc.stdout) == (0, "plain,--skip-check\n")
    env["COMP_WORDS"], env["COMP_CWORD"] = "hdslint compl", "1"
    proc = subprocess.run(
        [sys.executable, "-m", "hdslint"], env=env, capture_output=True, text=True, check=False
    )
    assert proc.stdout == "plain,completion\n"


def test_status_line_waits_then_erases_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    from hdslint.progress import StatusLine

    stream = io.StringIO()
    line = StatusLine(stream, delay=3600)
    line.show("never shown", force=True)
    line.close()
    assert stream.getvalue() == ""
    line = StatusLine(stream, delay=0)
    line.show("hdslint: 1/2", force=True)
    line.show("hdslint: 2/2 done", force=True)
    line.close()
    assert stream.getvalue() == "\rhdslint: 1/2\rhdslint: 2/2 done\r                 \r"


@pytest.mark.parametrize(
    ("args", "terminal", "shown"),
    [
        ((), True, True),
        (("--no-progress",), True, False),
        (("--quiet",), True, False),
        ((), False, False),  # CI logs and redirected stderr get no status line
    ],
)
def test_scan_progress_on_a_terminal_only(
    project: Path,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    terminal: bool,
    shown: bool,
) -> None:
    monkeypatch.setattr("hdslint.progress.DELAY", 0.0)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: terminal, raising=False)
    _, _, err = cli("scan", "p", "--no-cache", *args)
    expected = "\rhdslint: 1/1 Terraform files parsed (0 s)\r" + " " * 41 + "\r"
    assert err == (expected if shown else "")


def test_registry_and_policies_show_whatever_the_case(cli: Cli) -> None:
    code, out, err = cli("registry", "show", "ovh")
    assert (code, out.splitlines()[0], err) == (0, "OVHcloud (ovh)", "")
    for spelling in (("show", "OVH"), ("SHOW", "Ovh"), ("OVH",)):
        assert cli("registry", *spelling) == (0, out, "")
    code, out, _ = cli("policies", "show", "hds-loc-001")
    assert (code, cli("policies", "Show", "HDS-LOC-001")) == (0, (0, out, ""))
    assert cli("registry", "show", "OVHX")[2] == (
        "hdslint: error: no provider 'OVHX' in the registry (run `hdslint registry` for the list)\n"
    )


@pytest.mark.parametrize(
    ("args", "quiet"), [((), False), (("--no-progress",), True), (("-q",), True)]
)
def test_aws_no_progress(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], quiet: bool
) -> None:
    seen = []
    monkeypatch.setattr("hdslint.commands.aws.run", lambda options: seen.append(options) or 0)
    assert cli("aws", *args)[0] == 0
    assert [o.quiet for o in seen] == [quiet]
