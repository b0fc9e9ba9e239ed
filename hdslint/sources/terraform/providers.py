"""Provider configurations: which provider (and region) a resource's `provider` resolves to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hdslint import catalogue
from hdslint.causes import because
from hdslint.ids import instance_suffix
from hdslint.model import Unknown
from hdslint.sources.terraform.expr import Scope, evaluate, note_sensitive, traced
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
    """One `provider` block (or the empty default one Terraform would use), or one instance
    of an OpenTofu provider block with `for_each` (`key` set, `scope` binding `each`)."""

    def __init__(
        self,
        local_name: str,
        alias: str | None,
        provider_id: str,
        block: Block | None,
        instance: ModuleInstance | None,
        *,
        key: Any = None,
        scope: Scope | None = None,
        unknown: str | None = None,
    ) -> None:
        self.local_name = local_name
        self.alias = alias
        self.provider_id = provider_id
        self.block = block
        self.instance = instance
        self.key = key
        self.scope: Scope | None = scope if scope is not None else instance
        # Why the configuration a reference names is not known (an instance key that is
        # not known): every argument is unknown for that reason.
        self.unknown = unknown
        # Each argument's value, with whether it derives from a sensitive value.
        self._values: dict[str, tuple[Any, bool]] = {}

    @property
    def name(self) -> str:
        base = f"{self.local_name}.{self.alias}" if self.alias else self.local_name
        return base + instance_suffix(self.key)

    def argument(self, name: str) -> Any:
        """The value of a provider argument (a dotted path reaches into nested blocks, e.g.
        Outscale's `api.region`); None when not set."""
        if self.unknown is not None:
            return Unknown(self.unknown)
        if name not in self._values:
            self._values[name] = traced(lambda: self._argument(name))
        value, sensitive = self._values[name]
        if sensitive:
            note_sensitive()
        return value

    def _argument(self, name: str) -> Any:
        value: Any = None
        if self.block is not None and self.scope is not None:
            for expr, scope, source in exprs_at(self.block.body, name, self.scope):
                value = evaluate(expr, scope)
                if isinstance(value, Unknown):
                    value = Unknown(
                        because(f'provider "{self.name}" {name} = {source}', value.reason),
                        ref=value.ref,
                    )
                if value is not None:
                    break
        return value

    def default_tags(self) -> Any:
        if self.block is None or self.scope is None:
            return {}
        for block_type, _labels, body, _line, _end in self.block.body["blocks"]:
            if block_type == "default_tags" and "tags" in body["attrs"]:
                return evaluate(body["attrs"]["tags"][0], self.scope)
        return {}


def provider_ref(expr: Expr) -> str | None:
    """`aws` or `aws.us` from a provider reference expression (or a string key); an
    OpenTofu instance reference (`aws.by_region[each.key]`) gives its configuration's name."""
    if expr[0] == "idx":
        return provider_ref(expr[1])
    if expr[0] == "var":
        return str(expr[1])
    if expr[0] == "attr" and expr[1][0] == "var":
        return f"{expr[1][1]}.{expr[2]}"
    if expr[0] == "lit" and isinstance(expr[1], str):
        return expr[1]
    return None


def provider_key(expr: Expr, scope: Scope) -> str | Unknown | None:
    """The provider configuration a reference names, evaluated in `scope`: `aws`, `aws.us`,
    or one instance of an OpenTofu provider with `for_each` (`aws.by_region["eu"]`, from
    `aws.by_region[each.key]`); Unknown when the instance key is not known."""
    name = provider_ref(expr)
    if name is None or expr[0] != "idx":
        return name
    key = evaluate(expr[2], scope)
    if isinstance(key, Unknown):
        return Unknown(because(f"the provider instance {name}[...] is not known", key.reason))
    if not isinstance(key, str | int | float) or isinstance(key, bool):
        return Unknown(f"the provider instance key of {name} is not a string", error=True)
    return name + instance_suffix(key if isinstance(key, str) else str(key))
