"""Any value shape at any argument the catalogue reads is never a crash.

HCL lets a configuration give an argument any value (a string where the provider wants a
list, an object where it wants a block) and nest blocks where arguments are expected;
Terraform refuses those, hdslint must at most say it cannot tell. Every resource type of
the Terraform catalogue is written with each field its region, tags and flows read set to
one odd shape after another (and as nested blocks holding odd shapes), and scanned: the scan
ends without an internal error, with every resource reported or said to be unknown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from hdslint import catalogue
from hdslint.scan import ScanOptions, run_scan

SHAPES = {
    "string": '"x"',
    "number": "1",
    "bool": "true",
    "null": "null",
    "empty-list": "[]",
    "empty-object": "{}",
    "list-of-objects": '[{ a = "x" }, { b = [1] }]',
    "nested-object": '{ a = { b = ["x"] } }',
    "list-of-lists": '[["x"], [null]]',
    "reference": "aws_s3_bucket.r.id",
    "unknown": "var.unset",
}

_FLOW_KEYS = (
    "to",
    "from",
    "subject",
    "region",
    "paired",
    "external",
    "unless_true",
    "when_present",
    "disabled_by",
)


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _paths(entry: Mapping[str, Any], provider: Mapping[str, Any]) -> list[str]:
    """Every attribute path the catalogue reads on a resource of this type."""
    paths: list[str] = []
    for key in ("region", "region_from", "stores_data"):
        paths.extend(_strings(entry.get(key)))
    for flow in entry.get("flows", ()):
        for key in _FLOW_KEYS:
            paths.extend(_strings(flow.get(key)))
    paths.extend(_strings(provider.get("region", {}).get("resource")))
    paths.extend(_strings(provider.get("tags")))
    return sorted({p for p in paths if p and "@" not in p})


def _provider_of(rtype: str, providers: Mapping[str, Any]) -> Mapping[str, Any]:
    prefix = rtype.split("_", 1)[0]
    for pid, entry in providers.items():
        names = [s.rsplit("/", 1)[-1] for s in entry.get("sources", ())]
        if prefix == pid or prefix in names:
            return entry  # type: ignore[no-any-return]
    return {}


def _nested(path: str, value: str, as_blocks: bool) -> str:
    head, _, rest = path.partition(".")
    if not rest:
        return f"  {head} = {value}\n"
    if as_blocks:
        inner = _nested(rest, value, as_blocks).replace("\n  ", "\n    ")
        return f"  {head} {{\n  {inner}  }}\n"
    return f"  {head} = {value}\n"


def _configuration(shape: str, as_blocks: bool) -> str:
    data = catalogue.load("terraform")
    providers = data["providers"]
    out = ['variable "unset" {}\n', 'resource "aws_s3_bucket" "r" {}\n']
    for rtype, entry in sorted(data["types"].items()):
        body = "".join(
            _nested(path, SHAPES[shape], as_blocks)
            for path in _paths(entry, _provider_of(rtype, providers))
        )
        out.append(f'resource "{rtype}" "shape" {{\n{body}}}\n')
    return "".join(out)


@pytest.mark.parametrize("as_blocks", [False, True], ids=["arguments", "blocks"])
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_no_value_shape_crashes_the_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shape: str, as_blocks: bool
) -> None:
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "main.tf").write_text(_configuration(shape, as_blocks), "utf-8")
    monkeypatch.chdir(tmp_path)

    result = run_scan(ScanOptions(paths=["project"], env={}))

    types = catalogue.load("terraform")["types"]
    ids = {r.id for r in result.graph}
    assert sorted(t for t in types if f"{t}.shape" not in ids) == []
