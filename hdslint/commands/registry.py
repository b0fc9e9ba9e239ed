"""`hdslint registry [PROVIDER]`: what hdslint knows of HDS certificates, and from where."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from hdslint.errors import HdslintError
from hdslint.registry import ACTIVITY_NAMES, Registry, format_activities, load_registry


def _load(config: Path | None) -> Registry:
    from hdslint.config import find_config, load_config

    cfg = load_config(config or find_config(Path.cwd()))
    return load_registry(
        cfg.registry_providers,
        config_file=cfg.file,
        confirmed_conditions=cfg.confirmed_conditions,
        strict_conditions=cfg.strict_conditions,
    )


def _activities(entry: Mapping[str, Any]) -> str:
    acts = entry.get("activities")
    return format_activities(acts) if acts else "not published"


def show(pid: str, entry: Mapping[str, Any], registry: Registry) -> str:
    lines = [f"{entry['name']} ({pid})", f"  status:       {entry['status']}"]
    for key, label in (
        ("referential", "referential"),
        ("certifier", "certifier"),
        ("valid_from", "valid from"),
        ("valid_until", "valid until"),
    ):
        lines.append(f"  {label + ':':<13} {entry.get(key) or 'unknown'}")
    acts = entry.get("activities")
    lines.append(f"  activities:   {_activities(entry)}")
    for a in acts or ():
        lines.append(f"                {a}. {ACTIVITY_NAMES[a]}")
    scope = entry.get("region_scope", "listed")
    lines.append(
        "  regions:      "
        + (
            "EEA regions, not listed by the provider"
            if scope == "unlisted"
            else "only those listed"
        )
    )
    for rid, region in sorted((entry.get("regions") or {}).items()):
        note = f" - {region['note']}" if region.get("note") else ""
        lines.append(f"                {rid}: {region['scope']}{note}")
    services = entry.get("services") or {}
    if services:
        lines.append(f"  services:     default {services.get('default', 'cannot_tell')}")
        for key in ("covered", "not_covered"):
            if services.get(key):
                lines.append(f"                {key}: {', '.join(services[key])}")
    for cond in entry.get("conditions") or ():
        confirmed = f"{pid}:{cond['id']}" in registry.confirmed_conditions
        mark = "confirmed" if confirmed else "to confirm"
        lines.append(f"  condition:    {pid}:{cond['id']} ({mark}) - {cond['text']}")
    for note in entry.get("notes") or ():
        lines.append(f"  note:         {note}")
    lines.append(f"  confidence:   {entry.get('confidence')}")
    lines.append(f"  as of:        {entry.get('as_of')}")
    for source in entry.get("sources") or ():
        lines.append(f"  source:       {source}")
    return "\n".join(lines)


def run(provider: str | None, config: Path | None) -> int:
    registry = _load(config)
    if provider is None:
        click.echo(f"HDS registry as of {registry.as_of}\n")
        for pid, entry in sorted(registry.providers.items()):
            click.echo(
                f"{pid:<13} {entry['status']:<12} activities {_activities(entry):<14} "
                f"{entry['name']}"
            )
        return 0
    found = registry.providers.get(provider)
    if found is None:
        raise HdslintError(
            f"no provider {provider!r} in the registry (run `hdslint registry` for the list)"
        )
    click.echo(show(provider, found, registry))
    return 0
