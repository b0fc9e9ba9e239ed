"""CloudFormation's intrinsic functions, evaluated as CloudFormation would before deploying.

Values are plain data; a value that only exists once deployed (a resource's name or
attribute, an import from another stack, a parameter without a default) is an `Unknown`
with the reason, and a direct reference to a resource (`!Ref Bucket`, `!GetAtt Bucket.Arn`)
is a `ResourceRef`, so flows can follow it. A condition is True, False or Unknown.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hdslint.causes import because
from hdslint.model import Unknown


@dataclass(frozen=True, slots=True)
class ResourceRef:
    """`!Ref Logical` (attribute None) or `!GetAtt Logical.Attribute`."""

    logical_id: str
    attribute: str | None = None


class _NoValue:
    """`!Ref AWS::NoValue`: the property is removed."""

    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE = _NoValue()

_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
# Expressions nest at most this deep (conditions naming conditions, Fn::If in Fn::If): a
# hostile template must not exhaust Python's stack.
MAX_DEPTH = 100


@dataclass(frozen=True, slots=True)
class Deployment:
    """What the deploy tooling says of where a template goes (every field may be unknown)."""

    region: str | None
    # Why the region is not known (None when it is).
    region_unknown: str | None
    account: str | None = None
    stack_name: str | None = None


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


class Evaluator:
    """Evaluates one template's expressions for one deployment."""

    def __init__(
        self,
        template: Mapping[str, Any],
        deployment: Deployment,
        given: Mapping[str, Any] | None = None,
    ) -> None:
        self.deployment = deployment
        self.parameters = _mapping(template.get("Parameters"))
        self.mappings = _mapping(template.get("Mappings"))
        self.conditions = _mapping(template.get("Conditions"))
        self.resources = _mapping(template.get("Resources"))
        self.given = dict(given or {})
        self._decided: dict[str, bool | Unknown] = {}
        self._busy: set[str] = set()
        self._depth = 0

    # -- conditions --------------------------------------------------------------------

    def condition(self, name: Any) -> bool | Unknown:
        """A named condition of the template."""
        if not isinstance(name, str):
            return Unknown(f"condition name {name!r} is not a string", error=True)
        if name in self._decided:
            return self._decided[name]
        if name not in self.conditions:
            return Unknown(f"condition {name!r} is not declared in Conditions", error=True)
        if name in self._busy:
            return Unknown(f"condition {name!r} depends on itself", error=True)
        self._busy.add(name)
        try:
            found = self._truth(self.value(self.conditions[name]), f"condition {name!r}")
        finally:
            self._busy.discard(name)
        self._decided[name] = found
        return found

    def resource_created(self, logical_id: str) -> bool | Unknown:
        body = self.resources.get(logical_id)
        if not isinstance(body, Mapping) or "Condition" not in body:
            return True
        return self.condition(body["Condition"])

    def _truth(self, value: Any, what: str) -> bool | Unknown:
        if isinstance(value, Unknown):
            return Unknown(because(f"{what} cannot be decided", value.reason))
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        return Unknown(f"{what} is not a boolean ({_shown(value)})", error=True)

    # -- values ------------------------------------------------------------------------

    def value(self, expr: Any) -> Any:
        """The value of an expression (a property, a condition, an output)."""
        if not isinstance(expr, Mapping | list):
            return expr
        if self._depth >= MAX_DEPTH:
            return Unknown(f"the expression nests deeper than {MAX_DEPTH} levels", error=True)
        self._depth += 1
        try:
            return self._value(expr)
        finally:
            self._depth -= 1

    def _value(self, expr: Any) -> Any:
        if isinstance(expr, Mapping):
            if len(expr) == 1:
                ((key, argument),) = expr.items()
                function = _FUNCTIONS.get(key)
                if function is not None:
                    return function(self, argument)
            out = {}
            for key, item in expr.items():
                found = self.value(item)
                if found is not NO_VALUE:
                    out[str(key)] = found
            return out
        if isinstance(expr, list):
            return [v for v in (self.value(item) for item in expr) if v is not NO_VALUE]
        return expr

    def ref(self, name: Any) -> Any:
        if not isinstance(name, str):
            name = self.value(name)
            if not isinstance(name, str):
                return Unknown(f"!Ref of {_shown(name)}", error=True)
        if name.startswith("AWS::"):
            return self._pseudo(name)
        if name in self.parameters:
            return self._parameter(name)
        if name in self.resources:
            created = self.resource_created(name)
            if created is False:
                return Unknown(f"!Ref {name}: the resource is not created (its Condition is false)")
            return ResourceRef(name)
        return Unknown(f"!Ref {name}: no parameter or resource of that name", error=True)

    def _pseudo(self, name: str) -> Any:
        deployment = self.deployment
        if name == "AWS::NoValue":
            return NO_VALUE
        if name == "AWS::Region":
            if deployment.region is None:
                return Unknown(f"AWS::Region: {deployment.region_unknown}")
            return deployment.region
        if name == "AWS::Partition":
            if deployment.region is None:
                return Unknown(f"AWS::Partition: {deployment.region_unknown}")
            return partition_of(deployment.region)
        if name == "AWS::URLSuffix":
            region = deployment.region
            return "amazonaws.com.cn" if region and region.startswith("cn-") else "amazonaws.com"
        if name == "AWS::AccountId":
            return deployment.account or Unknown("AWS::AccountId: the account is not known")
        if name == "AWS::StackName":
            return deployment.stack_name or Unknown("AWS::StackName: the stack name is not known")
        if name in ("AWS::StackId", "AWS::NotificationARNs"):
            return Unknown(f"{name} is known only once deployed")
        return Unknown(f"!Ref {name}: no such pseudo parameter", error=True)

    def _parameter(self, name: str) -> Any:
        declared = _mapping(self.parameters.get(name))
        kind = str(declared.get("Type", "String"))
        if kind.startswith("AWS::SSM::Parameter::Value<"):
            return Unknown(f"parameter {name} is read from SSM Parameter Store at deploy time")
        if name in self.given:
            value = self.given[name]
        elif "Default" in declared:
            value = self.value(declared["Default"])
        else:
            return Unknown(f"parameter {name} has no Default: its value is given at deploy time")
        if isinstance(value, bool | int | float) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and (kind.startswith("List<") or kind == "CommaDelimitedList"):
            return [item.strip() for item in value.split(",")]
        return value


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _text(value: Any) -> str | None:
    """A value as CloudFormation turns it into a string, None when it cannot."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None


def _unknown_part(value: Any, what: str) -> Unknown:
    """Why a string cannot be built from a value; a resource's attribute keeps its
    resource, so flows still follow the reference."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, ResourceRef):
        attribute = f".{value.attribute}" if value.attribute else ""
        return Unknown(
            f"{what}: {value.logical_id}{attribute} is known only once deployed",
            ref=value.logical_id,
        )
    return Unknown(f"{what}: {_shown(value)} is not a string", error=True)


