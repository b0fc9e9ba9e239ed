"""Hostile input: broken, huge, nested, binary, looping. hdslint ends within seconds with a
one-line error naming the file, no traceback, and the good files' findings still reported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

GOOD = 'provider "aws" { region = "us-east-1" }\nresource "aws_s3_bucket" "good" {}\n'
GOOD_LINE = "good/main.tf:2  critical HDS-LOC-001  aws_s3_bucket.good"


def run(cwd: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_VAR_", "AWS_"))}
    env["HOME"] = str(cwd)
    return subprocess.run(
        [sys.executable, "-m", "hdslint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def scan_with(tmp_path: Path, name: str, content: bytes | str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "good").mkdir(exist_ok=True)
    (tmp_path / "good" / "main.tf").write_text(GOOD)
    target = tmp_path / "bad" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    return run(tmp_path, "scan", "good", "bad", "--no-color")


def assert_clean_failure(proc: subprocess.CompletedProcess[str], error: str) -> None:
    out = proc.stdout
    assert proc.returncode == 2, (proc.returncode, out, proc.stderr)
    assert "Traceback" not in out + proc.stderr
    assert out.splitlines()[0] == f"error  {error}"
    assert GOOD_LINE in out


NESTED = 2000


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        (
            "main.tf",
            'resource "a" "b" {\n  x = \n}\n',
            "bad/main.tf:2: invalid HCL: unexpected '}'",
        ),
        ("main.tf", b"\x00\x01\x02\xff\xfe binary", "bad/main.tf: not valid UTF-8 (byte 3)"),
        (
            "main.tf",
            'region = "caf\xe9"\n'.encode("latin-1"),
            "bad/main.tf: not valid UTF-8 (byte 13)",
        ),
        (
            "main.tf",
            "x = " + "(" * NESTED + "1" + ")" * NESTED + "\n",
            "bad/main.tf: invalid HCL: nesting too deep",
        ),
        (
            "main.tf",
            "x = " + "[" * NESTED + "]" * NESTED + "\n",
            "bad/main.tf: invalid HCL: nesting too deep",
        ),
        (
            "main.tf.json",
            "[" * 100_000 + "]" * 100_000,
            "bad/main.tf.json: invalid Terraform JSON: nesting too deep",
        ),
        ("main.tf.json", '{"resource": 42}', None),
        (
            # A Cloud Asset Inventory export (newline-delimited) with a line nested past
            # what the JSON decoder follows.
            "assets.json",
            '{"name": "//storage.googleapis.com/projects/_/buckets/b", "assetType":'
            ' "storage.googleapis.com/Bucket", "resource": {"location": "US"}}\n'
            + "[" * 100_000
            + "]" * 100_000
            + "\n",
            "bad/assets.json:2: JSON nested too deeply",
        ),
        (
            "inventory.json",
            '{"hdslint_inventory": ' + "[" * 100_000 + "]" * 100_000 + "}",
            "bad/inventory.json: JSON nested too deeply",
        ),
        (
            "tfplan.json",
            '{"terraform_version": "1.9", "format_version": "1.2", "planned_values":'
            ' {"root_module": {"resources": [{"address": 3, "type": [], "values": "x"}]}}}',
            None,
        ),
    ],
)
def test_broken_files_are_one_line_errors(
    tmp_path: Path, name: str, content: bytes | str, error: str | None
) -> None:
    proc = scan_with(tmp_path, name, content)
    if error is None:  # wrong shapes: read what can be read, never crash
        assert proc.returncode in (1, 2), proc.stderr
        assert "Traceback" not in proc.stdout + proc.stderr
        assert GOOD_LINE in proc.stdout
        return
    assert_clean_failure(proc, error)


def test_empty_files_are_fine(tmp_path: Path) -> None:
    for name in ("empty.tf", "empty.tf.json", "terraform.tfvars"):
        (tmp_path / "good").mkdir(exist_ok=True)
        (tmp_path / "good" / name).write_text("" if not name.endswith("json") else "{}")
    proc = scan_with(tmp_path, "other.tf", "")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert GOOD_LINE in proc.stdout


def test_a_huge_file_is_refused_quickly(tmp_path: Path) -> None:
    block = 'resource "aws_s3_bucket" "b%d" {\n  bucket = "x"\n}\n'
    text = "".join(block % i for i in range(240_000))  # ~10 MB
    assert len(text) > 10_000_000
    proc = scan_with(tmp_path, "huge.tf", text)
    assert_clean_failure(
        proc,
        f"bad/huge.tf: too large to read ({len(text) / 1e6:.1f} MB; the limit is 4.0 MB,"
        " see max_file_mb in .hdslint.yaml)",
    )


def test_symlink_loops_and_links_outside_are_not_followed(tmp_path: Path) -> None:
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "main.tf").write_text(GOOD)
    (tmp_path / "good" / "loop").symlink_to(tmp_path / "good", target_is_directory=True)
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / "secret.tf").write_text('resource "aws_s3_bucket" "outside" {}\n')
    (tmp_path / "good" / "linked.tf").symlink_to(outside / "secret.tf")
    (tmp_path / "good" / "dangling.tf").symlink_to(tmp_path / "good" / "gone.tf")
    proc = run(tmp_path, "scan", "good", "--no-color")
    # Not read, and said: an input hdslint could not check is an error (exit 2).
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "aws_s3_bucket.outside" not in proc.stdout
    assert GOOD_LINE in proc.stdout
    errors = [line for line in proc.stdout.splitlines() if line.startswith("error")]
    assert errors == [
        "error  good/dangling.tf: a symlink leading to no file: not read",
        "error  good/linked.tf: a symlink leading outside the scanned folders: not read",
    ]


def test_a_fifo_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "main.tf").write_text(GOOD)
    os.mkfifo(tmp_path / "good" / "pipe.tf")
    proc = run(tmp_path, "scan", "good", "--no-color", timeout=20)
    assert proc.returncode == 1
    assert GOOD_LINE in proc.stdout


def test_a_local_module_outside_the_scanned_folders_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-mod"
    outside.mkdir()
    (outside / "main.tf").write_text('resource "aws_s3_bucket" "far" {}\n')
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "main.tf").write_text(
        GOOD + f'module "far" {{\n  source = "../../{outside.name}"\n}}\n'
    )
    proc = run(tmp_path, "scan", "good", "--no-color", "-f", "json")
    assert "aws_s3_bucket.far" not in proc.stdout
    assert "is outside the scanned folders" in proc.stdout


YAML_BOMB = """\
a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            YAML_BOMB,
            "hdslint: error: .hdslint.yaml: the YAML expands to more than 100000 values"
            ' through aliases (a "billion laughs" document?)',
        ),
        (
            "health_data: !!python/object/apply:os.system ['true']\n",
            "hdslint: error: .hdslint.yaml:1: invalid YAML: could not determine a constructor for"
            " the tag 'tag:yaml.org,2002:python/object/apply:os.system'",
        ),
        (
            "a: " + "[" * 5000,
            "hdslint: error: .hdslint.yaml:1: invalid YAML: while increasing"
            " flow level, exceeded maximum nesting depth",
        ),
    ],
)
def test_hostile_configuration(tmp_path: Path, config: str, message: str) -> None:
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "main.tf").write_text(GOOD)
    (tmp_path / ".hdslint.yaml").write_text(config)
    proc = run(tmp_path, "scan", "good", timeout=30)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr.strip() == message


