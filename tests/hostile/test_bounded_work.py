"""Bounded work whatever the input: a pattern that backtracks, a count of a hundred million,
a string doubled forty times or a module calling itself twice at each level end within
seconds; past its budget, a root module is one input error (file:line) and the rest of the
scan is reported."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from hdslint.cli import main
from hdslint.files import FileAccess
from hdslint.sources.terraform import budget
from hdslint.sources.terraform.functions import FUNCTIONS
from tests.hostile.test_hostile_inputs import GOOD, GOOD_LINE, assert_clean_failure, scan_with

# 40 `a` then a `b`: Python's backtracking `re` needs about 2^40 steps for `(a+)+$`.
EVIL_TEXT = 'format("%sb", join("", [for i in range(40) : "a"]))'


def test_a_backtracking_pattern_in_replace_is_matched_in_linear_time(tmp_path: Path) -> None:
    proc = scan_with(
        tmp_path,
        "main.tf",
        f"""
locals {{
  text = {EVIL_TEXT}
}}
provider "aws" {{
  region = length(replace(local.text, "/(a+)+$/", "x")) == 41 ? "eu-west-3" : "us-east-1"
}}
resource "aws_s3_bucket" "bad" {{}}
""",
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[0] == GOOD_LINE
    assert "aws_s3_bucket.bad" not in proc.stdout


def test_a_backtracking_pattern_in_a_custom_policy_is_matched_in_linear_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "evil.yaml").write_text(
        "id: ACME-NAME-001\ntitle: Names\nseverity: high\nactivities: [1]\n"
        "references: [HDS-v2:EXI-28]\ndescription: d\nremediation: r\n"
        "select: {types: [aws_s3_bucket]}\n"
        "condition: {not: {key: attributes.bucket, op: regex, value: '^(a+)+$'}}\n"
    )
    (tmp_path / ".hdslint.yaml").write_text("policies: {paths: [policies], shipped: false}\n")
    (tmp_path / "main.tf").write_text(
        'provider "aws" { region = "eu-west-3" }\n'
        f'resource "aws_s3_bucket" "b" {{\n  bucket = "{"a" * 40}b"\n}}\n'
        f'resource "aws_s3_bucket" "c" {{\n  bucket = "{"a" * 40}"\n}}\n'
    )
    monkeypatch.chdir(tmp_path)
    code = main(["scan", ".", "-f", "json", "--allow-checks-off"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [(f["policy_id"], f["resource"]["id"]) for f in report["findings"]] == [
        ("ACME-NAME-001", "aws_s3_bucket.c")
    ]


# Globs a `.hdslint.yaml` may hold: against a name of thirty `a` (or a deep path), Python's
# `re` would take seconds for the first and forever for the second.
EVIL_GLOBS = ("*a" * 14 + "b", "**/" * 14 + "x")


def test_a_backtracking_glob_from_the_configuration_is_matched_in_linear_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    deep = tmp_path.joinpath(*["d"] * 30)
    deep.mkdir(parents=True)
    (deep / "main.tf").write_text(
        'provider "aws" { region = "us-east-1" }\nresource "aws_s3_bucket" "b" {}\n'
    )
    (tmp_path / f"{'a' * 30}.tf").write_text("")
    globs = ", ".join(f"'{g}'" for g in EVIL_GLOBS)
    (tmp_path / ".hdslint.yaml").write_text(
        f"exclude: [{globs}]\n"
        f"kubernetes: {{clusters: [{{paths: [{globs}], provider: aws, region: eu-west-3}}]}}\n"
        "suppressions:\n  waivers:\n"
        f"    - {{policies: [HDS-CERT-001], paths: [{globs}], reason: r}}\n"
    )
    monkeypatch.chdir(tmp_path)
    started = time.monotonic()
    code = main(["scan", ".", "--no-color", "-q", "--no-cache"])
    out = capsys.readouterr().out
    assert time.monotonic() - started < 30
    assert (code, out.splitlines()) == (
        1,
        [
            "warning  .hdslint.yaml: unused waiver: $.suppressions.waivers[0] (HDS-CERT-001)"
            " matched no finding (remove it)",
            f"{'d/' * 30}main.tf:2  critical HDS-LOC-001  aws_s3_bucket.b"
            "  Health data stored outside the EEA",
        ],
    )


def test_patterns_from_data_are_matched_by_re2_never_by_python_re() -> None:
    """Every pattern that does not come from hdslint's own code (the glob dialect, the
    geography's name rules, the endpoint patterns of the catalogue, policies' `regex`,
    Terraform's regex functions) goes through hdslint.saferegex: no module compiles a
    pattern from a variable with Python's `re`."""
    import re

    root = Path(__file__).resolve().parents[2] / "hdslint"
    call = re.compile(r"\bre\.(?:compile|match|search|fullmatch|sub|subn|split|findall|finditer)\(")
    literal = re.compile(r"\bre\.\w+\(\s*r?[bf]?[\"']")
    offenders = []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text()
        for number, line in enumerate(text.splitlines(), 1):
            if call.search(line) and not literal.search(line):
                start = line[call.search(line).start() :]  # type: ignore[union-attr]
                if not re.match(r"re\.\w+\(\s*$", start):  # the pattern on the next line
                    offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert offenders == []


