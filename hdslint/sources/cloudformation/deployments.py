"""Where a template is deployed. A template never says: the deploy tooling records it.

In order: the CDK cloud assembly's `manifest.json` beside the template (`environment:
aws://ACCOUNT/REGION` of the stack whose `templateFile` it is), SAM's `samconfig.toml` /
`samconfig.yaml` / `samconfig.yml` beside the template (`region` in an environment's deploy
or global parameters: one deployment per environment), then the `cloudformation.stacks`
mapping of `.hdslint.yaml`. Otherwise the region is unknown, with the reason and how to map
it.
"""

from __future__ import annotations

import json
import os
import shlex
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from hdslint import yamlio
from hdslint.config import Config, StackMapping
from hdslint.files import FileAccess
from hdslint.geography import normalise_region
from hdslint.globs import glob_match
from hdslint.model import InputError
from hdslint.paths import display_path
from hdslint.sources.cloudformation.intrinsics import Deployment

CDK_MANIFEST = "manifest.json"
SAMCONFIG_NAMES = ("samconfig.toml", "samconfig.yaml", "samconfig.yml")
# `sam deploy` looks for these when samconfig names no template.
SAM_DEFAULT_TEMPLATES = ("template.yaml", "template.yml", "template.json")
_UNKNOWN_CDK_ENV = ("unknown-account", "unknown-region")


@dataclass(frozen=True, slots=True)
class Target:
    """One deployment of one template: its scope (what makes ids unique), the stack name
    that prefixes ids, what messages call it, and the deployment itself."""

    scope: str
    stack: str
    deployment: Deployment
    # Parameter values the tooling passes (samconfig's parameter_overrides).
    parameters: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Deployments:
    """Reads the tooling's records once per folder."""

    config: Config
    fs: FileAccess
    errors: list[InputError] = field(default_factory=list)
    _cdk: dict[Path, dict[str, tuple[str, str]]] = field(default_factory=dict)
    _sam: dict[Path, list[tuple[str, Mapping[str, Any]]] | None] = field(default_factory=dict)

    def targets(self, path: Path, display: str) -> list[Target]:
        found = self._from_cdk(path, display)
        if found is None:
            found = self._from_samconfig(path, display)
        if found is None:
            found = self._from_config(path, display)
        return found or [Target(display, display, Deployment(None, _why(display, self.config)))]

    # -- CDK ---------------------------------------------------------------------------

    def _from_cdk(self, path: Path, display: str) -> list[Target] | None:
        folder = path.parent
        if folder not in self._cdk:
            self._cdk[folder] = self._read_cdk(folder / CDK_MANIFEST)
        stack = self._cdk[folder].get(path.name)
        if stack is None:
            return None
        name, environment = stack
        where = f"the CDK manifest {display_path(folder / CDK_MANIFEST)}"
        account, region = _cdk_environment(environment)
        unknown = None
        if region is None:
            unknown = (
                f"{where} gives stack {name} no region (environment {environment!r}): set the"
                " stack's env in the CDK app and synthesize again"
            )
        return [Target(display, name, Deployment(_region(region), unknown, account, name))]

    def _read_cdk(self, manifest: Path) -> dict[str, tuple[str, str]]:
        """templateFile -> (stack name, environment) for the stacks of a cloud assembly."""
        data = self._read_json(manifest)
        artifacts = data.get("artifacts") if isinstance(data, Mapping) else None
        out: dict[str, tuple[str, str]] = {}
        if not isinstance(artifacts, Mapping):
            return out
        for artifact_id, artifact in artifacts.items():
            if not isinstance(artifact, Mapping) or artifact.get("type") != (
                "aws:cloudformation:stack"
            ):
                continue
            properties = artifact.get("properties")
            properties = properties if isinstance(properties, Mapping) else {}
            template = properties.get("templateFile")
            if not isinstance(template, str):
                continue
            name = properties.get("stackName") or artifact.get("displayName") or artifact_id
            out[template] = (str(name), str(artifact.get("environment") or ""))
        return out

    def _read_json(self, path: Path) -> Any:
        text = self._read_text(path)
        if text is None:
            return None
        try:
            return json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            line = exc.lineno if isinstance(exc, json.JSONDecodeError) else None
            self.errors.append(InputError(display_path(path), f"invalid JSON: {exc}", line))
            return None

    def _read_text(self, path: Path) -> str | None:
        if not self.fs.is_file(path):  # nothing there, or outside the scanned folders
            return None
        problem = self.fs.too_large(path)
        if problem is not None:
            self.errors.append(InputError(display_path(path), problem))
            return None
        try:
            return self.fs.read(path).decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            self.errors.append(InputError(display_path(path), f"cannot read: {exc}"))
            return None

    # -- SAM ---------------------------------------------------------------------------

    def _from_samconfig(self, path: Path, display: str) -> list[Target] | None:
        folder = path.parent
        if folder not in self._sam:
            self._sam[folder] = self._read_samconfig(folder)
        environments = self._sam[folder]
        if not environments:
            return None
        out = []
        for env, parameters in environments:
            template = parameters.get("template_file") or parameters.get("template")
            if template is not None:
                if self.fs.resolve(folder / str(template)) != self.fs.resolve(path):
                    continue
            elif path.name not in SAM_DEFAULT_TEMPLATES:
                continue
            region = parameters.get("region")
            if not isinstance(region, str) or not region:
                continue
            stack = parameters.get("stack_name")
            stack_name = str(stack) if isinstance(stack, str) and stack else None
            label = stack_name or display
            scope = display if len(environments) == 1 else f"{display}#{env}"
            out.append(
                Target(
                    scope,
                    label if len(environments) == 1 or stack_name else f"{display}#{env}",
                    Deployment(_region(region), None, None, stack_name),
                    _overrides(parameters.get("parameter_overrides")),
                )
            )
        return out or None

    def _read_samconfig(self, folder: Path) -> list[tuple[str, Mapping[str, Any]]] | None:
        """Each environment's deploy parameters (over its global ones), in file order."""
        for name in SAMCONFIG_NAMES:
            path = folder / name
            text = self._read_text(path)
            if text is None:
                continue
            data = self._parse_samconfig(path, text)
            if not isinstance(data, Mapping):
                return None
            out: list[tuple[str, Mapping[str, Any]]] = []
            for env, commands in data.items():
                if not isinstance(commands, Mapping):
                    continue
                merged: dict[str, Any] = {}
                for command in ("global", "deploy"):
                    section = commands.get(command)
                    params = section.get("parameters") if isinstance(section, Mapping) else None
                    if isinstance(params, Mapping):
                        merged.update(params)
                if merged:
                    out.append((str(env), merged))
            return out
        return None

    def _parse_samconfig(self, path: Path, text: str) -> Any:
        try:
            if path.suffix == ".toml":
                return tomllib.loads(text)
            return yamlio.load(text)
        except tomllib.TOMLDecodeError as exc:
            self.errors.append(InputError(display_path(path), f"invalid TOML: {exc}"))
        except yaml.YAMLError as exc:
            self.errors.append(
                InputError(display_path(path), yamlio.error_message(exc), yamlio.error_line(exc))
            )
        return None

    # -- .hdslint.yaml -----------------------------------------------------------------

    def _from_config(self, path: Path, display: str) -> list[Target] | None:
        rel = _relative(path, self.config.root)
        if rel is None:
            return None
        for entry in self.config.stacks:
            if any(glob_match(p, rel) for p in entry.paths):
                return [_mapped(entry, display)]
        return None


