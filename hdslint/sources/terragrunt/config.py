"""A Terragrunt configuration evaluated as Terragrunt evaluates it.

A unit's `terragrunt.hcl` is read with the configurations it includes (`include` blocks,
each evaluated in the unit's context, merged with its `merge_strategy`: `shallow` by
default, `deep`, or `no_merge`; `expose = true` makes it `include.NAME`), its `locals`
(lazily, cycles detected), `dependency` blocks (outputs unknown unless `mock_outputs` give
them), `feature` flags (their default), `terraform { source }`, `inputs` and `generate`
blocks. Expressions go through the Terraform evaluator, with Terragrunt's own functions
added (functions.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hdslint.files import FileAccess, ReadLimits
from hdslint.model import InputError, Unknown
from hdslint.paths import display_path
from hdslint.sources.terraform.expr import Namespace, evaluate
from hdslint.sources.terraform.functions import FileReader
from hdslint.sources.terraform.hcl import Body, Expr, HclSyntaxError
from hdslint.sources.terraform.loader import body_errors, parse_file, read_error
from hdslint.sources.terragrunt import jsonconfig
from hdslint.sources.terragrunt.functions import Context, bound_functions

# What `terragrunt stack generate` writes beside each generated unit: its stack's `values`.
VALUES_FILE = "terragrunt.values.hcl"
# read_terragrunt_config() chains (a file reading a file reading ...): bounded.
MAX_READ_DEPTH = 16


@dataclass(frozen=True)
class Generated:
    """A `generate` block: a file Terragrunt writes into the module before running it."""

    name: str  # the block's label
    path: str | Unknown
    contents: str | Unknown
    file: str  # where the block is (display path)
    line: int  # the line of `contents`
    heredoc: bool  # contents written as a heredoc: its lines follow `line`
    disabled: bool | Unknown = False


@dataclass(frozen=True)
class Source:
    """`terraform { source = ... }` and where it is written."""

    value: str | Unknown
    file: str
    line: int


@dataclass
class UnitConfig:
    """What a unit deploys, after includes are merged."""

    path: Path
    display: str
    source: Source | None = None
    inputs: dict[str, Any] | Unknown = field(default_factory=dict)
    generates: dict[str, Generated] = field(default_factory=dict)
    included: list[Path] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    # Why Terragrunt would refuse to run the unit at all (then nothing it deploys is known),
    # and the line of the unit's configuration that leads there.
    refused: tuple[str, int] | None = None


class Reader:
    """Parses configuration files once each, and says what could not be read."""

    def __init__(self, fs: FileAccess) -> None:
        self.fs = fs
        self._bodies: dict[Path, tuple[Body | None, InputError | None]] = {}

    def body(self, path: Path) -> tuple[Body | None, InputError | None]:
        key = self.fs.resolve(path)
        if key not in self._bodies:
            display = display_path(path)
            if not self.fs.inside(key):
                self._bodies[key] = (
                    None,
                    InputError(display, "outside the scanned folders, so it is not read"),
                )
            elif not self.fs.is_file(key):
                self._bodies[key] = (None, InputError(display, "no such file"))
            elif key.name.endswith(".json"):
                self._bodies[key] = _parse_json(self.fs, key, display)
            else:
                self._bodies[key] = parse_file(self.fs, key, display)
        return self._bodies[key]


def _parse_json(fs: FileAccess, path: Path, display: str) -> tuple[Body | None, InputError | None]:
    """A Terragrunt configuration in HCL's JSON form (`terragrunt.hcl.json`, or a `.json`
    file an include or read_terragrunt_config names)."""
    problem = fs.too_large(path)
    if problem is not None:
        return None, InputError(display, problem)
    try:
        text = fs.read(path).decode("utf-8-sig")
    except OSError as exc:
        return None, read_error(exc, display)
    except UnicodeDecodeError as exc:
        return None, InputError(display, f"not valid UTF-8 (byte {exc.start})")
    try:
        return jsonconfig.parse(text), None
    except HclSyntaxError as exc:
        message = exc.message.removeprefix("invalid JSON: ")
        return None, InputError(display, f"invalid Terragrunt JSON: {message}", exc.line)


class ConfigScope:
    """One configuration file evaluated in a context: the Scope of its expressions."""

    def __init__(
        self,
        reader: Reader,
        path: Path,
        body: Body,
        context: Context,
        *,
        exposed: dict[str, Any] | None = None,
        depth: int = 0,
    ) -> None:
        self.reader = reader
        self.path = path
        self.display = display_path(path)
        self.body = body
        self.context = context
        self.exposed = exposed or {}
        self.depth = depth
        self.errors: list[InputError] = []
        self._locals: dict[str, Any] = {}
        self._busy: set[str] = set()
        fs = reader.fs
        # Terragrunt's functions, bound to this file's context (its expressions' scope
        # carries them to the evaluator).
        self.tool_functions = bound_functions(fs, context, self._read_config)
        # file() and friends read relative to this file's folder, inside it and the scan's
        # folders.
        base = fs.resolve(path.parent)
        readable = ReadLimits((base, *fs.limits.roots), fs.limits.max_file_bytes)
        self.file_reader = FileReader(base, fs.confined(readable))

    # Scope
    def root(self, name: str) -> Any:
        if name == "local":
            return _LocalsNS(self)
        if name == "include":
            return self.exposed
        if name == "dependency":
            return self.dependencies()
        if name == "feature":
            return self.features()
        if name == "values":
            return self.values()
        return Unknown(f"unknown name {name!r} in a Terragrunt configuration", error=True)

    def evaluate(self, expr: Expr) -> Any:
        """An expression of this file, with Terragrunt's functions of its context; file()
        and friends read relative to this file's folder, inside the scanned folders."""
        return evaluate(expr, self)

    def attribute(self, name: str) -> Any:
        attr = self.body["attrs"].get(name)
        return None if attr is None else self.evaluate(attr[0])

    def blocks(self, kind: str) -> Iterator[tuple[tuple[str, ...], Body, int]]:
        for block_type, labels, inner, line, _end in self.body["blocks"]:
            if block_type == kind:
                yield labels, inner, line

    def local(self, name: str) -> Any:
        if name in self._locals:
            return self._locals[name]
        if name in self._busy:
            return Unknown(f"local.{name} refers to itself", error=True)
        expr = None
        for _labels, inner, _line in self.blocks("locals"):
            if name in inner["attrs"]:
                expr = inner["attrs"][name][0]
        if expr is None:
            return Unknown(f"no local value {name!r} in {self.display}", error=True)
        self._busy.add(name)
        try:
            value = self.evaluate(expr)
        finally:
            self._busy.discard(name)
        self._locals[name] = value
        return value

    def all_locals(self) -> dict[str, Any]:
        names = [n for _l, inner, _line in self.blocks("locals") for n in inner["attrs"]]
        return {name: self.local(name) for name in names}

    def dependencies(self) -> dict[str, Any]:
        """`dependency.NAME.outputs`: the `mock_outputs` when given, else unknown (known
        only once the dependency is applied)."""
        out: dict[str, Any] = {}
        for labels, inner, _line in self.blocks("dependency"):
            if not labels:
                continue
            mocks = inner["attrs"].get("mock_outputs")
            config_path = inner["attrs"].get("config_path")
            where = config_path[2] if config_path else labels[0]
            outputs = (
                self.evaluate(mocks[0])
                if mocks is not None
                else Unknown(
                    f"dependency {labels[0]!r} ({where}): its outputs are known once it is"
                    " applied (no mock_outputs)"
                )
            )
            out[labels[0]] = {"outputs": outputs}
        return out

    def values(self) -> dict[str, Any] | Unknown:
        """`values.NAME`: a unit of a Terragrunt stack reads the `values` its stack gives it
        from the `terragrunt.values.hcl` that `terragrunt stack generate` writes beside it."""
        path = self.context.original_dir / VALUES_FILE
        if not self.reader.fs.is_file(path):
            return Unknown(
                f"values: no {VALUES_FILE} beside {display_path(self.context.original_dir)}"
                " (a unit of a stack gets its values from the stack; run `terragrunt stack"
                " generate` so that .terragrunt-stack holds the generated units)",
                error=True,
            )
        body, error = self.reader.body(path)
        if body is None:
            reason = error.message if error is not None else "not read"
            return Unknown(f"values: {display_path(path)}: {reason}", error=True)
        scope = ConfigScope(self.reader, path, body, self.context, depth=self.depth + 1)
        return {name: scope.evaluate(attr[0]) for name, attr in body["attrs"].items()}

    def features(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for labels, inner, _line in self.blocks("feature"):
            if labels:
                default = inner["attrs"].get("default")
                out[labels[0]] = {"value": self.evaluate(default[0]) if default else None}
        return out

    def terraform_source(self) -> Source | None:
        for _labels, inner, _line in self.blocks("terraform"):
            attr = inner["attrs"].get("source")
            if attr is not None:
                return Source(self.evaluate(attr[0]), self.display, attr[1])
        return None

    def generates(self) -> dict[str, Generated]:
        out: dict[str, Generated] = {}
        for labels, inner, line in self.blocks("generate"):
            if not labels:
                continue
            attrs = inner["attrs"]
            path = self.evaluate(attrs["path"][0]) if "path" in attrs else Unknown("no path")
            contents_attr = attrs.get("contents")
            contents = (
                self.evaluate(contents_attr[0])
                if contents_attr is not None
                else Unknown("no contents")
            )
            disable = attrs.get("disable")
            out[labels[0]] = Generated(
                name=labels[0],
                path=path if isinstance(path, str | Unknown) else Unknown("path is not a string"),
                contents=contents
                if isinstance(contents, str | Unknown)
                else Unknown("contents is not a string"),
                file=self.display,
                line=contents_attr[1] if contents_attr is not None else line,
                heredoc=contents_attr is not None and contents_attr[2].lstrip().startswith("<<"),
                disabled=self.evaluate(disable[0]) if disable is not None else False,
            )
        return out

    def inputs(self) -> dict[str, Any] | Unknown:
        value = self.attribute("inputs")
        if value is None:
            return {}
        if isinstance(value, Unknown | dict):
            return value
        return Unknown(f"inputs in {self.display} is not an object", error=True)

    def as_value(self) -> dict[str, Any]:
        """The configuration as read_terragrunt_config() and an exposed include give it."""
        source = self.terraform_source()
        return {
            "locals": self.all_locals(),
            "inputs": self.inputs(),
            "dependency": self.dependencies(),
            "feature": self.features(),
            "terraform": {"source": source.value} if source is not None else {},
        }

    def _read_config(self, target: Path, default: Any) -> Any:
        if self.depth >= MAX_READ_DEPTH:
            return Unknown("read_terragrunt_config() nested too deeply", error=True)
        body, error = self.reader.body(target)
        if body is None:
            if default is not None:
                return default
            reason = error.message if error is not None else "not read"
            return Unknown(f"read_terragrunt_config({display_path(target)}): {reason}", error=True)
        resolved = self.reader.fs.resolve(target)
        # The file read is its own context: its folder is its terragrunt dir.
        context = Context(terragrunt_dir=resolved.parent, original_dir=resolved.parent)
        scope = ConfigScope(self.reader, resolved, body, context, depth=self.depth + 1)
        return scope.as_value()


class _LocalsNS(Namespace):
    def __init__(self, scope: ConfigScope) -> None:
        self.scope = scope

    def attr(self, name: str) -> Any:
        return self.scope.local(name)

    def materialize(self) -> Any:
        return self.scope.all_locals()

    def describe(self) -> str:
        return "local"


def evaluate_unit(reader: Reader, path: Path) -> UnitConfig:
    """A unit's configuration with its includes merged, as Terragrunt would run it."""
    unit = UnitConfig(path=path, display=display_path(path))
    body, error = reader.body(path)
    if body is None:
        if error is not None:
            unit.errors.append(error)
        return unit
    unit.errors.extend(body_errors(body, unit.display))
    unit_dir = reader.fs.resolve(path).parent
    own = Context(terragrunt_dir=unit_dir, original_dir=unit_dir)
    exposed: dict[str, Any] = {}
    merged: list[tuple[ConfigScope, str]] = []
    deep = False
    for block_type, labels, inner, line, _end in body["blocks"]:
        if block_type != "include":
            continue
        included = _include(reader, unit, path, inner, line, labels, own)
        if included is None:
            continue
        scope, strategy, expose = included
        if expose:
            value = scope.as_value()
            if labels:
                exposed[labels[0]] = value
            else:
                exposed.update(value)
        if strategy != "no_merge":
            merged.append((scope, strategy))
            deep = deep or strategy == "deep"
    child = ConfigScope(reader, reader.fs.resolve(path), body, own, exposed=exposed)
    for scope, strategy in merged:
        unit.source = scope.terraform_source() or unit.source
        unit.inputs = _merge_inputs(unit.inputs, scope.inputs(), strategy)
        unit.generates.update(scope.generates())
    unit.source = child.terraform_source() or unit.source
    unit.inputs = _merge_inputs(unit.inputs, child.inputs(), "deep" if deep else "shallow")
    unit.generates.update(child.generates())
    return unit


def _include(
    reader: Reader,
    unit: UnitConfig,
    path: Path,
    inner: Body,
    line: int,
    labels: tuple[str, ...],
    own: Context,
) -> tuple[ConfigScope, str, bool] | None:
    """An `include` block: the configuration it names, evaluated in the unit's context."""
    name = f'include "{labels[0]}"' if labels else "include"
    attrs = inner["attrs"]
    if "path" not in attrs:
        unit.errors.append(InputError(unit.display, f"{name} has no path", line))
        return None
    # The include path sees Terragrunt's functions but no locals (they are read after).
    bare = ConfigScope(reader, reader.fs.resolve(path), {"attrs": {}, "blocks": []}, own)
    target = bare.evaluate(attrs["path"][0])
    if not isinstance(target, str):
        reason = target.reason if isinstance(target, Unknown) else "it is not a string"
        unit.errors.append(
            InputError(
                unit.display, f"{name}: path = {attrs['path'][2]} is not known: {reason}", line
            )
        )
        return None
    target_path = Path(target)
    if not target_path.is_absolute():
        target_path = path.parent / target_path
    body, error = reader.body(target_path)
    if body is None:
        message = error.message if error is not None else "not read"
        unit.errors.append(
            InputError(unit.display, f"{name}: {display_path(target_path)}: {message}", line)
        )
        return None
    unit.errors.extend(body_errors(body, display_path(target_path)))
    nested = [(lbl, ln) for kind, lbl, _b, ln, _e in body["blocks"] if kind == "include"]
    if nested:
        # Terragrunt refuses the unit: "A includes B, which itself includes C. Only one
        # level of includes is allowed." One error at the nested include, whichever units
        # include the file.
        labels2, line2 = nested[0]
        inner_name = f'include "{labels2[0]}"' if labels2 else "include"
        shown = display_path(target_path)
        unit.errors.append(
            InputError(
                shown,
                f"{inner_name} in a configuration that units include: Terragrunt allows only"
                " one level of includes, and refuses the units that include this file",
                line2,
            )
        )
        unit.refused = (
            f"Terragrunt refuses this unit: it includes {shown}, which itself includes"
            " another configuration (only one level of includes is allowed)",
            line,
        )
        return None
    resolved = reader.fs.resolve(target_path)
    unit.included.append(resolved)
    context = Context(
        terragrunt_dir=own.terragrunt_dir,
        original_dir=own.original_dir,
        include_file=resolved,
    )
    scope = ConfigScope(reader, resolved, body, context)
    strategy = bare.evaluate(attrs["merge_strategy"][0]) if "merge_strategy" in attrs else "shallow"
    if strategy not in ("shallow", "deep", "no_merge"):
        unit.errors.append(
            InputError(
                unit.display, f"{name}: merge_strategy must be shallow, deep or no_merge", line
            )
        )
        strategy = "shallow"
    expose = bare.evaluate(attrs["expose"][0]) if "expose" in attrs else False
    return scope, str(strategy), expose is True


def _merge_inputs(
    base: dict[str, Any] | Unknown, extra: dict[str, Any] | Unknown, strategy: str
) -> dict[str, Any] | Unknown:
    if isinstance(base, Unknown):
        return base
    if isinstance(extra, Unknown):
        return extra
    if strategy == "deep":
        return _deep_merge(base, extra)
    return {**base, **extra}


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(out.get(key), dict) and isinstance(value, dict):
            out[key] = _deep_merge(out[key], value)
        elif isinstance(out.get(key), list) and isinstance(value, list):
            out[key] = [*out[key], *value]
        else:
            out[key] = value
    return out
