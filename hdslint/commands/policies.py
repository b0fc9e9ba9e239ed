"""`hdslint policies [ID]`: the policy pack, and each policy's documentation."""

from __future__ import annotations

import textwrap
from pathlib import Path

import click

from hdslint.errors import HdslintError
from hdslint.policy import Policy, load_policies


def _load(config: Path | None) -> list[Policy]:
    from hdslint.config import find_config, load_config

    cfg = load_config(config or find_config(Path.cwd()))
    return load_policies(cfg.policy_paths, include_shipped=cfg.shipped_policies)


def show(policy: Policy) -> str:
    wrap = textwrap.TextWrapper(width=88, initial_indent="  ", subsequent_indent="  ")
    lines = [
        f"{policy.id}  {policy.title}",
        f"  severity:    {policy.severity.label}",
        f"  activities:  {', '.join(map(str, policy.activities)) or '-'}",
        f"  references:  {', '.join(policy.references)}",
        f"  defined in:  {policy.file}",
        "",
        "Description",
        wrap.fill(policy.description),
    ]
    if policy.rationale:
        lines += ["", "Rationale", wrap.fill(policy.rationale)]
    lines += ["", "Remediation", wrap.fill(policy.remediation)]
    return "\n".join(lines)


def run(policy_id: str | None, config: Path | None) -> int:
    policies = _load(config)
    if policy_id is None:
        width = max((len(p.id) for p in policies), default=10)
        for p in policies:
            click.echo(f"{p.id:<{width}}  {p.severity.label:<8}  {p.title}")
        return 0
    for p in policies:
        if p.id.lower() == policy_id.lower():
            click.echo(show(p))
            return 0
    raise HdslintError(f"no policy {policy_id!r} (run `hdslint policies` for the list)")
