"""Terraform plan JSON (`terraform show -json tfplan`) -> normalised resources.

A plan resolves what the configuration leaves open: instance addresses
(`aws_s3_bucket.shards[0]`), variable values, and every argument known before apply. The
region of a resource comes, in order, from its planned values, its prior state (an ARN
names its region), or its provider configuration (`configuration.provider_config`, via the
resource's `provider_config_key`). Values Terraform marks sensitive are dropped before
anything else sees them.

Findings point at the resource's block in the configuration when the `.tf` files are beside
the plan (root module, and local modules by their source path), else at the line of the
resource's address in the plan file.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hdslint import catalogue
from hdslint.files import FileAccess
from hdslint.ids import (
    Address,
    Destination,
    ResourceKey,
    module_in_configuration,
    parse_module_path,
)
from hdslint.model import InputError, Location, Resource, Unknown, freeze
from hdslint.paths import display_path
from hdslint.redaction import is_secret_key, redact_values
from hdslint.sources.base import PlanOrigin, SourceResult, flatten
from hdslint.sources.flows import flow_edges, literal_destination
from hdslint.sources.terraform.evaluate import provider_id_for_source
from hdslint.sources.terraform.loader import is_local_source, load_module, parse_file, read_text
from hdslint.sources.terraform.region import RegionRule, resolve_region

if TYPE_CHECKING:
    from hdslint.config import Config
    from hdslint.result import ScanOptions

_ARN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:([a-z0-9-]*):")
_ADDRESS_KEY = re.compile(r'"address":\s*("(?:[^"\\]|\\.)*")')


def scan_plans(
    files: Sequence[Path], config: Config, options: ScanOptions, fs: FileAccess
) -> SourceResult:
    result = SourceResult()
    for path in files:
        result.extend(scan_plan(fs, path))
    return result


def scan_plan(fs: FileAccess, path: Path) -> SourceResult:
    display = display_path(path)
    problem = fs.too_large(path, factor=25)
    if problem is not None:
        return SourceResult(errors=[InputError(display, problem)])
    try:
        text = read_text(fs, path)
        doc = json.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        return SourceResult(errors=[InputError(display, f"cannot read: {exc}")])
    except json.JSONDecodeError as exc:
        return SourceResult(errors=[InputError(display, f"invalid JSON: {exc.msg}", exc.lineno)])
    except RecursionError:
        return SourceResult(errors=[InputError(display, "JSON nested too deeply")])
    if not isinstance(doc, dict):
        return SourceResult(errors=[InputError(display, "not a Terraform plan: not an object")])
    values = doc.get("planned_values") or doc.get("values")
    if not isinstance(values, dict) or not isinstance(values.get("root_module"), dict):
        return SourceResult(
            errors=[InputError(display, "not a Terraform plan: no planned_values.root_module")]
        )
    try:
        return _Plan(fs, path, display, text, doc).read(values["root_module"])
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        return SourceResult(
            errors=[InputError(display, f"unexpected plan structure: {type(exc).__name__}: {exc}")]
        )


class _Plan:
    def __init__(
        self, fs: FileAccess, path: Path, display: str, text: str, doc: Mapping[str, Any]
    ) -> None:
        self.fs = fs
        self.path = path
        self.display = display
        self.text = text
        self.doc = doc
        self.scope = display
        configuration = doc.get("configuration") or {}
        self.provider_configs: Mapping[str, Any] = configuration.get("provider_config") or {}
        self.variables: Mapping[str, Any] = doc.get("variables") or {}
        declared = (configuration.get("root_module") or {}).get("variables") or {}
        # Root variables declared `sensitive = true`: what comes from them is never shown.
        self.sensitive_variables = frozenset(
            name
            for name, spec in declared.items()
            if isinstance(spec, dict) and spec.get("sensitive")
        )
        # Whether the region being resolved came from a sensitive variable.
        self._region_sensitive = False
        self.config_resources: dict[str, Mapping[str, Any]] = {}
        self.module_sources: dict[str, str] = {}
        self._index_config(configuration.get("root_module") or {}, "")
        self.prior = self._index_prior()
        self._block_lines: dict[str, dict[str, tuple[str, int, int]]] = {}
        self._lines: dict[str, int] | None = None
        # address -> region of the resources read so far (a child takes its parent's).
        self.regions: dict[str, str | Unknown | None] = {}
        self.result = SourceResult()

    # -- indexes -----------------------------------------------------------------------

    def _index_config(self, module: Mapping[str, Any], prefix: str) -> None:
        for res in module.get("resources") or ():
            if isinstance(res, dict) and res.get("mode", "managed") == "managed":
                self.config_resources[prefix + str(res.get("address"))] = res
        for name, call in (module.get("module_calls") or {}).items():
            address = f"{prefix}module.{name}"
            if isinstance(call, dict):
                self.module_sources[address] = str(call.get("source", ""))
                self._index_config(call.get("module") or {}, address + ".")

    def _index_prior(self) -> dict[str, Mapping[str, Any]]:
        prior = (self.doc.get("prior_state") or {}).get("values") or {}
        out: dict[str, Mapping[str, Any]] = {}
        for res in _walk_modules(prior.get("root_module") or {}):
            if isinstance(res.get("values"), dict):
                out[str(res.get("address"))] = _mask(
                    res["values"], res.get("sensitive_values") or {}
                )
        return out

    # -- resources ---------------------------------------------------------------------

    def read(self, root: Mapping[str, Any]) -> SourceResult:
        managed = [r for r in _walk_modules(root) if r.get("mode", "managed") == "managed"]
        # Resources that take the region of the one they live in come after the others.
        children = [r for r in managed if self._lives_in_another(r)]
        for res in [*(r for r in managed if not self._lives_in_another(r)), *children]:
            self._resource(res)
        self.result.plans.append(self._origin())
        return self.result

    def _lives_in_another(self, res: Mapping[str, Any]) -> bool:
        rtype = str(res["type"])
        provider = _provider_of(res)
        return bool(catalogue.type_info("terraform", rtype, provider).region_from)

    def _region_of(self, address: Address) -> str | Unknown | None:
        """The region of a resource read before, or of all its instances when they agree
        (a reference may name the resource, the plan its instances)."""
        if str(address) in self.regions:
            return self.regions[str(address)]
        found = {
            repr(region): region
            for key, region in self.regions.items()
            if (parsed := Address.parse(key)) is not None and parsed.without_key() == address
        }
        return next(iter(found.values())) if len(found) == 1 else None

    def _origin(self) -> PlanOrigin:
        declared = (Address.parse(address) for address in self.config_resources)
        calls = (parse_module_path(address) for address in self.module_sources)
        return PlanOrigin(
            scope=self.scope,
            folder=display_path(self.fs.resolve(self.path.parent)),
            declared=frozenset(a.in_configuration() for a in declared if a is not None),
            module_calls=frozenset(module_in_configuration(c) for c in calls if c is not None),
        )

    def _resource(self, res: Mapping[str, Any]) -> None:
        parsed = Address.parse(str(res["address"]))
        if parsed is None:
            raise ValueError(f"{res['address']!r} is not a resource address")
        address = str(parsed)
        rtype = parsed.type
        provider = _provider_of(res)
        values = _mask(res.get("values") or {}, res.get("sensitive_values") or {})
        info = _info_of(res, provider)
        declared = parsed.in_configuration()
        config_address = str(declared)
        config_res = self.config_resources.get(config_address, {})
        unknown: dict[str, str] = {}
        self._region_sensitive = False
        region = resolve_region(
            RegionRule.of(info, provider), _PlanRegion(self, parsed, values, config_res)
        )
        if self._region_sensitive and isinstance(region, str):
            self.result.sensitive.add(region)  # decided on, never shown (hdslint.sensitive)
        if isinstance(region, Unknown):
            unknown["region"] = region.reason
        elif region is None:
            unknown["region"] = catalogue.unlocated_reason(
                "terraform",
                provider,
                rtype,
                f"{rtype} has no location hdslint can read in the plan",
            )
        region_id = region if isinstance(region, str) else None
        self.regions[address] = region
        tags = values.get("tags_all") or values.get("tags") or values.get("labels") or {}
        location = self._location(address, declared)
        self.result.resources.append(
            Resource(
                id=address,
                type=rtype,
                provider=provider,
                service=info.service,
                category=info.category,
                region=region_id,
                location=location,
                source="terraform-plan",
                attributes=freeze(values),
                tags=freeze(
                    {str(k): str(v) for k, v in tags.items()} if isinstance(tags, dict) else {}
                ),
                unknown=freeze(unknown),
                activities=info.activities,
                module=parsed.module_path(),
                presumed_health_data=info.presumed,
                scope=self.scope,
                stores_data=info.holds_data(values),
            )
        )
        self._flows(parsed, info, values, config_res, provider, region_id, location)

    def _argument_region(self, address: str, values: Mapping[str, Any], name: str) -> str | None:
        """A region argument from the planned values, else from the prior state (a value
        known only after apply is in the state of a resource that already exists)."""
        for source in (values, self.prior.get(address, {})):
            found = _first_string(_dig(source, name))
            if found:
                return found
        return None

    def _arn_region(self, address: str) -> str | None:
        """The region the resource's ARN in the prior state names."""
        arn = self.prior.get(address, {}).get("arn")
        if isinstance(arn, str) and (match := _ARN.match(arn)) and match.group(1):
            return match.group(1)
        return None

    def _parent_region(
        self, address: Address, config_res: Mapping[str, Any], arguments: tuple[str, ...]
    ) -> str | Unknown | None:
        """The region of the resource this one lives in: the one its configuration
        expression references (a storage container in its account)."""
        expressions = config_res.get("expressions") or {}
        for name in arguments:
            if _dig(expressions, name) is None:
                continue
            for ref in references(expressions, name):
                found = self._region_of(ref.within(address.module))
                if found is not None:
                    return found
            return Unknown(
                f"{address.type} lives in what {name} names, which is not a resource of the plan"
            )
        return Unknown(f"{address.type} sets none of {', '.join(arguments)}")

    def _provider_region(
        self, config_res: Mapping[str, Any], arguments: Sequence[str], address: str, provider: str
    ) -> str | Unknown | None:
        if not arguments:
            return None
        key = config_res.get("provider_config_key")
        config = self._provider_config(str(key)) if key else None
        if config is None:
            return Unknown(
                f"the plan has no provider configuration for {address} (Terraform took the"
                " region from the environment)"
            )
        name = (
            f"{config.get('name', provider)}{'.' + config['alias'] if config.get('alias') else ''}"
        )
        expressions = config.get("expressions") or {}
        for argument in arguments:
            expr = _dig(expressions, argument.replace(".", ".0."))
            if expr is None:
                expr = _dig(expressions, argument)
            if not isinstance(expr, dict):
                continue
            if "constant_value" in expr:
                value = expr["constant_value"]
                return str(value) if value is not None else None
            for ref in expr.get("references") or ():
                if isinstance(ref, str) and ref.startswith("var."):
                    var = self.variables.get(ref[4:], {})
                    if isinstance(var, dict) and isinstance(var.get("value"), str):
                        self._region_sensitive = ref[4:] in self.sensitive_variables
                        return str(var["value"])
            refs = ", ".join(expr.get("references") or ()) or "an expression"
            return Unknown(
                f'provider "{name}" {argument} refers to {refs}, whose value the plan does not'
                " record"
            )
        return Unknown(f'provider "{name}" sets no region (Terraform took it from the environment)')

    def _provider_config(self, key: str) -> Mapping[str, Any] | None:
        """The configuration a provider_config_key names, walking up to the module that
        declares it (a child inherits its parent's default provider)."""
        while True:
            config = self.provider_configs.get(key)
            if config is not None and (config.get("expressions") or ":" not in key):
                return dict(config)
            if ":" not in key:
                return dict(config) if config is not None else None
            module, _, provider = key.rpartition(":")
            parent = module.rsplit(".module.", 1)[0] if ".module." in module else ""
            key = f"{parent}:{provider}" if parent else provider

    # -- locations ----------------------------------------------------------------------

    def _location(self, address: str, declared: Address) -> Location:
        found = self._config_block(declared.module_path() or "", declared.type, declared.name)
        if found is not None:
            return Location(found[0], found[1], end_line=found[2])
        return Location(self.display, self._address_lines().get(address, 1))

    def _address_lines(self) -> dict[str, int]:
        """The line of the first `"address": "..."` of each address in the plan's text, all
        found in one pass (a search from the top for each resource was quadratic: 40,000
        resources took minutes)."""
        if self._lines is None:
            self._lines = {}
            line, counted = 1, 0
            for found in _ADDRESS_KEY.finditer(self.text):
                line += self.text.count("\n", counted, found.start())
                counted = found.start()
                try:
                    address = json.loads(found.group(1))
                except ValueError:
                    continue
                if isinstance(address, str):
                    self._lines.setdefault(address, line)
        return self._lines

    def _config_block(self, module: str, rtype: str, name: str) -> tuple[str, int, int] | None:
        """Where `resource "rtype" "name"` is declared, when the module's .tf files are
        beside the plan (or at a local module source path)."""
        if module not in self._block_lines:
            self._block_lines[module] = self._scan_module_dir(module)
        return self._block_lines[module].get(f"{rtype}.{name}")

    def _scan_module_dir(self, module: str) -> dict[str, tuple[str, int, int]]:
        directory = self.path.parent
        parts = [p for p in module.split(".") if p != "module"] if module else []
        walked = ""
        for part in parts:
            walked = f"{walked}.module.{part}" if walked else f"module.{part}"
            source = self.module_sources.get(walked, "")
            if not is_local_source(source):
                return {}
            directory = self.fs.resolve(directory / source)
        if not self.fs.is_dir(directory) or not any(
            p.suffix in (".tf", ".tofu") for p in self.fs.listdir(directory)
        ):
            return {}
        loaded = load_module(self.fs, directory, parse=functools.partial(parse_file, self.fs))
        return {
            f"{b.labels[0]}.{b.labels[1]}": (b.file, b.line, b.end_line) for b in loaded.resources
        }

    # -- data flows ---------------------------------------------------------------------

    def _flows(
        self,
        address: Address,
        info: catalogue.TypeInfo,
        values: Mapping[str, Any],
        config_res: Mapping[str, Any],
        provider: str,
        region: str | None,
        location: Location,
    ) -> None:
        reader = PlanFields(self.scope, address, values, config_res, provider, region)
        for flow in info.flows:
            self.result.edges.extend(flow_edges(flow, reader, location))