def _args(argument: Any, count: int) -> list[Any] | None:
    if isinstance(argument, list) and len(argument) >= count:
        return argument
    return None


def _get_att(ev: Evaluator, argument: Any) -> Any:
    if isinstance(argument, str):
        argument = list(argument.partition(".")[::2])
    args = _args(argument, 2)
    if args is None or not isinstance(args[0], str):
        return Unknown(f"Fn::GetAtt {_shown(argument)}: expected [resource, attribute]", error=True)
    attribute = ev.value(args[1])
    if args[0] not in ev.resources:
        return Unknown(f"Fn::GetAtt {args[0]}: no resource of that name", error=True)
    if ev.resource_created(args[0]) is False:
        return Unknown(
            f"Fn::GetAtt {args[0]}: the resource is not created (its Condition is false)"
        )
    return ResourceRef(args[0], attribute if isinstance(attribute, str) else None)


def _sub(ev: Evaluator, argument: Any) -> Any:
    variables: Mapping[str, Any] = {}
    if isinstance(argument, list) and len(argument) == 2:
        argument, variables = argument[0], _mapping(argument[1])
    if not isinstance(argument, str):
        return Unknown(f"Fn::Sub {_shown(argument)}: expected a string", error=True)
    problem: list[Unknown] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("!"):
            return "${" + name[1:] + "}"
        if name in variables:
            found = ev.value(variables[name])
        elif "." in name and not name.startswith("AWS::"):
            found = _get_att(ev, name.split(".", 1))
        else:
            found = ev.ref(name)
        text = _text(found)
        if text is None:
            problem.append(_unknown_part(found, "Fn::Sub"))
            return ""
        return text

    result = _SUB_VARIABLE.sub(replace, argument)
    return problem[0] if problem else result