def _mapped(entry: StackMapping, display: str) -> Target:
    label = entry.name or display
    return Target(
        display, label, Deployment(_region(entry.region), None, entry.account, entry.name)
    )


def _region(region: str | None) -> str | None:
    """A region as the deploy tooling spells it, in AWS's own id (`EU-WEST-3` -> `eu-west-3`)."""
    return normalise_region("aws", region) if region else None


def _cdk_environment(environment: str) -> tuple[str | None, str | None]:
    """`aws://ACCOUNT/REGION` -> (account, region); CDK writes `unknown-account` /
    `unknown-region` for an environment-agnostic stack."""
    if not environment.startswith("aws://"):
        return None, None
    account, _, region = environment[len("aws://") :].partition("/")
    return (
        None if account in _UNKNOWN_CDK_ENV or not account else account,
        None if region in _UNKNOWN_CDK_ENV or not region else region,
    )


def _overrides(value: Any) -> dict[str, str]:
    """samconfig's `parameter_overrides`: `Key=Value Other="a b"`, or a list of those."""
    items: list[str] = []
    if isinstance(value, str):
        try:
            items = shlex.split(value)
        except ValueError:
            return {}
    elif isinstance(value, list):
        items = [str(v) for v in value]
    out = {}
    for item in items:
        key, sep, text = item.partition("=")
        if sep:
            out[key.strip()] = text
    return out


def _relative(path: Path, root: Path) -> str | None:
    try:
        rel = Path(os.path.relpath(path.absolute(), root)).as_posix()
    except ValueError:
        return None
    return None if rel.startswith("../") else rel


def _why(display: str, config: Config) -> str:
    hint = "(cloudformation.stacks: paths, region)"
    if config.file is None:
        return (
            f"no CDK manifest, samconfig or .hdslint.yaml says where {display} is deployed {hint}"
        )
    if not config.stacks:
        return (
            f"{config.file} has no cloudformation.stacks entry that maps {display} to its"
            f" region, and no CDK manifest or samconfig says it {hint}"
        )
    return f"no cloudformation.stacks entry in {config.file} matches {display}"
