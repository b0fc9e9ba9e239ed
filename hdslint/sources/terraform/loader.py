"""Read a Terraform module directory: parse its files and index its blocks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hdslint.files import current as file_access
from hdslint.limits import inside_allowed, read_regular, too_large
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


def is_local_source(source: str) -> bool:
    """Whether a module call's `source` is a folder of this repository (Terraform reads a
    local path only when it starts with `./` or `../`), not a registry or remote module."""
    return source.startswith(("./", "../")) or source in (".", "..")


def read_text(path: Path) -> str:
    """Read a source file as Terraform does: UTF-8, a leading BOM ignored."""
    return read_regular(path).decode("utf-8-sig")


# The result of parsing one file's bytes, a function of those bytes only (so it can be
# cached by content): ("ok", Body) or ("error", message, line or None).
Parsed = tuple[Any, ...]
# How load_module gets a file's syntax tree: (path, display path) -> (Body, None) or
# (None, error). The default parses; a scan passes a FileParser's (cache, process pool).
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


def parse_file(path: Path, display: str) -> tuple[Body | None, InputError | None]:
    problem = too_large(path)
    if problem is not None:
        return None, InputError(display, problem)
    try:
        data = read_regular(path)
    except OSError as exc:
        return None, read_error(exc, display)
    return parsed_result(parse_bytes(data, syntax_of(path.name)), display)


def module_files(path: Path) -> tuple[list[Path], list[Path]]:
    """The files Terraform reads in the module folder `path`: its `.tf` and `.tofu` (and
    `.tf.json`, `.tofu.json`) files, and its variable files in order of precedence (lowest
    first). Files that resolve outside the scanned folders are left out. Raises OSError when
    the folder cannot be listed."""
    fs = file_access()
    return split_module_files(p for p in fs.listdir(path) if fs.is_file(p) and inside_allowed(p))


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
    path: Path, files: list[Path] | None = None, *, parse: ParseFunction = parse_file
) -> ModuleDir:
    """Parse every `.tf` / `.tofu` (and `.tfvars`) file of the module at `path`."""
    module = ModuleDir(path=path, display=display_path(path))
    if files is None:
        try:
            tf_files, var_files = module_files(path)
        except OSError as exc:
            module.errors.append(
                InputError(module.display, f"cannot read directory: {exc.strerror or exc}")
            )
            return module
    else:
        tf_files, var_files = split_module_files(files)
    for file in tf_files:
        display = display_path(file)
        body, error = parse(file, display)
        if error is not None:
            module.errors.append(error)
            continue
        assert body is not None
        module.files.append(display)
        _index(module, body, display)
    for file in var_files:
        display = display_path(file)
        body, error = parse(file, display)
        if error is not None:
            module.errors.append(error)
            continue
        assert body is not None
        module.tfvars.append((display, body["attrs"]))
    return module


def add_file(module: ModuleDir, body: Body, display: str) -> None:
    """Add a parsed configuration file to a module (a file Terragrunt generates)."""
    module.files.append(display)
    _index(module, body, display)


def _index(module: ModuleDir, body: Body, file: str) -> None:
    for block_type, labels, block_body, line, end_line in body["blocks"]:
        block = Block(block_type, labels, block_body, file, line, end_line)
        if block_type == "resource" and len(labels) == 2:
            module.resources.append(block)
        elif block_type == "data" and len(labels) == 2:
            module.data[(labels[0], labels[1])] = block
        elif block_type == "variable" and len(labels) == 1:
            module.variables[labels[0]] = block
        elif block_type == "locals":
            for name, (expr, attr_line, source) in block_body["attrs"].items():
                module.locals[name] = (expr, file, attr_line, source)
        elif block_type == "provider" and len(labels) == 1:
            module.providers.append(block)
        elif block_type == "module" and len(labels) == 1:
            module.calls[labels[0]] = block
        elif block_type == "output" and len(labels) == 1:
            module.outputs[labels[0]] = block
        elif block_type == "terraform":
            _required_providers(module, block_body)


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
