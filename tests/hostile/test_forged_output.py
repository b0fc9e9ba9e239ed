"""Output that cannot be forged: control characters in paths, names and messages are
escaped in the text report (no forged line, no GitHub workflow command) and in every
Markdown output (a backtick in a name cannot leave its code span or inject a link)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hdslint.cli import main
from hdslint.markup import cell, code
from hdslint.printable import not_a_workflow_command, printable

BAD_TF = 'provider "aws" { region = "us-east-1" }\nresource "aws_s3_bucket" "x" {}\n'
# A claim whose name closes a code span, then links and loads an image; whose namespace
# holds an escape sequence and a newline.
HOSTILE_PVC = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: "x`[click](https://evil.example)`![i](https://evil.example/p.png)"
  namespace: "ns\\u001b[31m\\nforged"
spec:
  storageClassName: gp3
  resources: {requests: {storage: 1Gi}}
"""
PVC_ID = (
    "PersistentVolumeClaim/ns\\x1b[31m\\nforged/"
    "x`[click](https://evil.example)`![i](https://evil.example/p.png)"
)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a\nb", "a\\nb"),
        ("a\r\n::error::x", "a\\r\\n::error::x"),
        ("\x1b[2J\x00\x7f\x85", "\\x1b[2J\\x00\\x7f\\x85"),
        ("abc\u202edcba\u2028", "abc\\u202edcba\\u2028"),
        ("C:\\infra\\main.tf été", "C:\\infra\\main.tf été"),  # not controls: unchanged
    ],
)
def test_printable_escapes_every_control_character(text: str, shown: str) -> None:
    assert printable(text) == shown


@pytest.mark.parametrize(
    ("line", "safe"),
    [
        ("::error::forged", "\\x3a:error::forged"),
        ("    ::add-mask::x", "    \\x3a:add-mask::x"),
        ("main.tf:2  critical ::x", "main.tf:2  critical ::x"),
    ],
)
def test_no_line_reads_as_a_workflow_command(line: str, safe: str) -> None:
    assert not_a_workflow_command(line) == safe


@pytest.mark.parametrize(
    ("text", "as_code", "as_cell"),
    [
        ("a`b", "``a`b``", "a\\`b"),
        ("`[x](https://e)`", "`` `[x](https://e)` ``", "\\`\\[x\\](https://e)\\`"),
        ("a|b<i>", "`a\\|b<i>`", "a\\|b&lt;i&gt;"),
        ("a\nb\x1b", "`a\\nb\\x1b`", "a b\\\\x1b"),
    ],
)
def test_markdown_code_and_cells_hold_their_text(text: str, as_code: str, as_cell: str) -> None:
    assert (code(text), cell(text)) == (as_code, as_cell)


@pytest.fixture
def hostile_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    command = tmp_path / "::error file=x::forged"
    command.mkdir()
    (command / "main.tf").write_text(BAD_TF)
    newline = tmp_path / "t\nerror  forged"
    newline.mkdir()
    (newline / "main.tf").write_text(BAD_TF)
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "pvc.yaml").write_text(HOSTILE_PVC)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_text_report_has_no_forged_line(
    hostile_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scan", ".", "--no-cache", "--no-color", "--compact"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "warning  k8s: the manifests here are not mapped to a cluster, so where their 1 data"
        " store is not known: say where they are deployed with kubernetes: {clusters: [{paths:"
        ' ["k8s/**"], provider: ..., region: ...}]} in .hdslint.yaml',
        "\\x3a:error file=x::forged/main.tf:2  critical HDS-LOC-001  aws_s3_bucket.x"
        "  Health data stored outside the EEA",
        "k8s/pvc.yaml:1  high, not evaluated HDS-LOC-002  "
        + PVC_ID
        + "  Location of a health-data store cannot be determined",
        "t\\nerror  forged/main.tf:2  critical HDS-LOC-001  aws_s3_bucket.x"
        "  Health data stored outside the EEA",
        "Configuration: none (defaults); policies evaluated: 11; policies disabled: none;"
        " paths excluded: none; health data: every data store (health_data.default: true)",
        "3 resources (3 with health data), 2 failed, 1 not evaluated, 0 errors, 1 warning",
        "HDS registry as of 2026-11-28; `hdslint policies ID` explains a policy",
    ]


NOT_LOCATED = (
    "the provider is not known: no .hdslint.yaml maps the manifests in k8s to their cluster"
    " (kubernetes.clusters: paths, provider, region), and its StorageClass 'gp3' (not among"
    " the scanned manifests) does not pin a region"
)


