"""Terraform's value conversions, shared by the evaluator and its functions."""

from __future__ import annotations

from typing import Any

from hdslint.model import Unknown


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def norm_number(value: float) -> int | float:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def to_number(value: Any) -> Any:
    if is_number(value):
        return value
    if isinstance(value, str):
        try:
            return norm_number(float(value))
        except ValueError:
            pass
    return Unknown(f"{value!r} is not a number", error=True)


def to_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if is_number(value):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "map"
    return "value"


def type_error(op: str, value: Any) -> Unknown:
    return Unknown(f"operator {op} cannot take a {type_name(value)}", error=True)
