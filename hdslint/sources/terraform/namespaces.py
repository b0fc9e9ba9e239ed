"""What names in an expression reach: `var`, `local`, `module.x`, a resource, a data source.

Each is a lazily evaluated Namespace: only what an expression asks for is evaluated."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hdslint.model import Unknown
from hdslint.sources.terraform.expr import Namespace, evaluate
from hdslint.sources.terraform.loader import Block

if TYPE_CHECKING:
    from hdslint.sources.terraform.instance import ModuleInstance
    from hdslint.sources.terraform.resources import ResourceEval


class VarNS(Namespace):
    def __init__(self, instance: ModuleInstance) -> None:
        self.instance = instance

    def attr(self, name: str) -> Any:
        return self.instance.variable(name)

    def describe(self) -> str:
        return "var"


class LocalNS(Namespace):
    def __init__(self, instance: ModuleInstance) -> None:
        self.instance = instance

    def attr(self, name: str) -> Any:
        return self.instance.local(name)

    def describe(self) -> str:
        return "local"


class ModuleNS(Namespace):
    def __init__(self, instance: ModuleInstance) -> None:
        self.instance = instance

    def attr(self, name: str) -> Any:
        return self.instance.module_value(name)

    def describe(self) -> str:
        return "module"


class ModuleCallValue(Namespace):
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
                return ModuleCallValue([child], child.address)
        return Unknown(f"{self.address}[{key!r}] is not an instance", error=True)

    def describe(self) -> str:
        return self.address


class ResourceTypeNS(Namespace):
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


class ResourceValue(Namespace):
    """A reference to a resource (or one of its instances) in an expression."""

    def __init__(self, res: ResourceEval, key: Any = None, indexed: bool = False) -> None:
        self.res = res
        self.key = key
        self.indexed = indexed

    def attr(self, name: str) -> Any:
        return self.res.exported(name, self.key)

    def index(self, key: Any) -> Any:
        instances = self.res.instances()
        if not isinstance(instances, Unknown) and not any(
            inst.key is not None and (inst.key == key or str(inst.key) == str(key))
            for inst in instances
        ):
            # As Terraform: the key does not identify an instance (count = 0, no such key).
            return Unknown(f"{self.res.address}[{key!r}] is not an instance", error=True)
        return ResourceValue(self.res, key, indexed=True)

    def materialize(self) -> Any:
        return Unknown(f"{self.res.address} is only known after apply", ref=self.res.address)

    def describe(self) -> str:
        return self.res.address


class DataNS(Namespace):
    def __init__(self, instance: ModuleInstance, dtype: str | None = None) -> None:
        self.instance = instance
        self.dtype = dtype

    def attr(self, name: str) -> Any:
        if self.dtype is None:
            return DataNS(self.instance, name)
        block = self.instance.mod.data.get((self.dtype, name))
        if block is None:
            return Unknown(f"no data source {self.dtype}.{name}", error=True)
        return DataValue(self.instance, block)

    def describe(self) -> str:
        return f"data.{self.dtype}" if self.dtype else "data"


class DataValue(Namespace):
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