class _PlanRegion:
    """The `RegionReader` of a resource instance in a plan."""

    def __init__(
        self,
        plan: _Plan,
        address: Address,
        values: Mapping[str, Any],
        config_res: Mapping[str, Any],
    ) -> None:
        self.plan = plan
        self.address = address
        self.values = values
        self.config_res = config_res

    def argument(self, name: str) -> str | None:
        return self.plan._argument_region(str(self.address), self.values, name)

    def parent(self, arguments: tuple[str, ...]) -> str | Unknown | None:
        return self.plan._parent_region(self.address, self.config_res, arguments)

    def provider(self, rule: RegionRule) -> str | Unknown | None:
        address = str(self.address)
        arn = self.plan._arn_region(address)
        if arn is not None:
            return arn
        return self.plan._provider_region(
            self.config_res, rule.provider_arguments, address, str(rule.provider)
        )


class PlanFields:
    """The `FieldReader` of a resource instance in a plan: references from the
    configuration's expressions (the plan records which resources each one names), values
    from the planned values."""

    def __init__(
        self,
        scope: str,
        address: Address,
        values: Mapping[str, Any],
        config_res: Mapping[str, Any],
        provider: str,
        region: str | None,
    ) -> None:
        self.scope = scope
        self.address = address
        self.key = ResourceKey(scope, str(address))
        self.provider: str | None = provider
        self.planned = values
        self.expressions: Mapping[str, Any] = config_res.get("expressions") or {}
        self.region = region

    def _resolved(self, path: str) -> list[ResourceKey]:
        return [
            ResourceKey(self.scope, str(ref.within(self.address.module)))
            for ref in references(self.expressions, path)
        ]

    def subjects(self, path: str) -> list[ResourceKey]:
        return self._resolved(path)

    def targets(self, path: str) -> list[Destination]:
        found: list[Destination] = list(self._resolved(path))
        if found:
            return found
        return [
            literal_destination(v, self.provider)
            for v in flatten(_dig(self.planned, path))
            if isinstance(v, str)
        ]

    def values(self, path: str) -> list[Any]:
        return flatten(_dig(self.planned, path))

    def present(self, path: str) -> bool:
        return _dig(self.planned, path) is not None or _dig(self.expressions, path) is not None

    def own_region(self) -> str | Unknown | None:
        return self.region


