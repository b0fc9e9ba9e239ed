"""Parsing a scan's Terraform files: the parse cache, the process pool, the fast parser."""

from __future__ import annotations

from pathlib import Path

import pytest

from hdslint.files import FileAccess
from hdslint.sources.terraform import grammar, parsing
from hdslint.sources.terraform.hcl import parse
from hdslint.sources.terraform.parsing import FileParser, ParseOptions
from tests.conftest import write_tree

FILES = {
    "main.tf": """
        provider "aws" {
          alias  = "paris"
          region = var.region
        }

        resource "aws_s3_bucket" "b" {
          for_each = toset(["a", "b"])
          bucket   = "phi-${each.key}"
          tags     = { for k, v in var.tags : k => upper(v) if v != "" }

          dynamic "rule" {
            for_each = var.rules
            content {
              id = rule.value.id
            }
          }
        }
    """,
    "variables.tf": """
        variable "region" {
          default = "eu-west-3"
        }

        variable "tags" {
          type    = map(string)
          default = {}
        }

        variable "rules" {
          default = [{ id = "x" }]
        }
    """,
    "policy.tf": """
        locals {
          doc = <<-EOT
            {"Version": "2012-10-17"}
          EOT
          n   = (1 + 2) * 3 > 4 ? var.a[0].b[*].c : null
        }
    """,
    "broken.tf": 'resource "a" "b" {\n  x = \n}\n',
    "terraform.tfvars": 'region = "eu-west-1"\n',
    "extra.tf.json": '{"resource": {"aws_s3_bucket": {"j": {"bucket": "${var.region}"}}}}\n',
}


@pytest.fixture
def module(tmp_path: Path) -> list[Path]:
    root = write_tree(tmp_path / "module", FILES)
    return sorted(root.iterdir())


def results(parser: FileParser, files: list[Path]) -> list[object]:
    return [parser.parse(path, path.name) for path in files]


def test_a_second_scan_takes_every_file_from_the_cache(tmp_path: Path, module: list[Path]) -> None:
    options = ParseOptions(cache_dir=tmp_path / "cache", jobs=1)
    first = FileParser(FileAccess(), options)
    first.preload(module)
    expected = results(first, module)
    assert (first.stats.parsed, first.stats.from_cache) == (len(module), 0)

    second = FileParser(FileAccess(), options)
    second.preload(module)
    assert results(second, module) == expected
    assert (second.stats.parsed, second.stats.from_cache) == (0, len(module))


def test_a_changed_file_is_parsed_again_and_only_it(tmp_path: Path, module: list[Path]) -> None:
    options = ParseOptions(cache_dir=tmp_path / "cache", jobs=1)
    FileParser(FileAccess(), options).preload(module)
    variables = next(p for p in module if p.name == "variables.tf")
    variables.write_text(variables.read_text() + 'variable "more" {}\n')
    again = FileParser(FileAccess(), options)
    again.preload(module)
    assert (again.stats.parsed, again.stats.from_cache) == (1, len(module) - 1)
    body, error = again.parse(variables, "variables.tf")
    assert error is None and body is not None
    assert "more" in [block[1][0] for block in body["blocks"]]


