"""Read a Terraform module directory: parse its files and index its blocks."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hdslint.limits import inside_allowed, too_large
from hdslint.model import InputError
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


def display_path(path: Path) -> str:
    """The path as users see it: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path.as_posix()
    if rel.startswith(".." + os.sep) or rel == "..":
        return path.as_posix()
    return Path(rel).as_posix()


def read_text(path: Path) -> str:
    """Read a source file as Terraform does: UTF-8, a leading BOM ignored."""
    data = path.read_bytes()
    return data.decode("utf-8-sig")


def parse_file(path: Path, display: str) -> tuple[Body | None, InputError | None]:
    problem = too_large(path)
    if problem is not None:
        return None, InputError(display, problem)
    try:
        text = read_text(path)
    except UnicodeDecodeError as exc:
        return None, InputError(display, f"not valid UTF-8 (byte {exc.start})")
    except OSError as exc:
        return None, InputError(display, f"cannot read: {exc.strerror or exc}")
    try:
        if path.name.endswith(".tfvars.json"):
            return jsonsyntax.parse_vars(text), None
        if path.name.endswith(".json"):
            return jsonsyntax.parse(text), None
        return hcl.parse(text), None
    except hcl.HclSyntaxError as exc:
        kind = "invalid Terraform JSON" if path.name.endswith(".json") else "invalid HCL"
        message = exc.message.removeprefix("invalid JSON: ")
        return None, InputError(display, f"{kind}: {message}", exc.line)


def load_module(path: Path, files: list[Path] | None = None) -> ModuleDir:
    """Parse every `.tf` (and `.tfvars`) file of the module at `path`."""
    module = ModuleDir(path=path, display=display_path(path))
    if files is None:
        try:
            files = sorted(p for p in path.iterdir() if p.is_file() and inside_allowed(p))
        except OSError as exc:
            module.errors.append(
                InputError(module.display, f"cannot read directory: {exc.strerror or exc}")
            )
            return module
    tf_files = sorted(f for f in files if f.name.endswith((".tf", ".tf.json")))
    # Terraform's order: terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars(.json)
    # in lexical order; a later file wins.
    var_files = [
        *(f for f in files if f.name == "terraform.tfvars"),
        *(f for f in files if f.name == "terraform.tfvars.json"),
        *sorted(f for f in files if f.name.endswith((".auto.tfvars", ".auto.tfvars.json"))),
    ]
    for file in tf_files:
        display = display_path(file)
        body, error = parse_file(file, display)
        if error is not None:
            module.errors.append(error)
            continue
        assert body is not None
        module.files.append(display)
        _index(module, body, display)
    for file in var_files:
        display = display_path(file)
        body, error = parse_file(file, display)
        if error is not None:
            module.errors.append(error)
            continue
        assert body is not None
        module.tfvars.append((display, body["attrs"]))
    return module


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
