"""A template deployed as a stack -> normalised resources, with its nested stacks.

Each resource is read as CloudFormation would create it: `Condition` false -> not created;
SAM `Globals` merged into SAM resources; Properties evaluated (intrinsic functions,
parameters, mappings, pseudo parameters). Flows are decided once every stack of the scan is
read, so that a reference by name or ARN finds a resource of another stack.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hdslint.files import FileAccess
from hdslint.ids import ResourceKey
from hdslint.model import Edge, InputError, Location, Resource, Unknown, freeze
from hdslint.paths import display_path
from hdslint.redaction import redact_values
from hdslint.sources.cloudformation.deployments import Target
from hdslint.sources.cloudformation.fields import NameIndex, StackFields, values_at
from hdslint.sources.cloudformation.intrinsics import Deployment, Evaluator, ResourceRef
from hdslint.sources.cloudformation.template import Template
from hdslint.sources.cloudformation.types import TypeSpec, type_spec
from hdslint.sources.flows import flow_edges

SOURCE = "cloudformation"
# Where Metadata directives are handed over to the suppressions
# (hdslint.suppressions.directives.METADATA, which the sources layer does not import), in
# the annotation's form: one directive per line.
METADATA = "hdslint.cloudformation/metadata-ignore"
NESTED_STACK_TYPES = frozenset({"AWS::CloudFormation::Stack", "AWS::Serverless::Application"})
MAX_NESTING = 10
# Nested stacks read in one scan: a template nesting another many times, each nesting many
# more, would otherwise multiply (20 stacks, 10 deep: 20^10).
MAX_NESTED_STACKS = 1000
REMOTE_NESTED = (
    "its template is not in the repository (a remote TemplateURL, or an application of the"
    " Serverless Application Repository): hdslint never downloads templates"
)
# SAM's Globals sections -> the resource types they apply to.
SAM_GLOBALS = {
    "Function": "AWS::Serverless::Function",
    "Api": "AWS::Serverless::Api",
    "HttpApi": "AWS::Serverless::HttpApi",
    "SimpleTable": "AWS::Serverless::SimpleTable",
    "StateMachine": "AWS::Serverless::StateMachine",
    "LayerVersion": "AWS::Serverless::LayerVersion",
}

# How deep the search for condition names goes into a template's values (hostile templates).
MAX_CONDITION_DEPTH = 100

TemplateLoader = Callable[[Path], "Template | InputError | None"]


@dataclass(frozen=True, slots=True)
class _Built:
    resource: Resource
    spec: TypeSpec
    properties: Mapping[str, Any]
    logical: Mapping[str, ResourceKey]
    deployment: Deployment


@dataclass
class StackBuilder:
    """Every stack of a scan; `edges()` once all are added."""

    load_template: TemplateLoader
    fs: FileAccess
    errors: list[InputError] = field(default_factory=list)
    built: list[_Built] = field(default_factory=list)
    names: NameIndex = field(default_factory=NameIndex)
    nested_read: int = 0

    def add(self, path: Path, template: Template, target: Target) -> None:
        self._stack(path, template, target, dict(target.parameters), (self.fs.resolve(path),))

    def _stack(
        self,
        path: Path,
        template: Template,
        target: Target,
        parameters: Mapping[str, Any],
        chain: tuple[Path, ...],
    ) -> None:
        data = template.data
        ev = Evaluator(data, target.deployment, parameters)
        resources = data.get("Resources")
        if not isinstance(resources, Mapping):
            self.errors.append(InputError(template.file, "the template has no Resources section"))
            return
        for error in undeclared_conditions(template):
            if error not in self.errors:  # one error however many times it is deployed
                self.errors.append(error)
        logical: dict[str, ResourceKey] = {}
        pending: list[tuple[str, Mapping[str, Any], str, Location]] = []
        for name, body in resources.items():
            line, end = template.lines.get(str(name), (None, None))
            location = Location(template.file, line, end_line=end)
            if str(name).startswith("Fn::ForEach::"):
                self.errors.append(
                    InputError(
                        template.file,
                        f"{name}: Fn::ForEach (AWS::LanguageExtensions) is not expanded by"
                        " hdslint: the resources it declares are not checked",
                        line,
                    )
                )
                continue
            if not isinstance(body, Mapping) or not isinstance(body.get("Type"), str):
                problem = _type_problem(body)
                self.errors.append(InputError(template.file, f"resource {name} {problem}", line))
                continue
            if ev.resource_created(str(name)) is False:
                continue  # its Condition is false: CloudFormation does not create it
            logical[str(name)] = ResourceKey(target.scope, f"{target.stack}/{name}")
            pending.append((str(name), body, str(body["Type"]), location))
        found_globals = data.get("Globals")
        globals_: Mapping[str, Any] = found_globals if isinstance(found_globals, Mapping) else {}
        for name, body, native_type, location in pending:
            raw = _with_globals(body.get("Properties"), native_type, globals_)
            try:
                properties = ev.value(raw)
            except RecursionError:
                self.errors.append(
                    InputError(template.file, f"resource {name}: nesting too deep", location.line)
                )
                continue
            properties = properties if isinstance(properties, Mapping) else {}
            spec = type_spec(native_type)
            nested = native_type in NESTED_STACK_TYPES
            child = nested_template_path(self.fs, path, body, properties) if nested else None
            resource = self._resource(
                logical[name],
                native_type,
                spec,
                properties,
                body,
                target,
                location,
                remote=nested and child is None,
            )
            if child is not None:
                # Its template is read (or why not is an error): the nested stack is its
                # resources, as a Terraform module call is (HDS-EVAL-001 asks only for
                # stacks whose template is not read).
                self._nested(child, template, name, properties, target, chain, location)
                continue
            self.built.append(_Built(resource, spec, properties, logical, target.deployment))
            for name_path in spec.names:
                for value in values_at(properties, name_path):
                    if isinstance(value, str):
                        self.names.add(value, spec.service, resource.key)

    def _resource(
        self,
        key: ResourceKey,
        native_type: str,
        spec: TypeSpec,
        properties: Mapping[str, Any],
        body: Mapping[str, Any],
        target: Target,
        location: Location,
        remote: bool,
    ) -> Resource:
        deployment = target.deployment
        unknown = {} if deployment.region else {"region": deployment.region_unknown or ""}
        if remote:
            unknown["contents"] = REMOTE_NESTED
        annotations = self._suppressions(body.get("Metadata"), location)
        return Resource(
            id=key.id,
            type=native_type,
            provider="aws",
            service=spec.service,
            category=spec.category,
            region=deployment.region,
            location=location,
            source=SOURCE,
            attributes=freeze(redact_values(plain(properties))),
            tags=freeze(_tags(properties.get("Tags"))),
            unknown=freeze(unknown),
            activities=spec.activities,
            presumed_health_data=spec.presumed,
            annotations=freeze(annotations),
            scope=key.scope,
            stores_data=spec.stores_data,
        )

    def _suppressions(self, metadata: Any, location: Location) -> dict[str, str]:
        """`Metadata: {hdslint: {ignore: [{id, reason, until}]}}`, as the annotation's
        directives (one per line): checkov's and cfn-nag's shape."""
        own = metadata.get("hdslint") if isinstance(metadata, Mapping) else None
        if own is None:
            return {}
        entries = own.get("ignore") if isinstance(own, Mapping) else None
        if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
            self.errors.append(
                InputError(
                    location.file,
                    "Metadata hdslint: expected {ignore: [{id: POLICY-ID, reason: ...,"
                    " until: YYYY-MM-DD}]}",
                    location.line,
                )
            )
            return {}
        lines = []
        for entry in entries:
            policy = " ".join(str(entry.get("id", "")).split())
            reason = " ".join(str(entry.get("reason", "")).split())
            escaped = reason.replace("\\", "\\\\").replace('"', '\\"')
            text = f'{policy} reason="{escaped}"' if reason else policy
            until = entry.get("until")
            if until is not None:
                text += f" until={str(until).strip()}"
            lines.append(text)
        return {METADATA: "\n".join(lines)}

    def _nested(
        self,
        child: Path | str,
        template: Template,
        name: str,
        properties: Mapping[str, Any],
        target: Target,
        chain: tuple[Path, ...],
        location: Location,
    ) -> None:
        """A nested stack whose template is local (`child`), or why it cannot be read."""
        if isinstance(child, str):
            self.errors.append(
                InputError(template.file, f"resource {name}: {child}", location.line)
            )
            return
        resolved = self.fs.resolve(child)
        self.nested_read += 1
        if self.nested_read > MAX_NESTED_STACKS:
            if self.nested_read == MAX_NESTED_STACKS + 1:
                self.errors.append(
                    InputError(
                        template.file,
                        f"resource {name}: more than {MAX_NESTED_STACKS} nested stacks in one"
                        " scan: the rest are not read",
                        location.line,
                    )
                )
            return
        if resolved in chain or len(chain) >= MAX_NESTING:
            self.errors.append(
                InputError(
                    template.file,
                    f"resource {name}: nested stacks loop or go deeper than {MAX_NESTING}",
                    location.line,
                )
            )
            return
        loaded = self.load_template(child)
        if loaded is None:
            loaded = InputError(display_path(child), "the nested template is not a template")
        if isinstance(loaded, InputError):
            self.errors.append(loaded)
            return
        given = properties.get("Parameters")
        parameters = {str(k): v for k, v in (given.items() if isinstance(given, Mapping) else ())}
        nested = Target(
            scope=target.scope,
            stack=f"{target.stack}/{name}",
            deployment=Deployment(
                target.deployment.region,
                target.deployment.region_unknown,
                target.deployment.account,
                None,
            ),
        )
        self._stack(child, loaded, nested, parameters, (*chain, resolved))

    def edges(self) -> list[Edge]:
        out: list[Edge] = []
        for item in self.built:
            reader = StackFields(
                key=item.resource.key,
                properties=item.properties,
                logical=item.logical,
                names=self.names,
                region=item.deployment.region,
                region_unknown=item.deployment.region_unknown,
            )
            for flow in item.spec.flows:
                out.extend(flow_edges(flow, reader, item.resource.location))
        return out

    def resources(self) -> list[Resource]:
        return [item.resource for item in self.built]


def nested_template_path(
    fs: FileAccess, path: Path, body: Mapping[str, Any], properties: Mapping[str, Any]
) -> Path | str | None:
    """The local template a nested stack deploys: CDK's `aws:asset:path` metadata, or a
    TemplateURL (SAM: Location) that is a path relative to the parent template. None for a
    remote template; a string says why a local one cannot be read."""
    metadata = body.get("Metadata")
    asset = metadata.get("aws:asset:path") if isinstance(metadata, Mapping) else None
    url: Any = asset if isinstance(asset, str) else None
    if url is None:
        url = properties.get("TemplateURL") or properties.get("Location")
    if not isinstance(url, str) or not url or "://" in url or url.startswith("arn:"):
        return None
    child = path.parent / url
    if not fs.inside(child):
        return f"the nested template {url} is outside the scanned folders: it is not read"
    if not fs.is_file(child):
        return f"the nested template {display_path(child)} is not there"
    return child


def _type_problem(body: Any) -> str:
    """Why a resource has no CloudFormation type: none at all, or a preprocessor's tag
    (`!Rain::Module ...`) that only its tool expands."""
    kind = body.get("Type") if isinstance(body, Mapping) else None
    if isinstance(kind, Mapping) and len(kind) == 1:
        tag = str(next(iter(kind))).removeprefix("Fn::")
        return (
            f"has Type !{tag}, which a tool expands before deploying (rain pkg, aws"
            " cloudformation package): scan the template it writes"
        )
    return "has no Type"


def _with_globals(properties: Any, native_type: str, globals_: Mapping[str, Any]) -> Any:
    """SAM's Globals under a resource's own Properties (maps merged one level down)."""
    section = next((g for g, t in SAM_GLOBALS.items() if t == native_type), None)
    defaults = globals_.get(section) if section else None
    if not isinstance(defaults, Mapping):
        return properties
    own = properties if isinstance(properties, Mapping) else {}
    merged = dict(defaults)
    for key, value in own.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _tags(value: Any) -> dict[str, str]:
    """CloudFormation's `[{Key, Value}]` list, or SAM's map; only values known as text."""
    pairs: list[tuple[Any, Any]] = []
    if isinstance(value, list):
        pairs = [(t.get("Key"), t.get("Value")) for t in value if isinstance(t, Mapping)]
    elif isinstance(value, Mapping):
        pairs = list(value.items())
    return {
        str(k): str(v) for k, v in pairs if isinstance(k, str) and isinstance(v, str | int | float)
    }


def plain(value: Any) -> Any:
    """Evaluated properties as plain data: a reference in CloudFormation's own spelling, an
    unknown value as null."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, ResourceRef):
        if value.attribute is None:
            return {"Ref": value.logical_id}
        return {"Fn::GetAtt": [value.logical_id, value.attribute]}
    if isinstance(value, Unknown):
        return None
    return value


