"""Read a Terraform module directory: parse its files and index its blocks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hdslint.files import FileAccess
from hdslint.model import InputError
from hdslint.paths import display_path as display_path  # noqa: PLC0414 (re-exported)
from hdslint.sources.terraform import hcl, jsonsyntax
from hdslint.sources.terraform.hcl import Body, Expr


@dataclass
class Block:
    type: str
    labels: tuple[str, ...]
    body: Body
    file: str
    line: int
    end_line: int


@dataclass
class ModuleDir:
    """The blocks of one Terraform module (one directory), indexed by kind."""

    path: Path
    display: str
    variables: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, tuple[Expr, str, int, str]] = field(default_factory=dict)
    providers: list[Block] = field(default_factory=list)
    resources: list[Block] = field(default_factory=list)
    data: dict[tuple[str, str], Block] = field(default_factory=dict)
    calls: dict[str, Block] = field(default_factory=dict)
    outputs: dict[str, Block] = field(default_factory=dict)
    required_providers: dict[str, str] = field(default_factory=dict)
    # terraform.tfvars and *.auto.tfvars, in Terraform's order of precedence (lowest first).
    tfvars: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    # Where each named thing was first declared, by what names it: ("resource", type, name),
    # ("data", type, name), ("variable", name), ("local", name), ("module", name),
    # ("output", name), ("provider", name, alias or ""). Terraform refuses a second
    # declaration; hdslint reports it and evaluates the first (see `_declare`).
    declared: dict[tuple[str, ...], tuple[str, int]] = field(default_factory=dict)


def is_local_source(source: str) -> bool:
    """Whether a module call's `source` is a folder of this repository (Terraform reads a
    local path only when it starts with `./` or `../`), not a registry or remote module."""
    return source.startswith(("./", "../")) or source in (".", "..")


def read_text(fs: FileAccess, path: Path) -> str:
    """Read a source file as Terraform does: UTF-8, a leading BOM ignored."""
    return fs.read(path).decode("utf-8-sig")


# The result of parsing one file's bytes, a function of those bytes only (so it can be
# cached by content): ("ok", Body) or ("error", message, line or None).
Parsed = tuple[Any, ...]
# How load_module gets a file's syntax tree: (path, display path) -> (Body, None) or
# (None, error): `parse_file` with the scan's file access, or a FileParser's (cache, process
# pool).
ParseFunction = Callable[[Path, str], tuple[Body | None, InputError | None]]


def syntax_of(name: str) -> str:
    """How a file is parsed: "hcl", "json" (`.tf.json`) or "vars-json" (`.tfvars.json`)."""
    if name.endswith(".tfvars.json"):
        return "vars-json"
    if name.endswith(".json"):
        return "json"
    return "hcl"


def parse_bytes(data: bytes, syntax: str = "hcl", *, fast: bool = False) -> Parsed:
    """Parse a file's bytes as Terraform reads them: UTF-8, a leading BOM ignored."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return ("error", f"not valid UTF-8 (byte {exc.start})", None)
    try:
        if syntax == "vars-json":
            return ("ok", jsonsyntax.parse_vars(text))
        if syntax == "json":
            return ("ok", jsonsyntax.parse(text))
        return ("ok", hcl.parse(text, fast=fast))
    except hcl.HclSyntaxError as exc:
        kind = "invalid HCL" if syntax == "hcl" else "invalid Terraform JSON"
        message = exc.message.removeprefix("invalid JSON: ")
        return ("error", f"{kind}: {message}", exc.line)


def parsed_result(parsed: Parsed, display: str) -> tuple[Body | None, InputError | None]:
    if parsed[0] == "ok":
        return parsed[1], None
    return None, InputError(display, parsed[1], parsed[2])


def read_error(exc: OSError, display: str) -> InputError:
    return InputError(display, f"cannot read: {exc.strerror or exc}")


