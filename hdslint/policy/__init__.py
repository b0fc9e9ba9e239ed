"""Policies: YAML files, one policy each, validated by the policy schema shipped here."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from hdslint import yamlio
from hdslint.errors import PolicyError, PolicyProblems
from hdslint.files import FileAccess
from hdslint.model import Severity
from hdslint.policy.conditions import Condition, PolicyMeaningError, compile_condition
from hdslint.policy.select import Selector, compile_selector
from hdslint.schemas import validate

SHIPPED_PACKAGE = "hdslint.policies"
# A policy is a page of YAML; anything near this size is not one.
MAX_POLICY_BYTES = 1_000_000


@dataclass(frozen=True)
class Policy:
    """A policy as written (`select`, `condition`: its YAML, for display) and as compiled
    once when loaded (`selector`, `rule`: what the engine runs)."""

    id: str
    title: str
    severity: Severity
    activities: tuple[int, ...]
    references: tuple[str, ...]
    description: str
    remediation: str
    select: Mapping[str, Any]
    condition: Mapping[str, Any]
    selector: Selector
    rule: Condition
    file: str
    message: str | None = None
    rationale: str | None = None
    help_uri: str | None = None
    tags: tuple[str, ...] = ()
    examples: Mapping[str, Any] = field(default_factory=dict)
    # No configuration file can turn it off (policy.schema.json says how).
    non_waivable: bool = False

    @property
    def shipped(self) -> bool:
        return self.file.startswith("hdslint:")


def parse_policy(text: str, file: str, *, check_schema: bool = True) -> Policy:
    """Validate a policy document in layers (YAML, schema, meaning) and build it.
    `check_schema` False: hdslint's own policies, whose schema check is the test suite's
    (tests/policy/test_loader.py), not every run's."""
    try:
        data = yamlio.load(text)
    except yaml.YAMLError as exc:
        raise PolicyError(
            yamlio.error_message(exc), file=file, line=yamlio.error_line(exc)
        ) from None
    if not isinstance(data, dict):
        raise PolicyError("a policy file must hold one YAML mapping", file=file)
    errors = validate(data, "hdslint.policy", "policy.schema.json") if check_schema else []
    if errors:
        raise PolicyProblems(errors, file=file)
    problems: list[str] = []
    try:
        rule = compile_condition(data["condition"], "$.condition")
    except PolicyMeaningError as exc:
        problems.extend(exc.problems)
    try:
        selector = compile_selector(data["select"])
    except PolicyMeaningError as exc:
        problems.extend(exc.problems)
    if problems:
        raise PolicyProblems(problems, file=file)
    return Policy(
        id=data["id"],
        title=data["title"],
        severity=Severity.parse(data["severity"]),
        activities=tuple(data["activities"]),
        references=tuple(data["references"]),
        description=data["description"].strip(),
        remediation=data["remediation"].strip(),
        select=data["select"],
        condition=data["condition"],
        selector=selector,
        rule=rule,
        file=file,
        message=data.get("message"),
        rationale=(data.get("rationale") or "").strip() or None,
        help_uri=data.get("help_uri"),
        tags=tuple(data.get("tags", ())),
        examples=data.get("examples", {}),
        non_waivable=bool(data.get("non_waivable", False)),
    )


@functools.lru_cache(maxsize=1)
def shipped_policies() -> tuple[Policy, ...]:
    """The policy pack installed with hdslint (policies/ in the source tree)."""
    root = resources.files(SHIPPED_PACKAGE)
    out = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".yaml", ".yml")):
            text = entry.read_text("utf-8")
            out.append(parse_policy(text, f"hdslint:policies/{entry.name}", check_schema=False))
    return tuple(out)


def load_policy_files(paths: Iterable[Path], fs: FileAccess | None = None) -> list[Policy]:
    """Load user policy files (or every .yaml/.yml in given folders), through `fs`, the
    scan's file access (outside a scan: one of its own)."""
    fs = fs or FileAccess()
    out = []
    for path in paths:
        files = (
            [p for p in fs.listdir(path) if p.suffix in (".yaml", ".yml") and fs.is_file(p)]
            if fs.is_dir(path)
            else [path]
        )
        for file in files:
            try:
                text = fs.read(file, MAX_POLICY_BYTES).decode("utf-8")
            except OSError as exc:
                raise PolicyError(
                    f"cannot read policy: {exc.strerror or exc}", file=str(file)
                ) from None
            except UnicodeDecodeError as exc:
                raise PolicyError(f"cannot read policy: {exc}", file=str(file)) from None
            out.append(parse_policy(text, str(file)))
    return out


def load_policies(
    extra: Iterable[Path] = (),
    *,
    include_shipped: bool = True,
    disabled: Iterable[str] = (),
    only: Iterable[str] = (),
    fs: FileAccess | None = None,
) -> list[Policy]:
    """Shipped policies plus the user's, minus the disabled ones (and only those in `only`,
    when given); ids must be unique. The user's are read through `fs` (see
    load_policy_files)."""
    # Without the shipped pack, its non-waivable policies still run.
    policies = [p for p in shipped_policies() if include_shipped or p.non_waivable]
    policies.extend(load_policy_files(extra, fs))
    seen: dict[str, str] = {}
    for policy in policies:
        if policy.id in seen:
            raise PolicyError(
                f"policy id {policy.id} is already defined in {seen[policy.id]}", file=policy.file
            )
        seen[policy.id] = policy.file
    off = set(disabled)
    wanted = set(only)
    unknown = sorted(wanted - set(seen))
    if unknown:
        raise PolicyError(
            f"--check {','.join(unknown)}: no such policy (`hdslint policies` lists them)"
        )
    return [p for p in policies if p.id not in off and (not wanted or p.id in wanted)]


def non_waivable_disabled(disabled: Iterable[str]) -> list[str]:
    """The shipped non-waivable policies among `disabled` (a configuration's
    policies.disable): no configuration file may turn them off."""
    wanted = set(disabled)
    return [p.id for p in shipped_policies() if p.non_waivable and p.id in wanted]
