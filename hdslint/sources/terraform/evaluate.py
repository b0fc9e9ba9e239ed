"""Evaluate Terraform modules as Terraform would, and produce normalised resources.

A root module is instantiated with its variable values (defaults, terraform.tfvars,
*.auto.tfvars, TF_VAR_*, --var-file, --var). Each `module` call with a local source (or a
remote one already downloaded by `terraform init`) becomes a child instance with its inputs
and providers. Every managed resource is located through its provider configuration or its
own region argument; what cannot be resolved is kept as an Unknown that says why.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hdslint import catalogue
from hdslint.limits import inside_allowed
from hdslint.model import (
    Edge,
    EdgeKind,
    InputError,
    Location,
    Resource,
    Unknown,
    freeze,
)
from hdslint.registry import normalise_region, paired_region
from hdslint.sources.terraform.expr import (
    Namespace,
    Scope,
    bind,
    convert_to_type,
    evaluate,
    evaluate_lazy,
    first_unknown,
    materialize,
)
from hdslint.sources.terraform.hcl import Body, Expr
from hdslint.sources.terraform.loader import Block, ModuleDir

MAX_MODULE_DEPTH = 32
# Attributes never copied into a resource's attributes: they are secrets and no policy
# needs them. (Outputs never carry attribute values anyway; this is defence in depth.)
SECRET_ATTRIBUTE_WORDS = ("password", "secret", "token", "private_key", "access_key")


def provider_id_for_source(source: str) -> str:
    """`hashicorp/aws` -> `aws`; `registry.terraform.io/ovh/ovh` -> `ovh`."""
    parts = source.lower().split("/")
    if len(parts) == 3:
        parts = parts[1:]
    for pid, entry in catalogue.load("terraform")["providers"].items():
        if "/".join(parts) in entry.get("sources", ()):
            return str(pid)
    return parts[-1]


@dataclass
class Inputs:
    """Variable values given on the command line or in the environment, for root modules."""

    cli_vars: dict[str, str] = field(default_factory=dict)
    var_files: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    env: Mapping[str, str] = field(default_factory=dict)


class ModuleLibrary:
    """Finds and loads module directories by path, once each."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader
        self._cache: dict[Path, ModuleDir] = {}

    def get(self, path: Path) -> ModuleDir:
        key = path.resolve()
        if key not in self._cache:
            self._cache[key] = self._loader(key)
        return self._cache[key]


@dataclass
class Output:
    resources: list[Resource] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)


# -- provider configurations --------------------------------------------------------------


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
        self._values: dict[str, Any] = {}

    @property
    def name(self) -> str:
        return f"{self.local_name}.{self.alias}" if self.alias else self.local_name

    def argument(self, name: str) -> Any:
        """The value of a provider argument (a dotted path reaches into nested blocks, e.g.
        Outscale's `api.region`); None when not set."""
        if name not in self._values:
            value: Any = None
            if self.block is not None and self.instance is not None:
                for expr, scope, source in _exprs_at(self.block.body, name, self.instance):
                    value = evaluate(expr, scope)
                    if isinstance(value, Unknown):
                        value = Unknown(
                            f'provider "{self.name}" {name} = {source}: {value.reason}',
                            ref=value.ref,
                        )
                    if value is not None:
                        break
            self._values[name] = value
        return self._values[name]

    def default_tags(self) -> Any:
        if self.block is None or self.instance is None:
            return {}
        for block_type, _labels, body, _line, _end in self.block.body["blocks"]:
            if block_type == "default_tags" and "tags" in body["attrs"]:
                return evaluate(body["attrs"]["tags"][0], self.instance)
        return {}


# -- namespaces ------------------------------------------------------------------------


class _VarNS(Namespace):
    def __init__(self, instance: ModuleInstance) -> None:
        self.instance = instance

    def attr(self, name: str) -> Any:
        return self.instance.variable(name)

    def describe(self) -> str:
        return "var"


class _LocalNS(Namespace):
    def __init__(self, instance: ModuleInstance) -> None:
        self.instance = instance

    def attr(self, name: str) -> Any:
        return self.instance.local(name)

    def describe(self) -> str:
        return "local"


class _ModuleNS(Namespace):
    def __init__(self, instance: ModuleInstance) -> None:
        self.instance = instance

    def attr(self, name: str) -> Any:
        return self.instance.module_value(name)

    def describe(self) -> str:
        return "module"


class _ModuleCallValue(Namespace):
    """`module.x`: its outputs."""

    def __init__(self, children: list[ModuleInstance], address: str) -> None:
        self.children = children
        self.address = address

    def attr(self, name: str) -> Any:
        if len(self.children) != 1:
            return Unknown(f"{self.address} has {len(self.children)} instances; index it first")
        return self.children[0].output(name)

    def index(self, key: Any) -> Any:
        for child in self.children:
            if child.key == key or (child.key is not None and str(child.key) == str(key)):
                return _ModuleCallValue([child], child.address)
        return Unknown(f"{self.address}[{key!r}] is not an instance", error=True)

    def describe(self) -> str:
        return self.address


