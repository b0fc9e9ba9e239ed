"""A pull request cannot switch the checks off without a trace (issue #13): every report
states what the scan was judged by, a configuration that turns every shipped policy off or
excludes every input fails the scan unless --allow-checks-off, and --no-repo-config keeps
the repository's own `.hdslint.yaml` out."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.conftest import DEFAULT_PROVENANCE, write_tree
from tests.reporters.test_gitlab import validate_codequality, validate_sast

CliRun = Callable[..., tuple[int, str, str]]

US_BUCKET = 'provider "aws" { region = "us-east-1" }\nresource "aws_s3_bucket" "b" {}\n'
SHIPPED = (
    "HDS-CERT-001, HDS-CERT-002, HDS-COND-001, HDS-DATA-001, HDS-EVAL-001, HDS-FLOW-001,"
    " HDS-FLOW-002, HDS-LOC-001, HDS-LOC-002, HDS-OVH-001, HDS-SCW-001"
)
LOC_001 = "main.tf:2  critical HDS-LOC-001  aws_s3_bucket.b"
WAIVABLE = (
    "HDS-CERT-001, HDS-CERT-002, HDS-COND-001, HDS-DATA-001, HDS-EVAL-001, HDS-FLOW-002,"
    " HDS-LOC-002, HDS-OVH-001, HDS-SCW-001"
)


def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str) -> Path:
    root = write_tree(tmp_path / "repo", {"main.tf": US_BUCKET, ".hdslint.yaml": config})
    (root / ".git").mkdir()
    monkeypatch.chdir(root)
    return root


def test_every_format_states_its_provenance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRun
) -> None:
    repo(
        tmp_path,
        monkeypatch,
        "policies: {disable: [HDS-LOC-002, HDS-FLOW-002]}\n"
        "exclude: ['modules/**']\nhealth_data: {default: false}\n",
    )
    code, out, _ = cli(
        "scan", ".", "--skip-path", "tmp/*", "--no-color", "-f", "text",
        "-f", "json=r.json", "-f", "sarif=r.sarif", "-f", "markdown=r.md", "-f", "github=r.log",
        "-f", "junit=r.xml", "-f", "gitlab-sast=sast.json", "-f", "gitlab-codequality=cq.json",
    )  # fmt: skip
    text = (
        "Configuration: .hdslint.yaml; policies evaluated: 9; policies disabled: HDS-FLOW-002,"
        ' HDS-LOC-002; paths excluded: "modules/**", "tmp/*"; health data: only stores tagged'
        " as health data (health_data.default: false)"
    )
    assert (code, out.splitlines()[-3]) == (0, text)
    provenance = {
        "config_file": ".hdslint.yaml",
        "repository_config_ignored": False,
        "policies_evaluated": [
            "HDS-CERT-001",
            "HDS-CERT-002",
            "HDS-COND-001",
            "HDS-DATA-001",
            "HDS-EVAL-001",
            "HDS-FLOW-001",
            "HDS-LOC-001",
            "HDS-OVH-001",
            "HDS-SCW-001",
        ],
        "policies_disabled": ["HDS-FLOW-002", "HDS-LOC-002"],
        "paths_excluded": ["modules/**", "tmp/*"],
        "health_data_default": False,
    }
    assert json.loads(Path("r.json").read_text())["provenance"] == provenance
    run = json.loads(Path("r.sarif").read_text())["runs"][0]
    assert run["properties"]["provenance"] == provenance
    assert Path("r.md").read_text().splitlines()[4] == (
        "Configuration: .hdslint.yaml · Policies evaluated: 9 · Policies disabled: HDS-FLOW-002,"
        ' HDS-LOC-002 · Paths excluded: "modules/**", "tmp/*" · Health data: only stores'
        " tagged as health data (health_data.default: false)"
    )
    assert Path("r.log").read_text().splitlines()[-1].endswith(f"; {text}")
    # JUnit: every suite's properties; GitLab SAST: the scan's options and a message; Code
    # Quality: a first `info` issue (a report with no finding still says it). Each is
    # valid for the schema its consumer validates it with.
    suites = ElementTree.fromstring(Path("r.xml").read_text()).findall("testsuite")
    assert len(suites) == 9
    for suite in suites:
        assert [(p.get("name"), p.get("value")) for p in suite.findall("properties/property")] == [
            ("hdslint.configuration", ".hdslint.yaml"),
            ("hdslint.policies_evaluated", "9"),
            ("hdslint.policies_disabled", "HDS-FLOW-002, HDS-LOC-002"),
            ("hdslint.paths_excluded", '"modules/**", "tmp/*"'),
            (
                "hdslint.health_data",
                "only stores tagged as health data (health_data.default: false)",
            ),
        ]
        assert suite[0].tag == "properties"
    sast = json.loads(Path("sast.json").read_text())
    validate_sast(sast)
    assert sast["scan"]["messages"] == [{"level": "info", "value": text}]
    assert sast["scan"]["options"] == [
        {"name": "hdslint.config_file", "value": ".hdslint.yaml", "source": "file"},
        {"name": "hdslint.repository_config_ignored", "value": False, "source": "argument"},
        {
            "name": "hdslint.policies_evaluated",
            "value": ", ".join(provenance["policies_evaluated"]),
            "source": "file",
        },
        {
            "name": "hdslint.policies_disabled",
            "value": "HDS-FLOW-002, HDS-LOC-002",
            "source": "file",
        },
        {"name": "hdslint.paths_excluded", "value": "modules/**, tmp/*", "source": "file"},
        {"name": "hdslint.health_data_default", "value": False, "source": "file"},
    ]
    quality = json.loads(Path("cq.json").read_text())
    validate_codequality(quality)
    assert quality == [
        {
            "type": "issue",
            "check_name": "hdslint.provenance",
            "description": f"hdslint: {text}",
            "categories": ["Security"],
            "severity": "info",
            "fingerprint": hashlib.sha256(text.encode()).hexdigest()[:32],
            "location": {"path": ".hdslint.yaml", "lines": {"begin": 1}},
        }
    ]
    code, out, _ = cli("report", ".")
    assert code == 0
    assert [line for line in out.splitlines()[6:14] if not line.startswith("| Revision")] == [
        "| Inputs scanned | `.` |",
        "| Files read | 1 |",
        "| Configuration | .hdslint.yaml |",
        "| Policies evaluated | 9 |",
        "| Policies disabled | HDS-FLOW-002, HDS-LOC-002 |",
        '| Paths excluded | "modules/**" |',
        "| Health data | only stores tagged as health data (health_data.default: false) |",
    ]


def test_turning_every_shipped_policy_off_is_exit_2_unless_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRun
) -> None:
    repo(tmp_path, monkeypatch, "policies:\n  shipped: false\n")
    # The message: the configuration's, so the same whatever the disabling.
    error = (
        "error  .hdslint.yaml: the configuration turns every shipped HDS policy off"
        " (policies.shipped or policies.disable): nothing checks the HDS rules; pass"
        " --allow-checks-off to scan anyway"
    )
    # The non-waivable HDS-LOC-001 and HDS-FLOW-001 still run without the shipped pack.
    off = (
        "Configuration: .hdslint.yaml; policies evaluated: 2; policies disabled:"
        f" {WAIVABLE}; paths excluded: none; health data: every data store"
        " (health_data.default: true)"
    )
    code, out, _ = cli("scan", ".", "--no-color")
    assert (code, out.splitlines()) == (
        2,
        [
            error,
            "",
            LOC_001,
            "    Health data stored outside the EEA: us-east-1 (United States) is outside the EEA",
            "",
            off,
            "1 resources (1 with health data), 1 failed, 0 not evaluated, 1 errors",
            "HDS registry as of 2026-11-28; `hdslint policies ID` explains a policy",
        ],
    )
    code, out, _ = cli("scan", ".", "--no-color", "--allow-checks-off")
    assert (code, out.splitlines()[0], out.splitlines()[-3]) == (1, LOC_001, off)
    # Every waivable id in policies.disable is the same switch.
    Path(".hdslint.yaml").write_text(f"policies:\n  disable: [{WAIVABLE}]\n")
    code, out, _ = cli("scan", ".", "--no-color")
    assert (code, out.splitlines()[0]) == (2, error)
    # The command line's own choice (--check, --skip-check) is the operator's, not the
    # repository's: not an error.
    Path(".hdslint.yaml").write_text("{}\n")
    code, out, _ = cli("scan", ".", "--no-color", "-q", "--check", "HDS-LOC-002")
    assert (code, out) == (0, "")


def test_excluding_every_input_is_exit_2_unless_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRun
) -> None:
    repo(tmp_path, monkeypatch, "exclude: ['**']\n")
    code, out, _ = cli("scan", ".", "--no-color")
    assert (code, out.splitlines()[0]) == (
        2,
        'error  .hdslint.yaml: every input is excluded (exclude / --skip-path: "**"): nothing'
        " was checked; pass --allow-checks-off to scan anyway",
    )
    code, out, _ = cli("scan", ".", "--no-color", "--allow-checks-off")
    assert (code, out.splitlines()[:2]) == (
        0,
        [
            "Configuration: .hdslint.yaml; policies evaluated: 11; policies disabled: none; paths"
            ' excluded: "**"; health data: every data store (health_data.default: true)',
            "0 resources (0 with health data), 0 failed, 0 not evaluated, 0 errors",
        ],
    )


def test_no_repo_config_keeps_the_repository_configuration_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRun
) -> None:
    root = repo(tmp_path, monkeypatch, "health_data:\n  default: false\n")
    code, out, _ = cli("scan", ".", "--no-color", "--no-repo-config")
    assert (code, out.splitlines()[0], out.splitlines()[-3]) == (
        1,
        LOC_001,
        DEFAULT_PROVENANCE.replace("none (defaults)", "none (--no-repo-config: defaults)"),
    )
    # A trusted configuration (the Action's `config` input: a file from the base branch)
    # still applies.
    trusted = write_tree(tmp_path / "trusted", {"hdslint.yaml": "fail_on: critical\n"})
    code, out, _ = cli(
        "scan", ".", "--no-color", "--no-repo-config", "--config", str(trusted / "hdslint.yaml")
    )
    assert (code, out.splitlines()[0]) == (1, LOC_001)
    assert out.splitlines()[-3].startswith(f"Configuration: {trusted / 'hdslint.yaml'};")
    # Without the flag the repository's configuration is used, and it says so.
    code, out, _ = cli("scan", str(root), "--no-color")
    assert (code, out.splitlines()[-3].split("; ")[::4]) == (
        0,
        [
            "Configuration: .hdslint.yaml",
            "health data: only stores tagged as health data (health_data.default: false)",
        ],
    )


def test_no_configuration_turns_a_non_waivable_policy_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRun
) -> None:
    repo(tmp_path, monkeypatch, "policies:\n  disable: [HDS-LOC-001, HDS-LOC-002]\n")
    assert cli("scan", ".", "--no-color") == (
        2,
        "",
        "hdslint: error: .hdslint.yaml: policies.disable: HDS-LOC-001 is non-waivable: no"
        " configuration can turn it off (suppress its findings one by one, each with a reason,"
        " or use --skip-check on the command line)\n",
    )
    # The operator's command line can.
    Path(".hdslint.yaml").write_text("{}\n")
    code, out, _ = cli("scan", ".", "--no-color", "-q", "--skip-check", "HDS-LOC-001")
    assert (code, out) == (0, "")


def test_a_discovered_configuration_linked_out_of_the_repository_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRun
) -> None:
    outside = write_tree(tmp_path / "elsewhere", {"evil.yaml": "policies: {shipped: false}\n"})
    root = repo(tmp_path, monkeypatch, "")
    (root / ".hdslint.yaml").unlink()
    (root / ".hdslint.yaml").symlink_to(outside / "evil.yaml")
    assert cli("scan", ".", "--no-color") == (
        2,
        "",
        "hdslint: error: .hdslint.yaml: the configuration is a symlink to a file outside the"
        f" repository ({root.resolve().as_posix()}): refused\n",
    )
    # A link inside the repository is a file of the repository.
    (root / "ci").mkdir()
    (root / "ci" / "hdslint.yaml").write_text("fail_on: critical\n")
    (root / ".hdslint.yaml").unlink()
    (root / ".hdslint.yaml").symlink_to("ci/hdslint.yaml")
    code, out, _ = cli("scan", ".", "--no-color", "-q")
    assert (code, out) == (1, f"{LOC_001}  Health data stored outside the EEA\n")


def test_report_and_baseline_take_the_repository_configuration_out_as_scan_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRun
) -> None:
    """`report` and `baseline` read the configuration as `scan` does, so the same two flags
    apply: --no-repo-config keeps the pull request's `.hdslint.yaml` out, and one that turns
    every shipped policy off is exit 2 unless --allow-checks-off."""
    repo(tmp_path, monkeypatch, "policies:\n  shipped: false\n")
    error = (
        "- .hdslint.yaml: the configuration turns every shipped HDS policy off"
        " (policies.shipped or policies.disable): nothing checks the HDS rules; pass"
        " --allow-checks-off to scan anyway"
    )

    def report_lines(*args: str) -> tuple[int, list[str]]:
        code, out, _ = cli("report", ".", *args)
        lines = out.splitlines()
        return code, [
            line
            for line in lines
            if line.startswith(("| Configuration |", "| Policies evaluated |", "- .hdslint.yaml"))
        ]

    assert report_lines() == (
        2,
        ["| Configuration | .hdslint.yaml |", "| Policies evaluated | 2 |", error],
    )
    assert report_lines("--allow-checks-off") == (
        0,
        ["| Configuration | .hdslint.yaml |", "| Policies evaluated | 2 |"],
    )
    assert report_lines("--no-repo-config") == (
        0,
        ["| Configuration | none (--no-repo-config: defaults) |", "| Policies evaluated | 11 |"],
    )
    # baseline: the same flags, the same outcomes.
    code, _, err = cli("baseline", ".", "-o", "b.json")
    assert (code, err.splitlines()[0]) == (2, f"hdslint: error: {error[2:]}")
    assert cli("baseline", ".", "-o", "b.json", "--allow-checks-off") == (
        0,
        "",
        "Wrote 1 finding to b.json\n",
    )
    assert cli("baseline", ".", "-o", "b.json", "--no-repo-config") == (
        0,
        "",
        "Wrote 1 finding to b.json\n",
    )
