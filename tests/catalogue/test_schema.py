"""The catalogue files match their JSON Schema, which rejects what the interpreter would
silently ignore."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from hdslint import catalogue, yamlio
from hdslint.catalogue import check
from tests.conftest import ROOT

SHIPPED = sorted((ROOT / "hdslint" / "catalogue").glob("*.yaml"))


def test_the_shipped_catalogues_are_found() -> None:
    assert {path.stem for path in SHIPPED} >= {"terraform", "kubernetes", "aws"}


# hdslint does not validate its own catalogue on every run (it costs more than reading it):
# this test is what keeps every shipped file, present and future, true to the schema.
@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.name)
def test_every_shipped_catalogue_is_valid(path: Path) -> None:
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
