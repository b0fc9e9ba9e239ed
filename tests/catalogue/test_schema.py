"""The catalogue files match their JSON Schema, which rejects what the interpreter would
silently ignore."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from hdslint import catalogue, yamlio
from hdslint.catalogue import check
from tests.conftest import ROOT


@pytest.mark.parametrize("name", ["terraform", "kubernetes", "aws"])
def test_every_shipped_catalogue_is_valid(name: str) -> None:
    path = ROOT / "hdslint" / "catalogue" / f"{name}.yaml"
    assert check(yamlio.load(path.read_text("utf-8"))) == []


def _terraform() -> Any:
    return copy.deepcopy(dict(catalogue.load("terraform")))


def test_a_misspelt_flow_keyword_is_rejected() -> None:
    data = _terraform()
    data["types"]["aws_s3_bucket"]["flows"] = [{"kind": "replicates_to", "destination": "x"}]
    assert check(data) == [
        "$.types.aws_s3_bucket.flows[0]: Additional properties are not allowed"
        " ('destination' was unexpected)",
        # ... and, without it, the flow names no destination.
        "$.types.aws_s3_bucket.flows[0]: 'to' is a required property",
    ]


def test_an_unknown_category_and_edge_kind_are_rejected() -> None:
    data = _terraform()
    data["types"]["aws_s3_bucket"]["category"] = "bucket"
    data["types"]["aws_db_instance"]["flows"] = [{"kind": "syncs_to", "to": "x"}]
    assert check(data) == [
        "$.types.aws_db_instance.flows[0].kind: 'syncs_to' is not one of ['replicates_to',"
        " 'backs_up_to', 'copies_to', 'reads_from', 'mounts', 'stores_in', 'logs_to',"
        " 'runs_in', 'references']",
        "$.types.aws_s3_bucket.category: 'bucket' is not one of ['storage', 'database',"
        " 'backup', 'snapshot', 'log', 'queue', 'cache', 'secret', 'compute', 'cluster',"
        " 'network', 'identity', 'other']",
    ]


def test_a_flow_that_names_no_destination_is_rejected() -> None:
    data = _terraform()
    data["types"]["aws_s3_bucket"]["flows"] = [{"kind": "replicates_to", "subject": "bucket"}]
    (problem,) = check(data)
    assert problem.startswith("$.types.aws_s3_bucket.flows[0]: ")


def test_an_invalid_catalogue_fails_to_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlio, "load", lambda _text: {"schema_version": 2})
    catalogue.load.cache_clear()
    try:
        with pytest.raises(catalogue.CatalogueError) as caught:
            catalogue.load("aws")
    finally:
        monkeypatch.undo()
        catalogue.load.cache_clear()
    assert str(caught.value) == "hdslint/catalogue/aws.yaml: $.schema_version: 1 was expected"