@pytest.mark.parametrize(
    ("source", "error"),
    [
        (
            'resource "aws_s3_bucket" "b" {\n  count = 100000000\n}\n',
            "bad/main.tf:1: count: more than 100,000 resource and module instances"
            " in this root module (evaluation budget); the root module bad is not evaluated",
        ),
        (
            'resource "aws_s3_bucket" "b" {\n  bucket = format("%0999999999d", 1)\n}\n',
            "bad/main.tf:1: format(): a string of more than 8,000,000 characters (evaluation"
            " budget); the root module bad is not evaluated",
        ),
        (
            'locals {\n  s0 = "ab"\n'
            + "".join(f'  s{i} = "${{local.s{i - 1}}}${{local.s{i - 1}}}"\n' for i in range(1, 41))
            + '}\nresource "aws_s3_bucket" "b" {\n  bucket = local.s40\n}\n',
            "bad/main.tf:44: a string template: a string of more than 8,000,000 characters"
            " (evaluation budget); the root module bad is not evaluated",
        ),
        (
            'locals {\n  s0 = ["ab"]\n'
            + "".join(f"  s{i} = concat(local.s{i - 1}, local.s{i - 1})\n" for i in range(1, 41))
            + '}\nresource "aws_s3_bucket" "b" {\n  bucket = join("", local.s40)\n}\n',
            "bad/main.tf:44: concat(): a collection of more than 1,000,000 elements"
            " (evaluation budget); the root module bad is not evaluated",
        ),
    ],
    ids=["count", "format-width", "doubling-strings", "doubling-lists"],
)
def test_past_its_budget_a_root_is_one_input_error(tmp_path: Path, source: str, error: str) -> None:
    proc = scan_with(tmp_path, "main.tf", source)
    assert_clean_failure(proc, error)


