"""One glob dialect for every path pattern of `.hdslint.yaml` (`exclude`, waiver `paths`,
`kubernetes.clusters` `paths`): `*` and `?` stay within a folder, `**` spans folders, a
pattern naming a folder matches everything under it, and matching is case-sensitive."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hdslint.globs import glob_match
from tests.conftest import write_tree

Cli = Callable[..., tuple[int, str, str]]

US = 'provider "aws" { region = "us-east-1" }\nresource "aws_s3_bucket" "b" {}\n'
EU = 'provider "aws" { region = "eu-west-3" }\nresource "aws_s3_bucket" "b" {}\n'


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("**/fixtures/**", "fixtures/main.tf", True),
        ("**/fixtures/**", "a/b/fixtures/c/main.tf", True),
        ("fixtures", "fixtures/c/main.tf", True),
        ("modules/*/main.tf", "modules/a/main.tf", True),
        ("modules/*/main.tf", "modules/a/b/main.tf", False),
        ("*.tf", "a/main.tf", False),
        ("**/*.tf", "a/main.tf", True),
        ("Fixtures/**", "fixtures/main.tf", False),
        ("./k8s/prod/", "k8s/prod/db.yaml", True),
        ("k8s/pro?/*", "k8s/prod/db.yaml", True),
    ],
)
def test_the_dialect(pattern: str, path: str, matches: bool) -> None:
    assert glob_match(pattern, path) is matches


def test_exclude_uses_the_dialect(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_tree(
        tmp_path,
        {".hdslint.yaml": 'exclude: ["**/fixtures/**"]\n', "fixtures/main.tf": US, "main.tf": EU},
    )
    code, out, _ = cli("scan", ".")
    assert (code, "fixtures/main.tf" in out) == (0, False)


def test_waiver_paths_use_the_dialect(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_tree(
        tmp_path,
        {
            ".hdslint.yaml": (
                "suppressions:\n  waivers:\n"
                '    - {policies: ["*"], paths: ["**/legacy/**"], reason: "moved in Q1",'
                ' until: "2027-06-30"}\n'
            ),
        },
    )
    write_tree(tmp_path, {"legacy/main.tf": US})
    assert cli("scan", "legacy")[0] == 0