def _provider_of(res: Mapping[str, Any]) -> str:
    """The provider of a planned resource: its `provider_name`, else its type's prefix."""
    default = str(res["type"]).split("_", maxsplit=1)[0]
    return provider_id_for_source(str(res.get("provider_name", default)))


def _info_of(res: Mapping[str, Any], provider: str) -> catalogue.TypeInfo:
    """What the catalogue says of a planned resource: by its type, or for a generic one
    (`azapi_resource`) by the kind its argument names; given its values (a BigQuery view
    holds no data)."""
    rtype = str(res["type"])
    argument = catalogue.generic_argument("terraform", rtype)
    planned = res.get("values")
    values = planned if isinstance(planned, dict) else {}
    kind = values.get(argument) if argument else None
    return catalogue.type_info("terraform", rtype, provider, kind).for_attributes(values)


def _walk_modules(module: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for res in module.get("resources") or ():
        if isinstance(res, dict) and "address" in res and "type" in res:
            yield res
    for child in module.get("child_modules") or ():
        if isinstance(child, dict):
            yield from _walk_modules(child)


def _mask(values: Any, sensitive: Any) -> Any:
    """Drop what Terraform marks sensitive, and secret-looking arguments."""
    if sensitive is True:
        return None
    if isinstance(values, dict):
        marks = sensitive if isinstance(sensitive, dict) else {}
        return {
            k: _mask(v, marks.get(k, False))
            for k, v in values.items()
            if marks.get(k) is not True and not is_secret_key(k)
        }
    if isinstance(values, list):
        marks_list = sensitive if isinstance(sensitive, list) else []
        return [
            _mask(v, marks_list[i] if i < len(marks_list) else False)
            for i, v in enumerate(values)
            if not (i < len(marks_list) and marks_list[i] is True)
        ]
    return redact_values(values)


def _dig(value: Any, path: str) -> Any:
    """Walk a dotted path through nested objects and lists (lists are walked element-wise)."""
    if not path:
        return value
    head, _, rest = path.partition(".")
    if isinstance(value, list):
        found = [_dig(item, path) for item in value]
        return [f for f in found if f is not None] or None
    if isinstance(value, dict):
        if head.isdigit():
            return _dig(value, rest)
        return _dig(value.get(head), rest) if head in value else None
    return None


def _first_string(value: Any) -> str | None:
    for item in flatten(value):
        if isinstance(item, str) and item:
            return item
    return None


_REF = re.compile(r'^([A-Za-z0-9_]+)\.([A-Za-z0-9_-]+)(\[(?:\d+|"(?:[^"\\]|\\.)*")\])?')


def references(expressions: Any, path: str) -> list[Address]:
    """Resource addresses referenced by the configuration expression at `path`: the plan
    lists references like ["aws_s3_bucket.r[0].arn", "aws_s3_bucket.r[0]", "aws_s3_bucket.r"];
    the most specific (with its instance key) is kept."""
    found = _dig(expressions, path)
    out: list[Address] = []
    for expr in flatten(found):
        if not isinstance(expr, dict):
            continue
        for ref in expr.get("references") or ():
            if not isinstance(ref, str) or ref.startswith(
                ("var.", "local.", "data.", "module.", "count.", "each.", "path.", "self.")
            ):
                continue
            match = _REF.match(ref)
            address = Address.parse(match.group(0)) if match else None
            if address is not None:
                out.append(address)
    unique = list(dict.fromkeys(out))
    indexed = {a.without_key() for a in unique if a.key is not None}
    return [a for a in unique if a.key is not None or a not in indexed]