def test_too_many_module_instances_is_one_input_error(tmp_path: Path) -> None:
    (tmp_path / "bad" / "m").mkdir(parents=True)
    (tmp_path / "bad" / "m" / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    proc = scan_with(tmp_path, "main.tf", 'module "a" {\n  source = "./m"\n  count  = 20000\n}\n')
    assert_clean_failure(
        proc,
        "bad/main.tf:1: module.a: more than 10,000 module instances in this root module"
        " (evaluation budget); the root module bad is not evaluated",
    )


def test_a_module_calling_itself_twice_is_refused_at_once(tmp_path: Path) -> None:
    """Two calls of the module itself would double at each level (2^32 instances): each call
    is refused as a cycle before it is expanded, and the rest of the root is evaluated."""
    proc = scan_with(
        tmp_path,
        "main.tf",
        'module "a" {\n  source = "./"\n}\nmodule "b" {\n  source = "./"\n}\n'
        'resource "aws_s3_bucket" "b" {}\n',
    )
    cycle = (
        " calls bad, which is already being evaluated above it (bad -> bad); a module cannot"
        " call itself, directly or through other modules (the call is not evaluated)"
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[:2] == [
        f'error  bad/main.tf:1: Module call cycle: module "a"{cycle}',
        f'error  bad/main.tf:4: Module call cycle: module "b"{cycle}',
    ]
    assert "aws_s3_bucket.b" in proc.stdout
    assert GOOD_LINE in proc.stdout


def test_range_is_measured_before_it_is_allocated(tmp_path: Path) -> None:
    started = time.monotonic()
    proc = scan_with(
        tmp_path,
        "main.tf",
        'provider "aws" { region = "eu-west-3" }\n'
        'resource "aws_s3_bucket" "b" {\n  bucket = "x${length(range(1e9))}"\n}\n',
    )
    assert time.monotonic() - started < 30
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert GOOD_LINE in proc.stdout
    assert "aws_s3_bucket.b" not in proc.stdout  # the region does not depend on the bucket name


NESTED_FOR = """\
locals {
  all = flatten([for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]])
}
resource "aws_s3_bucket" "b" {
  bucket = length(local.all)
}
"""


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        (budget.Limits(steps=200_000), "evaluation stopped after 200,000 steps"),
        (budget.Limits(seconds=0.2), "evaluation stopped after 0.2 s"),
    ],
    ids=["steps", "time"],
)
def test_nested_for_over_huge_ranges_stops_at_the_budget(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    limits: budget.Limits,
    message: str,
) -> None:
    # The default budget (4 million steps, 60 s) takes seconds to spend; a smaller one
    # shows the same stop quickly.
    monkeypatch.setattr(budget, "DEFAULT_LIMITS", limits)
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "main.tf").write_text(GOOD)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "main.tf").write_text(NESTED_FOR)
    monkeypatch.chdir(tmp_path)
    code = main(["scan", "good", "bad", "--no-color"])
    out = capsys.readouterr().out
    assert code == 2
    assert out.splitlines()[0] == (
        f"error  bad/main.tf:4: {message} (evaluation budget); the root module bad is not evaluated"
    )
    assert GOOD_LINE in out


def test_toset_and_distinct_are_linear() -> None:
    # 200,000 elements: quadratic de-duplication would compare 2 * 10^10 pairs.
    items = [f"k{i % 100_000}" for i in range(200_000)] + [1, True, "1", [1], [1], {"a": 1}]
    started = time.monotonic()
    unique = FUNCTIONS["toset"](items)
    assert time.monotonic() - started < 10
    assert len(unique) == 100_000 + 5  # 1, true and "1" stay apart, as in Terraform
    assert FUNCTIONS["distinct"](["b", "a", "b", 1, 1.0]) == ["b", "a", 1]
    assert FUNCTIONS["setsubtract"](items[:6], ["k1", "k3"]) == ["k0", "k2", "k4", "k5"]
    assert FUNCTIONS["setintersection"](["a", [1], 2], [[1], 2]) == [[1], 2]


