"""Coverage: how reading each (service, region) ended, and the gaps it leaves.

Every (service, region) the scan plans ends `ok`, `access_denied`, `region_disabled`,
`throttled` or `error`. Anything but `ok` becomes a pseudo-resource of type
`aws_coverage_gap` that policy HDS-EVAL-001 reports as not evaluated: what hdslint could not
see is never a pass. This module is pure (no boto3): saved inventories rebuild the same gaps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from hdslint.model import Location, Resource, freeze

OK = "ok"
ACCESS_DENIED = "access_denied"
REGION_DISABLED = "region_disabled"
THROTTLED = "throttled"
ERROR = "error"
STATUSES = (OK, ACCESS_DENIED, REGION_DISABLED, THROTTLED, ERROR)

GAP_TYPE = "aws_coverage_gap"

# A live scan's reads end within this many seconds (`hdslint aws --deadline`); whatever is
# not read by then is booked as an error, hence a gap: a slow account is never a silent pass.
DEFAULT_DEADLINE_SECONDS = 1800

# Which status wins when several calls of one (service, region) failed differently: the
# one that most needs the reader's action first.
_PRECEDENCE = {OK: 0, ERROR: 1, THROTTLED: 2, ACCESS_DENIED: 3, REGION_DISABLED: 4}

# Error codes by meaning. They vary by protocol (query, JSON, REST-XML) and service.
ACCESS_DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "AuthorizationError",
        "AuthorizationErrorException",
        "UnauthorizedException",
        "Forbidden",
    }
)
REGION_DISABLED_CODES = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "AuthFailure",
        "OptInRequired",
        "InvalidIdentityToken",
    }
)
THROTTLED_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "RequestThrottled",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
        "BandwidthLimitExceeded",
        "ProvisionedThroughputExceededException",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)

_REASONS = {
    ACCESS_DENIED: "access denied",
    REGION_DISABLED: "the region is not enabled for this account (or rejects its credentials)",
    THROTTLED: "throttled by AWS until the retries ran out",
    ERROR: "the API failed",
}


def classify_code(code: str, http_status: int | None = None) -> str:
    if code in ACCESS_DENIED_CODES:
        return ACCESS_DENIED
    if code in REGION_DISABLED_CODES:
        return REGION_DISABLED
    if code in THROTTLED_CODES:
        return THROTTLED
    # Some implementations answer a denied JSON call with an XML body, which botocore
    # reports as code "403".
    if http_status == 403 or code == "403":
        return ACCESS_DENIED
    if http_status == 429 or code == "429":
        return THROTTLED
    return ERROR


def classify_exception(exc: BaseException) -> tuple[str, str, str]:
    """(status, code, message) for an exception raised by a botocore call."""
    answer = getattr(exc, "response", None)
    if isinstance(answer, Mapping):
        error = answer.get("Error") or {}
        code = str(error.get("Code") or "Unknown")
        message = _first_line(str(error.get("Message") or ""))
        if message.startswith("<"):  # an HTML or XML page instead of an AWS error
            message = ""
        status = (answer.get("ResponseMetadata") or {}).get("HTTPStatusCode")
        return classify_code(code, status if isinstance(status, int) else None), code, message
    # Client-side failures: no endpoint in that region, timeouts, unreadable answers.
    return ERROR, type(exc).__name__, _first_line(str(exc))


def _first_line(text: str, limit: int = 200) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."


@dataclass(frozen=True, slots=True)
class CallFailure:
    operation: str  # "rds:DescribeDBInstances"
    code: str
    message: str
    status: str


@dataclass
class CoverageEntry:
    """How reading one service in one region went."""

    service: str
    region: str
    status: str = OK
    calls: int = 0
    failures: list[CallFailure] = field(default_factory=list)

    def record(self, failure: CallFailure | None) -> None:
        self.calls += 1
        if failure is None:
            return
        if _PRECEDENCE[failure.status] > _PRECEDENCE[self.status]:
            self.status = failure.status
        if all((f.operation, f.code) != (failure.operation, failure.code) for f in self.failures):
            self.failures.append(failure)

    def reason(self) -> str:
        if self.status == OK:
            return ""
        what = _REASONS[self.status]
        if not self.failures:
            return f"{self.service} in {self.region} was not read: {what}"
        calls = "; ".join(
            f"{f.operation} failed with {f.code}" + (f" ({f.message})" if f.message else "")
            for f in self.failures
        )
        return f"{self.service} in {self.region} was not fully read: {what}: {calls}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "region": self.region,
            "status": self.status,
            "calls": self.calls,
            "failures": [
                {"operation": f.operation, "code": f.code, "message": f.message, "status": f.status}
                for f in self.failures
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CoverageEntry:
        return cls(
            service=str(data["service"]),
            region=str(data["region"]),
            status=str(data["status"]),
            calls=int(data.get("calls", 0)),
            failures=[
                CallFailure(
                    str(f["operation"]), str(f["code"]), str(f.get("message", "")), str(f["status"])
                )
                for f in data.get("failures", ())
            ],
        )


def gap_resources(
    entries: Iterable[CoverageEntry], *, account: str, source: str, qualified: bool = False
) -> list[Resource]:
    """One `aws_coverage_gap` pseudo-resource per (service, region) not fully read.
    `qualified`: the id names the account (`aws:coverage:<account>:<service>:<region>`), as
    in an organization's scan, where one gap may repeat in several accounts."""
    out = []
    where = f"{account}:" if qualified else ""
    for entry in entries:
        if entry.status == OK:
            continue
        first = entry.failures[0].operation if entry.failures else f"{entry.service}:*"
        out.append(
            Resource(
                id=f"aws:coverage:{where}{entry.service}:{entry.region}",
                type=GAP_TYPE,
                provider="aws",
                service=f"aws:{entry.service}",
                category="other",
                region=entry.region,
                location=Location(api_call=first),
                source=source,
                unknown=freeze({"contents": entry.reason()}),
                # Gap ids repeat across accounts: the account keeps them apart in the graph.
                scope=account,
                account=account if qualified else None,
            )
        )
    return out


def in_account(resources: Iterable[Resource], account: str) -> list[Resource]:
    """An organization's account's resources, each saying which account it is in (reports
    group findings by account)."""
    return [replace(r, account=account) for r in resources]


def account_gap(account: str, name: str, code: str, message: str, *, source: str) -> Resource:
    """The pseudo-resource of an organization's account that could not be entered: nothing
    of it was read (HDS-EVAL-001 reports it as not evaluated)."""
    named = f"{account} ({name})" if name else account
    return Resource(
        id=f"aws:account:{account}",
        type=GAP_TYPE,
        provider="aws",
        service="aws:organizations",
        category="other",
        region=None,
        location=Location(api_call="sts:AssumeRole"),
        source=source,
        unknown=freeze({"contents": f"account {named} was not read: {code}: {message}"}),
        scope=account,
        account=account,
    )


def nothing_read(entries: Iterable[CoverageEntry]) -> str | None:
    """Why a scan of an account read nothing at all (not one service in one region), or None.
    Such a scan is an input error, whatever `--fail-on` says: its silence proves nothing."""
    entries = list(entries)
    if any(entry.status == OK and entry.calls for entry in entries):
        return None
    counts = {status: sum(1 for e in entries if e.status == status) for status in STATUSES}
    how = ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in counts.items() if n)
    return (
        "nothing was read: no service could be read in any region"
        + (f" ({how}; the coverage gaps say why)" if how else "")
        + ": check the credentials, the role's permissions and the network"
    )