def test_a_new_parser_version_parses_everything_again(
    tmp_path: Path, module: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    options = ParseOptions(cache_dir=tmp_path / "cache", jobs=1)
    FileParser(FileAccess(), options).preload(module)
    fingerprint = parsing.parser_fingerprint()
    monkeypatch.setattr(parsing, "parser_fingerprint", lambda: [*fingerprint, b"hcl2 9.0"])
    again = FileParser(FileAccess(), options)
    again.preload(module)
    assert (again.stats.parsed, again.stats.from_cache) == (len(module), 0)


def test_parse_errors_are_cached_with_their_message_and_line(
    tmp_path: Path, module: list[Path]
) -> None:
    options = ParseOptions(cache_dir=tmp_path / "cache", jobs=1)
    broken = next(p for p in module if p.name == "broken.tf")
    for _ in range(2):
        parser = FileParser(FileAccess(), options)
        body, error = parser.parse(broken, "m/broken.tf")
        assert body is None and error is not None
        assert (error.file, error.message, error.line) == (
            "m/broken.tf",
            "invalid HCL: unexpected '}'",
            2,
        )
    assert parser.stats.from_cache == 1


def test_without_a_cache_nothing_is_written(tmp_path: Path, module: list[Path]) -> None:
    parser = FileParser(FileAccess(), ParseOptions(cache_dir=None, jobs=1))
    parser.preload(module)
    assert parser.cache is None
    assert parser.stats.parsed == len(module)
    assert not (tmp_path / "cache").exists()


def test_parallel_and_sequential_parsing_give_identical_results(
    tmp_path: Path, module: list[Path]
) -> None:
    many = []
    for i in range(12):  # enough files for two workers to share
        copy = tmp_path / f"copy{i}"
        copy.mkdir()
        for path in module:
            (copy / path.name).write_bytes(path.read_bytes() + f"\n# {i}\n".encode())
        many += sorted(copy.iterdir())
    sequential = FileParser(FileAccess(), ParseOptions(jobs=1))
    sequential.preload(many)
    pooled = FileParser(FileAccess(), ParseOptions(jobs=2, parallel_min_bytes=0))
    pooled.preload(many)
    assert (sequential.stats.workers, pooled.stats.workers) == (1, 2)
    assert results(pooled, many) == results(sequential, many)


def test_small_inputs_stay_in_this_process(module: list[Path]) -> None:
    parser = FileParser(FileAccess(), ParseOptions(jobs=4))
    parser.preload(module)
    assert parser.stats.workers == 1


def test_a_file_too_large_is_reported_not_parsed(
    module: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from hdslint.files import ReadLimits

    parser = FileParser(FileAccess(limits=ReadLimits(max_file_bytes=10)), ParseOptions(jobs=1))
    parser.preload(module)
    body, error = parser.parse(module[0], "big.tf")
    assert parser.stats.parsed == 0
    assert body is None and error is not None
    assert error.message.startswith("too large to read")


def test_the_fast_parser_is_available_and_gives_the_same_trees() -> None:
    assert grammar.fast_parser() is not None, "lark can no longer copy python-hcl2's parser"
    for text in FILES.values():
        if text.lstrip().startswith("{"):
            continue
        import textwrap

        source = textwrap.dedent(text).lstrip("\n")
        try:
            slow = parse(source)
        except Exception as exc:  # the broken file: same error both ways
            with pytest.raises(type(exc)) as fast_error:
                parse(source, fast=True)
            assert str(fast_error.value) == str(exc)
            continue
        assert parse(source, fast=True) == slow


def test_the_pool_is_given_only_what_the_confined_access_read(
    tmp_path: Path, module: list[Path]
) -> None:
    """Workers parse bytes the scan's file access read, never a path: a symlink out of the
    scanned folders is refused before the pool, whether parsed in a pool or not."""
    from hdslint.files import ReadLimits

    outside = write_tree(tmp_path / "outside", {"secret.tf": 'resource "x" "secret" {}\n'})
    repo = tmp_path / "repo"
    many = []
    for i in range(12):
        copy = repo / f"copy{i}"
        copy.mkdir(parents=True)
        for path in module:
            (copy / path.name).write_bytes(path.read_bytes() + f"\n# {i}\n".encode())
        (copy / "link.tf").symlink_to(outside / "secret.tf")
        many += sorted(copy.iterdir())
    confined = FileAccess(limits=ReadLimits((repo.resolve(),)))
    pooled = FileParser(confined, ParseOptions(jobs=2, parallel_min_bytes=0))
    pooled.preload(many)
    links = [path for path in many if path.name == "link.tf"]
    assert pooled.stats.workers == 2 and pooled.stats.parsed == len(many) - len(links)
    body, error = pooled.parse(links[0], "copy0/link.tf")
    assert body is None and error is not None
    assert (error.file, error.message) == (
        "copy0/link.tf",
        "cannot read: outside the scanned folders and the working folder, so it is not read",
    )
