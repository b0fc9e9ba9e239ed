"""Live scans are bounded and never abort on one bucket: an S3 301 without a region header
is followed (botocore's own HeadBucket is allowed by the read-only guard), a call the guard
refuses leaves that item unread instead of aborting, a scan that read nothing exits 2, a
hung service ends at the deadline, and Ctrl-C stops the scan within seconds."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from tests.sources.aws.conftest import ACCOUNT, CallLog, _Raw, hooked_session, seed_account
from tests.sources.aws.test_cli_aws import SERVICES as SERVICE_NAMES
from tests.sources.aws.test_collector import scan, statuses

REDIRECT = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PermanentRedirect</Code>'
    b"<Message>The bucket you are attempting to access must be addressed using the specified"
    b" endpoint.</Message><Bucket>records-paris</Bucket>"
    b"<Endpoint>records-paris.s3.eu-west-3.amazonaws.com</Endpoint></Error>"
)


def redirect_once(session: Any, operation: str) -> list[str]:
    """The first `operation` on records-paris gets S3's 301 without x-amz-bucket-region
    (what S3 answers when the request went to another region's endpoint). Returns the
    answers sent for that operation on that bucket (301, then None: moto's)."""
    sent: list[int | None] = []

    def before_send(request: Any, **_: Any) -> Any:
        _service, op, _region = request.context.get("hdslint_test_call", ("", "", ""))
        if op != operation or "records-paris" not in request.url:
            return None
        if sent:
            sent.append(None)
            return None
        sent.append(301)
        return AWSResponse(request.url, 301, {}, _Raw(REDIRECT))

    session.events.register_first("before-send", before_send)
    return sent


@pytest.mark.usefixtures("aws_env")
def test_an_s3_301_without_a_region_header_is_followed_not_fatal() -> None:
    arn = seed_account()
    log = CallLog([])
    session = hooked_session(log=log)
    sent = redirect_once(session, "GetBucketTagging")
    collection, result = scan(("eu-west-3", "eu-central-1"), session=session, services=("s3",))
    # botocore asked where the bucket is (HeadBucket), then sent the call again, which was
    # answered.
    assert sent == [301, None]
    assert Counter(op for _, op, _ in log.calls)["HeadBucket"] == 1
    assert set(statuses(collection).values()) == {"ok"}
    (bucket,) = [r for r in result.graph if r.id == arn["bucket:eu-west-3"]]
    assert bucket.tags == {"data-classification": "hds"}


@pytest.mark.usefixtures("aws_env")
def test_a_call_the_guard_refuses_leaves_the_item_unread_not_the_scan_aborted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hdslint.sources.aws import collector

    # As before HeadBucket was declared: the guard refuses botocore's own call.
    declared = collector.collector_operations() - {("s3", "HeadBucket")}
    monkeypatch.setattr(collector, "collector_operations", lambda: declared)
    arn = seed_account()
    session = hooked_session()
    redirect_once(session, "GetBucketTagging")
    collection, result = scan(("eu-west-3", "eu-central-1"), session=session, services=("s3",))
    assert {k: v for k, v in statuses(collection).items() if v != "ok"} == {
        ("s3", "eu-west-3"): "error",
    }
    gaps = [f for f in result.findings if f.resource.type == "aws_coverage_gap"]
    assert [(f.policy_id, f.status.value, f.resource.id) for f in gaps] == [
        ("HDS-EVAL-001", "not_evaluated", "aws:coverage:s3:eu-west-3"),
    ]
    assert gaps[0].message == (
        "could not be checked: contents is not known: s3 in eu-west-3 was not fully read:"
        " the API failed: s3:GetBucketTagging failed with ReadOnlyViolation (refused to call"
        " s3:HeadBucket: not a declared read)"
    )
    # The other buckets were read and judged.
    assert [r.id for r in result.graph if r.id == arn["bucket:eu-central-1"]] != []


@pytest.mark.usefixtures("aws_env")
def test_a_live_scan_that_read_nothing_exits_2_whatever_fail_on_says(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from hdslint.commands.aws import AwsOptions, run

    seed_account()
    # The account answers who the caller is and which regions it has, then denies the rest.
    session = hooked_session(
        deny=lambda service, op, region: (
            (service, op) not in {("sts", "GetCallerIdentity"), ("ec2", "DescribeRegions")}
        )
    )
    options = AwsOptions(regions=("eu-west-3",), fail_on="none", formats=("json",))
    assert run(options, session=session) == 2
    document = json.loads(capsys.readouterr().out)
    assert document["errors"] == [
        {
            "file": f"aws:{ACCOUNT}",
            "line": None,
            "message": "nothing was read: no service could be read in any region (15 access"
            " denied; the coverage gaps say why): check the credentials, the role's"
            " permissions and the network",
        }
    ]
    assert document["summary"]["not_evaluated"] == 15


@pytest.mark.usefixtures("aws_env")
def test_a_live_scan_that_read_something_keeps_fail_on(capsys: pytest.CaptureFixture[str]) -> None:
    from hdslint.commands.aws import AwsOptions, run

    seed_account()
    session = hooked_session(deny=lambda service, op, region: service == "dynamodb")
    options = AwsOptions(regions=("eu-west-3",), fail_on="none", formats=("json",))
    assert run(options, session=session) == 0
    assert json.loads(capsys.readouterr().out)["errors"] == []


@pytest.fixture
def silent_endpoint() -> Iterator[tuple[str, threading.Event]]:
    """An endpoint on 127.0.0.1 that accepts connections and never answers (a hung
    service), and an event set when the first request reaches it."""
    server = socket.create_server(("127.0.0.1", 0))
    reached = threading.Event()
    held: list[socket.socket] = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _ = server.accept()
                held.append(conn)
                reached.set()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}", reached
    finally:
        server.close()
        acceptor.join(5)
        for conn in held:
            conn.close()


def start_aws(*args: str, hung: str, cwd: Path) -> subprocess.Popen[str]:
    """`hdslint aws` with every service on the `hung` endpoint, but for the session's own
    calls (who am I, which regions), which moto answers."""
    moto = os.environ["AWS_ENDPOINT_URL"]
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": hung,
        "AWS_ENDPOINT_URL_STS": moto,
        "AWS_ENDPOINT_URL_EC2": moto,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "hdslint", "aws", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.usefixtures("aws_env")
def test_hung_services_end_at_the_deadline_and_are_reported_unread(
    tmp_path: Path, silent_endpoint: tuple[str, threading.Event]
) -> None:
    endpoint, _reached = silent_endpoint
    started = time.monotonic()
    proc = start_aws(
        "-r", "eu-west-3", "--deadline", "3", "-f", "json", hung=endpoint, cwd=tmp_path
    )
    out, err = proc.communicate(timeout=120)
    # The deadline, plus the start (imports, who am I, which regions): never the minutes
    # that silent endpoints' timeouts and retries would cost.
    elapsed = time.monotonic() - started
    assert elapsed < 30
    assert (proc.returncode, err) == (1, "")
    document = json.loads(out)
    gaps = [f for f in document["findings"] if f["resource"]["type"] == "aws_coverage_gap"]
    assert [(f["policy_id"], f["status"], f["message"]) for f in gaps] == [
        (
            "HDS-EVAL-001",
            "not_evaluated",
            f"could not be checked: contents is not known: {service} in eu-west-3 was not fully"
            f" read: the API failed: {service}:* failed with DeadlineExceeded (not read within"
            " the scan's deadline (3 s, --deadline))",
        )
        # EBS is read through the EC2 endpoint, which moto answers here.
        for service in sorted(set(SERVICE_NAMES) - {"ebs"})
    ]
    assert document["errors"] == []  # EBS was read: this scan read something


@pytest.mark.usefixtures("aws_env")
def test_ctrl_c_stops_a_live_scan_within_seconds(
    tmp_path: Path, silent_endpoint: tuple[str, threading.Event]
) -> None:
    endpoint, reached = silent_endpoint
    proc = start_aws("-r", "eu-west-3", "-f", "json", hung=endpoint, cwd=tmp_path)
    try:
        assert reached.wait(60), "the scan never reached a service"
        interrupted = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    # Without daemon workers, the exit waited for the hung call's read timeouts and retries.
    assert time.monotonic() - interrupted < 5
    # (click ends the line the terminal's ^C is on first.)
    assert (proc.returncode, out, err) == (130, "", "\nhdslint: interrupted\n")


@pytest.mark.usefixtures("aws_env")
def test_calls_have_short_timeouts_and_few_attempts(monkeypatch: pytest.MonkeyPatch) -> None:
    from hdslint.sources.aws.session import SessionSettings, client_config, open_session

    monkeypatch.delenv("AWS_MAX_ATTEMPTS")
    config = client_config(open_session(SessionSettings()), SessionSettings())
    assert (config.connect_timeout, config.read_timeout, config.retries) == (
        5,
        20,
        {"mode": "standard", "total_max_attempts": 4},
    )
