"""Provider configurations: which provider (and region) a resource's `provider` resolves to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hdslint import catalogue
from hdslint.model import Unknown
from hdslint.sources.terraform.expr import evaluate, note_sensitive, traced
from hdslint.sources.terraform.hcl import Expr
from hdslint.sources.terraform.loader import Block
from hdslint.sources.terraform.paths import exprs_at

if TYPE_CHECKING:
    from hdslint.sources.terraform.instance import ModuleInstance


def provider_id_for_source(source: str) -> str:
    """`hashicorp/aws` -> `aws`; `registry.terraform.io/ovh/ovh` -> `ovh`."""
    parts = source.lower().split("/")
    if len(parts) == 3:
        parts = parts[1:]
    for pid, entry in catalogue.load("terraform")["providers"].items():
        if "/".join(parts) in entry.get("sources", ()):
            return str(pid)
    return parts[-1]


class ProviderConfig:
    """One `provider` block (or the empty default one Terraform would use)."""

    def __init__(
        self,
        local_name: str,
        alias: str | None,
        provider_id: str,
        block: Block | None,
        instance: ModuleInstance | None,
    ) -> None:
        self.local_name = local_name
        self.alias = alias
        self.provider_id = provider_id
        self.block = block
        self.instance = instance
        # Each argument's value, with whether it derives from a sensitive value.
        self._values: dict[str, tuple[Any, bool]] = {}

    @property
    def name(self) -> str:
        return f"{self.local_name}.{self.alias}" if self.alias else self.local_name

    def argument(self, name: str) -> Any:
        """The value of a provider argument (a dotted path reaches into nested blocks, e.g.
        Outscale's `api.region`); None when not set."""
        if name not in self._values:
            self._values[name] = traced(lambda: self._argument(name))
        value, sensitive = self._values[name]
        if sensitive:
            note_sensitive()
        return value

    def _argument(self, name: str) -> Any:
        value: Any = None
        if self.block is not None and self.instance is not None:
            for expr, scope, source in exprs_at(self.block.body, name, self.instance):
                value = evaluate(expr, scope)
                if isinstance(value, Unknown):
                    value = Unknown(
                        f'provider "{self.name}" {name} = {source}: {value.reason}',
                        ref=value.ref,
                    )
                if value is not None:
                    break
        return value

    def default_tags(self) -> Any:
        if self.block is None or self.instance is None:
            return {}
        for block_type, _labels, body, _line, _end in self.block.body["blocks"]:
            if block_type == "default_tags" and "tags" in body["attrs"]:
                return evaluate(body["attrs"]["tags"][0], self.instance)
        return {}


def provider_ref(expr: Expr) -> str | None:
    """`aws` or `aws.us` from a provider reference expression (or a string key)."""
    if expr[0] == "var":
        return str(expr[1])
    if expr[0] == "attr" and expr[1][0] == "var":
        return f"{expr[1][1]}.{expr[2]}"
    if expr[0] == "lit" and isinstance(expr[1], str):
        return expr[1]
    return None