class _ResourceTypeNS(Namespace):
    def __init__(self, instance: ModuleInstance, rtype: str) -> None:
        self.instance = instance
        self.rtype = rtype

    def attr(self, name: str) -> Any:
        res = self.instance.resource(self.rtype, name)
        if res is None:
            return Unknown(f"no resource {self.rtype}.{name} in {self.instance.where}", error=True)
        return res.value()

    def describe(self) -> str:
        return self.rtype


class _ResourceValue(Namespace):
    """A reference to a resource (or one of its instances) in an expression."""

    def __init__(self, res: ResourceEval, key: Any = None, indexed: bool = False) -> None:
        self.res = res
        self.key = key
        self.indexed = indexed

    def attr(self, name: str) -> Any:
        return self.res.exported(name, self.key)

    def index(self, key: Any) -> Any:
        return _ResourceValue(self.res, key, indexed=True)

    def materialize(self) -> Any:
        return Unknown(f"{self.res.address} is only known after apply", ref=self.res.address)

    def describe(self) -> str:
        return self.res.address


class _DataNS(Namespace):
    def __init__(self, instance: ModuleInstance, dtype: str | None = None) -> None:
        self.instance = instance
        self.dtype = dtype

    def attr(self, name: str) -> Any:
        if self.dtype is None:
            return _DataNS(self.instance, name)
        block = self.instance.mod.data.get((self.dtype, name))
        if block is None:
            return Unknown(f"no data source {self.dtype}.{name}", error=True)
        return _DataValue(self.instance, block)

    def describe(self) -> str:
        return f"data.{self.dtype}" if self.dtype else "data"


class _DataValue(Namespace):
    def __init__(self, instance: ModuleInstance, block: Block) -> None:
        self.instance = instance
        self.block = block

    def attr(self, name: str) -> Any:
        dtype, dname = self.block.labels
        attrs = self.block.body["attrs"]
        if name in attrs:
            return evaluate(attrs[name][0], self.instance)
        if dtype in ("aws_region", "google_client_config") and name in ("name", "region", "id"):
            config = self.instance.provider_for(self.block)
            value = config.argument("region")
            return (
                value if value is not None else Unknown(f'provider "{config.name}" sets no region')
            )
        return Unknown(f"data.{dtype}.{dname}.{name} is read from the provider at plan time")

    def index(self, key: Any) -> Any:
        return self

    def describe(self) -> str:
        return f"data.{self.block.labels[0]}.{self.block.labels[1]}"


# -- module instances --------------------------------------------------------------------


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
        self._vars: dict[str, Any] = {}
        self._locals: dict[str, Any] = {}
        self._busy: set[str] = set()
        self._resources: dict[tuple[str, str], ResourceEval] = {}
        self._children: dict[str, list[ModuleInstance]] | None = None
        self.providers = self._provider_map()
        for block in mod.resources:
            self._resources[(block.labels[0], block.labels[1])] = ResourceEval(self, block)

    @property
    def where(self) -> str:
        return self.address or f"the root module ({self.mod.display})"

    def prefix(self) -> str:
        return f"{self.address}." if self.address else ""

    # Scope
    def root(self, name: str) -> Any:
        if name == "var":
            return _VarNS(self)
        if name == "local":
            return _LocalNS(self)
        if name == "module":
            return _ModuleNS(self)
        if name == "data":
            return _DataNS(self)
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
            return _ResourceTypeNS(self, name)
        return Unknown(f"unknown name {name!r}", error=True)

    # variables
    def variable(self, name: str) -> Any:
        if name in self._vars:
            return self._vars[name]
        if name in self._busy:
            return Unknown(f"var.{name} refers to itself", error=True)
        self._busy.add(name)
        try:
            value = self._variable(name)
            block = self.mod.variables.get(name)
            type_attr = block.body["attrs"].get("type") if block is not None else None
            if type_attr is not None:
                value = convert_to_type(value, type_attr[0], _EMPTY_SCOPE)
        finally:
            self._busy.discard(name)
        self._vars[name] = value
        return value

    def _variable(self, name: str) -> Any:
        block = self.mod.variables.get(name)
        if block is None:
            return Unknown(f"no variable {name!r} is declared in {self.where}", error=True)
        if self.parent is None:
            value, found = self.evaluator.root_variable(self, name)
            if found:
                return value
        elif self.call is not None and name in self.call.body["attrs"]:
            expr, _line, source = self.call.body["attrs"][name]
            scope: Scope = bind(self.parent, self.each) if self.each else self.parent
            value = evaluate(expr, scope)
            if isinstance(value, Unknown):
                return Unknown(
                    f"variable {name!r} of {self.address} = {source}: {value.reason}",
                    ref=value.ref,
                )
            return value
        default = block.body["attrs"].get("default")
        if default is not None:
            return evaluate(default[0], self)
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
            return self._locals[name]
        if key in self._busy:
            return Unknown(f"local.{name} refers to itself", error=True)
        entry = self.mod.locals.get(name)
        if entry is None:
            return Unknown(f"no local value {name!r} in {self.where}", error=True)
        self._busy.add(key)
        try:
            value = evaluate(entry[0], self)
        finally:
            self._busy.discard(key)
        self._locals[name] = value
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
        return _ModuleCallValue(instances, f"{self.prefix()}module.{name}")

    def output(self, name: str) -> Any:
        block = self.mod.outputs.get(name)
        if block is None:
            return Unknown(f"{self.address} has no output {name!r}", error=True)
        value = block.body["attrs"].get("value")
        if value is None:
            return None
        return evaluate_lazy(value[0], self)

    # providers
    def _provider_map(self) -> dict[str, ProviderConfig]:
        providers: dict[str, ProviderConfig] = {}
        parent = self.parent
        if parent is not None and self.call is not None:
            passed = self.call.body["attrs"].get("providers")
            if passed is not None and passed[0][0] == "obj":
                for key_expr, value_expr in passed[0][1]:
                    child_key = _provider_ref(key_expr)
                    parent_key = _provider_ref(value_expr)
                    if child_key and parent_key:
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
            config = ProviderConfig(
                local_name, alias, self.provider_identity(local_name), block, self
            )
            providers[config.name] = config
        return providers

    def provider_identity(self, local_name: str) -> str:
        source = self.mod.required_providers.get(local_name)
        if source is not None:
            return provider_id_for_source(source)
        return provider_id_for_source(f"hashicorp/{local_name}")

    def provider(self, key: str) -> ProviderConfig:
        config = self.providers.get(key)
        if config is None:
            local_name, _, alias = key.partition(".")
            config = ProviderConfig(
                local_name, alias or None, self.provider_identity(local_name), None, None
            )
            self.providers[key] = config
        return config

    def provider_for(self, block: Block) -> ProviderConfig:
        attr = block.body["attrs"].get("provider")
        if attr is not None:
            key = _provider_ref(attr[0])
            if key:
                return self.provider(key)
        local_name = block.labels[0].split("_", 1)[0]
        return self.provider(local_name)


