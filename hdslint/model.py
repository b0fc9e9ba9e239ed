"""The normalised model every source produces and every policy reads.

Everything here is frozen: sources build these values once, the graph holds them, and the
evaluation only reads them. Mappings are wrapped read-only so a policy cannot change what
another policy sees.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from hdslint.ids import Destination, Outside, ResourceKey, UnknownDestination

CATEGORIES = (
    "storage",
    "database",
    "backup",
    "snapshot",
    "log",
    "queue",
    "cache",
    "secret",
    "compute",
    "cluster",
    "network",
    "identity",
    "other",
)

# Categories whose resources hold data at rest: these are the "data stores" that the
# health-data classification applies to.
DATA_CATEGORIES = frozenset(
    {"storage", "database", "backup", "snapshot", "log", "queue", "cache", "secret"}
)

SOURCES = ("terraform", "terraform-plan", "kubernetes", "cloudformation", "aws", "inventory")


class Severity(enum.IntEnum):
    """Policy severity; the integer order is what `--fail-on` compares."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.upper()]


class Status(enum.StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_EVALUATED = "not_evaluated"


class EdgeKind(enum.StrEnum):
    REPLICATES_TO = "replicates_to"
    BACKS_UP_TO = "backs_up_to"
    COPIES_TO = "copies_to"
    READS_FROM = "reads_from"
    MOUNTS = "mounts"
    STORES_IN = "stores_in"
    LOGS_TO = "logs_to"
    RUNS_IN = "runs_in"
    REFERENCES = "references"


# Edges along which data moves, and in which direction the health-data classification
# spreads: a replica, copy or backup of health data is health data. `reads_from` points
# from the replica to its source, so it carries data against its direction.
DATA_FLOW_EDGES = frozenset(
    {EdgeKind.REPLICATES_TO, EdgeKind.BACKS_UP_TO, EdgeKind.COPIES_TO, EdgeKind.LOGS_TO}
)
REVERSE_DATA_FLOW_EDGES = frozenset({EdgeKind.READS_FROM})


def freeze(value: Any) -> Any:
    """Return a deeply read-only copy of plain data (dicts become mapping proxies)."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """Inverse of :func:`freeze`: plain dicts and lists again, e.g. for JMESPath or JSON."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [thaw(v) for v in value]
    return value


_EMPTY: Mapping[str, Any] = MappingProxyType({})


class Unknown:
    """A value hdslint could not determine, with the reason in words.

    `error` tells an evaluation error (a missing attribute, a type mismatch: what Terraform's
    `try()` catches) from a value that is simply not known (a variable with no value, an
    attribute computed by the provider). `ref` names the resource an unknown value comes
    from (`aws_s3_bucket.replica`), so a reference to a computed attribute still links
    resources in the graph.
    """

    __slots__ = ("error", "reason", "ref")

    def __init__(self, reason: str, *, ref: str | None = None, error: bool = False) -> None:
        self.reason = reason
        self.ref = ref
        self.error = error

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Unknown)
            and other.reason == self.reason
            and other.ref == self.ref
            and other.error == self.error
        )

    def __hash__(self) -> int:
        return hash((self.reason, self.ref, self.error))


