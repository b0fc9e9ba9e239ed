"""Typed identities: one parser and one spelling for addresses, keys kept apart from ids."""

from __future__ import annotations

import pytest

from hdslint.ids import (
    Address,
    ModuleStep,
    Outside,
    ResourceKey,
    UnknownDestination,
    module_in_configuration,
    parse_module_path,
)


@pytest.mark.parametrize(
    ("text", "module", "rtype", "name", "key"),
    [
        ("aws_s3_bucket.b", (), "aws_s3_bucket", "b", None),
        ("aws_s3_bucket.b[0]", (), "aws_s3_bucket", "b", 0),
        ('aws_s3_bucket.b["a.b[c]"]', (), "aws_s3_bucket", "b", "a.b[c]"),
        (
            'module.a["x"].module.b.aws_db_instance.this',
            (ModuleStep("a", "x"), ModuleStep("b")),
            "aws_db_instance",
            "this",
            None,
        ),
        (
            "module.db[2].google_sql_database_instance.main-1",
            (ModuleStep("db", 2),),
            "google_sql_database_instance",
            "main-1",
            None,
        ),
    ],
)
def test_an_address_parses_and_prints_back(
    text: str, module: tuple[ModuleStep, ...], rtype: str, name: str, key: str | int | None
) -> None:
    address = Address.parse(text)
    assert address == Address(module, rtype, name, key)
    assert str(address) == text


@pytest.mark.parametrize(
    "text", ["data.aws_region.current", "module.a", "aws_s3_bucket", "aws_s3_bucket.b.arn", "a.b."]
)
def test_what_is_not_a_resource_address_is_none(text: str) -> None:
    assert Address.parse(text) is None


def test_configuration_address_and_module_path() -> None:
    address = Address.parse('module.a["x"].aws_s3_bucket.b[1]')
    assert address is not None
    assert str(address.in_configuration()) == "module.a.aws_s3_bucket.b"
    assert address.module_path() == 'module.a["x"]'
    assert str(Address.parse("aws_s3_bucket.r[0]").within(address.module)) == (  # type: ignore[union-attr]
        'module.a["x"].aws_s3_bucket.r[0]'
    )


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("module.a", (ModuleStep("a"),)),
        ('module.a["x"].module.b[0]', (ModuleStep("a", "x"), ModuleStep("b", 0))),
        ("module.a.aws_s3_bucket.b", None),
        ("aws_s3_bucket.b", None),
        ("module", None),
        ("module.a.", None),
    ],
)
def test_a_module_path_parses(text: str, path: tuple[ModuleStep, ...] | None) -> None:
    assert parse_module_path(text) == path


def test_a_module_path_in_configuration_has_no_keys() -> None:
    path = parse_module_path('module.a["x"].module.b[0]')
    assert path is not None
    assert module_in_configuration(path) == (ModuleStep("a"), ModuleStep("b"))


def test_a_key_holding_an_arn_keeps_scope_and_id_apart() -> None:
    key = ResourceKey("cluster:prod", "arn:aws:s3:::records")
    assert (key.scope, key.id, str(key)) == (
        "cluster:prod",
        "arn:aws:s3:::records",
        "cluster:prod::arn:aws:s3:::records",
    )
    assert str(ResourceKey("", "arn:aws:s3:::records")) == "arn:aws:s3:::records"
    assert ResourceKey("infra", 'aws_s3_bucket.b["x"]').base() == ResourceKey(
        "infra", "aws_s3_bucket.b"
    )
    assert ResourceKey("k8s", "Pod/x[0]").base() == ResourceKey("k8s", "Pod/x[0]")


def test_destinations_say_what_they_are() -> None:
    assert str(Outside("aws", "us-east-1")) == "a destination in us-east-1"
    assert str(Outside("aws", None, "arn:aws:s3:::x")) == "arn:aws:s3:::x"
    assert UnknownDestination("why") != UnknownDestination("why", external=True)
