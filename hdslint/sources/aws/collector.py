"""The AWS collector: reads every (service, region) of the plan on a thread pool.

Work is split into small tasks so that no single slow call sequence becomes the critical
path: one task per (service, region) lists the service's resources, then one task per
listed item fetches its details (per bucket, per table, ...). Tasks run on worker threads
and only return data; the main thread merges results, keeps the coverage book and reports
progress, so nothing shared is written from two threads (the client cache has its lock).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import queue
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore import xform_name
from botocore.exceptions import ClientError

from hdslint.sources.aws import coverage as cov
from hdslint.sources.aws.permissions import collector_operations
from hdslint.sources.aws.records import NOT_CONFIGURED, DetailValue, Failure, Item, Link, Record
from hdslint.sources.aws.regions import RegionPlan, known_regions, plan_regions
from hdslint.sources.aws.services import SERVICES
from hdslint.sources.aws.session import (
    API_ERRORS,
    ClientCache,
    Identity,
    ReadOnlyViolation,
    SessionSettings,
    assume_role,
    caller_identity,
    client_config,
    guard_read_only,
    open_session,
    session_region,
)
from hdslint.sources.aws.spec import Detail, Kind, Listing, ServiceSpec

# What a call of a task can raise and still leave the rest of the account to read: an API
# error, or the guard refusing a call (botocore sends some by itself, e.g. while following
# a redirect): that item is then not read, which the coverage reports.
CALL_ERRORS = (*API_ERRORS, ReadOnlyViolation)

# (units done, units in all, service, region): a unit is one (service, region) read.
Progress = Callable[[int, int, str, str], None]
ALL_REGIONS = "*"


@dataclass(frozen=True)
class AwsScanSettings(SessionSettings):
    regions: tuple[str, ...] = ()
    services: tuple[str, ...] = ()  # a subset of SERVICES (default: all)


@dataclass
class Collection:
    identity: Identity
    plan: RegionPlan
    home_region: str
    records: list[Record]
    links: list[Link]
    coverage: list[cov.CoverageEntry]
    services: list[str]
    started_at: dt.datetime
    finished_at: dt.datetime
    calls: int = 0


class _Vanished:
    """A detail call said the item no longer exists (deleted while the scan ran)."""


_VANISHED = _Vanished()


@dataclass
class _Outcome:
    records: list[Record] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    # (service, region, failure or None) for every call made
    calls: list[tuple[str, str, cov.CallFailure | None]] = field(default_factory=list)
    # more tasks to run for the same unit: (function, args)
    followups: list[tuple[Callable[..., _Outcome], tuple[Any, ...]]] = field(default_factory=list)


def collect(
    settings: AwsScanSettings,
    *,
    session: boto3.Session | None = None,
    progress: Progress | None = None,
) -> Collection:
    """Read the account. `session` may be given (e.g. with event hooks registered);
    otherwise it is opened from the settings with the standard credential chain."""
    started = dt.datetime.now(dt.UTC)
    session = session or open_session(settings)
    home = session_region(session, settings.regions, known_regions(session))
    config = client_config(session, settings)
    if settings.role_arn:
        assume_role(session, settings.role_arn, home, config)
    guard_read_only(session, collector_operations())
    clients = ClientCache(session, config)
    identity = caller_identity(clients, home)
    specs = [SERVICES[name] for name in (settings.services or SERVICES)]
    plan = plan_regions(
        session,
        clients,
        home=home,
        partition=identity.partition,
        requested=settings.regions,
        services=specs,
    )
    run = _Run(clients, identity, plan, plan.home or home, specs)
    run.execute(max(1, settings.workers), progress, settings.deadline)
    return Collection(
        identity=identity,
        plan=plan,
        home_region=plan.home or home,
        records=run.records,
        links=run.links,
        coverage=run.coverage_entries(),
        services=[s.name for s in specs],
        started_at=started,
        finished_at=dt.datetime.now(dt.UTC),
        calls=run.calls,
    )


class _Run:
    def __init__(
        self,
        clients: ClientCache,
        identity: Identity,
        plan: RegionPlan,
        home: str,
        specs: Sequence[ServiceSpec],
    ) -> None:
        self.clients = clients
        self.identity = identity
        self.plan = plan
        self.home = home
        self.specs = specs
        self.records: list[Record] = []
        self.links: list[Link] = []
        self.calls = 0
        self.book: dict[tuple[str, str], cov.CoverageEntry] = {}
        for spec in specs:
            for region in plan.by_service.get(spec.name, ()):
                self.book[(spec.name, region)] = cov.CoverageEntry(spec.name, region)
            for region in plan.disabled:
                entry = cov.CoverageEntry(spec.name, region, status=cov.REGION_DISABLED)
                entry.failures.append(
                    cov.CallFailure(
                        "ec2:DescribeRegions",
                        "not-opted-in",
                        "the account has not enabled this region",
                        cov.REGION_DISABLED,
                    )
                )
                self.book[(spec.name, region)] = entry

    # -- scheduling (main thread) ------------------------------------------------------

    def execute(self, workers: int, progress: Progress | None, deadline: float | None) -> None:
        """Run every unit; past `deadline` seconds, stop and book what is not done as unread."""
        pending: dict[Future[_Outcome], tuple[str, str]] = {}
        outstanding: dict[tuple[str, str], int] = {}
        finished = 0
        ends_at = None if deadline is None else time.monotonic() + deadline
        pool = _DaemonPool(workers)
        # One unit per (service, region) read; an account-wide service is one unit.
        units: list[tuple[tuple[str, str], ServiceSpec, str]] = []
        for spec in self.specs:
            regions = self.plan.by_service.get(spec.name, ())
            if spec.account_wide:
                if regions:
                    units.append(((spec.name, ALL_REGIONS), spec, self.home))
            else:
                units.extend(((spec.name, region), spec, region) for region in regions)

        def left() -> float | None:
            return None if ends_at is None else max(0.0, ends_at - time.monotonic())

        def submit(unit: tuple[str, str], fn: Callable[..., _Outcome], *args: Any) -> None:
            outstanding[unit] = outstanding.get(unit, 0) + 1
            pending[pool.submit(fn, *args)] = unit

        def collect_done(block: bool) -> None:
            nonlocal finished
            if not pending:
                return
            done, _ = wait(pending, timeout=left() if block else 0, return_when=FIRST_COMPLETED)
            for future in done:
                unit = pending.pop(future)
                outcome = future.result()
                self._merge(outcome)
                for fn, args in outcome.followups:
                    submit(unit, fn, *args)
                outstanding[unit] -= 1
                if outstanding[unit] == 0:
                    finished += 1
                    if progress is not None:
                        progress(finished, len(units), *unit)

        try:
            # Creating a client costs milliseconds of CPU (an EC2 client tens), ~250 of
            # them in a full scan: the main thread makes each one just before the task
            # that needs it, so the first reads wait on the network while it makes the
            # next clients (clients are shared by the workers, never made by them).
            for unit, spec, region in units:
                if left() == 0:
                    break
                self._warm(spec.client, region)
                submit(unit, self._region_task, spec, region)
                if spec.account_wide:
                    for other in self.plan.by_service.get(spec.name, ()):
                        self._warm(spec.client, other)
                collect_done(block=False)
            while pending and left() != 0:
                collect_done(block=True)
        finally:
            # Calls still in flight are abandoned (the pool's threads do not hold the
            # process): Ctrl-C and the deadline stop the scan now, not when they time out.
            pool.shutdown()
        if deadline is not None:
            unread = [u for u, _s, _r in units if outstanding.get(u, 1) > 0]
            self._book_unread(unread, deadline)

    def _book_unread(self, units: list[tuple[str, str]], deadline: float) -> None:
        """The units the deadline stopped: each of their cells is an error, so that the
        report says what was not read (HDS-EVAL-001), never a silent pass."""
        for service, region in units:
            regions = self.plan.by_service.get(service, ()) if region == ALL_REGIONS else [region]
            failure = cov.CallFailure(
                f"{service}:*",
                "DeadlineExceeded",
                f"not read within the scan's deadline ({deadline:g} s, --deadline)",
                cov.ERROR,
            )
            for cell in regions:
                entry = self.book.get((service, cell))
                if entry is None:
                    entry = self.book[(service, cell)] = cov.CoverageEntry(service, cell)
                entry.record(failure)

    def _warm(self, client: str, region: str) -> None:
        # A client that cannot be made here fails again in its task, which reports it.
        with contextlib.suppress(*API_ERRORS):
            self.clients.get(client, region)

    def _merge(self, outcome: _Outcome) -> None:
        self.records.extend(outcome.records)
        self.links.extend(outcome.links)
        for service, region, failure in outcome.calls:
            self.calls += 1
            entry = self.book.get((service, region))
            if entry is None:  # a call outside the plan (an account-wide service's home)
                entry = self.book[(service, region)] = cov.CoverageEntry(service, region)
            entry.record(failure)

    def coverage_entries(self) -> list[cov.CoverageEntry]:
        order = {s.name: i for i, s in enumerate(self.specs)}
        regions = {r: i for i, r in enumerate((*self.plan.scan, *self.plan.disabled))}
        return sorted(
            self.book.values(),
            key=lambda e: (order[e.service], regions.get(e.region, len(regions)), e.region),
        )

    # -- tasks (worker threads) --------------------------------------------------------

    def _item(self, region: str, data: Any, shared: Mapping[str, DetailValue]) -> Item:
        return Item(
            region=region,
            account=self.identity.account,
            partition=self.identity.partition,
            data=data if isinstance(data, Mapping) else {"value": data},
            shared=shared,
            scan_regions=frozenset(self.plan.scan),
            home_region=self.home,
        )

    def _region_task(self, spec: ServiceSpec, region: str) -> _Outcome:
        out = _Outcome()
        shared: dict[str, DetailValue] = {}
        for detail in spec.shared:
            value = self._detail(spec, detail, self._item(region, {}, {}), region, out)
            shared[detail.name] = None if isinstance(value, _Vanished | tuple) else value
        for kind in spec.kinds:
            for data in self._list(spec, kind.listing, region, out):
                item = self._item(region, data, shared)
                if kind.details:
                    out.followups.append((self._item_task, (spec, kind, item)))
                else:
                    self._parse(spec, kind, item, region, out)
        return out

    def _item_task(self, spec: ServiceSpec, kind: Kind, item: Item) -> _Outcome:
        out = _Outcome()
        details: dict[str, Any] = {}
        for detail in kind.details:
            current = dataclasses.replace(item, details=dict(details))
            region = (detail.region(current) if detail.region else None) or item.region
            value = self._detail(spec, detail, current, region, out)
            if isinstance(value, _Vanished):
                return out
            details[detail.name] = value
        self._parse(spec, kind, dataclasses.replace(item, details=details), item.region, out)
        return out

    def _parse(self, spec: ServiceSpec, kind: Kind, item: Item, region: str, out: _Outcome) -> None:
        try:
            for produced in kind.parse(item):
                if isinstance(produced, Record):
                    out.records.append(produced)
                else:
                    out.links.append(produced)
        except Exception as exc:  # a bug in a parser must not hide the rest of the account
            failure = cov.CallFailure(
                f"{spec.client}:{kind.listing.operation}",
                "InternalError",
                f"hdslint could not read an item ({type(exc).__name__}: {exc}); "
                "this is a bug, please report it",
                cov.ERROR,
            )
            out.calls.append((spec.name, region, failure))

    def _list(
        self, spec: ServiceSpec, listing: Listing, region: str, out: _Outcome
    ) -> Iterator[Any]:
        regions = self._cover_regions(spec, region)
        try:
            pages = self._pages(spec, listing, region)
        except CALL_ERRORS as exc:
            failure = _failure(spec, listing.operation, exc)
            out.calls.extend((spec.name, r, failure) for r in regions)
            return
        while True:
            try:
                page = next(pages)
            except StopIteration:
                return
            except CALL_ERRORS as exc:
                failure = _failure(spec, listing.operation, exc)
                out.calls.extend((spec.name, r, failure) for r in regions)
                return
            out.calls.append((spec.name, regions[0], None))
            yield from page.get(listing.items) or ()

    def _pages(
        self, spec: ServiceSpec, listing: Listing, region: str
    ) -> Iterator[Mapping[str, Any]]:
        client = self.clients.get(spec.client, region)
        method_name = xform_name(listing.operation)
        method = getattr(client, method_name)
        params = dict(listing.params)
        if listing.pager is not None:
            return listing.pager(method, params)
        if client.can_paginate(method_name):
            return iter(client.get_paginator(method_name).paginate(**params))
        return _single(method, params)

    def _cover_regions(self, spec: ServiceSpec, region: str) -> list[str]:
        """The coverage cells a listing answers for: its region, or for an account-wide
        listing every region of the plan (the home region first)."""
        if not spec.account_wide:
            return [region]
        planned = list(self.plan.by_service.get(spec.name, ()))
        return [region, *(r for r in planned if r != region)] if region in planned else planned

    def _detail(
        self, spec: ServiceSpec, detail: Detail, item: Item, region: str, out: _Outcome
    ) -> DetailValue | tuple[DetailValue, ...] | _Vanished:
        params = detail.params(item)
        if params is None:
            return None
        if detail.each:
            assert isinstance(params, Sequence)
            results = []
            for one in params:
                value = self._call(spec, detail, one, region, out)
                if isinstance(value, _Vanished):
                    return value
                results.append(value)
            return tuple(results)
        assert isinstance(params, Mapping)
        return self._call(spec, detail, params, region, out)

    def _call(
        self,
        spec: ServiceSpec,
        detail: Detail,
        params: Mapping[str, Any],
        region: str,
        out: _Outcome,
    ) -> DetailValue | _Vanished:
        method_name = xform_name(detail.operation)
        try:
            client = self.clients.get(spec.client, region)
            if detail.paginate and detail.items:
                merged: list[Any] = []
                for page in client.get_paginator(method_name).paginate(**params):
                    merged.extend(page.get(detail.items) or ())
                answer: Mapping[str, Any] = {detail.items: merged}
            else:
                answer = getattr(client, method_name)(**params)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code"))
            if code in detail.not_configured:
                out.calls.append((spec.name, region, None))
                return NOT_CONFIGURED
            if code in detail.vanished:
                out.calls.append((spec.name, region, None))
                return _VANISHED
            return self._failed(spec, detail, exc, region, out)
        except CALL_ERRORS as exc:
            return self._failed(spec, detail, exc, region, out)
        out.calls.append((spec.name, region, None))
        return answer

    def _failed(
        self, spec: ServiceSpec, detail: Detail, exc: Exception, region: str, out: _Outcome
    ) -> Failure:
        failure = _failure(spec, detail.operation, exc)
        # A detail that does not count (e.g. the location of another account's bucket)
        # is reported by its consequence, not as a gap in this account's coverage.
        out.calls.append((spec.name, region, failure if detail.counts else None))
        return Failure(failure.operation, failure.status, failure.code, failure.message)


class _DaemonPool:
    """Worker threads that never hold the process. A ThreadPoolExecutor's threads are
    joined when Python exits, so a call stuck on a silent endpoint kept an interrupted (or
    timed-out) scan alive until its timeouts and retries ran out: minutes. These threads
    are daemons; when the scan stops, the calls still in flight are abandoned."""

    def __init__(self, workers: int) -> None:
        # A job, or None: the stop signal, one per thread.
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._workers = workers
        for number in range(workers):
            threading.Thread(target=self._work, name=f"hdslint-aws-{number}", daemon=True).start()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        self._jobs.put(_Job(future, fn, args))
        return future

    def shutdown(self) -> None:
        """Cancel what has not started; each thread ends after its current call."""
        with contextlib.suppress(queue.Empty):
            while True:
                job = self._jobs.get_nowait()
                if job is not None:
                    job.future.cancel()
        for _ in range(self._workers):
            self._jobs.put(None)

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            if not job.future.set_running_or_notify_cancel():
                continue
            try:
                result = job.fn(*job.args)
            except BaseException as exc:  # handed to the main thread, as the executor does
                job.future.set_exception(exc)
            else:
                job.future.set_result(result)


@dataclass(frozen=True)
class _Job:
    future: Future[Any]
    fn: Callable[..., Any]
    args: tuple[Any, ...]


def _single(
    method: Callable[..., Mapping[str, Any]], params: Mapping[str, Any]
) -> Iterator[Mapping[str, Any]]:
    yield method(**params)


def _failure(spec: ServiceSpec, operation: str, exc: Exception) -> cov.CallFailure:
    status, code, message = cov.classify_exception(exc)
    return cov.CallFailure(f"{spec.client}:{operation}", code, message, status)
