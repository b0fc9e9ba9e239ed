"""Several reports from one scan: --format and --output pair by position."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from hdslint.commands.scan import ReportTarget, report_targets
from hdslint.errors import HdslintError
from tests.conftest import write_tree

Cli = Callable[..., tuple[int, str, str]]

US = 'provider "aws" {\n  region = "us-east-1"\n}\nresource "aws_s3_bucket" "b" {}\n'


@pytest.mark.parametrize(
    ("formats", "outputs", "env", "expected"),
    [
        ((), (), {}, [ReportTarget("text", None)]),
        ((), (), {"GITHUB_ACTIONS": "true"}, [ReportTarget("github", None)]),
        # an --output alone keeps today's meaning: the text report to that file
        ((), ("r.txt",), {"GITHUB_ACTIONS": "true"}, [ReportTarget("text", Path("r.txt"))]),
        (("json",), ("r.json",), {}, [ReportTarget("json", Path("r.json"))]),
        (
            ("sarif", "markdown", "text"),
            ("hdslint.sarif", "summary.md"),
            {},
            [
                ReportTarget("sarif", Path("hdslint.sarif")),
                ReportTarget("markdown", Path("summary.md")),
                ReportTarget("text", None),
            ],
        ),
        (
            ("text", "sarif"),
            ("-", "x.sarif"),
            {},
            [ReportTarget("text", None), ReportTarget("sarif", Path("x.sarif"))],
        ),
    ],
)
def test_pairing(
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
            "formats sarif, json would all go to standard output: give all but one an --output"
            " FILE (outputs pair with formats by position)",
        ),
        (
            ("sarif",),
            ("a", "b"),
            "2 --output for 1 --format: each --output belongs to the --format in the same"
            " position (e.g. -f sarif -o hdslint.sarif -f text)",
        ),
    ],
)
def test_pairing_errors(formats: tuple[str, ...], outputs: tuple[str, ...], message: str) -> None:
    with pytest.raises(HdslintError) as info:
        report_targets(formats, outputs, {})
    assert str(info.value) == message


def test_one_run_writes_text_sarif_and_summary(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path / "p", {"main.tf": US})
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(
        "scan", "p", "-f", "sarif", "-o", "out/hdslint.sarif", "--format", "markdown",
        "--output", "out/summary.md", "-f", "junit", "-o", "out/junit.xml", "-f", "text",
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
        " an --output FILE (outputs pair with formats by position)\n"
    )


def test_unknown_format(cli: Cli) -> None:
    code, _, err = cli("scan", "-f", "html")
    assert code == 2
    assert "'html' is not one of 'text', 'json', 'sarif', 'github', 'markdown', 'junit'" in err