def test_internal_error_with_debug_shows_the_traceback(tmp_path: Path) -> None:
    # A bug (not an input problem) exits 3 asking for a report; --debug shows where.
    script = (
        "import sys; import hdslint.scan as s\n"
        "def boom(*a, **k): raise KeyError('bug')\n"
        "s.classify = boom\n"
        "from hdslint.cli import main; sys.exit(main(sys.argv[1:]))\n"
    )
    (tmp_path / "main.tf").write_text(GOOD)
    proc = subprocess.run(
        [sys.executable, "-c", script, "scan", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 3
    assert proc.stderr.startswith("hdslint: internal error: KeyError: 'bug'. This is a bug;")
    assert "Traceback" not in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-c", script, "--debug", "scan", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 3 and "Traceback (most recent call last)" in proc.stderr


def test_a_config_value_nested_too_deeply_is_not_evaluated(tmp_path: Path) -> None:
    # AWS Config writes supplementary values as JSON text: one nested past what the decoder
    # follows is a value that cannot be read (not evaluated), and a result string nested so
    # is not a configuration item (an error naming the file): never a crash.
    deep = "[" * 100_000 + "]" * 100_000
    item = {
        "resourceType": "AWS::S3::Bucket",
        "resourceId": "ehr",
        "ARN": "arn:aws:s3:::ehr",
        "awsRegion": "eu-west-3",
        "configuration": {},
        "supplementaryConfiguration": {"BucketReplicationConfiguration": deep},
    }
    proc = scan_with(
        tmp_path, "config.json", json.dumps({"QueryInfo": {}, "Results": [json.dumps(item), deep]})
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == (
        "error  bad/config.json: item 1 is not an AWS Config configuration item"
        " (a resourceType and a resourceId)"
    )
    assert "bad/config.json  critical, not evaluated HDS-FLOW-001  arn:aws:s3:::ehr" in lines
    assert GOOD_LINE in proc.stdout
