"""Which HDS activities the providers' certificates cover, and which stay with the customer.

A cloud provider's certificate covers the activities it performs for the services used.
What it does not cover — typically activity 5, the administration and operation of the
customer's own system — remains the customer's, or their managed-service provider's, who
must then hold an HDS certificate for it when hosting health data for others
(art. L.1111-8 and R.1111-9 CSP; ANS: a host may be certified for one or several
activities).
"""

from __future__ import annotations

from hdslint.registry import ACTIVITY_NAMES
from hdslint.report.model import Certificate, Responsibility, UsageRow

ADMINISTRATION = 5


def _names(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _provider_verdict(rows: list[UsageRow], n: int) -> str:
    """How a provider's certificate answers for activity `n`, from the answers of its rows:
    "outside_eea" when it is relied on for it only outside the EEA (never covered, and a
    finding of its own: HDS-LOC-001); otherwise, from its rows in or possibly in the EEA,
    covered when it covers the activity somewhere (a row not covered for its region or
    service is a finding, not a share of the responsibility), else not covered when some
    row says so, else cannot tell."""
    inside = [row for row in rows if row.in_eea != "no"]
    if not inside:
        return "outside_eea"
    verdicts = {cov.verdict for row in inside if (cov := row.for_activity(n)) is not None}
    for verdict in ("covered", "not_covered"):
        if verdict in verdicts:
            return verdict
    return "cannot_tell"


def _one(n: int, usage: tuple[UsageRow, ...], certs: dict[str, Certificate]) -> Responsibility:
    """Who covers activity `n`: read from the usage rows' coverage (the registry answers the
    usage table shows), so this section never contradicts it."""
    name = ACTIVITY_NAMES[n]
    rows = [row for row in usage if row.for_activity(n) is not None]
    providers = sorted({row.provider for row in rows if row.provider})
    covered: list[str] = []
    not_covered: list[str] = []
    unpublished: list[str] = []  # covered, but the certificate's activities are not published
    unknown: list[str] = []  # cannot tell (HDS status unconfirmed, region not listed, ...)
    outside: list[str] = []  # relied on for it only outside the EEA
    for pid in providers:
        cert = certs.get(pid)
        label = cert.name if cert else pid
        verdict = _provider_verdict([row for row in rows if row.provider == pid], n)
        if verdict == "covered":
            covered.append(label)
            if cert is not None and cert.activities is None:
                unpublished.append(label)
        elif verdict == "not_covered":
            not_covered.append(label)
        elif verdict == "outside_eea":
            outside.append(label)
        else:
            unknown.append(label)
    if any(row.provider is None for row in rows):
        unknown.append("resources whose provider is not known")
    relied = [certs[p].name if p in certs else p for p in providers]
    if n == ADMINISTRATION:
        covered = [c.name for c in certs.values() if c.activities and n in c.activities]
        text = (
            "Administration and operation of the information system (accounts and access,"
            " patching, monitoring, incident handling) is not something the scanned resources"
            " provide: it stays with you, or with the managed-service provider who runs the"
            " system for you — who needs an HDS certificate covering activity 5 when hosting"
            " health data for others."
        )
        if covered:
            one = len(covered) == 1
            text += (
                f" The certificate{'' if one else 's'} of {_names(covered)}"
                f" cover{'s' if one else ''} activity 5 for the services"
                f" {'it operates itself' if one else 'they operate themselves'}: check in your"
                " contract which part of the administration is included."
            )
        left = "yes"
    elif not providers and not unknown:
        text = (
            f"No scanned resource relies on a host for {name}. If it is done elsewhere (by"
            " you, a tool, a managed-service provider or another host), whoever performs it"
            f" for others needs an HDS certificate covering activity {n}."
        )
        left = "yes"
    elif not_covered or outside:
        parts = []
        if not_covered:
            parts.append(
                f"Not covered by {_names(not_covered)}: for the resources listed under activity"
                f" {n} it remains your responsibility or your managed-service provider's, who"
                " must then be HDS-certified for it — or move them to a host whose certificate"
                " covers it."
            )
        if outside:
            one = len(outside) == 1
            parts.append(
                f"{_names(outside)} {'is' if one else 'are'} relied on for it only outside the"
                " EEA, where no HDS certificate covers health data (see the findings,"
                " HDS-LOC-001): move those resources into the EEA."
            )
        if covered:
            caveat = (
                f" (at low confidence: {_names(unpublished)} publish no list of the activities"
                " certified)"
                if unpublished
                else ""
            )
            parts.append(f"Covered by {_names(covered)} for its resources in the EEA{caveat}.")
        text = " ".join(parts)
        left = "yes"
    elif unknown:
        text = (
            f"Whether activity {n} is covered cannot be told for {_names(unknown)} (the"
            " reasons are in the table above). Check the certificate (and your contract) and"
            " record it in .hdslint.yaml (registry.providers)."
        )
        left = "to check"
    elif unpublished:
        one = len(unpublished) == 1
        text = (
            f"Covered by the certificate of {_names(covered)} according to hdslint's"
            f" registry, at low confidence: {_names(unpublished)}"
            f" {'does' if one else 'do'} not publish which HDS activities"
            f" {'its certificate covers' if one else 'their certificates cover'}. Check the"
            " certificate (and your contract) and record its activities in .hdslint.yaml"
            " (registry.providers)."
        )
        left = "to check"
    else:
        noun = "certificate" if len(covered) == 1 else "certificates"
        text = f"Covered by the {noun} of {_names(covered)} for the services and regions above."
        left = "no"
    return Responsibility(
        number=n,
        name=name,
        relied_on=tuple(relied),
        covered_by=tuple(covered),
        not_covered_by=tuple(not_covered + outside),
        unknown_for=tuple(unknown + [u for u in unpublished if u not in unknown]),
        left_to_customer=left,
        text=text,
    )


def responsibilities(
    usage: tuple[UsageRow, ...], certificates: tuple[Certificate, ...]
) -> tuple[Responsibility, ...]:
    certs = {c.provider: c for c in certificates}
    return tuple(_one(n, usage, certs) for n in ACTIVITY_NAMES)