@dataclass(frozen=True, slots=True)
class Location:
    """Where a resource was declared: a file and 1-based line, or the API call that saw it."""

    file: str | None = None
    line: int | None = None
    api_call: str | None = None
    # Where the declaration ends (the closing brace of a block, the end of a YAML document):
    # inline suppressions between `line` and `end_line` apply to the resource.
    end_line: int | None = None

    def __str__(self) -> str:
        if self.file is None:
            return self.api_call or "<unknown>"
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True, slots=True)
class Resource:
    """One normalised resource.

    `region` is the provider's own region id, or None when it cannot be told; `unknown`
    then says why, keyed by the field that is unknown (`region`, `provider`, or
    `attributes.<name>`). Unknown is a value, never a guess.
    """

    id: str
    type: str
    provider: str | None
    service: str | None
    category: str
    region: str | None
    location: Location
    source: str
    attributes: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    tags: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    unknown: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    # HDS activities (1-6) this kind of resource relies on the host for; from the catalogue.
    activities: tuple[int, ...] = ()
    # Where a module call or a plan put this resource (e.g. the module call's address).
    module: str | None = None
    # False for kinds that do not normally hold health data (container images, secrets):
    # they are then health data only when tagged so, even with `health_data.default: true`.
    presumed_health_data: bool = True
    # Kubernetes annotations (and other source-level markers) as plain strings; hdslint's own
    # suppression annotation is read from here.
    annotations: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    # What makes `id` unique in a scan that reads several independent configurations: the
    # Terraform root module's folder, or the Kubernetes cluster. Empty when ids are global
    # (ARNs). Terraform addresses are only unique within one root module.
    scope: str = ""
    # Data rests on it although its category is not a data store's: a VM's disks, a
    # StatefulSet's volume claim templates (from the catalogue's `stores_data`).
    stores_data: bool = False
    # The cloud account, subscription or project it belongs to, when the source knows it
    # (an AWS account id, an Azure subscription id, a Google Cloud project): reports group
    # findings by it.
    account: str | None = None

    @property
    def key(self) -> ResourceKey:
        """The resource's key in the graph: `id`, qualified by `scope`."""
        return ResourceKey(self.scope, self.id)

    @property
    def is_data_store(self) -> bool:
        return self.category in DATA_CATEGORIES or self.stores_data


@dataclass(frozen=True, slots=True)
class Edge:
    """A typed, directed relation from a resource to a destination.

    The destination is a resource in the graph (its key), a place outside it that the
    source could describe (a bucket ARN in another account, a vault in a region that was not
    scanned: policies still judge its region), or unknown with the reason.
    """

    source: ResourceKey
    target: Destination
    kind: EdgeKind
    location: Location | None = None
    # What is known of the source when it may not be a resource in the graph: a flow that
    # only its destination reports (an AWS read replica in a region that was not scanned).
    origin: Outside | UnknownDestination | None = None

    @property
    def target_key(self) -> ResourceKey | None:
        """The target's key when the target is (meant to be) a resource in the graph."""
        return self.target if isinstance(self.target, ResourceKey) else None

    @property
    def unknown(self) -> str | None:
        """Why the destination is not known, when it is not."""
        return self.target.reason if isinstance(self.target, UnknownDestination) else None


def _located(file: str | None, line: int | None, message: str) -> str:
    """`file:line: message` (`<input>` when there is no file)."""
    where = file or "<input>"
    if line:
        where = f"{where}:{line}"
    return f"{where}: {message}"


@dataclass(frozen=True, slots=True)
class InputError:
    """Something that could not be read or checked: a file that does not parse, a bad
    config, a module that is not there. It makes the exit code 2."""

    file: str | None
    message: str
    line: int | None = None

    def __str__(self) -> str:
        return _located(self.file, self.line, self.message)


@dataclass(frozen=True, slots=True)
class ScanWarning:
    """Something to tidy that did not stop any check (a suppression that matched no
    finding). Reported with its file and line; it never changes the exit code."""

    file: str | None
    message: str
    line: int | None = None

    def __str__(self) -> str:
        return _located(self.file, self.line, self.message)


@dataclass(frozen=True, slots=True)
class Evidence:
    """A registry fact that an answer rests on, for the auditor: what, how sure, from where."""

    subject: str
    statement: str
    confidence: str
    sources: tuple[str, ...] = ()
    as_of: str | None = None


@dataclass(frozen=True, slots=True)
class Suppression:
    kind: str  # "inline" | "annotation" | "metadata" | "baseline" | "config"
    reason: str
    location: Location | None = None
    until: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """The result of evaluating one policy on one resource, when it is not a pass."""

    policy_id: str
    status: Status
    severity: Severity
    title: str
    message: str
    activities: tuple[int, ...]
    references: tuple[str, ...]
    resource: Resource
    location: Location
    evidence: tuple[Evidence, ...] = ()
    suppression: Suppression | None = None
    # Why, in full: for each reason the message gives, its chain of causes, outermost
    # first (the message gives only the first and the innermost; see hdslint.causes).
    causes: tuple[tuple[str, ...], ...] = ()
