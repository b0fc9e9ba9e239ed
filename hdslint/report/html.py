"""The auditor's report as one self-contained HTML page.

No script, stylesheet, font or image is loaded from anywhere: the page can be archived as
audit evidence, printed and opened offline. Every value is escaped. The health-data flows
are a table (Mermaid source is not a diagram on paper).
"""

from __future__ import annotations

import functools
from html import escape
from importlib import resources

from hdslint.registry import format_activities, lowest_confidence
from hdslint.report.model import Certificate, FindingRow, Report, SuppressionRow
from hdslint.report.text import (
    ABOUT,
    ACTIVITIES_NOTE,
    FINDINGS_NOTE,
    FLOWS_NOTE,
    SECTION_TITLES,
    SUPPRESSED_NOTE,
    TO_CONFIRM_NOTE,
    VERDICT_LEGEND,
    VERDICT_MARKS,
    WARNINGS_NOTE,
    summary_line,
)


@functools.cache
def stylesheet() -> str:
    """The page's CSS, inlined into the page (report.css beside this module)."""
    return resources.files("hdslint.report").joinpath("report.css").read_text("utf-8")


_MARK_CLASS = {"yes": "yes", "NO": "NO", "?": "q"}
_LEFT_CLASS = {"yes": "left", "no": "no-left", "to check": "to-check"}


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _badge(text: str, css: str) -> str:
    return f'<span class="badge {_e(css)}">{_e(text)}</span>'


def _link(url: str, text: str | None = None) -> str:
    if url.startswith(("https://", "http://")):
        return f'<a href="{_e(url)}">{_e(text or url)}</a>'
    return _e(text or url)


