"""Evaluate Terraform modules as Terraform would, and produce normalised resources.

A root module is instantiated with its variable values (defaults, terraform.tfvars,
*.auto.tfvars, TF_VAR_*, --var-file, --var). Each `module` call with a local source (or a
remote one already downloaded by `terraform init`) becomes a child instance with its inputs
and providers. Every managed resource is located through its provider configuration or its
own region argument; what cannot be resolved is kept as an Unknown that says why.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hdslint import catalogue
from hdslint.causes import because
from hdslint.files import FileAccess, ReadLimits
from hdslint.ids import Outside, ResourceKey, UnknownDestination, instance_suffix
from hdslint.model import Edge, InputError, Location, Resource, Unknown, freeze
from hdslint.redaction import is_secret_key, redact_values
from hdslint.sources.terraform import budget, hcl
from hdslint.sources.terraform.expr import Scope, evaluate, traced
from hdslint.sources.terraform.flows import FlowReader
from hdslint.sources.terraform.functions import FileReader
from hdslint.sources.terraform.hcl import Body
from hdslint.sources.terraform.instance import EMPTY_SCOPE, ModuleInstance, ReaderScope
from hdslint.sources.terraform.loader import Block, ModuleDir, is_local_source
from hdslint.sources.terraform.paths import dynamic_contents, unknown_dynamic_blocks
from hdslint.sources.terraform.providers import provider_id_for_source
from hdslint.sources.terraform.resources import SENSITIVE_FOR_EACH, ResourceEval, expand

__all__ = ["Evaluator", "Inputs", "ModuleLibrary", "provider_id_for_source"]

MAX_MODULE_DEPTH = 32


@dataclass
class Inputs:
    """Variable values given on the command line or in the environment, for root modules."""

    cli_vars: dict[str, str] = field(default_factory=dict)
    var_files: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    env: Mapping[str, str] = field(default_factory=dict)


class ModuleLibrary:
    """Finds and loads module directories by path, once each."""

    def __init__(self, fs: FileAccess, loader: Any) -> None:
        self.fs = fs
        self._loader = loader
        self._cache: dict[Path, ModuleDir] = {}

    def get(self, path: Path) -> ModuleDir:
        key = self.fs.resolve(path)
        if key not in self._cache:
            self._cache[key] = self._loader(key)
        return self._cache[key]


# Why a fact derived from a sensitive value is not known: the reason would quote the value.
SENSITIVE_UNKNOWN = (
    "{what} derived from a sensitive value, which hdslint neither reads into a policy nor"
    " shows (nor why it is not known, which could quote it)"
)


@dataclass
class Output:
    resources: list[Resource] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    # Values decided on but never shown: regions and places derived from sensitive values.
    sensitive: set[str] = field(default_factory=set)


class Evaluator:
    """Instantiates root modules, walks their module trees and emits resources and edges."""

    def __init__(self, fs: FileAccess, library: ModuleLibrary, inputs: Inputs) -> None:
        # The scan's file access: everything the evaluation reads goes through it (and
        # file() and friends through `file_reader`, narrowed to the root module).
        self.fs = fs
        self.library = library
        self.inputs = inputs
        self.out = Output()
        # The root module being evaluated: Terraform addresses are unique within it only.
        self.scope = ""
        self.root: ModuleInstance | None = None
        # A Terragrunt unit's `inputs` (its root's variables, as TF_VAR_s), while one runs.
        self.unit_inputs: Mapping[str, Any] | Unknown | None = None
        self.flows = FlowReader(self.key, self.out.edges)
        # While a root module runs: what its file() and friends read, and the scope of its
        # variables' values (no names, but those files).
        self.file_reader: FileReader | None = None
        self.values_scope: Scope = EMPTY_SCOPE

    def key(self, address: str) -> ResourceKey:
        return ResourceKey(self.scope, address)

    def resource_at(self, address: str) -> ResourceEval | None:
        """A resource of the root module being evaluated, by its address (any module)."""
        pending = [self.root] if self.root is not None else []
        while pending:
            instance = pending.pop()
            if not address.startswith(instance.prefix()):
                continue
            found = instance.resource_by_address(address)
            if found is not None and found.address == address:
                return found
            for children in instance.children().values():
                pending.extend(children)
        return None

    def root_variable(self, instance: ModuleInstance, name: str) -> tuple[Any, bool]:
        """Terraform's precedence, lowest first: TF_VAR_ environment variables,
        terraform.tfvars, *.auto.tfvars (lexical order), then --var-file and --var in
        the order given. A value set later wins."""
        value: Any = None
        found = False
        env_value = self.inputs.env.get(f"TF_VAR_{name}")
        if env_value is not None:
            value, found = parse_cli_value(env_value), True
        if isinstance(self.unit_inputs, Unknown):
            value, found = (
                Unknown(because("the unit's inputs are not known", self.unit_inputs.reason)),
                True,
            )
        elif self.unit_inputs is not None and name in self.unit_inputs:
            value, found = self.unit_inputs[name], True
        for _file, attrs in [*instance.mod.tfvars, *self.inputs.var_files]:
            if name in attrs:
                value, found = evaluate(attrs[name][0], self.values_scope), True
        if name in self.inputs.cli_vars:
            value, found = parse_cli_value(self.inputs.cli_vars[name]), True
        return value, found

    def run_root(
        self, mod: ModuleDir, unit_inputs: Mapping[str, Any] | Unknown | None = None
    ) -> None:
        """Evaluate `mod` as a root module; a Terragrunt unit gives its `inputs`."""
        self.scope = mod.display
        # file() and friends read below the root module (and the working folder), nowhere
        # else: a configuration cannot make hdslint read /etc/passwd or ~/.aws.
        fs = self.fs
        base = fs.resolve(mod.path)
        readable = ReadLimits((base, fs.resolve(Path.cwd())), fs.limits.max_file_bytes)
        self.file_reader = FileReader(base, fs.confined(readable))
        self.values_scope = ReaderScope(self.file_reader)
        self.unit_inputs = unit_inputs
        budget_token = budget.start()
        kept = (len(self.out.resources), len(self.out.edges), len(self.out.errors))
        try:
            root = self.root = ModuleInstance(self, mod, "")
            self._walk(root)
        except budget.BudgetExceeded as exc:
            # The root is dropped whole (a part of it would read as its whole), and said.
            del self.out.resources[kept[0] :]
            del self.out.edges[kept[1] :]
            del self.out.errors[kept[2] :]
            spent = budget.current()
            file, line = (spent.where if spent else None) or (mod.display, 0)
            self.out.errors.append(
                InputError(
                    file, f"{exc}; the root module {mod.display} is not evaluated", line or None
                )
            )
        finally:
            budget.finish(budget_token)
            self.file_reader = None
            self.values_scope = EMPTY_SCOPE

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
        cycle = _call_cycle(self.fs, parent, name, self.fs.resolve(child_dir))
        if cycle is not None:
            self.out.errors.append(InputError(call.file, cycle, call.line))
            return []
        mod = self.library.get(child_dir)
        self.out.errors.extend(e for e in mod.errors if e not in self.out.errors)
        attrs = call.body["attrs"]
        spent = budget.current()
        if spent is not None:
            spent.where = (call.file, call.line)
        expansion = expand(attrs, parent)
        keys: list[tuple[Any, Mapping[str, Any]]] = (
            [(None, {"each": expansion, "count": expansion})]
            if isinstance(expansion, Unknown)
            else expansion
        )
        if spent is not None:
            spent.add_module_instances(len(keys), f"module.{name}")
        children = []
        for key, each in keys:
            suffix = instance_suffix(key)
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
        if source_attr is None:
            return None, "the module call has no source"
        # OpenTofu (1.8) evaluates variables and locals in a module source early.
        source_value = evaluate(source_attr[0], parent)
        if isinstance(source_value, Unknown):
            return None, f"module source = {source_attr[2]}: {source_value.reason}"
        if not isinstance(source_value, str):
            return None, f"module source = {source_attr[2]} is not a string"
        source = source_value
        if is_local_source(source):
            path = self.fs.resolve(parent.mod.path / source)
            if not self.fs.inside(path):
                return None, (
                    f"local module source {source!r} is outside the scanned folders and the"
                    " working folder, so it is not read"
                )
            if self.fs.is_dir(path):
                return path, None
            return None, f"local module source {source!r} does not exist"
        downloaded = self._downloaded(parent, name)
        if downloaded is not None and not self.fs.inside(downloaded):
            return None, (
                f"module {source!r}: .terraform/modules/modules.json places it outside the"
                " scanned folders and the working folder, so it is not read"
            )
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
        fs = self.fs
        path = fs.resolve(root.mod.path / directory)
        # Outside the readable folders nothing is there to see: the caller says why.
        return path if not fs.inside(path) or fs.is_dir(path) else None

    _manifests: dict[Path, dict[str, str]]

    def library_manifest(self, manifest: Path) -> dict[str, str]:
        if not hasattr(self, "_manifests"):
            self._manifests = {}
        if manifest not in self._manifests:
            entries: dict[str, str] = {}
            try:
                data = json.loads(self.fs.read_text(manifest))
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
        spent = budget.current()
        if spent is not None:
            spent.where = (res.block.file, res.block.line)
        instances = res.instances()
        if isinstance(instances, Unknown) and SENSITIVE_FOR_EACH in instances.reason:
            # Invalid, as Terraform says: an input error, not a resource of unknown keys.
            self.out.errors.append(
                InputError(res.block.file, f"{res.address}: {instances.reason}", res.block.line)
            )
            return
        if isinstance(instances, Unknown):
            scopes = res.unkeyed_scopes()
            places = {repr(res.region(scope)) for scope in scopes}
            if len(places) == 1 and isinstance(res.region(scopes[0]), str):
                # The keys are not known, but every instance is in one known place.
                self._emit_one(res, res.address, scopes[0], None)
                return
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
            address = f"{res.address}{instance_suffix(inst.key)}"
            self._emit_one(res, address, inst.scope, inst.key)

    def _emit_one(self, res: ResourceEval, address: str, scope: Scope, key: Any) -> None:
        provider = res.config.provider_id
        info = res.info(scope)
        unknown: dict[str, str] = {}
        region_value, region_sensitive = traced(lambda: res.region(scope))
        region: str | None = None
        if isinstance(region_value, Unknown):
            unknown["region"] = (
                SENSITIVE_UNKNOWN.format(what="its region is")
                if region_sensitive
                else region_value.reason
            )
        elif region_value is not None:
            # Decided on, as Terraform deploys there; never shown (hdslint.sensitive).
            region = region_value
            if region_sensitive:
                self.out.sensitive.add(region)
        else:
            unknown["region"] = catalogue.unlocated_reason("terraform", provider, res.rtype)
        attributes, hidden = self._attributes_shown(res.block.body, scope)
        # A BigQuery view holds no data (unless its `view` block may not exist).
        info = info.for_attributes(attributes, unknown_dynamic_blocks(res.block.body, scope))
        tags, tags_unknown = self._tags(res, attributes)
        unknown.update(tags_unknown)
        family_tags = catalogue.family("terraform", provider).get("tags", ())
        if any(name in hidden for name in family_tags):
            unknown["tags"] = SENSITIVE_UNKNOWN.format(what="its tags are")
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
                stores_data=info.holds_data(attributes),
            )
        )
        for flow in info.flows:
            kept = len(self.out.edges)
            _, flow_sensitive = traced(
                lambda flow=flow: self.flows.add(res, address, scope, flow, location)  # type: ignore[misc]
            )
            if flow_sensitive:
                self._hide_destinations(kept)

    def _hide_destinations(self, start: int) -> None:
        """Edges found from sensitive values: the places they name are never shown, and an
        unknown one does not say why (the reason would quote the value)."""
        for i in range(start, len(self.out.edges)):
            edge = self.out.edges[i]
            for place in (edge.target, edge.origin):
                if isinstance(place, Outside):
                    self.out.sensitive.update(v for v in (place.region, place.name) if v)
            if isinstance(edge.target, UnknownDestination):
                self.out.edges[i] = dataclasses.replace(
                    edge,
                    target=UnknownDestination(
                        SENSITIVE_UNKNOWN.format(what="the destination is"), edge.target.external
                    ),
                )

    def _attributes_shown(self, body: Body, scope: Scope) -> tuple[dict[str, Any], set[str]]:
        """The resource's attributes but those derived from sensitive values, which are
        dropped (as a plan's are: no policy, hence no message, ever sees them), and the
        names of those dropped."""
        out: dict[str, Any] = {}
        hidden: set[str] = set()
        names = [
            *body["attrs"],
            *(
                labels[0] if kind == "dynamic" and labels else kind
                for kind, labels, *_ in body["blocks"]
            ),
        ]
        for name in dict.fromkeys(names):
            part, sensitive = traced(lambda name=name: self._attributes(body, scope, only=name))  # type: ignore[misc]
            if sensitive:
                hidden.add(name)
            else:
                out.update(part)
        return out, hidden

    def _attributes(self, body: Body, scope: Scope, only: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, (expr, _line, _src) in body["attrs"].items():
            if only is not None and name != only:
                continue
            if name in ("count", "for_each", "provider", "depends_on", "lifecycle"):
                continue
            if is_secret_key(name):  # never copied: no policy needs a secret's value
                continue
            out[name] = redact_values(evaluate(expr, scope))
        for block_type, labels, inner, _line, _end in body["blocks"]:
            if (
                only is not None
                and (labels[0] if block_type == "dynamic" and labels else block_type) != only
            ):
                continue
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
            for content, content_scope in dynamic_contents(body, label, scope)
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
            default_tags, sensitive = traced(res.config.default_tags)
            if sensitive:
                problems["tags"] = SENSITIVE_UNKNOWN.format(what="its provider's default tags are")
            else:
                sources.append(default_tags)
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


def parse_cli_value(text: str) -> Any:
    """A -var / TF_VAR_ value: a string, unless it reads as an HCL literal collection."""
    stripped = text.strip()
    if stripped[:1] in ("[", "{"):
        try:
            body = hcl.parse(f"v = {stripped}\n")
            return evaluate(body["attrs"]["v"][0], EMPTY_SCOPE)
        except hcl.HclSyntaxError:
            return text
    return text


def _call_cycle(fs: FileAccess, parent: ModuleInstance, name: str, target: Path) -> str | None:
    """Why a module call is refused when it calls a module folder that is already being
    evaluated above it (the module itself, or one of its callers): Terraform cannot build a
    configuration that contains itself. None when the call is not a cycle (calling one
    module twice from one module, under two names, is fine). The message names folders,
    not addresses: one cycle is one error, however many instances reach it."""
    chain: list[str] = []
    instance: ModuleInstance | None = parent
    while instance is not None:
        chain.append(instance.mod.display)
        if fs.resolve(instance.mod.path) == target:
            path = " -> ".join([*reversed(chain), instance.mod.display])
            return (
                f'Module call cycle: module "{name}" calls {instance.mod.display}, which is'
                f" already being evaluated above it ({path}); a module cannot call itself,"
                " directly or through other modules (the call is not evaluated)"
            )
        instance = instance.parent
    return None
