"""A module evaluated at one address: its variables, locals, providers, resources and
child module calls. It is the Scope every expression of the module is evaluated in."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from hdslint.causes import because
from hdslint.model import Unknown
from hdslint.sources.terraform.expr import (
    Scope,
    bind,
    convert_to_type,
    evaluate,
    evaluate_lazy,
    evaluate_traced,
    note_sensitive,
    traced,
)
from hdslint.sources.terraform.functions import FileReader
from hdslint.sources.terraform.loader import Block, ModuleDir
from hdslint.sources.terraform.namespaces import (
    DataNS,
    LocalNS,
    ModuleCallValue,
    ModuleNS,
    ResourceTypeNS,
    VarNS,
)
from hdslint.sources.terraform.providers import (
    ProviderConfig,
    provider_id_for_source,
    provider_key,
    provider_ref,
)
from hdslint.sources.terraform.resources import ResourceEval, expand

if TYPE_CHECKING:
    from hdslint.sources.terraform.evaluate import Evaluator


class EmptyScope:
    def root(self, name: str) -> Any:
        return Unknown(f"{name} cannot be referenced here", error=True)


EMPTY_SCOPE = EmptyScope()


class ReaderScope(EmptyScope):
    """No names, but file() and friends read through `file_reader` (a root module's
    variable values)."""

    def __init__(self, file_reader: FileReader) -> None:
        self.file_reader = file_reader


def _declared_sensitive(block: Block) -> bool:
    """A `variable` or `output` declared `sensitive = true` (a literal, as Terraform requires)."""
    attr = block.body["attrs"].get("sensitive")
    return attr is not None and attr[0] == ("lit", True)


def _not_nullable(block: Block) -> bool:
    """A `variable` declared `nullable = false` (a literal, as Terraform requires)."""
    attr = block.body["attrs"].get("nullable")
    return attr is not None and attr[0] == ("lit", False)


class ModuleInstance:
    """A module evaluated at one address, with its variables and providers. Acts as the
    Scope for every expression in the module."""

    def __init__(
        self,
        evaluator: Evaluator,
        mod: ModuleDir,
        address: str,
        *,
        key: Any = None,
        parent: ModuleInstance | None = None,
        call: Block | None = None,
        each: Mapping[str, Any] | None = None,
        depth: int = 0,
    ) -> None:
        self.evaluator = evaluator
        self.mod = mod
        self.address = address
        self.key = key
        self.parent = parent
        self.call = call
        self.each = each or {}
        self.depth = depth
        # Cached values, each with whether it derives from a sensitive value.
        self._vars: dict[str, tuple[Any, bool]] = {}
        self._locals: dict[str, tuple[Any, bool]] = {}
        self._busy: set[str] = set()
        self._resources: dict[tuple[str, str], ResourceEval] = {}
        self._children: dict[str, list[ModuleInstance]] | None = None
        self.providers = self._provider_map()
        for block in mod.resources:
            self._resources[(block.labels[0], block.labels[1])] = ResourceEval(self, block)

    @property
    def file_reader(self) -> FileReader | None:
        """What file() and friends read in this module: below its root module."""
        return self.evaluator.file_reader

    @property
    def where(self) -> str:
        return self.address or f"the root module ({self.mod.display})"

    def prefix(self) -> str:
        return f"{self.address}." if self.address else ""

    # Scope
    def root(self, name: str) -> Any:
        if name == "var":
            return VarNS(self)
        if name == "local":
            return LocalNS(self)
        if name == "module":
            return ModuleNS(self)
        if name == "data":
            return DataNS(self)
        if name == "path":
            root = self
            while root.parent is not None:
                root = root.parent
            return {
                "module": str(self.mod.path),
                "root": str(root.mod.path),
                "cwd": str(root.mod.path),
            }
        if name == "terraform":
            return {"workspace": Unknown("terraform.workspace is chosen when Terraform runs")}
        if name in ("each", "count", "self"):
            return Unknown(f"{name} is not available here", error=True)
        if any(block.labels[0] == name for block in self.mod.resources):
            return ResourceTypeNS(self, name)
        return Unknown(f"unknown name {name!r}", error=True)

    # variables
    def variable(self, name: str) -> Any:
        if name in self._vars:
            value, sensitive = self._vars[name]
            if sensitive:
                note_sensitive()
            return value
        if name in self._busy:
            return Unknown(f"var.{name} refers to itself", error=True)
        self._busy.add(name)
        try:
            value, sensitive = traced(lambda: self._variable(name))
            block = self.mod.variables.get(name)
            type_attr = block.body["attrs"].get("type") if block is not None else None
            if type_attr is not None:
                value = convert_to_type(value, type_attr[0], EMPTY_SCOPE)
            if block is not None and _declared_sensitive(block):
                sensitive = True
                note_sensitive()
        finally:
            self._busy.discard(name)
        self._vars[name] = (value, sensitive)
        return value

    def _variable(self, name: str) -> Any:
        block = self.mod.variables.get(name)
        if block is None:
            return Unknown(f"no variable {name!r} is declared in {self.where}", error=True)
        default = block.body["attrs"].get("default")
        # `nullable = false`: a null value given for the variable means its default.
        null_means_default = default is not None and _not_nullable(block)
        if self.parent is None:
            value, found = self.evaluator.root_variable(self, name)
            if found and not (value is None and null_means_default):
                return value
        elif self.call is not None and name in self.call.body["attrs"]:
            expr, _line, source = self.call.body["attrs"][name]
            scope: Scope = bind(self.parent, self.each) if self.each else self.parent
            value = evaluate(expr, scope)
            if isinstance(value, Unknown):
                return Unknown(
                    because(f"variable {name!r} of {self.address} = {source}", value.reason),
                    ref=value.ref,
                )
            if not (value is None and null_means_default):
                return value
        if default is not None:
            return evaluate(default[0], self)
        if self.parent is None and self.evaluator.unit_inputs is not None:
            return Unknown(
                f"variable {name!r} has no value: no default, and the Terragrunt unit's"
                " inputs do not set it"
            )
        if self.parent is None:
            return Unknown(
                f"variable {name!r} has no value: no default, and it is not set in"
                f" terraform.tfvars, *.auto.tfvars, TF_VAR_{name}, --var-file or --var"
            )
        return Unknown(
            f"variable {name!r} of {self.address} has no value: the module call does not"
            " set it and it has no default"
        )

    # locals
    def local(self, name: str) -> Any:
        key = "local." + name
        if name in self._locals:
            value, sensitive = self._locals[name]
            if sensitive:
                note_sensitive()
            return value
        if key in self._busy:
            return Unknown(f"local.{name} refers to itself", error=True)
        entry = self.mod.locals.get(name)
        if entry is None:
            return Unknown(f"no local value {name!r} in {self.where}", error=True)
        self._busy.add(key)
        try:
            value, sensitive = evaluate_traced(entry[0], self)
        finally:
            self._busy.discard(key)
        self._locals[name] = (value, sensitive)
        return value

    # resources
    def resource(self, rtype: str, name: str) -> ResourceEval | None:
        return self._resources.get((rtype, name))

    def resource_by_address(self, address: str) -> ResourceEval | None:
        """A resource of this module instance by its full address."""
        local = address[len(self.prefix()) :] if address.startswith(self.prefix()) else address
        rtype, _, name = local.partition(".")
        return self._resources.get((rtype, name))

    def resources(self) -> Iterator[ResourceEval]:
        yield from self._resources.values()

    # child modules
    def children(self) -> dict[str, list[ModuleInstance]]:
        if self._children is None:
            self._children = {}
            for name, call in self.mod.calls.items():
                self._children[name] = self.evaluator.instantiate_call(self, name, call)
        return self._children

    def module_value(self, name: str) -> Any:
        instances = self.children().get(name)
        if instances is None:
            return Unknown(f"no module call {name!r} in {self.where}", error=True)
        return ModuleCallValue(instances, f"{self.prefix()}module.{name}")

    def output(self, name: str) -> Any:
        block = self.mod.outputs.get(name)
        if block is None:
            return Unknown(f"{self.address} has no output {name!r}", error=True)
        value = block.body["attrs"].get("value")
        if value is None:
            return None
        if _declared_sensitive(block):
            note_sensitive()
        return evaluate_lazy(value[0], self)

    # providers
    def _provider_map(self) -> dict[str, ProviderConfig]:
        providers: dict[str, ProviderConfig] = {}
        parent = self.parent
        if parent is not None and self.call is not None:
            passed = self.call.body["attrs"].get("providers")
            if passed is not None and passed[0][0] == "obj":
                call_scope: Scope = bind(parent, self.each) if self.each else parent
                for key_expr, value_expr in passed[0][1]:
                    child_key = provider_ref(key_expr)
                    parent_key = provider_key(value_expr, call_scope)
                    if child_key and parent_key is not None:
                        providers[child_key] = parent.provider(parent_key)
            else:
                # Without a `providers` argument a child inherits its parent's default
                # (alias-less) provider configurations.
                for pkey, config in parent.providers.items():
                    if "." not in pkey:
                        providers[pkey] = config
        for block in self.mod.providers:
            local_name = block.labels[0]
            alias_attr = block.body["attrs"].get("alias")
            alias = None
            if alias_attr is not None:
                alias_value = evaluate(alias_attr[0], self)
                alias = alias_value if isinstance(alias_value, str) else None
            identity = self.provider_identity(local_name)
            config = ProviderConfig(local_name, alias, identity, block, self)
            providers[config.name] = config
            if "for_each" in block.body["attrs"]:
                providers.update(self._provider_instances(config))
        return providers

    def _provider_instances(self, config: ProviderConfig) -> dict[str, ProviderConfig]:
        """OpenTofu's provider `for_each` (1.9): one configuration per element, named
        `aws.by_region["eu"]`, whose arguments see `each`. The block itself, referenced
        without a key, has no arguments known."""
        assert config.block is not None
        expansion = expand(config.block.body["attrs"], self)
        if isinstance(expansion, Unknown):
            config.unknown = f'provider "{config.name}" {expansion.reason}'
            return {}
        config.unknown = (
            f'provider "{config.name}" has for_each: a reference must name one of its instances'
        )
        out = {}
        for key, names in expansion:
            each = ProviderConfig(
                config.local_name,
                config.alias,
                config.provider_id,
                config.block,
                self,
                key=key,
                scope=bind(self, names),
            )
            out[each.name] = each
        return out

    def provider_identity(self, local_name: str) -> str:
        source = self.mod.required_providers.get(local_name)
        if source is not None:
            return provider_id_for_source(source)
        return provider_id_for_source(f"hashicorp/{local_name}")

    def provider(self, key: str | Unknown) -> ProviderConfig:
        if isinstance(key, Unknown):
            return ProviderConfig("", None, "", None, None, unknown=key.reason)
        config = self.providers.get(key)
        if config is None and "[" in key:
            # An instance key the provider's for_each does not have.
            return ProviderConfig(
                "", None, "", None, None, unknown=f"no provider configuration {key} exists"
            )
        if config is None:
            local_name, _, alias = key.partition(".")
            config = ProviderConfig(
                local_name, alias or None, self.provider_identity(local_name), None, None
            )
            self.providers[key] = config
        return config

    def provider_for(self, block: Block, scope: Scope | None = None) -> ProviderConfig:
        """The provider configuration a resource block uses; in `scope` (one instance of
        the resource) an OpenTofu instance reference `aws.by_region[each.key]` is resolved
        to that instance's configuration, else to the block it names."""
        attr = block.body["attrs"].get("provider")
        if attr is not None:
            key = provider_key(attr[0], scope) if scope is not None else provider_ref(attr[0])
            if isinstance(key, Unknown) or key:
                return self.provider(key)
        local_name = block.labels[0].split("_", 1)[0]
        return self.provider(local_name)
