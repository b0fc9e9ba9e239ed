"""The auditor's report as data: what a scan shows of the HDS picture, before any format.

Renderers (Markdown, HTML) only lay this out; every fact here comes from the scan result
(its findings, suppressions and counts, the same `hdslint scan` reports) and the registry
lookups the policies make, with their evidence (certifier, validity, sources, confidence).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Coverage:
    """How a certificate answers for something: covered / not covered / cannot tell."""

    verdict: str  # "covered" | "not_covered" | "cannot_tell"
    reason: str
    confidence: str


@dataclass(frozen=True)
class UsageRow:
    """One provider, service and region the infrastructure relies on, and how the provider's
    certificate answers for each HDS activity it is relied on for."""

    provider: str | None
    provider_name: str
    service: str | None
    region: str | None
    place: str  # "eu-west-3 (France)", or why the region is unknown
    in_eea: str  # "yes" | "no" | "unknown": the geography's answer HDS-LOC-001 uses
    resources: tuple[str, ...]
    health_data: int  # how many of those resources hold health data
    coverage: tuple[tuple[int, Coverage], ...]  # activity -> answer, for the activities used

    def for_activity(self, activity: int) -> Coverage | None:
        return dict(self.coverage).get(activity)

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.reason for _, c in self.coverage))


@dataclass(frozen=True)
class ActivitySummary:
    """Per HDS activity: the providers, services and regions relied on for it."""

    number: int
    name: str
    providers: tuple[str, ...]
    services: tuple[str, ...]
    regions: tuple[str, ...]
    covered: int  # usage rows, by verdict
    not_covered: int
    cannot_tell: int


@dataclass(frozen=True)
class Condition:
    id: str  # "<provider>:<condition>"
    text: str
    confirmed: bool


@dataclass(frozen=True)
class Certificate:
    """A provider the infrastructure relies on, and its certificate as the registry knows it."""

    provider: str
    name: str
    status: str
    referential: str | None
    activities: tuple[int, ...] | None  # None: not published
    activities_confidence: str | None
    certifier: str | None
    certificate: str | None
    valid_from: str | None
    valid_until: str | None
    validity_state: str  # see hdslint.registry.validity.ValidityState
    validity: str
    conditions: tuple[Condition, ...]
    notes: tuple[str, ...]
    sources: tuple[str, ...]
    as_of: str | None
    confidence: str
    resources: int


@dataclass(frozen=True)
class Responsibility:
    """An activity, who covers it, and what is left to the customer (or their MSP)."""

    number: int
    name: str
    relied_on: tuple[str, ...]  # provider names the infrastructure relies on for it
    covered_by: tuple[str, ...]
    not_covered_by: tuple[str, ...]
    unknown_for: tuple[str, ...]  # certificate activities not published / status unconfirmed
    left_to_customer: str  # "yes" | "no" | "to check"
    text: str


@dataclass(frozen=True)
class Store:
    """A resource that holds health data: where it is, and why it counts as health data."""

    id: str
    type: str
    provider: str | None
    region: str | None
    place: str
    in_eea: str  # "yes" | "no" | "unknown"
    why: str
    location: str


@dataclass(frozen=True)
class FlowRow:
    source: str
    kind: str
    destination: str
    status: str  # "compliant" | "non-compliant" | "unknown"


@dataclass(frozen=True)
class FindingRow:
    policy_id: str
    title: str
    severity: str
    status: str  # "fail" | "not_evaluated"
    resource: str
    resource_type: str
    provider: str | None
    region: str | None
    location: str
    message: str
    references: tuple[str, ...]
    help_uri: str  # the policy's documentation
    # The registry facts the finding rests on: "subject: statement (confidence, as of, source)"
    evidence: tuple[str, ...]
    # The cloud account, subscription or project of the resource, when its source knows it.
    account: str | None = None


@dataclass(frozen=True)
class AccountRow:
    """A cloud account, subscription or project the scanned resources are in, and its counts
    (`-`: resources whose source names none)."""

    account: str
    resources: int
    health_data: int
    failed: int
    to_confirm: int
    not_evaluated: int


@dataclass(frozen=True)
class SuppressionRow:
    """A finding accepted knowingly: by whom (where it is written), why, until when."""

    policy_id: str
    title: str
    severity: str
    status: str  # "fail" | "not_evaluated"
    resource: str
    location: str  # where the resource is declared
    kind: str  # "inline" | "annotation" | "metadata" | "config" | "baseline"
    reason: str
    until: str | None
    written_at: str  # the comment's file:line, the manifest, the config or baseline file


@dataclass(frozen=True)
class PolicyRun:
    id: str
    title: str
    severity: str
    passed: int
    failed: int
    not_evaluated: int


@dataclass(frozen=True)
class Report:
    tool_version: str
    revision: str | None  # "git commit ... (branch main)", None when not in a git checkout
    evaluated_on: str
    registry_as_of: str
    registry_warning: str | None
    inputs: tuple[str, ...]
    files_scanned: int
    # What the scan was judged by: (label, value) pairs, as every report words them
    # (configuration, policies evaluated and disabled, paths excluded, health-data default).
    provenance: tuple[tuple[str, str], ...]
    resources: int
    health_data_resources: int
    stores: tuple[Store, ...]
    activities: tuple[ActivitySummary, ...]
    usage: tuple[UsageRow, ...]
    certificates: tuple[Certificate, ...]
    unknown_validity: tuple[str, ...]  # names of certified providers whose dates are unknown
    responsibilities: tuple[Responsibility, ...]
    flows: tuple[FlowRow, ...]
    # The counts of the summary line, as `hdslint scan` words them ("4 failed", "1 to confirm",
    # "1 not evaluated", "6 suppressed", "0 errors", "1 warning").
    counts: tuple[str, ...]
    findings: tuple[FindingRow, ...]  # failed, not suppressed, not a condition to confirm
    to_confirm: tuple[FindingRow, ...]  # certificate conditions to confirm (HDS-COND-001)
    not_evaluated: tuple[FindingRow, ...]  # not suppressed
    suppressed: tuple[SuppressionRow, ...]
    errors: tuple[str, ...]
    warnings: tuple[str, ...]  # suppressions that matched no finding
    policies: tuple[PolicyRun, ...]
    # By cloud account, subscription or project (empty when no resource carries one); the
    # finding rows are then in account order.
    accounts: tuple[AccountRow, ...] = ()