def _join(ev: Evaluator, argument: Any) -> Any:
    args = _args(argument, 2)
    if args is None:
        return Unknown(f"Fn::Join {_shown(argument)}: expected [delimiter, list]", error=True)
    delimiter, items = ev.value(args[0]), ev.value(args[1])
    if isinstance(items, Unknown):
        return items
    if not isinstance(delimiter, str) or not isinstance(items, list):
        return Unknown("Fn::Join: expected a delimiter and a list", error=True)
    parts = []
    for item in items:
        text = _text(item)
        if text is None:
            return _unknown_part(item, "Fn::Join")
        parts.append(text)
    return delimiter.join(parts)


def _select(ev: Evaluator, argument: Any) -> Any:
    args = _args(argument, 2)
    if args is None:
        return Unknown(f"Fn::Select {_shown(argument)}: expected [index, list]", error=True)
    index, items = ev.value(args[0]), ev.value(args[1])
    for value in (index, items):
        if isinstance(value, Unknown):
            return value
    try:
        position = int(index)
    except (TypeError, ValueError):
        return Unknown(f"Fn::Select: index {_shown(index)} is not a number", error=True)
    if not isinstance(items, list) or not 0 <= position < len(items):
        return Unknown(f"Fn::Select: index {position} is out of range", error=True)
    return items[position]


def _split(ev: Evaluator, argument: Any) -> Any:
    args = _args(argument, 2)
    if args is None:
        return Unknown(f"Fn::Split {_shown(argument)}: expected [delimiter, string]", error=True)
    delimiter, text = ev.value(args[0]), ev.value(args[1])
    if isinstance(text, Unknown):
        return text
    if not isinstance(delimiter, str) or not delimiter or not isinstance(text, str):
        return _unknown_part(text, "Fn::Split")
    return text.split(delimiter)


def _if(ev: Evaluator, argument: Any) -> Any:
    args = _args(argument, 3)
    if args is None:
        return Unknown(f"Fn::If {_shown(argument)}: expected [condition, then, else]", error=True)
    decided = ev.condition(args[0])
    if decided is True:
        return ev.value(args[1])
    if decided is False:
        return ev.value(args[2])
    assert isinstance(decided, Unknown)
    then, otherwise = ev.value(args[1]), ev.value(args[2])
    # Both branches alike: the condition does not matter.
    return then if then == otherwise else decided


def _equals(ev: Evaluator, argument: Any) -> Any:
    args = _args(argument, 2)
    if args is None:
        return Unknown(f"Fn::Equals {_shown(argument)}: expected two values", error=True)
    left, right = ev.value(args[0]), ev.value(args[1])
    for value in (left, right):
        if isinstance(value, Unknown | ResourceRef):
            return _unknown_part(value, "Fn::Equals")
    left_text, right_text = _text(left), _text(right)
    if left_text is not None and right_text is not None:
        return left_text == right_text
    return bool(left == right)