def _provider_ref(expr: Expr) -> str | None:
    """`aws` or `aws.us` from a provider reference expression (or a string key)."""
    if expr[0] == "var":
        return str(expr[1])
    if expr[0] == "attr" and expr[1][0] == "var":
        return f"{expr[1][1]}.{expr[2]}"
    if expr[0] == "lit" and isinstance(expr[1], str):
        return expr[1]
    return None


# -- resources ---------------------------------------------------------------------------


@dataclass
class _Instance:
    key: Any
    scope: Scope


class ResourceEval:
    """A `resource` block in a module instance: its instances, region and attributes."""

    def __init__(self, instance: ModuleInstance, block: Block) -> None:
        self.module = instance
        self.block = block
        self.rtype, self.name = block.labels
        self.address = f"{instance.prefix()}{self.rtype}.{self.name}"
        self.config = instance.provider_for(block)
        self._instances: list[_Instance] | Unknown | None = None
        self._exported: dict[tuple[str, Any], Any] = {}

    def value(self) -> _ResourceValue:
        return _ResourceValue(self)

    # count / for_each
    def instances(self) -> list[_Instance] | Unknown:
        if self._instances is None:
            self._instances = self._expand()
        return self._instances

    def _expand(self) -> list[_Instance] | Unknown:
        attrs = self.block.body["attrs"]
        base: Scope = self.module
        if "count" in attrs:
            count = evaluate(attrs["count"][0], base)
            if isinstance(count, Unknown):
                return Unknown(f"count = {attrs['count'][2]}: {count.reason}", ref=count.ref)
            if isinstance(count, bool) or not isinstance(count, int | float):
                return Unknown(f"count = {attrs['count'][2]} is not a number", error=True)
            return [_Instance(i, bind(base, {"count": {"index": i}})) for i in range(int(count))]
        if "for_each" in attrs:
            coll = evaluate(attrs["for_each"][0], base)
            if isinstance(coll, Unknown):
                return Unknown(f"for_each = {attrs['for_each'][2]}: {coll.reason}", ref=coll.ref)
            if isinstance(coll, dict):
                items = list(coll.items())
            elif isinstance(coll, list):
                items = [(v if isinstance(v, str) else json.dumps(v), v) for v in coll]
            else:
                return Unknown(f"for_each = {attrs['for_each'][2]} is not a map or set")
            return [_Instance(k, bind(base, {"each": {"key": k, "value": v}})) for k, v in items]
        return [_Instance(None, base)]

    def scope_for(self, key: Any) -> Scope:
        instances = self.instances()
        if isinstance(instances, Unknown):
            unknown = Unknown(f"{self.address} instances are not known ({instances.reason})")
            return bind(self.module, {"each": unknown, "count": unknown})
        for inst in instances:
            if key is None or inst.key == key or str(inst.key) == str(key):
                return inst.scope
        return self.module

    def exported(self, name: str, key: Any) -> Any:
        cache_key = (name, key if isinstance(key, str | int | float | bool) else repr(key))
        if cache_key not in self._exported:
            self._exported[cache_key] = self._exported_value(name, key)
        return self._exported[cache_key]

    def _exported_value(self, name: str, key: Any) -> Any:
        attrs = self.block.body["attrs"]
        if name in attrs and name not in ("count", "for_each", "provider"):
            value = evaluate(attrs[name][0], self.scope_for(key))
            if isinstance(value, Unknown) and value.ref is None:
                return Unknown(value.reason, ref=self.address, error=value.error)
            return value
        if name == "region" or (name == "location" and self.config.provider_id == "azure"):
            region = self.region(self.scope_for(key))
            if isinstance(region, str | Unknown):
                return region
        return Unknown(f"{self.address}.{name} is only known after apply", ref=self.address)

    def region(self, scope: Scope, depth: int = 0) -> str | Unknown | None:
        """The resource's region (normalised: zones reduced to regions, display names to
        ids), or Unknown with the reason, or None when the type has no location at all."""
        value = self._region_as_written(scope, depth)
        if isinstance(value, str):
            return normalise_region(self.config.provider_id, value)
        return value

    def _region_as_written(self, scope: Scope, depth: int) -> str | Unknown | None:
        info = self.module.evaluator.type_info(self.rtype, self.config.provider_id)
        family_region = catalogue.family("terraform", self.config.provider_id).get("region", {})
        names = info.region if info.region is not None else tuple(family_region.get("resource", ()))
        for name in names:
            for expr, expr_scope, source in _exprs_at(self.block.body, name, scope):
                value = evaluate(expr, expr_scope)
                if isinstance(value, list):
                    value = next((v for v in _flatten(value) if v is not None), None)
                if isinstance(value, Unknown):
                    return Unknown(f"{name} = {source}: {value.reason}", ref=value.ref)
                if value is None:
                    continue
                if isinstance(value, str):
                    if info.region_prefix and value.startswith(info.region_prefix):
                        value = value[len(info.region_prefix) :]
                    return value
                return Unknown(f"{name} = {source} is not a string", error=True)
        if info.region_default:
            return info.region_default
        if info.region_from:
            return self._parent_region(info.region_from, scope, depth)
        for name in family_region.get("provider", ()):
            value = self.config.argument(name)
            if value is None:
                continue
            if isinstance(value, str | Unknown):
                return value
        if not family_region.get("provider"):
            if names:
                return Unknown(f"{self.rtype} sets none of {', '.join(names)}")
            return None
        if self.config.block is None:
            return Unknown(
                f'no provider "{self.config.name}" configuration reaches {self.address}'
                " (Terraform would take the region from the environment when it runs)"
            )
        return Unknown(
            f'provider "{self.config.name}" sets no region (Terraform would take it from'
            " the environment when it runs)"
        )

    def _parent_region(self, attrs: tuple[str, ...], scope: Scope, depth: int) -> str | Unknown:
        """The region of the resource this one lives in (a container in its account)."""
        body_attrs = self.block.body["attrs"]
        for name in attrs:
            attr = body_attrs.get(name)
            if attr is None:
                continue
            for address in static_refs(attr[0], self.module):
                parent = self.module.resource_by_address(address)
                if parent is not None and depth < 8:
                    region = parent.region(parent.scope_for(None), depth + 1)
                    return (
                        region
                        if region is not None
                        else Unknown(f"{parent.address} has no location")
                    )
            return Unknown(
                f"{self.rtype} lives in what {name} = {attr[2]} names, which is not a"
                " resource in the scanned configuration"
            )
        return Unknown(f"{self.rtype} sets none of {', '.join(attrs)}")


