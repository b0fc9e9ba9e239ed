"""`hdslint policies [show] [ID]`: the policy pack, and each policy's documentation."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

import click

from hdslint.config import find_config, load_config
from hdslint.errors import HdslintError
from hdslint.policy import Policy, load_policies
from hdslint.policy.describe import (
    definition_yaml,
    describe_activities,
    describe_reference,
    describe_selector,
    help_uri,
)


def _load(config: Path | None) -> list[Policy]:
    cfg = load_config(config or find_config(Path.cwd()))
    return load_policies(cfg.policy_paths, include_shipped=cfg.shipped_policies)


def _indent(text: str, prefix: str = "    ") -> str:
    return textwrap.indent(text.rstrip("\n"), prefix)


def show(policy: Policy) -> str:
    wrap = textwrap.TextWrapper(width=88, initial_indent="  ", subsequent_indent="  ")
    refs = textwrap.TextWrapper(width=88, initial_indent="  - ", subsequent_indent="    ")
    lines = [
        f"{policy.id}  {policy.title}",
        f"  severity:    {policy.severity.label}",
        f"  activities:  {describe_activities(policy.activities)}",
        f"  references:  {', '.join(policy.references)}",
        f"  defined in:  {policy.file}",
        f"  docs:        {help_uri(policy)}",
        "",
        "Applies to",
        wrap.fill(describe_selector(policy)),
        "",
        "Description",
        wrap.fill(policy.description),
    ]
    if policy.rationale:
        lines += ["", "Rationale", wrap.fill(policy.rationale)]
    lines += ["", "Requirements"]
    lines += [refs.fill(f"{r}: {describe_reference(r)}") for r in policy.references]
    lines += ["", "Remediation", wrap.fill(policy.remediation)]
    for kind, label in (("fail", "Fails"), ("pass", "Passes")):
        for example in policy.examples.get(kind, ()):
            lines += ["", f"Example ({label.lower()})", _indent(example)]
    lines += ["", "Definition", _indent(definition_yaml(policy), "  ")]
    return "\n".join(lines)


def run(args: Sequence[str], config: Path | None) -> int:
    if args and args[0].lower() == "show":
        args = args[1:]
        if not args:
            raise HdslintError("`hdslint policies show` needs a policy ID (see `hdslint policies`)")
    if len(args) > 1:
        raise HdslintError(f"unexpected argument {args[1]!r}: give one policy ID")
    policies = _load(config)
    if not args:
        width = max((len(p.id) for p in policies), default=10)
        for p in policies:
            click.echo(f"{p.id:<{width}}  {p.severity.label:<8}  {p.title}")
        click.echo("\n`hdslint policies show ID` explains a policy.")
        return 0
    policy_id = args[0]
    for p in policies:
        if p.id.lower() == policy_id.lower():
            click.echo(show(p))
            return 0
    raise HdslintError(f"no policy {policy_id!r} (run `hdslint policies` for the list)")