def test_the_job_summary_keeps_names_in_their_code_spans(
    hostile_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scan", ".", "--no-cache", "-f", "markdown"]) == 1
    rows = [line for line in capsys.readouterr().out.splitlines() if "| HDS-" in line]
    assert rows == [
        "| 🔴 critical | HDS-LOC-001 | `aws_s3_bucket.x` (aws us-east-1)"
        " | `::error file=x::forged/main.tf:2` | us-east-1 (United States) is outside the EEA |",
        "| 🔴 critical | HDS-LOC-001 | `aws_s3_bucket.x` (aws us-east-1)"
        " | `t\\nerror  forged/main.tf:2` | us-east-1 (United States) is outside the EEA |",
        f"| high | HDS-LOC-002 | ``{PVC_ID}`` (location unknown) | `k8s/pvc.yaml:1` |"
        f" {NOT_LOCATED} |",
    ]


def test_the_auditors_report_keeps_names_in_their_code_spans(
    hostile_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "."]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert [line for line in out.splitlines() if "evil.example" in line] == [
        f"| ``{PVC_ID}`` | unknown | provider unknown | unknown |"
        " presumed (health_data.default is true) | `k8s/pvc.yaml:1` |",
        f"| unknown | - | provider unknown | ``{PVC_ID}`` | 1 | ? | ? | ? |  |  |  |"
        " the provider is unknown | low |",
        "| high | [HDS-LOC-002](https://github.com/hdslint/hdslint/blob/main/docs/policies.md"
        "#hds-loc-002) Location of a health-data store cannot be determined |"
        f" ``{PVC_ID}`` | `k8s/pvc.yaml:1` | could not be checked: {NOT_LOCATED} | - |",
    ]


HOSTILE_TABLE = """\
apiVersion: dynamodb.services.k8s.aws/v1alpha1
kind: Table
metadata:
  name: "t\\n```\\n[click](https://evil.example)"
  namespace: ehr
  annotations:
    services.k8s.aws/region: eu-west-3
spec:
  tableName: t
  tableReplicas:
    - regionName: us-east-1
"""


def test_the_flow_diagram_keeps_names_in_their_nodes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "table.yaml").write_text(HOSTILE_TABLE)
    monkeypatch.chdir(tmp_path)
    main(["scan", ".", "--no-cache", "-f", "markdown"])
    out = capsys.readouterr().out
    diagram = out[out.index("```mermaid\n") :]
    assert diagram.splitlines()[:3] == [
        "```mermaid",
        "flowchart LR",
        "  n0[\"Table.dynamodb.services.k8s.aws/ehr/t\\n'''\\n(click)(https://evil.example)"
        ' (aws eu-west-3)"] -.->|replicates to ✗| n1["a destination in us-east-1 (aws us-east-1)"]',
    ]


def test_error_lines_on_standard_error_cannot_forge_a_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """What hdslint writes on standard error quotes file names and arguments: a name with a
    newline and `::error` stays on its line, and no line starts a workflow command."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad\n::error::forged.tf").write_text('resource "x" {')
    (tmp_path / "p\n::error::x.yaml").write_text("id: [")

    def stderr_of(*args: str) -> tuple[int, list[str]]:
        code = main(list(args))
        return code, capsys.readouterr().err.splitlines()

    assert stderr_of("baseline", ".", "-o", "b.json") == (
        2,
        [
            "hdslint: error: bad\\n::error::forged.tf:1: invalid HCL: unexpected end of file",
            "Wrote 0 findings to b.json",
        ],
    )
    assert stderr_of("validate-policies", "p\n::error::x.yaml") == (
        2,
        [
            "hdslint: error: p\\n::error::x.yaml:2: invalid YAML: while parsing a flow node,"
            " did not find expected node content"
        ],
    )
    assert stderr_of("scan", ".", "--config", "c\n::warning::x.yaml") == (
        2,
        ["hdslint: error: c\\n::warning::x.yaml: configuration file not found"],
    )
    # click's own usage errors quote the argument too.
    code, err = stderr_of("scan", "--no-such\n::error::forged")
    assert (code, err[-1]) == (2, "Error: No such option '--no-such\\n::error::forged'.")
    # An internal error's message is one line too.
    monkeypatch.setattr(
        "hdslint.commands.scan.run",
        lambda **_: (_ for _ in ()).throw(RuntimeError("boom\n::error::forged")),
    )
    assert stderr_of("scan", ".") == (
        3,
        [
            "hdslint: internal error: RuntimeError: boom\\n::error::forged. This is a bug;"
            " please report it at https://github.com/hdslint/hdslint/issues (run with --debug"
            " for the traceback)."
        ],
    )