def test_locating_resources_in_a_large_plan_is_linear(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each resource of a plan is located at its `"address"` line in one pass over the text:
    searched from the top for each one, 40,000 resources took minutes."""
    count = 40_000
    resources = [
        {
            "address": f"aws_s3_bucket.b[{i}]",
            "mode": "managed",
            "type": "aws_s3_bucket",
            "name": "b",
            "index": i,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "values": {"bucket": f"b{i}"},
            "sensitive_values": {},
        }
        for i in range(count)
    ]
    plan = {
        "format_version": "1.2",
        "terraform_version": "1.9.0",
        "planned_values": {"root_module": {"resources": resources}},
        "configuration": {
            "provider_config": {
                "aws": {"name": "aws", "expressions": {"region": {"constant_value": "us-east-1"}}}
            },
            "root_module": {
                "resources": [
                    {
                        "address": "aws_s3_bucket.b",
                        "mode": "managed",
                        "type": "aws_s3_bucket",
                        "name": "b",
                        "provider_config_key": "aws",
                        "expressions": {},
                    }
                ]
            },
        },
    }
    text = json.dumps(plan, indent=1)
    (tmp_path / "tfplan.json").write_text(text)
    lines = {
        line.strip(): number
        for number, line in enumerate(text.splitlines(), 1)
        if "address" in line
    }
    started = time.monotonic()
    code = main(["scan", str(tmp_path / "tfplan.json"), "-q", "--no-color"])
    out = capsys.readouterr().out.splitlines()
    assert time.monotonic() - started < 60
    assert (code, len(out)) == (1, count)
    for i in (0, count - 1):
        line = lines[f'"address": "aws_s3_bucket.b[{i}]",']
        assert out[i] == (
            f"{(tmp_path / 'tfplan.json').as_posix()}:{line}  critical HDS-LOC-001"
            f"  aws_s3_bucket.b[{i}]  Health data stored outside the EEA"
        )


def test_jobs_from_a_configuration_are_capped_at_the_cpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hdslint.sources.terraform import parsing

    monkeypatch.setattr(parsing, "available_cpus", lambda: 2)
    files = []
    for i in range(20):
        path = tmp_path / f"f{i}.tf"
        path.write_text(f'resource "aws_s3_bucket" "b{i}" {{}}\n')
        files.append(path)
    parser = parsing.FileParser(FileAccess(), parsing.ParseOptions(jobs=300, parallel_min_bytes=0))
    parser.preload(files)
    assert parser.stats.workers == 2


def test_a_report_is_replaced_whole_or_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from hdslint.commands.scan import write_report

    report = tmp_path / "report.sarif"
    report.write_text("previous report")

    def killed(*_args: object) -> None:
        raise KeyboardInterrupt  # stands for SIGTERM arriving between write and rename

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        write_report("new report", report)
    assert report.read_text() == "previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.sarif"]
    monkeypatch.undo()
    write_report("new report", report)
    assert report.read_text() == "new report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.sarif"]


def test_a_full_standard_output_is_a_clear_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "main.tf").write_text(GOOD)
    with open("/dev/full", "w") as full:  # noqa: PTH123 - a device, not a path to manage
        proc = subprocess.run(
            [sys.executable, "-m", "hdslint", "scan", ".", "--no-color"],
            cwd=tmp_path,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            timeout=60,
        )
    assert (proc.returncode, proc.stderr) == (
        2,
        "hdslint: error: cannot write the report to standard output: No space left on device\n",
    )


def test_ctrl_c_exits_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import hdslint.commands.scanning

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(hdslint.commands.scanning, "run_scan", interrupted)
    (tmp_path / "main.tf").write_text(GOOD)
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "."]) == 130
    assert capsys.readouterr().err.strip() == "hdslint: interrupted"


def test_a_parse_worker_that_dies_is_an_error_naming_its_files_not_a_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import os
    import signal
    import threading

    from hdslint.sources.terraform import parsing, pool

    real_parse = pool.parse_bytes

    def killed_on_marker(data: bytes, syntax: str = "hcl", *, fast: bool = False) -> object:
        if b"# KILL" in data and os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)  # what the OOM killer does to a worker
        return real_parse(data, syntax, fast=fast)

    parent = os.getpid()
    # Workers are forked: they inherit the patched function.
    monkeypatch.setattr(pool, "parse_bytes", killed_on_marker)
    monkeypatch.setattr(parsing, "available_cpus", lambda: 2)
    padding = "# padding\n" * 2_000  # 20 KB a file: enough bytes for the pool
    for i in range(8):
        (tmp_path / f"f{i}.tf").write_text(
            f'resource "aws_s3_bucket" "b{i}" {{}}\n# KILL\n{padding}'
        )
    # `.tf.json` files are parsed in this process: they are still scanned.
    (tmp_path / "main.tf.json").write_text(
        '{"provider": {"aws": {"region": "us-east-1"}},'
        ' "resource": {"aws_s3_bucket": {"good": {}}}}\n'
    )
    monkeypatch.chdir(tmp_path)
    outcome: list[int] = []
    scan = threading.Thread(
        target=lambda: outcome.append(main(["scan", ".", "--no-cache", "--jobs", "2", "-q"])),
        daemon=True,
    )
    scan.start()
    scan.join(120)
    assert not scan.is_alive(), "the scan hangs on a dead parse worker"
    out = capsys.readouterr().out
    assert outcome == [2]
    assert out.splitlines() == [
        *(
            f"error  f{i}.tf: not parsed: a parse worker process stopped (killed, or out of"
            " memory) before this file was parsed; it is not checked"
            for i in range(8)
        ),
        "main.tf.json:1  critical HDS-LOC-001  aws_s3_bucket.good  Health data stored outside the EEA",
    ]