def parse_file(fs: FileAccess, path: Path, display: str) -> tuple[Body | None, InputError | None]:
    problem = fs.too_large(path)
    if problem is not None:
        return None, InputError(display, problem)
    try:
        data = fs.read(path)
    except OSError as exc:
        return None, read_error(exc, display)
    return parsed_result(parse_bytes(data, syntax_of(path.name)), display)


def module_files(fs: FileAccess, path: Path) -> tuple[list[Path], list[Path]]:
    """The files Terraform reads in the module folder `path`: its `.tf` and `.tofu` (and
    `.tf.json`, `.tofu.json`) files, and its variable files in order of precedence (lowest
    first). Files that resolve outside the scanned folders are left out (the file access
    sees nothing there). Raises OSError when the folder cannot be listed."""
    return split_module_files(p for p in fs.listdir(path) if fs.is_file(p))


# A module's configuration files: Terraform's, and OpenTofu's own extensions.
CONFIGURATION_SUFFIXES = (".tf", ".tf.json", ".tofu", ".tofu.json")


def split_module_files(files: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    files = sorted(files)
    tf_files = opentofu_precedence(f for f in files if f.name.endswith(CONFIGURATION_SUFFIXES))
    # Terraform's order: terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars(.json)
    # in lexical order; a later file wins.
    var_files = [
        *(f for f in files if f.name == "terraform.tfvars"),
        *(f for f in files if f.name == "terraform.tfvars.json"),
        *(f for f in files if f.name.endswith((".auto.tfvars", ".auto.tfvars.json"))),
    ]
    return tf_files, var_files


def opentofu_precedence(files: Iterable[Path]) -> list[Path]:
    """OpenTofu's extension precedence: `name.tofu` replaces `name.tf` in the same folder
    (and `name.tofu.json` replaces `name.tf.json`), so one module can carry a Terraform and
    an OpenTofu variant of a file. Terraform never reads `.tofu` files; a folder holding
    them is read as OpenTofu reads it."""
    files = list(files)
    names = {f.name for f in files}
    return [
        f
        for f in files
        if not (f.name.endswith(".tf") and f.name[: -len(".tf")] + ".tofu" in names)
        and not (f.name.endswith(".tf.json") and f.name[: -len(".tf.json")] + ".tofu.json" in names)
    ]


def load_module(
    fs: FileAccess, path: Path, files: list[Path] | None = None, *, parse: ParseFunction
) -> ModuleDir:
    """Parse every `.tf` / `.tofu` (and `.tfvars`) file of the module at `path`."""
    module = ModuleDir(path=path, display=display_path(path))
    if files is None:
        try:
            tf_files, var_files = module_files(fs, path)
        except OSError as exc:
            module.errors.append(
                InputError(module.display, f"cannot read directory: {exc.strerror or exc}")
            )
            return module
    else:
        tf_files, var_files = split_module_files(files)
    primary = [f for f in tf_files if not is_override_file(f.name)]
    overrides = [f for f in tf_files if is_override_file(f.name)]
    for file in [*primary, *overrides]:
        display = display_path(file)
        body, error = parse(file, display)
        if error is not None:
            module.errors.append(error)
            continue
        assert body is not None
        if is_override_file(file.name):
            module.files.append(display)
            module.errors.extend(body_errors(body, display))
            _override(module, body, display)
        else:
            add_file(module, body, display)
    for file in var_files:
        display = display_path(file)
        body, error = parse(file, display)
        if error is not None:
            module.errors.append(error)
            continue
        assert body is not None
        module.errors.extend(body_errors(body, display))
        module.tfvars.append((display, body["attrs"]))
    return module


def is_override_file(name: str) -> bool:
    """Terraform's override files (`override.tf`, `*_override.tf`, and their `.tf.json`,
    and OpenTofu's `.tofu` forms): read after the module's other files, merged into the
    blocks they name instead of declaring new ones."""
    for suffix in CONFIGURATION_SUFFIXES:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            return stem == "override" or stem.endswith("_override")
    return False


def body_errors(body: Body, display: str) -> list[InputError]:
    """What Terraform refuses inside a parsed file (hcl.PROBLEMS), as input errors."""
    return [InputError(display, message, line) for line, message in hcl.problems_of(body)]


def add_file(module: ModuleDir, body: Body, display: str) -> None:
    """Add a parsed configuration file to a module (also a file Terragrunt generates)."""
    module.files.append(display)
    module.errors.extend(body_errors(body, display))
    _index(module, body, display)


def _index(module: ModuleDir, body: Body, file: str) -> None:
    for block_type, labels, block_body, line, end_line in body["blocks"]:
        block = Block(block_type, labels, block_body, file, line, end_line)
        if block_type == "locals":
            for name, (expr, attr_line, source) in block_body["attrs"].items():
                if _declare(module, ("local", name), file, attr_line):
                    module.locals[name] = (expr, file, attr_line, source)
            continue
        if block_type == "terraform":
            _required_providers(module, block_body)
            continue
        key = declaration_key(block)
        if key is None or not _declare(module, key, file, line):
            continue
        if block_type == "resource":
            module.resources.append(block)
        elif block_type == "data":
            module.data[(labels[0], labels[1])] = block
        elif block_type == "variable":
            module.variables[labels[0]] = block
        elif block_type == "provider":
            module.providers.append(block)
        elif block_type == "module":
            module.calls[labels[0]] = block
        elif block_type == "output":
            module.outputs[labels[0]] = block


def _override(module: ModuleDir, body: Body, file: str) -> None:
    """Merge an override file's blocks into the blocks they name, as Terraform does: each
    argument replaces the base's, each nested block type replaces all the base's blocks of
    that type; a local value replaces the base's. An override of nothing is an error."""
    for block_type, labels, block_body, line, end_line in body["blocks"]:
        if block_type == "locals":
            for name, (expr, attr_line, source) in block_body["attrs"].items():
                if ("local", name) in module.declared:
                    module.locals[name] = (expr, file, attr_line, source)
                else:
                    module.errors.append(
                        InputError(file, _missing_base(("local", name)), attr_line)
                    )
            continue
        if block_type == "terraform":
            _required_providers(module, block_body)
            continue
        key = declaration_key(Block(block_type, labels, block_body, file, line, end_line))
        if key is None:
            continue
        base = _declared_block(module, key)
        if base is None:
            module.errors.append(InputError(file, _missing_base(key), line))
            continue
        base.body = merge_bodies(base.body, block_body)


def merge_bodies(base: Body, over: Body) -> Body:
    """`base` overridden by `over` (Terraform's override merging, one level deep)."""
    over_blocks = {_block_name(b) for b in over["blocks"]}
    attrs = {k: v for k, v in base["attrs"].items() if k not in over_blocks}
    attrs.update(over["attrs"])
    blocks = [
        b
        for b in base["blocks"]
        if _block_name(b) not in over_blocks and _block_name(b) not in over["attrs"]
    ]
    return {"attrs": attrs, "blocks": [*blocks, *over["blocks"]]}


def _block_name(block: tuple[Any, ...]) -> str:
    """A nested block's type; a `dynamic` block's, the type it generates."""
    kind, labels = block[0], block[1]
    return str(labels[0]) if kind == "dynamic" and labels else str(kind)


def _declared_block(module: ModuleDir, key: tuple[str, ...]) -> Block | None:
    kind = key[0]
    if kind in ("resource", "provider"):
        listed = module.resources if kind == "resource" else module.providers
        return next((b for b in listed if declaration_key(b) == key), None)
    if kind == "data":
        return module.data.get((key[1], key[2]))
    table = {"variable": module.variables, "module": module.calls, "output": module.outputs}
    return table[kind].get(key[1]) if kind in table else None


def _missing_base(key: tuple[str, ...]) -> str:
    kind = key[0]
    if kind in ("resource", "data"):
        what = f"{'resource' if kind == 'resource' else 'data resource'}"
        named = f'{key[1]} {what} named "{key[2]}"'
    elif kind == "provider":
        named = f'provider configuration for "{key[1]}"' + (
            f' with alias "{key[2]}"' if key[2] else ""
        )
    else:
        named = f'{"module call" if kind == "module" else kind} named "{key[1]}"'
    return (
        f"Missing base {kind} to override: there is no {named}; an override file can only"
        " override what a primary configuration file of the module declares"
    )


_LABELS = {"resource": 2, "data": 2, "variable": 1, "provider": 1, "module": 1, "output": 1}


def declaration_key(block: Block) -> tuple[str, ...] | None:
    """What a top-level block declares, as ModuleDir.declared keys it (None: nothing
    hdslint indexes, such as `moved`, `import` or a block with the wrong number of labels)."""
    if _LABELS.get(block.type) != len(block.labels):
        return None
    if block.type == "provider":
        alias = block.body["attrs"].get("alias")
        # Terraform requires a literal alias; another expression is not compared.
        name = str(alias[0][1]) if alias is not None and alias[0][0] == "lit" else ""
        if alias is not None and alias[0][0] != "lit":
            name = f"<{alias[2]}>"
        return ("provider", block.labels[0], name)
    return (block.type, *block.labels)


def _declare(module: ModuleDir, key: tuple[str, ...], file: str, line: int) -> bool:
    """Record where `key` is declared; a second declaration is an input error (named as
    Terraform names it, with where the first is) and False: the first one is evaluated."""
    first = module.declared.get(key)
    if first is None:
        module.declared[key] = (file, line)
        return True
    where = f"{first[0]}:{first[1]}"
    module.errors.append(InputError(file, duplicate_message(key, where), line))
    return False


def duplicate_message(key: tuple[str, ...], where: str) -> str:
    """Terraform's own words for a name declared twice in one module."""
    kind = key[0]
    if kind == "resource":
        return (
            f'Duplicate resource "{key[1]}" configuration: a {key[1]} resource named'
            f' "{key[2]}" was already declared at {where}; resource names must be unique per'
            " type in each module (hdslint evaluates the first)"
        )
    if kind == "data":
        return (
            f'Duplicate data "{key[1]}" configuration: a {key[1]} data resource named'
            f' "{key[2]}" was already declared at {where}; resource names must be unique per'
            " type in each module (hdslint evaluates the first)"
        )
    if kind == "provider":
        which = (
            f'a provider configuration for "{key[1]}" with alias "{key[2]}"'
            if key[2]
            else f'a default (non-aliased) provider configuration for "{key[1]}"'
        )
        advice = (
            "each alias must be unique per provider"
            if key[2]
            else 'set the "alias" argument for alternative configurations'
        )
        return (
            f"Duplicate provider configuration: {which} was already given at {where};"
            f" {advice} (hdslint uses the first)"
        )
    what = {
        "variable": ("variable declaration", "a variable", "variable names"),
        "local": ("local value definition", "a local value", "local value names"),
        "module": ("module call", "a module call", "module call names"),
        "output": ("output definition", "an output", "output names"),
    }[kind]
    return (
        f'Duplicate {what[0]}: {what[1]} named "{key[1]}" was already declared at {where};'
        f" {what[2]} must be unique within a module (hdslint evaluates the first)"
    )


def _required_providers(module: ModuleDir, body: Body) -> None:
    for block_type, _labels, inner, _line, _end in body["blocks"]:
        if block_type != "required_providers":
            continue
        for local_name, (expr, _l, _s) in inner["attrs"].items():
            if expr[0] == "obj":
                for key, value in expr[1]:
                    if key == ("lit", "source") and value[0] == "lit":
                        module.required_providers[local_name] = str(value[1])
            elif expr[0] == "lit" and isinstance(expr[1], str):
                # Terraform 0.12 form: aws = ">= 2.0" (a version constraint, no source)
                continue