def _table(head: list[str], rows: list[list[str]], css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table{cls}><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _meta(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="meta"><tbody>{body}</tbody></table>'


def _section(key: str, body: str) -> str:
    anchor = key.replace("_", "-")
    return f'<section id="{anchor}"><h2>{_e(SECTION_TITLES[key])}</h2>{body}</section>'


def _header(report: Report) -> str:
    failed, unknown, errors = len(report.findings), len(report.not_evaluated), len(report.errors)
    cards = [
        ("resources", report.resources, ""),
        ("with health data", report.health_data_resources, ""),
        ("failed", failed, "bad" if failed else "ok"),
        ("to confirm", len(report.to_confirm), "unk" if report.to_confirm else "ok"),
        ("not evaluated", unknown, "unk" if unknown else "ok"),
        ("suppressed", len(report.suppressed), ""),
        ("input errors", errors, "bad" if errors else "ok"),
    ]
    card_html = "".join(
        f'<div class="card {css}"><span class="n">{n}</span>{_e(label)}</div>'
        for label, n, css in cards
    )
    meta = _meta(
        [
            ("Inputs scanned", ", ".join(f"<code>{_e(i)}</code>" for i in report.inputs)),
            ("Revision", _e(report.revision or "not known (not a git checkout)")),
            ("Files read", _e(report.files_scanned)),
            *((label, _e(value)) for label, value in report.provenance),
            ("Evaluated on", _e(report.evaluated_on)),
            ("HDS registry as of", _e(report.registry_as_of)),
            ("hdslint version", _e(report.tool_version)),
        ]
    )
    warning = (
        f'<p class="warning"><strong>Warning:</strong> {_e(report.registry_warning)}</p>'
        if report.registry_warning
        else ""
    )
    keys = ["stores", *(["accounts"] if report.accounts else []), "activities", "certificates"]
    keys += ["responsibilities", "flows", "findings"]
    keys += ["to_confirm", "not_evaluated", "suppressed", *(["errors"] if report.errors else [])]
    keys += [*(["warnings"] if report.warnings else []), "policies", "about"]
    toc = "".join(
        f'<li><a href="#{k.replace("_", "-")}">{_e(SECTION_TITLES[k])}</a></li>' for k in keys
    )
    return (
        "<header><h1>HDS compliance report</h1>"
        f'<p class="summary">{_e(summary_line(report))}</p>'
        f'<div class="cards">{card_html}</div>{meta}{warning}'
        f"<nav><strong>Contents</strong><ol>{toc}</ol></nav></header>"
    )


def _stores(report: Report) -> str:
    if not report.stores:
        return _section("stores", "<p>No resource holds health data in the scanned inputs.</p>")
    rows = [
        [
            f"<code>{_e(s.id)}</code>",
            _e(s.provider or "unknown"),
            _e(s.place),
            _badge(s.in_eea, {"yes": "yes", "no": "NO"}.get(s.in_eea, "q")),
            _e(s.why),
            f"<code>{_e(s.location)}</code>",
        ]
        for s in report.stores
    ]
    head = ["Resource", "Provider", "Region", "In the EEA", "Why health data", "Declared at"]
    return _section("stores", _table(head, rows))


def _accounts(report: Report) -> str:
    if not report.accounts:
        return ""
    rows = [
        [
            f"<code>{_e(a.account)}</code>",
            str(a.resources),
            str(a.health_data),
            str(a.failed),
            str(a.to_confirm),
            str(a.not_evaluated),
        ]
        for a in report.accounts
    ]
    head = ["Account", "Resources", "With health data", "Failed", "To confirm", "Not evaluated"]
    return _section("accounts", _table(head, rows))


def _activities(report: Report) -> str:
    summary = [
        [
            f"{a.number}. {_e(a.name)}",
            _e(", ".join(a.providers) or "-"),
            _e(", ".join(a.services) or "-"),
            _e(", ".join(a.regions) or "-"),
            _e(a.covered),
            _e(a.not_covered),
            _e(a.cannot_tell),
        ]
        for a in report.activities
    ]
    head = ["Activity", "Providers", "Services", "Regions", "Covered", "NOT covered", "Cannot tell"]
    body = f"<p>{_e(ACTIVITIES_NOTE)}</p>" + _table(head, summary)
    body += "<h3>By provider, service and region</h3>"
    if not report.usage:
        return _section("activities", body + "<p>No resource relies on a host.</p>")
    rows = []
    for row in report.usage:
        cells = []
        for n in range(1, 7):
            cov = row.for_activity(n)
            if cov is None:
                cells.append("")
            else:
                mark = VERDICT_MARKS[cov.verdict]
                cells.append(_badge(mark, _MARK_CLASS[mark]))
        resources = "<br>".join(f"<code>{_e(r)}</code>" for r in row.resources)
        confidence = lowest_confidence(*(c.confidence for _, c in row.coverage))
        rows.append(
            [
                _e(row.provider_name),
                _e(row.service or "-"),
                _e(row.place),
                resources,
                _e(row.health_data),
                *cells,
                "<br>".join(_e(r) for r in row.reasons),
                _badge(confidence, f"conf-{confidence}"),
            ]
        )
    head = ["Provider", "Service", "Region", "Resources", "Health data"]
    head += [str(n) for n in range(1, 7)] + ["Why", "Confidence"]
    table = _table(head, rows, "usage").replace("<td></td>", '<td class="act"></td>')
    for mark in ("yes", "NO", "q"):
        table = table.replace(
            f'<td><span class="badge {mark}">', f'<td class="act"><span class="badge {mark}">'
        )
    return _section("activities", body + table + f"<p class='muted'>{_e(VERDICT_LEGEND)}</p>")


def _certificate(c: Certificate) -> str:
    acts = "not published" if c.activities is None else format_activities(c.activities)
    if c.activities_confidence and c.activities:
        acts += f" (confidence {c.activities_confidence})"
    rows = [
        ("HDS status", _e(c.status)),
        ("Referential", _e(c.referential or "unknown")),
        ("Certified activities", _e(acts)),
        ("Certifier", _e(c.certifier or "unknown")),
    ]
    if c.certificate:
        rows.append(("Certificate", _e(c.certificate)))
    state = {"valid": "yes", "expiring": "q", "expired": "NO", "unknown": "q"}
    rows += [
        ("Valid from / until", _e(f"{c.valid_from or 'unknown'} / {c.valid_until or 'unknown'}")),
        (
            "Validity",
            _badge(c.validity_state.replace("_", " "), state.get(c.validity_state, "q"))
            + " "
            + _e(c.validity),
        ),
        ("Confidence", _badge(c.confidence, f"conf-{c.confidence}")),
        ("As of", _e(c.as_of or "-")),
        ("Resources relying on it", _e(c.resources)),
        ("Sources", "<br>".join(_link(s) for s in c.sources) or "none"),
    ]
    items = [
        f"<li>Condition <code>{_e(cond.id)}</code> "
        + (_badge("confirmed", "yes") if cond.confirmed else _badge("to verify", "q"))
        + f" {_e(cond.text)}</li>"
        for cond in c.conditions
    ]
    items += [f"<li>Note: {_e(n)}</li>" for n in c.notes]
    extra = f'<ul class="plain">{"".join(items)}</ul>' if items else ""
    return (
        f'<h3 id="certificate-{_e(c.provider)}">{_e(c.name)} (<code>{_e(c.provider)}</code>)</h3>'
        + _meta(rows)
        + extra
    )


def _certificates(report: Report) -> str:
    if not report.certificates:
        return _section("certificates", "<p>The scanned resources rely on no known provider.</p>")
    body = ""
    if report.unknown_validity:
        body += (
            f"<p class='warning'>The validity dates of the certificates of"
            f" {_e(', '.join(report.unknown_validity))} are not known to hdslint (not in the"
            " sources read): ask the provider for its certificate and record its dates in"
            " <code>.hdslint.yaml</code> (<code>registry.providers</code>) so that expiry is"
            " checked (HDS-CERT-002).</p>"
        )
    return _section("certificates", body + "".join(_certificate(c) for c in report.certificates))


def _responsibilities(report: Report) -> str:
    rows = [
        [
            f"{r.number}. {_e(r.name)}",
            _e(", ".join(r.relied_on) or "-"),
            _e(", ".join(r.covered_by) or "-"),
            _badge(r.left_to_customer, _LEFT_CLASS[r.left_to_customer]) + " " + _e(r.text),
        ]
        for r in report.responsibilities
    ]
    head = ["Activity", "Relied on", "Covered by", "Left to you or your managed-service provider"]
    return _section("responsibilities", _table(head, rows))


def _flows(report: Report) -> str:
    if not report.flows:
        return _section(
            "flows", "<p>No replication, copy or backup of health data in the scanned inputs.</p>"
        )
    rows = [
        [_e(f.source), _e(f.kind), _e(f.destination), _badge(f.status, f.status)]
        for f in report.flows
    ]
    body = f"<p>{_e(FLOWS_NOTE)}</p>" + _table(["From", "Flow", "To", "Status"], rows)
    return _section("flows", body)


def _findings(key: str, rows: tuple[FindingRow, ...], empty: str, note: str = "") -> str:
    if not rows:
        return _section(key, f"<p>{_e(empty)}</p>")
    out = []
    accounts = any(f.account for f in rows)
    for f in rows:
        status = f.severity if f.status == "fail" else "not evaluated"
        css = f.severity if f.status == "fail" else "not_evaluated"
        account = [f"<code>{_e(f.account or '-')}</code>"] if accounts else []
        out.append(
            [
                _badge(status, css),
                _link(f.help_uri, f.policy_id) + f"<br>{_e(f.title)}",
                *account,
                f"<code>{_e(f.resource)}</code>"
                f"<br><span class='muted'>{_e(f.resource_type)}</span>",
                f"<code>{_e(f.location)}</code>",
                _e(f.message),
                "<br>".join(_e(e) for e in f.evidence) or "-",
            ]
        )
    head = ["Severity", "Policy", *(["Account"] if accounts else []), "Resource", "Location"]
    head += ["Message", "Evidence"]
    intro = f"<p>{_e(note)}</p>" if note else ""
    return _section(key, intro + _table(head, out))


def _suppressed(rows: tuple[SuppressionRow, ...]) -> str:
    if not rows:
        return _section("suppressed", "<p>No finding is suppressed.</p>")
    out = [
        [
            _e(f"{s.policy_id} ({s.severity})"),
            f"<code>{_e(s.resource)}</code>",
            f"<code>{_e(s.location)}</code>",
            _e(s.kind),
            _e(s.reason),
            _e(s.until or "no expiry"),
            f"<code>{_e(s.written_at)}</code>",
        ]
        for s in rows
    ]
    head = ["Policy", "Resource", "Location", "Kind", "Reason", "Until", "Written at"]
    return _section("suppressed", f"<p>{_e(SUPPRESSED_NOTE)}</p>" + _table(head, out))


def _policies(report: Report) -> str:
    rows = [
        [
            _e(p.id),
            _badge(p.severity, p.severity),
            _e(p.title),
            _e(p.passed),
            _e(p.failed),
            _e(p.not_evaluated),
        ]
        for p in report.policies
    ]
    head = ["Policy", "Severity", "Title", "Passed", "Failed", "Not evaluated"]
    return _section("policies", _table(head, rows))


def render(report: Report) -> str:
    parts = [
        _header(report),
        _stores(report),
        *([_accounts(report)] if report.accounts else []),
        _activities(report),
        _certificates(report),
        _responsibilities(report),
        _flows(report),
        _findings("findings", report.findings, "No finding.", FINDINGS_NOTE),
        _findings("to_confirm", report.to_confirm, "Nothing to confirm.", TO_CONFIRM_NOTE),
        _findings("not_evaluated", report.not_evaluated, "Everything could be evaluated."),
        _suppressed(report.suppressed),
    ]
    if report.errors:
        items = "".join(f"<li><code>{_e(e)}</code></li>" for e in report.errors)
        parts.append(_section("errors", f'<ul class="plain">{items}</ul>'))
    if report.warnings:
        items = "".join(f"<li><code>{_e(w)}</code></li>" for w in report.warnings)
        parts.append(
            _section("warnings", f'<p>{_e(WARNINGS_NOTE)}</p><ul class="plain">{items}</ul>')
        )
    parts += [_policies(report), _section("about", f"<p>{_e(ABOUT)}</p>")]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="hdslint {_e(report.tool_version)}">'
        f"<title>HDS compliance report — {_e(', '.join(report.inputs))}</title>"
        f"<style>{stylesheet()}</style></head>\n<body><main>\n"
        + "\n".join(parts)
        + "\n</main></body></html>\n"
    )
