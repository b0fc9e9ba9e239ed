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


def _one(n: int, usage: tuple[UsageRow, ...], certs: dict[str, Certificate]) -> Responsibility:
    name = ACTIVITY_NAMES[n]
    rows = [row for row in usage if row.for_activity(n) is not None]
    providers = sorted({row.provider for row in rows if row.provider})
    covered: list[str] = []
    not_covered: list[str] = []
    unpublished: list[str] = []  # certified, activities not published
    unconfirmed: list[str] = []  # HDS status unconfirmed, or provider unknown
    for pid in providers:
        cert = certs.get(pid)
        label = cert.name if cert else pid
        if cert is None or cert.status in ("not in the registry", "not_certified"):
            not_covered.append(label)
        elif cert.status != "certified":
            unconfirmed.append(label)
        elif cert.activities is None:
            unpublished.append(label)
        elif n in cert.activities:
            covered.append(label)
        else:
            not_covered.append(label)
    if any(row.provider is None for row in rows):
        unconfirmed.append("resources whose provider is not known")
    unknown = unpublished + unconfirmed
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
    elif not_covered:
        text = (
            f"Not covered by {_names(not_covered)}: for the resources listed under activity {n}"
            " it remains your responsibility or your managed-service provider's, who must then"
            " be HDS-certified for it — or move them to a host whose certificate covers it."
        )
        left = "yes"
    elif unknown:
        parts = []
        if unpublished:
            parts.append(
                f"{_names(unpublished)} {'does' if len(unpublished) == 1 else 'do'} not publish"
                " which activities the certificate covers"
            )
        if unconfirmed:
            parts.append(f"the HDS certification of {_names(unconfirmed)} is unconfirmed")
        text = (
            f"Whether activity {n} is covered cannot be told: {'; '.join(parts)}. Check the"
            " certificate (and your contract) and record it in .hdslint.yaml"
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
        not_covered_by=tuple(not_covered),
        unknown_for=tuple(unknown),
        left_to_customer=left,
        text=text,
    )


def responsibilities(
    usage: tuple[UsageRow, ...], certificates: tuple[Certificate, ...]
) -> tuple[Responsibility, ...]:
    certs = {c.provider: c for c in certificates}
    return tuple(_one(n, usage, certs) for n in ACTIVITY_NAMES)
