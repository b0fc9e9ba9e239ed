"""`hdslint validate-policies FILE...`: every file checked, one line per problem."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT, write_tree

Cli = Callable[..., tuple[int, str, str]]

GOOD = (ROOT / "policies" / "HDS-LOC-001.yaml").read_text().replace("HDS-LOC-001", "ACME-LOC-001")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_valid_files(cli: Cli, folder: Path) -> None:
    write_tree(
        folder / "policies",
        {"a.yaml": GOOD, "b.yaml": GOOD.replace("ACME-LOC-001", "ACME-LOC-002")},
    )
    assert cli("validate-policies", "policies/a.yaml", "policies/b.yaml") == (
        0,
        "2 policies valid: ACME-LOC-001, ACME-LOC-002\n",
        "",
    )
    assert cli("validate-policies", "policies")[0] == 0


def test_every_problem_is_reported(cli: Cli, folder: Path) -> None:
    write_tree(
        folder / "policies",
        {
            "a.yaml": GOOD,
            "dup.yaml": GOOD,
            "shipped.yaml": GOOD.replace("ACME-LOC-001", "HDS-LOC-001"),
            "bad.yaml": GOOD.replace("severity: critical", "severity: severe"),
            "broken.yaml": "id: [\n",
        },
    )
    code, out, err = cli(
        "validate-policies",
        "policies/a.yaml",
        "policies/dup.yaml",
        "policies/shipped.yaml",
        "policies/bad.yaml",
        "policies/broken.yaml",
        "policies/missing.yaml",
    )
    assert (code, out) == (2, "")
    lines = err.splitlines()
    # libyaml and the pure-Python parser word YAML errors differently: compare the start
    assert lines[3].startswith(
        "hdslint: error: policies/broken.yaml:2: invalid YAML: while parsing a flow node"
    )
    assert lines[:3] + lines[4:] == [
        "hdslint: error: policies/dup.yaml: policy id ACME-LOC-001 is already defined in"
        " policies/a.yaml",
        "hdslint: error: policies/shipped.yaml: policy id HDS-LOC-001 is already defined in"
        " hdslint:policies/HDS-LOC-001.yaml",
        "hdslint: error: policies/bad.yaml: $.severity: 'severe' is not one of ['critical',"
        " 'high', 'medium', 'low', 'info']",
        "hdslint: error: policies/missing.yaml: no such file",
    ]


def test_every_problem_of_a_file_at_once(cli: Cli, folder: Path) -> None:
    schema = (
        GOOD.replace("severity: critical", "severity: urgent")
        .replace("title: ", "titel: ")
        .replace("remediation: >", "remedation: >")
    )
    meaning = GOOD.replace(
        "condition:\n  in_eea: true",
        "condition:\n  all:\n"
        "    - {key: regoin, op: eq, value: eu-west-3}\n"
        '    - {key: "tags.x", op: regex, value: "("}\n'
        "    - {key: 'attributes.plan[].code', op: present}",
    ).replace("  located: true", '  located: true\n  where: {key: "atributes.x", op: present}')
    write_tree(folder / "policies", {"schema.yaml": schema, "meaning.yaml": meaning})
    code, out, err = cli("validate-policies", "policies")
    roots = "id, type, provider, service, category, region, source, tags, attributes, activities, health_data, location"
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "hdslint: error: policies/meaning.yaml: $.condition.all[0].key: 'regoin' reads 'regoin',"
        f" which resources do not have (keys start with one of {roots})",
        "hdslint: error: policies/meaning.yaml: $.condition.all[1].value: invalid regular"
        " expression: missing ): (",
        "hdslint: error: policies/meaning.yaml: $.select.where.key: 'atributes.x' reads"
        f" 'atributes', which resources do not have (keys start with one of {roots})",
        "hdslint: error: policies/schema.yaml: $: 'title' is a required property",
        "hdslint: error: policies/schema.yaml: $: 'remediation' is a required property",
        "hdslint: error: policies/schema.yaml: $: Additional properties are not allowed"
        " ('remedation', 'titel' were unexpected)",
        "hdslint: error: policies/schema.yaml: $.severity: 'urgent' is not one of ['critical',"
        " 'high', 'medium', 'low', 'info']",
    ]


def test_a_scan_names_the_first_problem_and_how_many_more(cli: Cli, folder: Path) -> None:
    write_tree(
        folder,
        {
            "acme/bad.yaml": GOOD.replace("severity: critical", "severity: urgent").replace(
                "title: ", "titel: "
            ),
            "main.tf": 'resource "aws_s3_bucket" "b" {}\n',
        },
    )
    assert cli("scan", ".", "--external-policies", "acme") == (
        2,
        "",
        "hdslint: error: acme/bad.yaml: $: 'title' is a required property (and 2 more:"
        " `hdslint validate-policies acme/bad.yaml` lists them)\n",
    )
