"""Several reports from one scan: `--format FORMAT=FILE`, and `--output` for the one format
given without a file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from hdslint.cli import FORMATS
from hdslint.commands.scan import ReportTarget, report_targets
from hdslint.errors import HdslintError
from hdslint.reporters import REPORTERS
from tests.conftest import write_tree

Cli = Callable[..., tuple[int, str, str]]

US = 'provider "aws" {\n  region = "us-east-1"\n}\nresource "aws_s3_bucket" "b" {}\n'


def test_the_cli_lists_every_reporter() -> None:
    assert list(REPORTERS) == FORMATS


@pytest.mark.parametrize(
    ("formats", "outputs", "env", "expected"),
    [
        ((), (), {}, [ReportTarget("text", None)]),
        ((), (), {"GITHUB_ACTIONS": "true"}, [ReportTarget("github", None)]),
        # an --output alone keeps its meaning: the text report to that file
        ((), ("r.txt",), {"GITHUB_ACTIONS": "true"}, [ReportTarget("text", Path("r.txt"))]),
        (("json",), ("r.json",), {}, [ReportTarget("json", Path("r.json"))]),
        (("json=r.json",), (), {}, [ReportTarget("json", Path("r.json"))]),
        (("json",), ("-",), {}, [ReportTarget("json", None)]),
        (
            ("text", "sarif=hdslint.sarif", "markdown=out/summary.md"),
            (),
            {},
            [
                ReportTarget("text", None),
                ReportTarget("sarif", Path("hdslint.sarif")),
                ReportTarget("markdown", Path("out/summary.md")),
            ],
        ),
        (
            ("github=-", "sarif=x=y.sarif"),
            (),
            {},
            [ReportTarget("github", None), ReportTarget("sarif", Path("x=y.sarif"))],
        ),
        (
            ("sarif=hdslint.sarif", "json"),
            ("report.json",),
            {},
            [
                ReportTarget("sarif", Path("hdslint.sarif")),
                ReportTarget("json", Path("report.json")),
            ],
        ),
    ],
)
def test_targets(
    formats: tuple[str, ...],
    outputs: tuple[str, ...],
    env: dict[str, str],
    expected: list[ReportTarget],
) -> None:
    assert report_targets(formats, outputs, env) == expected


@pytest.mark.parametrize(
    ("formats", "outputs", "message"),
    [
        (
            ("sarif", "json"),
            (),
            "formats sarif, json would all go to standard output: give all but one a file"
            " (-f FORMAT=FILE)",
        ),
        (
            # the old habit of pairing -f and -o is refused, not guessed
            ("sarif", "markdown"),
            ("a.sarif", "b.md"),
            "--output is given 2 times: name each report's file in its --format"
            " (-f sarif=hdslint.sarif -f markdown=summary.md)",
        ),
        (
            ("text", "sarif"),
            ("x.sarif",),
            "--output FILE is the file of the one --format given without =FILE; there are 2:"
            " write -f FORMAT=FILE for each report",
        ),
        (
            ("sarif=x.sarif",),
            ("y",),
            "--output FILE is the file of the one --format given without =FILE; there are 0:"
            " write -f FORMAT=FILE for each report",
        ),
        (
            ("html",),
            (),
            "--format html: unknown format 'html' (choose from text, json, sarif, github,"
            " markdown, junit, gitlab-sast, gitlab-codequality)",
        ),
        (("sarif=",), (), "--format sarif=: the file is missing after '='"),
    ],
)
def test_target_errors(formats: tuple[str, ...], outputs: tuple[str, ...], message: str) -> None:
    with pytest.raises(HdslintError) as info:
        report_targets(formats, outputs, {})
    assert str(info.value) == message


def test_one_run_writes_text_sarif_summary_and_junit(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path / "p", {"main.tf": US})
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(
        "scan", "p", "-f", "text", "-f", "sarif=out/hdslint.sarif",
        "--format", "markdown=out/summary.md", "--format=junit=out/junit.xml",
    )  # fmt: skip
    assert (code, err) == (1, "")
    assert out.splitlines()[0] == "p/main.tf:4  critical HDS-LOC-001  aws_s3_bucket.b"
    sarif = json.loads((tmp_path / "out" / "hdslint.sarif").read_text())
    assert sarif["runs"][0]["results"][0]["ruleId"] == "HDS-LOC-001"
    summary = (tmp_path / "out" / "summary.md").read_text()
    assert summary.startswith("## hdslint: HDS compliance\n")
    assert "`aws_s3_bucket.b` (aws us-east-1)" in summary
    assert (tmp_path / "out" / "junit.xml").read_text().startswith("<?xml")


def test_github_format_is_automatic_in_actions(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path / "p", {"main.tf": US})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = cli("scan", "p")
    assert code == 1
    assert out.startswith("::error file=p/main.tf,line=4,title=HDS-LOC-001 ")
    # An explicit format wins.
    assert cli("scan", "p", "-f", "text")[1].startswith("p/main.tf:4  critical")


def test_usage_errors_come_before_the_scan(cli: Cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("scan", "does-not-exist", "-f", "json", "-f", "sarif")
    assert (code, out) == (2, "")
    assert err == (
        "hdslint: error: formats json, sarif would all go to standard output: give all but one"
        " a file (-f FORMAT=FILE)\n"
    )
    code, out, err = cli("scan", "does-not-exist", "-f", "html=report.html")
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == (
        "Error: Invalid value for '-f' / '--format': 'html' is not one of 'text', 'json',"
        " 'sarif', 'github', 'markdown', 'junit', 'gitlab-sast', 'gitlab-codequality'"
        " (FORMAT[=FILE])"
    )
