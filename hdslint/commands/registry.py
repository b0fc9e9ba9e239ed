"""`hdslint registry [show] [PROVIDER]`: what hdslint knows of HDS certificates, and from where."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import click

from hdslint.config import find_config, load_config
from hdslint.errors import HdslintError
from hdslint.printable import log_line
from hdslint.registry import ACTIVITY_NAMES, Registry, format_activities, load_registry
from hdslint.registry.summary import region_summary
from hdslint.registry.validity import ValidityState


def load(config: Path | None) -> Registry:
    cfg = load_config(config or find_config(Path.cwd()))
    return load_registry(
        cfg.registry_providers,
        config_file=cfg.file,
        confirmed_conditions=cfg.confirmed_conditions,
        strict_conditions=cfg.strict_conditions,
        expiry_warning_days=cfg.registry_expiry_warning_days,
        max_age_days=cfg.registry_max_age_days,
    )


def warn_if_stale(registry: Registry) -> None:
    """One line on stderr when the registry is older than registry.max_age_days: the output
    stays what it is (stale facts are still facts), but the user is told to re-check."""
    warning = registry.age_warning()
    if warning:
        click.echo(log_line(f"hdslint: warning: {warning}"), err=True)


def _activities(entry: Mapping[str, Any]) -> str:
    acts = entry.get("activities")
    return format_activities(acts) if acts else "not published"


def _validity(pid: str, registry: Registry) -> str:
    validity = registry.validity(pid)
    if validity is None or validity.state is ValidityState.NO_CERTIFICATE:
        return "-"
    if validity.state is ValidityState.UNKNOWN:
        return "dates unknown"
    if validity.state is ValidityState.EXPIRED:
        return f"expired {validity.valid_until}"
    if validity.state is ValidityState.EXPIRING:
        return f"ends {validity.valid_until} ({validity.days_left} days)"
    return f"until {validity.valid_until}"


def _regions(pid: str, entry: Mapping[str, Any], registry: Registry) -> list[str]:
    unlisted = entry.get("region_scope", "listed") == "unlisted"
    scope = "EEA regions, not listed by the provider" if unlisted else "only those listed"
    lines = [f"  regions:      {scope}"]
    for rid, region in sorted((entry.get("regions") or {}).items()):
        note = f" - {region['note']}" if region.get("note") else ""
        lines.append(f"                {rid}: {region['scope']}{note}")
    summary = region_summary(registry, pid)
    if summary is not None and entry.get("status") == "certified":
        for regions, label in (
            (summary.covered, "covered"),
            (summary.not_covered, "not covered"),
            (summary.cannot_tell, "cannot tell"),
        ):
            if regions:
                lines.append(f"  storage {label + ':':<13}{', '.join(regions)}")
        if summary.outside_eea:
            lines.append(f"  outside EEA:  {len(summary.outside_eea)} regions, never for storage")
    return lines


def show(pid: str, entry: Mapping[str, Any], registry: Registry) -> str:
    lines = [f"{entry['name']} ({pid})", f"  status:       {entry['status']}"]
    for key, label in (
        ("referential", "referential"),
        ("certifier", "certifier"),
        ("certificate", "certificate"),
        ("valid_from", "valid from"),
        ("valid_until", "valid until"),
    ):
        if key != "certificate" or entry.get(key):
            lines.append(f"  {label + ':':<13} {entry.get(key) or 'unknown'}")
    validity = registry.validity(pid)
    if validity is not None and validity.state is not ValidityState.NO_CERTIFICATE:
        lines.append(f"  validity:     {validity.text}")
    acts = entry.get("activities")
    confidence = entry.get("activities_confidence")
    lines.append(
        f"  activities:   {_activities(entry)}"
        + (f" (confidence {confidence})" if confidence and acts else "")
    )
    for a in acts or ():
        lines.append(f"                {a}. {ACTIVITY_NAMES[a]}")
    lines += _regions(pid, entry, registry)
    services = entry.get("services") or {}
    if services:
        lines.append(f"  services:     default {services.get('default', 'cannot_tell')}")
        for key in ("covered", "not_covered"):
            if services.get(key):
                lines.append(f"                {key}: {', '.join(services[key])}")
        if services.get("note"):
            lines.append(f"                {services['note']}")
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
    if not entry.get("sources"):
        lines.append("  source:       none (no evidence found)")
    return "\n".join(lines)


def listing(registry: Registry) -> str:
    rows = [("PROVIDER", "STATUS", "ACTIVITIES", "VALIDITY", "CONFIDENCE", "AS OF", "NAME")]
    for pid, entry in sorted(registry.providers.items()):
        rows.append(
            (
                pid,
                str(entry["status"]),
                _activities(entry) if entry["status"] == "certified" else "-",
                _validity(pid, registry),
                str(entry.get("confidence")),
                str(entry.get("as_of")),
                str(entry["name"]),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = [f"HDS registry as of {registry.as_of}", ""]
    for row in rows:
        cells = [f"{value:<{widths[i]}}" for i, value in enumerate(row[:-1])]
        lines.append("  ".join([*cells, row[-1]]))
    lines += ["", "`hdslint registry show PROVIDER` gives the scope, sources and confidence."]
    return "\n".join(lines)


def find_provider(registry: Registry, name: str) -> tuple[str, Mapping[str, Any]] | None:
    """The provider named `name`, whatever its case (`OVH`, `ovh`, `Ovh`)."""
    if name in registry.providers:
        return name, registry.providers[name]
    matches = [pid for pid in registry.providers if pid.lower() == name.lower()]
    return (matches[0], registry.providers[matches[0]]) if len(matches) == 1 else None


def run(args: Sequence[str], config: Path | None) -> int:
    if args and args[0].lower() == "show":
        args = args[1:]
        if not args:
            raise HdslintError("`hdslint registry show` needs a PROVIDER (see `hdslint registry`)")
    if len(args) > 1:
        raise HdslintError(f"unexpected argument {args[1]!r}: give one PROVIDER")
    registry = load(config)
    warn_if_stale(registry)
    if not args:
        click.echo(listing(registry))
        return 0
    found = find_provider(registry, args[0])
    if found is None:
        raise HdslintError(
            f"no provider {args[0]!r} in the registry (run `hdslint registry` for the list)"
        )
    click.echo(show(*found, registry))
    return 0
