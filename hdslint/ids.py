"""Typed identities of the core model: a resource's key in the graph, Terraform addresses,
and where an edge's data goes.

Each has one constructor and one `str()`; nothing else builds or splits them as text. A
`ResourceKey` keeps its scope and id apart, so an id holding `::` (an ARN such as
`arn:aws:s3:::records`) needs no escaping. Standard library only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True, order=True)
class ResourceKey:
    """A resource's key in the graph: its id, qualified by the scope that makes it unique
    (a Terraform root module's folder, a Kubernetes cluster; empty for global ids)."""

    scope: str
    id: str

    def __str__(self) -> str:
        return f"{self.scope}::{self.id}" if self.scope else self.id

    def base(self) -> ResourceKey:
        """The key of the resource whose instance this is (`b["x"]` -> `b`), else itself."""
        address = Address.parse(self.id)
        if address is None or address.key is None:
            return self
        return ResourceKey(self.scope, str(address.without_key()))


# -- Terraform addresses -----------------------------------------------------------------

_STEP = re.compile(
    r"""(?P<name>[A-Za-z_][A-Za-z0-9_-]*)(?:\[(?P<key>\d+|"(?:[^"\\]|\\.)*")\])?(?:\.|$)"""
)


@dataclass(frozen=True, slots=True)
class ModuleStep:
    """One `module.NAME[KEY]` step of a module path; `key` is None without an instance key."""

    name: str
    key: str | int | None = None

    def __str__(self) -> str:
        return f"module.{self.name}{instance_suffix(self.key)}"


@dataclass(frozen=True, slots=True)
class Address:
    """A Terraform resource address as Terraform prints it:
    `module.a["x"].module.b.aws_s3_bucket.logs[0]`."""

    module: tuple[ModuleStep, ...]
    type: str
    name: str
    key: str | int | None = None

    def __str__(self) -> str:
        return f"{self.module_prefix()}{self.type}.{self.name}{instance_suffix(self.key)}"

    def module_prefix(self) -> str:
        """`module.a["x"].` for a resource inside a module call, `` at the root."""
        return "".join(f"{step}." for step in self.module)

    def module_path(self) -> str | None:
        """The module instance holding the resource (`module.a["x"]`), None at the root."""
        return ".".join(str(step) for step in self.module) or None

    def without_key(self) -> Address:
        return Address(self.module, self.type, self.name)

    def in_configuration(self) -> Address:
        """The address of the block that declares it: no instance key anywhere (the
        configuration has none), `module.a.aws_s3_bucket.b`."""
        return Address(module_in_configuration(self.module), self.type, self.name)

    def within(self, module: tuple[ModuleStep, ...]) -> Address:
        """This address (as a reference written inside a module) placed in that module."""
        return Address(module + self.module, self.type, self.name, self.key)

    @classmethod
    def parse(cls, text: str) -> Address | None:
        """The address `text` spells, or None when it is not a managed resource's address."""
        steps: list[tuple[str, str | int | None]] = []
        pos = 0
        while pos < len(text):
            match = _STEP.match(text, pos)
            if match is None:
                return None
            raw = match.group("key")
            steps.append((match.group("name"), _parse_key(raw) if raw is not None else None))
            pos = match.end()
            if match.group(0).endswith(".") and pos == len(text):
                return None
        module: list[ModuleStep] = []
        i = 0
        while i + 1 < len(steps) and steps[i] == ("module", None) and len(steps) - i > 2:
            name, key = steps[i + 1]
            module.append(ModuleStep(name, key))
            i += 2
        rest = steps[i:]
        if len(rest) != 2 or rest[0][1] is not None or rest[0][0] in ("module", "data"):
            return None
        (rtype, _), (name, key) = rest
        return cls(tuple(module), rtype, name, key)


def module_in_configuration(path: tuple[ModuleStep, ...]) -> tuple[ModuleStep, ...]:
    """The module calls that declare a module instance: its path without instance keys."""
    return tuple(ModuleStep(step.name) for step in path)


def parse_module_path(text: str) -> tuple[ModuleStep, ...] | None:
    """The module instance `text` spells (`module.a["x"].module.b`), or None when it is not
    one (a resource address, a data source)."""
    steps: list[ModuleStep] = []
    pos = 0
    while pos < len(text):
        word = _STEP.match(text, pos)
        name = _STEP.match(text, word.end()) if word is not None else None
        if word is None or name is None or word.group(0) != "module." or name.group(0) == "":
            return None
        raw = name.group("key")
        steps.append(ModuleStep(name.group("name"), _parse_key(raw) if raw is not None else None))
        pos = name.end()
        if name.group(0).endswith(".") and pos == len(text):
            return None
    return tuple(steps) or None


def _parse_key(raw: str) -> str | int:
    if raw.startswith('"'):
        value: Any = json.loads(raw)
        return str(value)
    return int(raw)


def instance_suffix(key: Any) -> str:
    """`[0]`, `["paris"]` or `` (no key), as Terraform prints instance keys."""
    return "" if key is None else f"[{json.dumps(key)}]"


# -- destinations --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outside:
    """A destination that is not a resource in the graph, as far as the source could tell:
    a name (an ARN, a bucket name), its region, or both."""

    provider: str | None
    region: str | None = None
    name: str | None = None

    def __str__(self) -> str:
        if self.name is not None:
            return self.name
        return f"a destination in {self.region}"


@dataclass(frozen=True, slots=True)
class UnknownDestination:
    """A destination the source cannot tell, and why. `external`: an endpoint outside the
    scanned inputs (its address is never shown: it may hold credentials)."""

    reason: str
    external: bool = False

    def __str__(self) -> str:
        return "an external endpoint" if self.external else "an unknown destination"


# Where an edge's data goes: a resource in the graph, a place outside it, or unknown.
Destination = ResourceKey | Outside | UnknownDestination