# -- the evaluator -------------------------------------------------------------------------


class Evaluator:
    """Instantiates root modules, walks their module trees and emits resources and edges."""

    def __init__(self, library: ModuleLibrary, inputs: Inputs) -> None:
        self.library = library
        self.inputs = inputs
        self.out = Output()
        # The root module being evaluated: Terraform addresses are unique within it only.
        self.scope = ""

    def key(self, address: str) -> str:
        return f"{self.scope}::{address}"

    def type_info(self, rtype: str, provider: str | None) -> catalogue.TypeInfo:
        return catalogue.type_info("terraform", rtype, provider)

    def root_variable(self, instance: ModuleInstance, name: str) -> tuple[Any, bool]:
        """Terraform's precedence, lowest first: TF_VAR_ environment variables,
        terraform.tfvars, *.auto.tfvars (lexical order), then --var-file and --var in
        the order given. A value set later wins."""
        value: Any = None
        found = False
        env_value = self.inputs.env.get(f"TF_VAR_{name}")
        if env_value is not None:
            value, found = _parse_cli_value(env_value), True
        for _file, attrs in [*instance.mod.tfvars, *self.inputs.var_files]:
            if name in attrs:
                value, found = evaluate(attrs[name][0], _EMPTY_SCOPE), True
        if name in self.inputs.cli_vars:
            value, found = _parse_cli_value(self.inputs.cli_vars[name]), True
        return value, found

    def run_root(self, mod: ModuleDir) -> None:
        from hdslint.sources.terraform.expr import FILE_ROOTS

        self.scope = mod.display
        # file() and friends read below the root module (and the working folder), nowhere
        # else: a configuration cannot make hdslint read /etc/passwd or ~/.aws.
        roots = (mod.path.resolve(), Path.cwd().resolve())
        token = FILE_ROOTS.set(roots)
        try:
            root = ModuleInstance(self, mod, "")
            self._walk(root)
        finally:
            FILE_ROOTS.reset(token)

    def instantiate_call(
        self, parent: ModuleInstance, name: str, call: Block
    ) -> list[ModuleInstance]:
        address = f"{parent.prefix()}module.{name}"
        if parent.depth >= MAX_MODULE_DEPTH:
            self.out.errors.append(
                InputError(call.file, f"{address}: modules nested too deeply", call.line)
            )
            return []
        child_dir, problem = self._module_dir(parent, name, call)
        if child_dir is None:
            self._unevaluated_module(address, call, problem or "module source not found")
            return []
        mod = self.library.get(child_dir)
        self.out.errors.extend(e for e in mod.errors if e not in self.out.errors)
        attrs = call.body["attrs"]
        keys: list[tuple[Any, Mapping[str, Any]]] = [(None, {})]
        if "count" in attrs or "for_each" in attrs:
            expansion = _expand_call(parent, attrs)
            if isinstance(expansion, Unknown):
                keys = [(None, {"each": expansion, "count": expansion})]
            else:
                keys = expansion
        children = []
        for key, each in keys:
            suffix = "" if key is None else f"[{json.dumps(key)}]"
            children.append(
                ModuleInstance(
                    self,
                    mod,
                    address + suffix,
                    key=key,
                    parent=parent,
                    call=call,
                    each=each,
                    depth=parent.depth + 1,
                )
            )
        return children

    def _module_dir(
        self, parent: ModuleInstance, name: str, call: Block
    ) -> tuple[Path | None, str | None]:
        source_attr = call.body["attrs"].get("source")
        if source_attr is None or source_attr[0][0] != "lit":
            return None, "the module call has no literal source"
        source = str(source_attr[0][1])
        if source.startswith(("./", "../")) or source in (".", ".."):
            path = (parent.mod.path / source).resolve()
            if not inside_allowed(path):
                return None, (
                    f"local module source {source!r} is outside the scanned folders and the"
                    " working folder, so it is not read"
                )
            if path.is_dir():
                return path, None
            return None, f"local module source {source!r} does not exist"
        downloaded = self._downloaded(parent, name)
        if downloaded is not None:
            return downloaded, None
        return None, (
            f"remote module {source!r} is not downloaded: hdslint never fetches modules;"
            " run `terraform init` first so .terraform/modules/modules.json lists it"
        )

    def _downloaded(self, parent: ModuleInstance, name: str) -> Path | None:
        root = parent
        keys = [name]
        while root.parent is not None:
            assert root.call is not None
            keys.insert(0, root.call.labels[0])
            root = root.parent
        manifest = root.mod.path / ".terraform" / "modules" / "modules.json"
        entries = self.library_manifest(manifest)
        directory = entries.get(".".join(keys))
        if directory is None:
            return None
        path = (root.mod.path / directory).resolve()
        return path if path.is_dir() else None

    _manifests: dict[Path, dict[str, str]]

    def library_manifest(self, manifest: Path) -> dict[str, str]:
        if not hasattr(self, "_manifests"):
            self._manifests = {}
        if manifest not in self._manifests:
            entries: dict[str, str] = {}
            try:
                data = json.loads(manifest.read_text("utf-8"))
                for entry in data.get("Modules", []):
                    if isinstance(entry, dict) and entry.get("Key") and entry.get("Dir"):
                        entries[str(entry["Key"])] = str(entry["Dir"])
            except (OSError, ValueError, AttributeError):
                pass
            self._manifests[manifest] = entries
        return self._manifests[manifest]

    def _unevaluated_module(self, address: str, call: Block, reason: str) -> None:
        self.out.resources.append(
            Resource(
                id=address,
                type="terraform_module_call",
                provider=None,
                service=None,
                category="other",
                region=None,
                location=Location(call.file, call.line, end_line=call.end_line),
                source="terraform",
                unknown=freeze({"contents": reason}),
                scope=self.scope,
            )
        )

    def _walk(self, instance: ModuleInstance) -> None:
        for res in instance.resources():
            self._emit(res)
        for children in instance.children().values():
            for child in children:
                self._walk(child)

    # -- emitting resources --------------------------------------------------------------

    def _emit(self, res: ResourceEval) -> None:
        instances = res.instances()
        if isinstance(instances, Unknown):
            unknown_scope = res.scope_for(None)
            self._emit_one(res, res.address, unknown_scope, None)
            return
        if not instances:
            return  # count = 0 or an empty for_each: the resource does not exist
        regions = {repr(res.region(inst.scope)) for inst in instances}
        if len(instances) == 1 or len(regions) == 1:
            self._emit_one(res, res.address, instances[0].scope, instances[0].key)
            return
        for inst in instances:
            address = f"{res.address}[{json.dumps(inst.key)}]"
            self._emit_one(res, address, inst.scope, inst.key)

    def _emit_one(self, res: ResourceEval, address: str, scope: Scope, key: Any) -> None:
        provider = res.config.provider_id
        info = self.type_info(res.rtype, provider)
        unknown: dict[str, str] = {}
        region_value = res.region(scope)
        region: str | None = None
        if isinstance(region_value, Unknown):
            unknown["region"] = region_value.reason
        elif region_value is not None:
            region = region_value
        else:
            unknown["region"] = f"{res.rtype} has no location argument hdslint knows of"
        attributes = self._attributes(res.block.body, scope)
        tags, tags_unknown = self._tags(res, attributes)
        unknown.update(tags_unknown)
        location = Location(res.block.file, res.block.line, end_line=res.block.end_line)
        self.out.resources.append(
            Resource(
                id=address,
                type=res.rtype,
                provider=provider,
                service=info.service,
                category=info.category,
                region=region,
                location=location,
                source="terraform",
                attributes=freeze(attributes),
                tags=freeze(tags),
                unknown=freeze(unknown),
                activities=info.activities,
                module=res.module.address or None,
                presumed_health_data=info.presumed,
                scope=self.scope,
            )
        )
        for flow in info.flows:
            self._flow_edges(res, address, scope, flow, location)

    def _attributes(self, body: Body, scope: Scope) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, (expr, _line, _src) in body["attrs"].items():
            if name in ("count", "for_each", "provider", "depends_on", "lifecycle"):
                continue
            if any(word in name for word in SECRET_ATTRIBUTE_WORDS):
                continue
            out[name] = evaluate(expr, scope)
        for block_type, labels, inner, _line, _end in body["blocks"]:
            if block_type in ("lifecycle", "provisioner", "connection", "timeouts"):
                continue
            if block_type == "dynamic" and labels:
                out.setdefault(labels[0], []).extend(self._dynamic(inner, labels[0], scope))
                continue
            out.setdefault(block_type, []).append(self._attributes(inner, scope))
        return out

    def _dynamic(self, body: Body, label: str, scope: Scope) -> list[Any]:
        return [
            self._attributes(content, content_scope)
            for content, content_scope in _dynamic_contents(body, label, scope)
        ]

    def _tags(
        self, res: ResourceEval, attributes: dict[str, Any]
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Known tags, and what is unknown: `tags` when a whole map is unknown, `tags.<key>`
        for a tag whose value is unknown (only those can change the classification)."""
        family = catalogue.family("terraform", res.config.provider_id)
        merged: dict[str, str] = {}
        problems: dict[str, str] = {}
        sources: list[Any] = []
        if res.config.provider_id == "aws":
            sources.append(res.config.default_tags())
        sources.extend(attributes.get(name) for name in family.get("tags", ()))
        for value in sources:
            if value is None:
                continue
            if isinstance(value, Unknown):
                problems.setdefault("tags", value.reason)
                continue
            if not isinstance(value, dict):
                continue
            for k, v in value.items():
                if isinstance(v, Unknown):
                    problems.setdefault(f"tags.{k}", f"tag {k!r}: {v.reason}")
                elif v is not None and not isinstance(v, list | dict):
                    merged[str(k)] = v if isinstance(v, str) else json.dumps(v)
        return merged, problems

    # -- edges --------------------------------------------------------------------------

    def _flow_edges(
        self,
        res: ResourceEval,
        address: str,
        scope: Scope,
        flow: Mapping[str, Any],
        location: Location,
    ) -> None:
        kind = EdgeKind(flow["kind"])
        subjects = [self.key(address)]
        if "subject" in flow:
            subjects = [
                self.key(target.address)
                for target in self._targets(res, flow["subject"], scope)
                if isinstance(target, Ref)
            ]
        if "to" in flow:
            for target in self._targets(res, flow["to"], scope):
                for subject in subjects:
                    self.out.edges.append(self._edge(res, subject, target, kind, location))
        if "from" in flow:
            for target in self._targets(res, flow["from"], scope):
                if isinstance(target, Ref):
                    self.out.edges.append(
                        Edge(self.key(target.address), self.key(address), kind, location)
                    )
        provider = res.config.provider_id
        if "region" in flow:
            for expr, expr_scope, _source in _exprs_at(res.block.body, flow["region"], scope):
                for value in _flatten(evaluate(expr, expr_scope)):
                    for subject in subjects:
                        self.out.edges.append(
                            _region_edge(subject, value, kind, location, provider)
                        )
        if "paired" in flow:
            self._paired_edges(res, subjects, scope, flow, kind, location)
        if "external" in flow:
            for _ in _exprs_at(res.block.body, flow["external"], scope):
                for subject in subjects:
                    # The value is never shown: endpoints and connection strings may hold
                    # credentials.
                    self.out.edges.append(
                        Edge(
                            subject,
                            f"{subject}->{kind.value}:external",
                            kind,
                            location,
                            unknown=f"{flow['external']} sends data to an endpoint outside the"
                            " scanned configuration, whose location hdslint cannot tell",
                        )
                    )
        if "unless_true" in flow or "when_present" in flow:
            self._conditional_unknown_edges(res, subjects, scope, flow, kind, location)

    def _paired_edges(
        self,
        res: ResourceEval,
        subjects: list[str],
        scope: Scope,
        flow: Mapping[str, Any],
        kind: EdgeKind,
        location: Location,
    ) -> None:
        """Geo-redundant copies (Azure GRS, geo-redundant backups) go to the paired region."""
        found = _exprs_at(res.block.body, flow["paired"], scope)
        values = [evaluate(expr, sc) for expr, sc, _src in found] or [flow.get("default")]
        provider = res.config.provider_id
        for value in values:
            if isinstance(value, Unknown):
                for subject in subjects:
                    self.out.edges.append(
                        Edge(
                            subject,
                            f"{subject}->{kind.value}:?",
                            kind,
                            location,
                            unknown=f"whether {flow['paired']} keeps a geo-redundant copy is"
                            f" not known ({value.reason})",
                        )
                    )
                continue
            if value not in flow["values"]:
                continue
            region = res.region(scope)
            for subject in subjects:
                if not isinstance(region, str):
                    reason = region.reason if isinstance(region, Unknown) else "no region"
                    self.out.edges.append(
                        Edge(
                            subject,
                            f"{subject}->{kind.value}:?",
                            kind,
                            location,
                            unknown=f"the paired region is not known: {reason}",
                        )
                    )
                    continue
                pair = paired_region(provider, region)
                if pair is None:
                    self.out.edges.append(
                        Edge(
                            subject,
                            f"{subject}->{kind.value}:?",
                            kind,
                            location,
                            unknown=f"{flow['paired']} = {value} keeps a copy in the region"
                            f" paired with {region}, and hdslint knows no pair for it",
                        )
                    )
                    continue
                self.out.edges.append(_region_edge(subject, pair, kind, location, provider))

    def _conditional_unknown_edges(
        self,
        res: ResourceEval,
        subjects: list[str],
        scope: Scope,
        flow: Mapping[str, Any],
        kind: EdgeKind,
        location: Location,
    ) -> None:
        """Data that may go somewhere unknown unless a setting says otherwise (Scaleway's
        backup_same_region) or when a setting is present (Google's automatic replication)."""
        if "unless_true" in flow:
            found = _exprs_at(res.block.body, flow["unless_true"], scope)
            if any(evaluate(expr, sc) is True for expr, sc, _src in found):
                return
        elif not _exprs_at(res.block.body, flow["when_present"], scope) and not any(
            b[0] == flow["when_present"].rsplit(".", 1)[-1]
            for b in _blocks_at(res.block.body, flow["when_present"])
        ):
            return
        for subject in subjects:
            self.out.edges.append(
                Edge(subject, f"{subject}->{kind.value}:?", kind, location, unknown=flow["reason"])
            )

    def _targets(self, res: ResourceEval, path: str, scope: Scope) -> list[Any]:
        """What the expressions at `path` point at: resources referenced in them (found in
        the expression itself, as Terraform finds dependencies), else their values."""
        out: list[Any] = []
        for expr, expr_scope, _source in _exprs_at(res.block.body, path, scope):
            refs = static_refs(expr, res.module)
            if refs:
                out.extend(Ref(a) for a in refs)
            else:
                out.extend(_references(evaluate_lazy(expr, expr_scope)))
        return out

    def _edge(
        self, res: ResourceEval, subject: str, target: Any, kind: EdgeKind, location: Location
    ) -> Edge:
        if isinstance(target, Ref):
            return Edge(subject, self.key(target.address), kind, location)
        if isinstance(target, Unknown):
            return Edge(
                subject,
                f"{subject}->{kind.value}:?",
                kind,
                location,
                unknown=f"the destination is not known ({target.reason})",
            )
        text = str(target)
        hint = _hint_from_literal(text, res.config.provider_id)
        return Edge(subject, text, kind, location, target_hint=freeze(hint))


def _region_edge(
    subject: str, value: Any, kind: EdgeKind, location: Location, provider: str
) -> Edge:
    if isinstance(value, str):
        region = normalise_region(provider, value)
        return Edge(
            subject,
            f"{subject}->{kind.value}:{region}",
            kind,
            location,
            target_hint=freeze({"provider": provider, "region": region}),
        )
    reason = value.reason if isinstance(value, Unknown) else f"{value!r} is not a region"
    return Edge(
        subject,
        f"{subject}->{kind.value}:?",
        kind,
        location,
        unknown=f"the destination region is not known ({reason})",
    )


def static_refs(expr: Expr, instance: ModuleInstance, depth: int = 0) -> list[str]:
    """Resource addresses an expression refers to directly (or through locals)."""
    if depth > 20:
        return []
    out: list[str] = []
    tag = expr[0]
    if tag == "attr" and expr[1][0] == "var":
        root, name = expr[1][1], expr[2]
        if root == "local":
            entry = instance.mod.locals.get(name)
            return static_refs(entry[0], instance, depth + 1) if entry else []
        if instance.resource(root, name) is not None:
            return [f"{instance.prefix()}{root}.{name}"]
        return []
    for part in expr[1:]:
        if isinstance(part, tuple) and part and isinstance(part[0], str):
            out.extend(static_refs(part, instance, depth + 1))
        elif isinstance(part, tuple):
            for item in part:
                if isinstance(item, tuple) and item and isinstance(item[0], str):
                    out.extend(static_refs(item, instance, depth + 1))
                elif isinstance(item, tuple):  # object items: (key, value) pairs
                    for sub_expr in item:
                        if (
                            isinstance(sub_expr, tuple)
                            and sub_expr
                            and isinstance(sub_expr[0], str)
                        ):
                            out.extend(static_refs(sub_expr, instance, depth + 1))
    return list(dict.fromkeys(out))


_EMPTY_SCOPE_NAMES: dict[str, Any] = {}


class _EmptyScope:
    def root(self, name: str) -> Any:
        return Unknown(f"{name} cannot be referenced here", error=True)


_EMPTY_SCOPE = _EmptyScope()


def _parse_cli_value(text: str) -> Any:
    """A -var / TF_VAR_ value: a string, unless it reads as an HCL literal collection."""
    stripped = text.strip()
    if stripped[:1] in ("[", "{"):
        from hdslint.sources.terraform import hcl

        try:
            body = hcl.parse(f"v = {stripped}\n")
            return evaluate(body["attrs"]["v"][0], _EMPTY_SCOPE)
        except hcl.HclSyntaxError:
            return text
    return text


def _expand_call(
    parent: ModuleInstance, attrs: Mapping[str, Any]
) -> list[tuple[Any, Mapping[str, Any]]] | Unknown:
    if "count" in attrs:
        count = evaluate(attrs["count"][0], parent)
        if isinstance(count, Unknown):
            return Unknown(f"count = {attrs['count'][2]}: {count.reason}")
        if isinstance(count, bool) or not isinstance(count, int | float):
            return Unknown("count is not a number", error=True)
        return [(i, {"count": {"index": i}}) for i in range(int(count))]
    coll = evaluate(attrs["for_each"][0], parent)
    if isinstance(coll, Unknown):
        return Unknown(f"for_each = {attrs['for_each'][2]}: {coll.reason}")
    if isinstance(coll, dict):
        return [(k, {"each": {"key": k, "value": v}}) for k, v in coll.items()]
    if isinstance(coll, list):
        return [(v, {"each": {"key": v, "value": v}}) for v in coll]
    return Unknown("for_each is not a map or set", error=True)


def _exprs_at(body: Body, path: str, scope: Scope) -> list[tuple[Expr, Scope, str]]:
    """The attribute expressions at a dotted path through nested blocks (and the content of
    dynamic blocks), each with the scope to evaluate it in and its source text."""
    head, _, rest = path.partition(".")
    out: list[tuple[Expr, Scope, str]] = []
    attr = body["attrs"].get(head)
    if attr is not None:
        if not rest:
            out.append((attr[0], scope, attr[2]))
        else:
            # An object-valued argument (e.g. replication_configuration = {...}): walk it.
            out.extend(_object_exprs(attr[0], rest, scope, attr[2]))
    for block_type, labels, inner, _line, _end in body["blocks"]:
        if block_type == head and rest:
            out.extend(_exprs_at(inner, rest, scope))
        elif block_type == "dynamic" and labels and labels[0] == head and rest:
            for content_body, content_scope in _dynamic_contents(inner, head, scope):
                out.extend(_exprs_at(content_body, rest, content_scope))
    return out


def _dynamic_contents(body: Body, label: str, scope: Scope) -> list[tuple[Body, Scope]]:
    """The `content` of a dynamic block once per element of its for_each (or once, with the
    iterator unknown, when the collection is not known)."""
    content = next((b for b in body["blocks"] if b[0] == "content"), None)
    if content is None:
        return []
    iterator = label
    it_attr = body["attrs"].get("iterator")
    if it_attr is not None and it_attr[0][0] == "var":
        iterator = str(it_attr[0][1])
    for_each = body["attrs"].get("for_each")
    coll = evaluate(for_each[0], scope) if for_each else Unknown("dynamic block without for_each")
    if isinstance(coll, Unknown) or not isinstance(coll, dict | list):
        reason = coll.reason if isinstance(coll, Unknown) else "it is not a collection"
        item = Unknown(f"dynamic {label!r} for_each is not known ({reason})")
        return [(content[2], bind(scope, {iterator: item}))]
    items = list(coll.items()) if isinstance(coll, dict) else list(enumerate(coll))
    return [(content[2], bind(scope, {iterator: {"key": k, "value": v}})) for k, v in items]


def _blocks_at(body: Body, path: str) -> list[tuple[Any, ...]]:
    """Nested blocks at a dotted path (`replication.auto`)."""
    head, _, rest = path.partition(".")
    out: list[tuple[Any, ...]] = []
    for block in body["blocks"]:
        if block[0] == head:
            out.extend(_blocks_at(block[2], rest) if rest else [block])
    return out


def _object_exprs(
    expr: Expr, path: str, scope: Scope, source: str
) -> list[tuple[Expr, Scope, str]]:
    head, _, rest = path.partition(".")
    if expr[0] == "tuple":
        return [t for item in expr[1] for t in _object_exprs(item, path, scope, source)]
    if expr[0] == "obj":
        for key, value in expr[1]:
            if key == ("lit", head):
                if not rest:
                    return [(value, scope, source)]
                return _object_exprs(value, rest, scope, source)
    return []


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [v for item in value for v in _flatten(item)]
    return [value]


@dataclass(frozen=True)
class Ref:
    """A reference to a resource address (as opposed to a literal string)."""

    address: str


def _references(value: Any) -> list[Any]:
    """What a flow attribute points at: a Ref to a resource, a literal, or an Unknown."""
    if isinstance(value, _ResourceValue):
        return [Ref(value.res.address)]
    if isinstance(value, Unknown):
        return [Ref(value.ref)] if value.ref else [value]
    if isinstance(value, Namespace):
        resolved = value.materialize()
        return _references(resolved)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [r for item in value for r in _references(item)]
    if value is None:
        return []
    return [materialize(value)]


def _hint_from_literal(target: str, provider: str) -> dict[str, Any]:
    """Describe a destination written as a literal (an ARN, a name) for the policies."""
    if target.startswith("arn:"):
        parts = target.split(":", 5)
        if len(parts) == 6:
            region = parts[3]
            if region:
                return {"provider": "aws", "region": region, "arn": target}
            return {"provider": "aws", "arn": target}
    return {"provider": provider, "name": target}


def first_unknown_reason(value: Any) -> str | None:
    found = first_unknown(value)
    return found.reason if found else None