def undeclared_conditions(template: Template) -> list[InputError]:
    """Conditions named (a resource's or an output's `Condition`, `Fn::If`, the `Condition`
    function) but not declared in `Conditions`: CloudFormation refuses such a template
    (unresolved condition dependencies), so each is an input error, at the resource's line
    when it is in a resource."""
    data = template.data
    found = data.get("Conditions")
    declared = set(found) if isinstance(found, Mapping) else set()
    errors: list[InputError] = []

    def report(where: str, name: Any, line: int | None, how: str) -> None:
        if isinstance(name, str) and name not in declared:
            error = InputError(
                template.file,
                f"{where}: {how} {name!r}, which is not declared in Conditions"
                " (CloudFormation refuses the template)",
                line,
            )
            if error not in errors:
                errors.append(error)

    def walk(node: Any, where: str, line: int | None, functions: bool, depth: int = 0) -> None:
        # `functions`: in Conditions, where `{"Condition": name}` (`!Condition`) is one.
        if depth > MAX_CONDITION_DEPTH:
            return
        if isinstance(node, Mapping):
            for key, value in node.items():
                if key == "Fn::If" and isinstance(value, list) and value:
                    report(where, value[0], line, "Fn::If names the condition")
                elif functions and key == "Condition" and len(node) == 1:
                    report(where, value, line, "the Condition function names")
                walk(value, where, line, functions, depth + 1)
        elif isinstance(node, list):
            for item in node:
                walk(item, where, line, functions, depth + 1)

    sections = (("Resources", "resource"), ("Outputs", "output"))
    for section, kind in sections:
        entries = data.get(section)
        if not isinstance(entries, Mapping):
            continue
        for name, body in entries.items():
            if not isinstance(body, Mapping):
                continue
            line = template.lines.get(str(name), (None, None))[0] if kind == "resource" else None
            where = f"{kind} {name}"
            report(where, body.get("Condition"), line, "its Condition names")
            walk({k: v for k, v in body.items() if k != "Condition"}, where, line, False)
    conditions = data.get("Conditions")
    if isinstance(conditions, Mapping):
        for name, body in conditions.items():
            walk(body, f"condition {name}", None, True)
    return errors