def _logic(name: str) -> Any:
    def evaluate(ev: Evaluator, argument: Any) -> Any:
        if not isinstance(argument, list) or not argument:
            return Unknown(f"Fn::{name}: expected a list of conditions", error=True)
        values = [ev._truth(ev.value(item), f"Fn::{name}") for item in argument]
        if name == "Not":
            value = values[0]
            return value if isinstance(value, Unknown) else not value
        decisive = name == "Or"  # the value that decides alone
        if decisive in values:
            return decisive
        unknown = [v for v in values if isinstance(v, Unknown)]
        return unknown[0] if unknown else not decisive

    return evaluate


def _condition(ev: Evaluator, argument: Any) -> Any:
    return ev.condition(argument)


def _find_in_map(ev: Evaluator, argument: Any) -> Any:
    args = _args(argument, 3)
    if args is None:
        return Unknown(f"Fn::FindInMap {_shown(argument)}: expected three keys", error=True)
    keys = [ev.value(item) for item in args[:3]]
    default = _mapping(args[3]).get("DefaultValue") if len(args) > 3 else None
    for key in keys:
        if isinstance(key, Unknown):
            return Unknown(because(f"Fn::FindInMap {keys[0]!s}", key.reason), ref=key.ref)
    node: Any = ev.mappings
    for key in keys:
        node = _mapping(node).get(str(key), NO_VALUE) if isinstance(node, Mapping) else NO_VALUE
        if node is NO_VALUE:
            if default is not None:
                return ev.value(default)
            path = ".".join(str(k) for k in keys)
            return Unknown(f"Fn::FindInMap: Mappings has no {path}", error=True)
    return ev.value(node)


def _cidr(ev: Evaluator, argument: Any) -> Any:
    args = _args(argument, 3)
    if args is None:
        return Unknown(f"Fn::Cidr {_shown(argument)}: expected [block, count, bits]", error=True)
    block, count, bits = (ev.value(a) for a in args[:3])
    for value in (block, count, bits):
        if isinstance(value, Unknown):
            return value
    try:
        network = ipaddress.ip_network(str(block), strict=False)
        size = network.max_prefixlen - int(bits)
        subnets = network.subnets(new_prefix=size)
        return [str(next(subnets)) for _ in range(min(int(count), 256))]
    except (ValueError, StopIteration):
        return Unknown(f"Fn::Cidr: cannot split {block!s} into {count!s} /{bits!s}", error=True)


def _unknown_function(reason: str) -> Any:
    def evaluate(ev: Evaluator, argument: Any) -> Any:
        return Unknown(reason.format(shown=_shown(ev.value(argument))))

    return evaluate


def _base64(ev: Evaluator, argument: Any) -> Any:
    return ev.value(argument)


def _length(ev: Evaluator, argument: Any) -> Any:
    value = ev.value(argument)
    return len(value) if isinstance(value, list) else _unknown_part(value, "Fn::Length")


def _to_json_string(ev: Evaluator, argument: Any) -> Any:
    value = ev.value(argument)
    try:
        return json.dumps(value, separators=(",", ":"))
    except TypeError:
        return Unknown("Fn::ToJsonString: part of the value is known only once deployed")


_FUNCTIONS: dict[str, Any] = {
    "Ref": lambda ev, argument: ev.ref(argument),
    "Fn::GetAtt": _get_att,
    "Fn::Sub": _sub,
    "Fn::Join": _join,
    "Fn::Select": _select,
    "Fn::Split": _split,
    "Fn::If": _if,
    "Fn::Equals": _equals,
    "Fn::And": _logic("And"),
    "Fn::Or": _logic("Or"),
    "Fn::Not": _logic("Not"),
    "Condition": _condition,
    "Fn::FindInMap": _find_in_map,
    "Fn::Base64": _base64,
    "Fn::Cidr": _cidr,
    "Fn::GetAZs": _unknown_function(
        "Fn::GetAZs: the availability zones are known only in the account"
    ),
    "Fn::ImportValue": _unknown_function("Fn::ImportValue {shown}: exported by another stack"),
    "Fn::Transform": _unknown_function(
        "Fn::Transform: a macro's output is known only once deployed"
    ),
    "Fn::Length": _length,
    "Fn::ToJsonString": _to_json_string,
}
