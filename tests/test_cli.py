"""The command line as users run it: exit codes, one-line errors, output formats."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from hdslint import __version__
from hdslint.schemas import load_schema
from tests.conftest import write_tree

Cli = Callable[..., tuple[int, str, str]]

EU = 'provider "aws" { region = "eu-west-3" }\nresource "aws_s3_bucket" "b" {}\n'
US = 'provider "aws" { region = "us-east-1" }\nresource "aws_s3_bucket" "b" {}\n'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[dict[str, str]], Path]:
    monkeypatch.chdir(tmp_path)

    def make(files: dict[str, str]) -> Path:
        return write_tree(tmp_path / "p", files)

    return make


def test_version(cli: Cli) -> None:
    assert cli("--version") == (0, f"hdslint, version {__version__}\n", "")


def test_version_loads_no_parser_schema_validator_or_aws_sdk() -> None:
    code = (
        "import sys\n"
        "from hdslint.cli import main\n"
        "assert main(['--version']) == 0\n"
        "heavy = ('hcl2', 'lark', 'jsonschema', 'boto3', 'botocore', 'yaml', 'jmespath')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.splitlines()[-1] == "[]"


def test_cache_commands(cli: Cli, project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project({"main.tf": EU})
    assert cli("scan", "p")[0] == 0
    code, out, _ = cli("cache", "info")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"cache:   {tmp_path / 'cache' / 'hdslint'}"
    assert lines[1].startswith("entries: 2 files, ")  # one parsed file, one stored report
    code, out, _ = cli("cache", "clear")
    assert code == 0 and out.startswith("removed 2 files, ")
    assert cli("cache", "info")[1].splitlines()[1] == "entries: 0 files, 0.0 MiB"


def test_jobs_must_be_a_count(cli: Cli, project) -> None:  # type: ignore[no-untyped-def]
    project({"main.tf": EU})
    code, _out, err = cli("scan", "p", "--jobs", "-1")
    assert code == 2
    assert "--jobs" in err
    assert cli("scan", "p", "--jobs", "1", "--no-cache")[0] == 0


def test_compliant_exits_0(cli: Cli, project) -> None:  # type: ignore[no-untyped-def]
    project({"main.tf": EU})
    code, out, err = cli("scan", "p")
    assert (code, err) == (0, "")
    assert (
        out.splitlines()[-2]
        == "1 resources (1 with health data), 0 failed, 0 not evaluated, 0 errors"
    )


def test_findings_exit_1_with_file_and_line(cli: Cli, project) -> None:  # type: ignore[no-untyped-def]
    project({"main.tf": US})
    code, out, _ = cli("scan", "p")
    assert code == 1
    assert out.splitlines()[0] == "p/main.tf:2  critical HDS-LOC-001  aws_s3_bucket.b"
    assert out.splitlines()[1] == (
        "    Health data stored outside the EEA: us-east-1 (United States) is outside the EEA"
    )


@pytest.mark.parametrize(
    ("fail_on", "code"), [("critical", 1), ("high", 1), ("info", 1), ("none", 0)]
)
def test_fail_on_threshold(cli: Cli, project, fail_on: str, code: int) -> None:  # type: ignore[no-untyped-def]
    project({"main.tf": US})
    assert cli("scan", "p", "--fail-on", fail_on, "-f", "json")[0] == code


def test_fail_on_below_the_finding_severity(cli: Cli, project) -> None:  # type: ignore[no-untyped-def]
    # HDS-LOC-002 (high): not_evaluated counts like a failure at its severity.
    project({"main.tf": 'resource "aws_s3_bucket" "b" {}\n'})
    assert cli("scan", "p", "--fail-on", "critical")[0] == 0
    assert cli("scan", "p", "--fail-on", "high")[0] == 1


def test_fail_on_from_config(cli: Cli, project) -> None:  # type: ignore[no-untyped-def]
    project(
        {"main.tf": 'resource "aws_s3_bucket" "b" {}\n', ".hdslint.yaml": "fail_on: critical\n"}
    )
    assert cli("scan", "p")[0] == 0


def test_json_output_validates_against_the_shipped_schema(cli: Cli, project) -> None:  # type: ignore[no-untyped-def]
    project({"main.tf": US})
    code, out, _ = cli("scan", "p", "--format", "json")
    doc = json.loads(out)
    jsonschema.validate(doc, load_schema("hdslint.schemas", "output.schema.json"))
    assert code == 1
    assert doc["schema_version"] == 1
    assert doc["tool"] == {"name": "hdslint", "version": __version__}
    assert doc["summary"] == {
        "resources": 1,
        "health_data_resources": 1,
        "findings": 1,
        "failed": 1,
        "not_evaluated": 0,
        "passed": 6,
        "data_stores": 1,
        "located_data_stores": 1,
        "suppressed": 0,
        "errors": 0,
        "files": 1,
        "to_confirm": 0,
        "warnings": 0,
        "unmapped_types": {},
    }
    (finding,) = doc["findings"]
    assert (finding["policy_id"], finding["status"], finding["severity"]) == (
        "HDS-LOC-001",
        "fail",
        "critical",
    )
    assert finding["resource"]["id"] == "aws_s3_bucket.b"
    assert finding["location"] == {"file": "p/main.tf", "line": 2, "api_call": None}
    assert finding["references"] == ["HDS-v2:EXI-28", "CSP:R.1111-9-1"]


def test_output_file(cli: Cli, project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project({"main.tf": US})
    (tmp_path / "out").mkdir()
    code, out, _ = cli("scan", "p", "-f", "json", "-o", "out/report.json")
    assert (code, out) == (1, "")
    assert json.loads((tmp_path / "out/report.json").read_text())["summary"]["failed"] == 1


NO_FOLDER = "the folder {} does not exist (hdslint creates no folder)"


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ("scan", "p", "-o", "/nonexistent/dir/x"),
            "/nonexistent/dir/x: cannot write the report: " + NO_FOLDER.format("/nonexistent/dir"),
        ),
        (
            ("scan", "p", "-f", "text", "-f", "sarif=missing/dir/x.sarif"),
            "missing/dir/x.sarif: cannot write the report: " + NO_FOLDER.format("missing/dir"),
        ),
        (
            ("scan", "p", "-f", "json=p/main.tf/x.json"),
            "p/main.tf/x.json: cannot write the report: the folder p/main.tf is not a folder"
            " (hdslint creates no folder)",
        ),
        (
            ("report", "p", "--format", "html", "-o", "missing/r.html"),
            "missing/r.html: cannot write the report: " + NO_FOLDER.format("missing"),
        ),
        (
            ("baseline", "p", "-o", "missing/b.json"),
            "missing/b.json: cannot write the baseline: " + NO_FOLDER.format("missing"),
        ),
        (
            ("aws", "--save", "missing/i.json"),
            "missing/i.json: cannot write the inventory: " + NO_FOLDER.format("missing"),
        ),
    ],
)
def test_an_output_in_a_missing_folder_is_a_usage_error_and_nothing_is_created(
    cli: Cli,
    project,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    args: tuple[str, ...],
    error: str,
) -> None:
    project({"main.tf": US})
    before = sorted(tmp_path.rglob("*"))
    assert cli(*args) == (2, "", f"hdslint: error: {error}\n")
    assert sorted(tmp_path.rglob("*")) == before


def test_unparsable_tf_is_one_line_error_and_exit_2(cli: Cli, project) -> None:  # type: ignore[no-untyped-def]
    project({"ok/main.tf": US, "broken/main.tf": 'resource "a" "b" {\n'})
    code, out, err = cli("scan", "p")
    assert code == 2
    assert out.splitlines()[0] == "error  p/broken/main.tf:2: invalid HCL: unexpected end of file"
    assert "p/ok/main.tf:2  critical HDS-LOC-001  aws_s3_bucket.b" in out
    assert "Traceback" not in out + err


def test_policy_schema_error_is_one_line_and_exit_2(cli: Cli, project) -> None:  # type: ignore[no-untyped-def]
    project(
        {
            "main.tf": EU,
            ".hdslint.yaml": "policies:\n  paths: [policies]\n",
            "policies/bad.yaml": "id: ACME-1\ntitle: t\nseverity: urgent\n",
        }
    )
    code, out, err = cli("scan", "p")
    assert (code, out) == (2, "")
    bad = Path("p/policies/bad.yaml").resolve()
    assert err == (
        f"hdslint: error: {bad}: $: 'activities' is a required property (and 6 more:"
        f" `hdslint validate-policies {bad}` lists them)\n"
    )


def test_bad_config_is_one_line_and_exit_2(cli: Cli, project) -> None:  # type: ignore[no-untyped-def]
    project({"main.tf": EU, ".hdslint.yaml": "health_data:\n  default: maybe\n"})
    code, out, err = cli("scan", "p")
    assert (code, out) == (2, "")
    assert (
        err
        == "hdslint: error: p/.hdslint.yaml: $.health_data.default: 'maybe' is not of type 'boolean'\n"
    )


def test_missing_path_is_an_input_error(cli: Cli, project) -> None:  # type: ignore[no-untyped-def]
    project({"main.tf": EU})
    code, out, _ = cli("scan", "p", "nope")
    assert code == 2
    assert out.splitlines()[0] == "error  nope: no such file or directory"


def test_usage_error_exit_2(cli: Cli) -> None:
    code, _, err = cli("scan", "--format", "xml")
    assert code == 2
    assert "Invalid value for '-f' / '--format'" in err


def test_internal_error_exit_3_asks_for_a_report(
    cli: Cli,
    project,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    project({"main.tf": EU})

    def boom(*_a: object, **_k: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("hdslint.scan.classify", boom)
    code, out, err = cli("scan", "p")
    assert (code, out) == (3, "")
    assert err == (
        "hdslint: internal error: ZeroDivisionError: division by zero. This is a bug; please"
        " report it at https://github.com/hdslint/hdslint/issues (run with --debug for the"
        " traceback).\n"
    )
    code, _, err = cli("--debug", "scan", "p")
    assert code == 3 and "Traceback (most recent call last)" in err


def test_var_and_var_file(cli: Cli, project) -> None:  # type: ignore[no-untyped-def]
    files = {
        "main.tf": 'variable "r" {}\nprovider "aws" { region = var.r }\nresource "aws_s3_bucket" "b" {}\n',
        "us.tfvars": 'r = "us-east-1"\n',
    }
    project(files)
    assert cli("scan", "p", "--var", "r=eu-west-3")[0] == 0
    assert cli("scan", "p", "--var-file", "p/us.tfvars")[0] == 1
    code, _, err = cli("scan", "p", "--var", "novalue")
    assert code == 2 and "'novalue' is not NAME=VALUE" in err


def test_policies_list_and_show(cli: Cli) -> None:
    code, out, _ = cli("policies")
    assert code == 0
    assert "HDS-LOC-001   critical  Health data stored outside the EEA" in out
    code, out, _ = cli("policies", "hds-loc-001")
    assert code == 0
    assert out.startswith(
        "HDS-LOC-001  Health data stored outside the EEA\n  severity:    critical\n"
    )
    assert "Rationale" in out and "Remediation" in out
    assert cli("policies", "show", "HDS-LOC-001") == (0, out, "")
    assert (
        "  docs:        https://github.com/hdslint/hdslint/blob/main/docs/policies.md#hds-loc-001\n"
        in out
    )
    assert "\nRequirements\n  - HDS-v2:EXI-28: HDS referential v2.0, requirement 28" in out
    assert "\nDefinition\n  select:\n    health_data: true\n" in out
    assert cli("policies", "NOPE-1")[0] == 2
    assert cli("policies", "show") == (
        2,
        "",
        "hdslint: error: `hdslint policies show` needs a policy ID (see `hdslint policies`)\n",
    )
    assert cli("policies", "show", "A", "B")[2] == (
        "hdslint: error: unexpected argument 'B': give one policy ID\n"
    )


def test_registry_list_and_show(cli: Cli) -> None:
    code, out, _ = cli("registry")
    assert code == 0
    assert out.splitlines()[:3] == [
        "HDS registry as of 2026-11-28",
        "",
        "PROVIDER     STATUS       ACTIVITIES     VALIDITY          CONFIDENCE  AS OF       NAME",
    ]
    assert (
        "clevercloud  certified    1-6            until 2027-12-19  medium      2026-10-01  Clever Cloud"
        in out.splitlines()
    )
    assert (
        "outscale     unconfirmed  -              -                 low         2026-11-28  3DS OUTSCALE"
        in out.splitlines()
    )
    code, out, _ = cli("registry", "scaleway")
    assert code == 0
    assert "  activities:   1-4 (confidence low)" in out
    assert (
        "                nl-ams: not_covered - Scaleway's November 2025 HDS guides require the Paris region for health data."
        in out
    )
    assert "  storage covered:     fr-par\n  storage not covered: nl-ams, pl-waw\n" in out
    assert (
        "  condition:    scaleway:hds-contract (to confirm) - an HDS contract is signed with Scaleway"
        in out
    )
    assert cli("registry", "show", "scaleway") == (0, out, "")
    assert cli("registry", "show")[0] == 2
    assert cli("registry", "nowhere")[2] == (
        "hdslint: error: no provider 'nowhere' in the registry (run `hdslint registry` for the list)\n"
    )


def test_stale_registry_warns_on_stderr(cli: Cli, project, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    project(
        {"main.tf": 'provider "aws" { region = "eu-west-3" }\nresource "aws_s3_bucket" "b" {}\n'}
    )
    warning = (
        "hdslint: warning: the HDS registry is 215 days old (as of 2026-11-28;"
        " registry.max_age_days is 180): certificates may have been issued, renewed or"
        " withdrawn since — upgrade hdslint, or check your hosts on the ANS list"
        " (https://esante.gouv.fr/offres-services/hds/liste-des-herbergeurs-certifies) and"
        " record them in .hdslint.yaml (registry.providers)\n"
    )
    monkeypatch.setattr("hdslint.clock.today", lambda: dt.date(2027, 7, 1))
    code, out, err = cli("registry")
    assert (code, err) == (0, warning)
    assert out.startswith("HDS registry as of 2026-11-28\n")
    code, out, err = cli("scan", "p")
    assert (code, err) == (0, warning)
    Path(".hdslint.yaml").write_text("registry:\n  max_age_days: 365\n")
    assert cli("scan", "p")[2] == ""
    assert cli("registry")[2] == ""
    monkeypatch.setattr("hdslint.clock.today", lambda: dt.date(2027, 5, 27))
    Path(".hdslint.yaml").unlink()
    assert cli("scan", "p")[2] == ""


def test_python_dash_m(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "hdslint", "--version"], capture_output=True, text=True, check=False
    )
    assert (proc.returncode, proc.stdout) == (0, f"hdslint, version {__version__}\n")
