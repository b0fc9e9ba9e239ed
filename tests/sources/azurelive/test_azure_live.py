"""`hdslint azure` against a local fake of Azure Resource Manager: exact findings, exit codes,
the read-only guard, the saved inventory re-checked offline."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("azure.mgmt.resourcegraph")
pytest.importorskip("azure.identity")

from azure.core.credentials import AccessToken

from hdslint.cli import main
from tests.sources.azurelive.data import (
    LEGACY,
    PROD,
    RESOURCES,
    SAS_SIGNATURE,
    STAGING,
    SUBSCRIPTIONS,
)
from tests.sources.azurelive.fake_arm import FakeArm

TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.fake-access-token.c2lnbmF0dXJl"


class StaticCredential:
    """An azure-core TokenCredential that hands out one token (what `az login` would)."""

    def __init__(self) -> None:
        self.scopes: list[tuple[str, ...]] = []

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.scopes.append(scopes)
        return AccessToken(TOKEN, int(time.time()) + 3600)


@pytest.fixture
def arm() -> Iterator[FakeArm]:
    fake = FakeArm(
        subscriptions=dict(SUBSCRIPTIONS),
        resources=[dict(r) for r in RESOURCES],
        query_refusals={
            LEGACY: (
                403,
                "AuthorizationFailed",
                f"The client 'a1b2c3d4-0000-4000-8000-000000000001' with object id"
                f" 'a1b2c3d4-0000-4000-8000-000000000001' does not have authorization to"
                f" perform action 'Microsoft.ResourceGraph/resources/read' over scope"
                f" '/subscriptions/{LEGACY}' or the scope is invalid.",
            )
        },
    )
    yield fake
    fake.close()


@pytest.fixture
def credential(monkeypatch: pytest.MonkeyPatch) -> StaticCredential:
    cred = StaticCredential()
    monkeypatch.setattr("hdslint.sources.azure.live.default_credential", lambda: cred)
    return cred


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def findings(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (f["policy_id"], f["status"], f["resource"]["id"].rsplit("/", 1)[-1])
        for f in report["findings"]
    ]


REFUSED = (
    f"subscription {LEGACY} (legacy-lab) was not read: AuthorizationFailed: The client"
    " 'a1b2c3d4-0000-4000-8000-000000000001' with object id"
    " 'a1b2c3d4-0000-4000-8000-000000000001' does not have authorization to perform action"
    " 'Microsoft.ResourceGraph/resources/read' over scope"
    f" '/subscriptions/{LEGACY}' or the scope is invalid."
)
EXPECTED = [
    # East US, and geo-redundant to West US: both outside the EEA.
    ("HDS-FLOW-001", "fail", "analyticsus"),
    ("HDS-LOC-001", "fail", "analyticsus"),
    # Azure's certificate holds under Microsoft's HDS terms: to confirm (info).
    ("HDS-COND-001", "fail", "ehrrecords"),
    ("HDS-COND-001", "fail", "ehrweu"),
    ("HDS-COND-001", "fail", "stgrecords"),
    # The subscription that refuses the query: not evaluated, with Azure's reason.
    ("HDS-EVAL-001", "not_evaluated", f"azure:subscription:{LEGACY}"),
]


def graph_queries(arm: FakeArm) -> list[tuple[list[str], str | None]]:
    return [
        (s.body["subscriptions"], s.body["options"].get("$skipToken"))
        for s in arm.sent
        if s.method == "POST"
    ]


def test_every_readable_subscription_is_read_and_the_refusing_one_is_not_evaluated(
    arm: FakeArm,
    credential: StaticCredential,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(
        capsys,
        "azure",
        "--endpoint",
        arm.url,
        "--save",
        "inv.json",
        "-f",
        "json=out.json",
        "-f",
        "text",
    )
    assert code == 1
    assert err == ""
    report = json.loads((tmp_path / "out.json").read_text())
    assert findings(report) == EXPECTED
    assert report["errors"] == []
    assert report["summary"]["resources"] == 6
    gap = report["findings"][-1]
    assert gap["message"] == f"could not be checked: contents is not known: {REFUSED}"
    assert gap["location"] == {
        "file": None,
        "line": None,
        "api_call": "Microsoft.Resources/subscriptions",
    }
    store = next(f for f in report["findings"] if f["policy_id"] == "HDS-LOC-001")
    assert store["resource"]["source"] == "azure"
    assert store["resource"]["region"] == "eastus"
    # Both pages of the subscriptions, one query over all three (refused), then each alone:
    # the first in two pages ($skipToken), the refusing one refused again.
    assert [(s.method, s.path, s.query.get("$skiptoken")) for s in arm.sent[:2]] == [
        ("GET", "/subscriptions", None),
        ("GET", "/subscriptions", ["2"]),
    ]
    assert graph_queries(arm) == [
        ([PROD, STAGING, LEGACY], None),
        ([PROD], None),
        ([PROD], "2"),
        ([STAGING], None),
        ([LEGACY], None),
    ]
    assert {s.authorization for s in arm.sent} == {f"Bearer {TOKEN}"}
    assert set(credential.scopes) == {(f"{arm.url}/.default",)}
    # The text report ends with the coverage table.
    # The text report ends with the coverage table, which also counts each subscription's
    # findings: the summary does not list the subscriptions a second time.
    assert "By account" not in out
    table = out[out.index("Azure coverage") :].splitlines()
    assert table[:4] == [
        "Azure coverage, by subscription",
        "  subscription                          name         status    resources  failed"
        "  to confirm  not evaluated  reason",
        f"  {PROD}  hds-prod     read      4          2       2           0",
        f"  {STAGING}  hds-staging  read      1          0       1           0",
    ]
    assert table[4] == (
        f"  {LEGACY}  legacy-lab   not read  -          0       0           1              "
        + REFUSED.split(" was not read: ", 1)[1]
    )
    assert table[5].startswith(
        f"2 of 3 subscriptions read through {arm.url}: 5 resources, 7 API calls in "
    )

    # The inventory: a Resource Graph answer of every page, after its provenance.
    inventory = json.loads((tmp_path / "inv.json").read_text())
    assert list(inventory) == [
        "hdslint_export",
        "totalRecords",
        "count",
        "data",
        "facets",
        "resultTruncated",
    ]
    provenance = inventory["hdslint_export"]
    assert provenance["source"] == "azure"
    assert provenance["endpoint"] == arm.url
    assert provenance["subscriptions"][2] == {
        "id": LEGACY,
        "name": "legacy-lab",
        "state": "Enabled",
        "status": "not_read",
        "reason": REFUSED.split(" was not read: ", 1)[1],
    }
    assert [r["name"] for r in inventory["data"]] == [
        "analyticsus",
        "ehr-vnet",
        "ehrrecords",
        "ehrweu",
        "stgrecords",
    ]
    assert inventory["totalRecords"] == inventory["count"] == 5
    # The SAS URL in a tag is redacted before anything keeps it.
    records = next(r for r in inventory["data"] if r["name"] == "ehrrecords")
    assert records["tags"] == {"data-classification": "health", "export-url": "<redacted>"}

    # Re-checked offline: the same findings, the same exit code.
    code, out, err = run(capsys, "scan", "inv.json", "-f", "json")
    assert code == 1
    offline = json.loads(out)
    assert offline["errors"] == []
    # ... in the order of the file (the provenance, with the gap, comes first), each finding
    # pointing into the inventory: a resource at its id, the gap at its subscription.
    assert findings(offline) == [EXPECTED[-1], *EXPECTED[:-1]]
    live = {(f["policy_id"], f["resource"]["id"]): f["message"] for f in report["findings"]}
    lines = (tmp_path / "inv.json").read_text().splitlines()
    for finding in offline["findings"]:
        assert finding["message"] == live[finding["policy_id"], finding["resource"]["id"]]
        assert finding["location"]["file"] == "inv.json"
        named = finding["resource"]["id"].removeprefix("azure:subscription:")
        assert f'"id": "{named}"' in lines[finding["location"]["line"] - 1]
        assert finding["resource"]["source"] == "inventory"

    # No token, no secret anywhere.
    for text in (
        (tmp_path / "inv.json").read_text(),
        (tmp_path / "out.json").read_text(),
        out,
        err,
    ):
        assert TOKEN not in text
        assert SAS_SIGNATURE not in text


def test_named_subscriptions_only_and_one_that_cannot_be_found(
    arm: FakeArm,
    credential: StaticCredential,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    gone = "9a8b7c6d-0000-4000-8000-0000000000aa"
    code, out, _ = run(
        capsys, "azure", "--endpoint", arm.url, "--subscriptions", f"{STAGING},{gone}", "-f", "json"
    )
    assert code == 1
    report = json.loads(out)
    assert findings(report) == [
        ("HDS-COND-001", "fail", "stgrecords"),
        ("HDS-EVAL-001", "not_evaluated", f"azure:subscription:{gone}"),
    ]
    assert report["findings"][-1]["message"] == (
        f"could not be checked: contents is not known: subscription {gone} was not read:"
        f" SubscriptionNotFound: The subscription '{gone}' could not be found."
    )
    # Never the list of every subscription: each named one, then one query.
    assert [(s.method, s.path) for s in arm.sent] == [
        ("GET", f"/subscriptions/{STAGING}"),
        ("GET", f"/subscriptions/{gone}"),
        ("POST", "/providers/Microsoft.ResourceGraph/resources"),
    ]
    assert graph_queries(arm) == [([STAGING], None)]


def test_nothing_read_is_an_error(
    arm: FakeArm,
    credential: StaticCredential,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(
        capsys,
        "azure",
        "--endpoint",
        arm.url,
        "--subscriptions",
        LEGACY,
        "-f",
        "json",
        "--save",
        "inv.json",
    )
    assert code == 2
    report = json.loads(out)
    assert findings(report) == [("HDS-EVAL-001", "not_evaluated", f"azure:subscription:{LEGACY}")]
    assert [e["message"] for e in report["errors"]] == [
        "nothing was read: no subscription could be read (the coverage gaps say why): check"
        " the credential, its Reader role and the network"
    ]
    # The saved inventory holds no resource, and says so again offline.
    code, out, _ = run(capsys, "scan", "inv.json", "-f", "json")
    assert code == 2
    offline = json.loads(out)
    assert findings(offline) == findings(report)
    assert [e["message"] for e in offline["errors"]] == [e["message"] for e in report["errors"]]


def test_the_deadline_bounds_a_silent_service(
    arm: FakeArm,
    credential: StaticCredential,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    arm.query_delay = 3.0
    started = time.monotonic()
    code, out, _ = run(
        capsys,
        "azure",
        "--endpoint",
        arm.url,
        "--subscriptions",
        STAGING,
        "--deadline",
        "1",
        "-f",
        "json",
    )
    assert time.monotonic() - started < 2.5
    assert code == 2
    report = json.loads(out)
    [gap] = report["findings"]
    assert gap["policy_id"] == "HDS-EVAL-001"
    assert gap["message"].startswith(
        f"could not be checked: contents is not known: subscription {STAGING} (hds-staging)"
        " was not read: the request failed: "
    )


def test_the_guard_refuses_anything_but_the_documented_reads(
    arm: FakeArm, credential: StaticCredential
) -> None:
    from azure.core.rest import HttpRequest

    from hdslint.sources.azure.live import (
        AzureScanSettings,
        ReadOnlyViolation,
        _Reader,
        is_read,
    )

    base = arm.url
    assert is_read("GET", f"{base}/subscriptions?api-version=2022-12-01", base)
    assert is_read("GET", f"{base}/subscriptions/{PROD}?api-version=2022-12-01", base)
    assert is_read("post", f"{base}/providers/microsoft.resourcegraph/resources?x=1", base)
    for method, url in [
        ("PUT", f"{base}/subscriptions/{PROD}/resourceGroups/rg-ehr?api-version=2021-04-01"),
        ("DELETE", f"{base}/subscriptions/{PROD}/resourceGroups/rg-ehr"),
        # What ARM's SDKs send to register a resource provider: a POST that writes.
        ("POST", f"{base}/subscriptions/{PROD}/providers/Microsoft.ResourceGraph/register"),
        ("GET", f"{base}/subscriptions/{PROD}/resourceGroups"),
        ("POST", f"{base}/subscriptions"),
        # The documented read, to another host.
        ("POST", "https://management.azure.com/providers/Microsoft.ResourceGraph/resources"),
    ]:
        assert not is_read(method, url, base), (method, url)

    reader = _Reader(AzureScanSettings(endpoint=base), credential, None)
    request = HttpRequest(
        "PUT",
        f"{base}/subscriptions/{PROD}/resourceGroups/rg-new?api-version=2021-04-01",
        json={"location": "francecentral"},
    )
    with pytest.raises(ReadOnlyViolation, match="refused to send PUT /subscriptions/"):
        reader.arm.send_request(request, enforce_https=False)
    reader.close()
    assert arm.sent == []  # nothing left the machine


def test_a_request_the_guard_refuses_leaves_its_subscription_not_evaluated(
    arm: FakeArm,
    credential: StaticCredential,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The query over staging is redirected (307 keeps the POST) to an undeclared path: the
    # SDK follows redirects, the guard refuses to send it, and only that subscription is not
    # read; the others are, and the scan goes on.
    moved = f"/subscriptions/{STAGING}/providers/Microsoft.Resources/resources"
    arm.query_redirects[STAGING] = f"{moved}?api-version=2021-04-01"
    monkeypatch.chdir(tmp_path)
    code, out, err = run(
        capsys,
        "azure",
        "--endpoint",
        arm.url,
        "--subscriptions",
        f"{PROD},{STAGING}",
        "-f",
        "json",
        "--save",
        "inv.json",
    )
    assert (code, err) == (1, "")
    report = json.loads(out)
    assert report["errors"] == []
    assert findings(report) == [
        ("HDS-FLOW-001", "fail", "analyticsus"),
        ("HDS-LOC-001", "fail", "analyticsus"),
        ("HDS-COND-001", "fail", "ehrrecords"),
        ("HDS-COND-001", "fail", "ehrweu"),
        ("HDS-EVAL-001", "not_evaluated", f"azure:subscription:{STAGING}"),
    ]
    assert report["findings"][-1]["message"] == (
        "could not be checked: contents is not known: subscription"
        f" {STAGING} (hds-staging) was not read: hdslint refused to send POST {moved}: not a"
        " declared read (hdslint sends only the reads it documents)"
    )
    # Nothing undeclared left the machine: the query over both, then each alone.
    assert [s.path for s in arm.sent if s.method == "POST"] == [
        "/providers/Microsoft.ResourceGraph/resources"
    ] * 4
    provenance = json.loads((tmp_path / "inv.json").read_text())["hdslint_export"]
    assert provenance["subscriptions"][1]["status"] == "not_read"


def test_a_next_page_the_guard_refuses_leaves_the_listing_incomplete(
    arm: FakeArm,
    credential: StaticCredential,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The listing's next page is on another host: never sent. The subscriptions listed are
    # read and judged; that the rest was not listed is an input error (exit 2).
    arm.next_link = "https://management.example.net/subscriptions?api-version=2022-12-01"
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "azure", "--endpoint", arm.url, "-f", "json")
    assert (code, err) == (2, "")
    report = json.loads(out)
    assert findings(report) == EXPECTED[:-1]
    assert [e["message"] for e in report["errors"]] == [
        "the subscriptions after the first 2 were not listed: hdslint refused to send GET"
        " /subscriptions: not a declared read (hdslint sends only the reads it documents)"
    ]
    assert [(s.method, s.path) for s in arm.sent][:1] == [("GET", "/subscriptions")]
    assert sum(1 for s in arm.sent if s.method == "GET") == 1


def test_a_subscription_not_registered_for_resource_graph_is_not_evaluated(
    arm: FakeArm,
    credential: StaticCredential,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Azure's answer when the subscription has not registered the resource provider: the
    # SDK's registration (a write) is never attempted, the subscription is not read.
    message = (
        "The subscription is not registered to use namespace 'Microsoft.ResourceGraph'."
        " See https://aka.ms/rps-not-found for how to register subscriptions."
    )
    arm.query_refusals[STAGING] = (409, "MissingSubscriptionRegistration", message)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(
        capsys, "azure", "--endpoint", arm.url, "--subscriptions", STAGING, "-f", "json"
    )
    assert (code, err) == (2, "")
    report = json.loads(out)
    assert findings(report) == [("HDS-EVAL-001", "not_evaluated", f"azure:subscription:{STAGING}")]
    assert report["findings"][0]["message"] == (
        f"could not be checked: contents is not known: subscription {STAGING} (hds-staging)"
        f" was not read: MissingSubscriptionRegistration: {message}"
    )
    assert [s.method for s in arm.sent] == ["GET", "POST"]


def test_a_credential_that_cannot_sign_in_is_a_usage_error(
    arm: FakeArm,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from azure.identity import CredentialUnavailableError

    class NoCredential:
        def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
            raise CredentialUnavailableError(
                "DefaultAzureCredential failed to retrieve a token from the included credentials."
            )

    monkeypatch.setattr("hdslint.sources.azure.live.default_credential", NoCredential)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "azure", "--endpoint", arm.url)
    assert (code, out) == (2, "")
    assert err == (
        "hdslint: error: no Azure credential could sign in (run `az login`, or set a service"
        " principal's AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET):"
        " DefaultAzureCredential failed to retrieve a token from the included credentials.\n"
    )
    assert arm.sent == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--subscriptions", "prod"],
            "--subscriptions prod: not a subscription id (a GUID, e.g."
            " 0b1f6471-1bf0-4dda-aec3-111122223333)",
        ),
        (
            ["--endpoint", "http://management.example.com"],
            "--endpoint http://management.example.com: not an Azure Resource Manager endpoint"
            " (https://HOST, e.g. https://management.usgovcloudapi.net)",
        ),
        (
            ["--endpoint", "https://management.azure.com/subscriptions"],
            "--endpoint https://management.azure.com/subscriptions: not an Azure Resource"
            " Manager endpoint (https://HOST, e.g. https://management.usgovcloudapi.net)",
        ),
    ],
)
def test_bad_arguments_are_usage_errors(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "azure", *args) == (2, "", f"hdslint: error: {message}\n")


def test_without_the_extra_it_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(__import__("sys").modules, "azure.mgmt.resourcegraph", None)
    assert run(capsys, "azure") == (
        2,
        "",
        "hdslint: error: hdslint azure needs the Azure SDK, which a plain `pip install"
        " hdslint` leaves out: pip install 'hdslint[azure]'\n",
    )


def test_progress_says_how_many_subscriptions_are_queried() -> None:
    import io

    from hdslint.commands.azure import terminal_progress

    stream = io.StringIO()
    progress = terminal_progress(stream)
    progress(3, 3, 1200)
    assert stream.getvalue().startswith(
        "\rhdslint azure: 3/3 subscriptions queried, 1200 resources ("
    )
    progress.close()
    assert stream.getvalue().endswith("\r")


@pytest.mark.parametrize(
    ("refusal", "message"),
    [
        (
            (401, "InvalidAuthenticationToken", "The access token is invalid."),
            "cannot list the Azure subscriptions at {url}: InvalidAuthenticationToken: The"
            " access token is invalid.",
        ),
        (
            None,
            "the credential can read no Azure subscription: give it the Reader role on the"
            " subscriptions to check (or name them with --subscriptions)",
        ),
    ],
)
def test_no_subscription_to_list_is_an_error(
    arm: FakeArm,
    credential: StaticCredential,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    refusal: tuple[int, str, str] | None,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    arm.list_refusal = refusal
    if refusal is None:
        arm.subscriptions.clear()
    code, out, err = run(capsys, "azure", "--endpoint", arm.url, "--save", "inv.json")
    assert (code, out) == (2, "")
    assert err == f"hdslint: error: {message.format(url=arm.url)}\n"
    assert not (tmp_path / "inv.json").exists()
    assert [(s.method, s.path) for s in arm.sent] == [("GET", "/subscriptions")]
