"""`hdslint gcp` against a local fake of the Cloud Asset API: exact findings, exit codes, the
read-only guard, the saved inventory re-checked offline."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("google.cloud.asset_v1")

from google.oauth2.credentials import Credentials

from hdslint.cli import main
from tests.sources.gcplive.data import ORG, PROD_ASSETS, SECRET, STAGING_ASSETS
from tests.sources.gcplive.fake_asset import FakeAsset


@pytest.fixture
def cai() -> Iterator[FakeAsset]:
    fake = FakeAsset(
        scopes={
            "projects/ehr-prod": PROD_ASSETS,
            "projects/hds-staging": STAGING_ASSETS,
            ORG: [*PROD_ASSETS, *STAGING_ASSETS],
        },
        refusals={
            "projects/legacy-lab": (
                403,
                "PERMISSION_DENIED",
                "Permission 'cloudasset.assets.listResource' denied on resource"
                " 'projects/legacy-lab' (or it may not exist).",
            )
        },
    )
    yield fake
    fake.close()


TOKEN = "ya29.a0AfB_fake-access-token-for-tests-0123456789"


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> Credentials:
    """An access token, as Application Default Credentials would hand one out."""
    creds = Credentials(token=TOKEN)
    monkeypatch.setattr("hdslint.sources.gcp.live.default_credentials", lambda: creds)
    return creds


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
    "projects/legacy-lab was not read: PERMISSION_DENIED: Permission"
    " 'cloudasset.assets.listResource' denied on resource 'projects/legacy-lab' (or it may not"
    " exist)."
)
SQL = "//cloudsql.googleapis.com/projects/ehr-prod/instances"
EXPECTED = [
    # Google's certificate holds with data-residency controls: to confirm (info).
    ("HDS-COND-001", "fail", f"{SQL}/ehr-db"),
    # Its read replica is in Iowa.
    ("HDS-FLOW-001", "fail", f"{SQL}/ehr-db"),
    ("HDS-LOC-001", "fail", f"{SQL}/ehr-db-replica-us"),
    # The US multi-region.
    ("HDS-LOC-001", "fail", "//storage.googleapis.com/ehr-analytics-us"),
    ("HDS-COND-001", "fail", "//storage.googleapis.com/ehr-records-paris"),
    ("HDS-COND-001", "fail", "//storage.googleapis.com/staging-exports-eu"),
]
GAP = ("HDS-EVAL-001", "not_evaluated", "gcp:scope:projects/legacy-lab")


def full(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(f["policy_id"], f["status"], f["resource"]["id"]) for f in report["findings"]]


def test_each_project_is_read_and_the_refusing_one_is_not_evaluated(
    cai: FakeAsset,
    credentials: Credentials,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(
        capsys,
        "gcp",
        "--endpoint",
        cai.url,
        "--project",
        "ehr-prod,hds-staging",
        "--project",
        "legacy-lab",
        "--save",
        "inv.json",
        "-f",
        "json=out.json",
        "-f",
        "text",
    )
    assert (code, err) == (1, "")
    report = json.loads((tmp_path / "out.json").read_text())
    assert full(report) == [*EXPECTED, GAP]
    assert report["errors"] == []
    # 6 assets of ehr-prod (its project and network hold no data), 1 of hds-staging, the gap.
    assert report["summary"]["resources"] == 8
    assert report["findings"][-1]["message"] == (
        f"could not be checked: contents is not known: {REFUSED}"
    )
    flow = report["findings"][1]
    assert flow["message"].endswith(
        f"is replicated to {SQL}/ehr-db-replica-us: us-central1 (United States) is outside the EEA"
    )
    assert flow["location"] == {
        "file": None,
        "line": None,
        "api_call": "cloudasset.assets.listResource",
    }
    assert flow["resource"]["source"] == "gcp"
    # ListAssets only: ehr-prod in three pages, each scope on its own.
    assert [(s.method, s.path, s.query.get("pageToken")) for s in cai.sent] == [
        ("GET", "/v1/projects/ehr-prod/assets", None),
        ("GET", "/v1/projects/ehr-prod/assets", ["2"]),
        ("GET", "/v1/projects/ehr-prod/assets", ["4"]),
        ("GET", "/v1/projects/hds-staging/assets", None),
        ("GET", "/v1/projects/legacy-lab/assets", None),
    ]
    assert {s.authorization for s in cai.sent} == {f"Bearer {TOKEN}"}
    # The text report ends with the coverage table, by scope and by the project its assets
    # are in, with each project's findings: the summary does not list the projects again.
    assert "By account" not in out
    table = out[out.index("Google Cloud coverage") :].splitlines()
    assert table == [
        "Google Cloud coverage, by scope and project",
        "  scope                 project                status    resources  failed  to confirm"
        "  not evaluated  reason",
        "  projects/ehr-prod     projects/418305112233  read      6          3       2           0",
        "  projects/hds-staging  projects/527416223344  read      1          0       1           0",
        "  projects/legacy-lab   -                      not read  -          0       0"
        "           1              " + REFUSED.split(" was not read: ", 1)[1],
        table[5],
    ]
    assert table[5].startswith(f"2 of 3 scopes read through {cai.url}: 7 assets, 5 API calls in ")

    # The inventory: the assets as `gcloud asset export` writes them, after the provenance.
    inventory = json.loads((tmp_path / "inv.json").read_text())
    assert list(inventory) == ["hdslint_export", "readTime", "assets"]
    provenance = inventory["hdslint_export"]
    assert (provenance["source"], provenance["endpoint"]) == ("gcp", cai.url)
    assert provenance["scopes"] == [
        {"id": "projects/ehr-prod", "status": "read", "assets": 6},
        {"id": "projects/hds-staging", "status": "read", "assets": 1},
        {
            "id": "projects/legacy-lab",
            "status": "not_read",
            "reason": REFUSED.split(" was not read: ", 1)[1],
        },
    ]
    bucket = inventory["assets"][1]
    assert (bucket["name"], bucket["asset_type"], bucket["resource"]["location"]) == (
        "//storage.googleapis.com/ehr-records-paris",
        "storage.googleapis.com/Bucket",
        "europe-west9",
    )
    assert bucket["resource"]["data"]["labels"] == {
        "data-classification": "health",
        "db-password": "<redacted>",
    }

    # Re-checked offline: the same findings and messages, pointing into the file.
    code, out, _ = run(capsys, "scan", "inv.json", "-f", "json")
    assert code == 1
    offline = json.loads(out)
    assert offline["errors"] == []
    assert sorted(full(offline)) == sorted([*EXPECTED, GAP])
    live = {(f["policy_id"], f["resource"]["id"]): f["message"] for f in report["findings"]}
    lines = (tmp_path / "inv.json").read_text().splitlines()
    for finding in offline["findings"]:
        assert finding["message"] == live[finding["policy_id"], finding["resource"]["id"]]
        assert finding["resource"]["source"] == "inventory"
        assert finding["location"]["file"] == "inv.json"
        rid = finding["resource"]["id"]
        key = (
            f'"id": "{rid.removeprefix("gcp:scope:")}"'
            if rid.startswith("gcp:")
            else (f'"name": "{rid}"')
        )
        assert key in lines[finding["location"]["line"] - 1]

    for text in ((tmp_path / "inv.json").read_text(), (tmp_path / "out.json").read_text(), out):
        assert TOKEN not in text
        assert SECRET not in text


def test_an_organization_is_one_scope(
    cai: FakeAsset,
    credentials: Credentials,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(
        capsys, "gcp", "--endpoint", cai.url, "--organization", "60781234567", "-f", "json"
    )
    assert code == 1
    assert full(json.loads(out)) == EXPECTED
    assert {s.path for s in cai.sent} == {f"/v1/{ORG}/assets"}
    assert len(cai.sent) == 4  # 7 assets, 2 a page


def test_nothing_read_is_an_error(
    cai: FakeAsset,
    credentials: Credentials,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(
        capsys,
        "gcp",
        "--endpoint",
        cai.url,
        "--folder",
        "folders/123",
        "-f",
        "json",
        "--save",
        "inv.json",
    )
    assert code == 2
    report = json.loads(out)
    assert full(report) == [("HDS-EVAL-001", "not_evaluated", "gcp:scope:folders/123")]
    assert report["findings"][0]["message"] == (
        "could not be checked: contents is not known: folders/123 was not read:"
        " PERMISSION_DENIED: folders/123 is not known"
    )
    assert [e["message"] for e in report["errors"]] == [
        "nothing was read: no scope could be read (the coverage gaps say why): check the"
        " credentials, their Cloud Asset Viewer role and the network"
    ]
    code, out, _ = run(capsys, "scan", "inv.json", "-f", "json")
    assert code == 2
    offline = json.loads(out)
    assert full(offline) == full(report)
    assert [e["message"] for e in offline["errors"]] == [e["message"] for e in report["errors"]]


def test_the_deadline_bounds_a_silent_service(
    cai: FakeAsset,
    credentials: Credentials,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    cai.delay = 3.0
    started = time.monotonic()
    code, out, _ = run(
        capsys,
        "gcp",
        "--endpoint",
        cai.url,
        "--project",
        "hds-staging",
        "--deadline",
        "1",
        "-f",
        "json",
    )
    assert time.monotonic() - started < 2.5
    assert code == 2
    [gap] = json.loads(out)["findings"]
    assert gap["message"].startswith(
        "could not be checked: contents is not known: projects/hds-staging was not read:"
    )


def test_the_guard_refuses_anything_but_list_assets(
    cai: FakeAsset, credentials: Credentials
) -> None:
    from hdslint.sources.gcp.live import GcpScanSettings, ReadOnlyViolation, _Reader, is_read

    base = cai.url
    assert is_read("GET", f"{base}/v1/projects/ehr-prod/assets?contentType=1", base)
    assert is_read("get", f"{base}/v1/organizations/60781234567/assets", base)
    for method, url in [
        # ExportAssets and feeds: writes (an export writes to a bucket).
        ("POST", f"{base}/v1/projects/ehr-prod:exportAssets"),
        ("POST", f"{base}/v1/projects/ehr-prod/feeds"),
        ("DELETE", f"{base}/v1/projects/ehr-prod/feeds/all"),
        ("POST", f"{base}/v1/projects/ehr-prod/assets"),
        ("GET", f"{base}/v1/projects/ehr-prod/feeds"),
        # ListAssets, to another host.
        ("GET", "https://cloudasset.googleapis.com/v1/projects/ehr-prod/assets"),
    ]:
        assert not is_read(method, url, base), (method, url)

    reader = _Reader(GcpScanSettings(scopes=("projects/ehr-prod",), endpoint=base), credentials)
    with pytest.raises(
        ReadOnlyViolation, match=r"refused to send POST /v1/projects/ehr-prod:exportAssets"
    ):
        reader.session.post(f"{base}/v1/projects/ehr-prod:exportAssets", json={})
    # Through the client too: its export is a POST the guard stops.
    from google.cloud.asset_v1 import ExportAssetsRequest, GcsDestination, OutputConfig

    with pytest.raises(ReadOnlyViolation):
        reader.client.export_assets(
            request=ExportAssetsRequest(
                parent="projects/ehr-prod",
                output_config=OutputConfig(gcs_destination=GcsDestination(uri="gs://x/y")),
            )
        )
    reader.close()
    assert cai.sent == []


def test_a_request_the_guard_refuses_leaves_its_scope_not_evaluated(
    cai: FakeAsset,
    credentials: Credentials,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # ListAssets of hds-staging is redirected to ExportAssets' path: the HTTP session follows
    # redirects, the guard refuses to send it, and only that scope is not read.
    cai.redirects["projects/hds-staging"] = "/v1/projects/hds-staging:exportAssets"
    monkeypatch.chdir(tmp_path)
    code, out, err = run(
        capsys,
        "gcp",
        "--endpoint",
        cai.url,
        "--project",
        "ehr-prod,hds-staging",
        "-f",
        "json",
        "--save",
        "inv.json",
    )
    assert (code, err) == (1, "")
    report = json.loads(out)
    assert report["errors"] == []
    assert full(report) == [
        *EXPECTED[:-1],
        ("HDS-EVAL-001", "not_evaluated", "gcp:scope:projects/hds-staging"),
    ]
    assert report["findings"][-1]["message"] == (
        "could not be checked: contents is not known: projects/hds-staging was not read:"
        " hdslint refused to send GET /v1/projects/hds-staging:exportAssets: not a declared"
        " read (hdslint sends only the reads it documents)"
    )
    # Nothing undeclared left the machine.
    assert {s.path for s in cai.sent} == {
        "/v1/projects/ehr-prod/assets",
        "/v1/projects/hds-staging/assets",
    }
    provenance = json.loads((tmp_path / "inv.json").read_text())["hdslint_export"]
    assert provenance["scopes"][1]["status"] == "not_read"


def test_credentials_that_cannot_be_found_are_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from google.auth.exceptions import DefaultCredentialsError

    def nothing(**kwargs: Any) -> Any:
        raise DefaultCredentialsError(
            "Your default credentials were not found. To set up Application Default"
            " Credentials, see https://cloud.google.com/docs/authentication/external/set-up-adc"
            " for more information."
        )

    monkeypatch.setattr("google.auth.default", nothing)
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "gcp", "--project", "ehr-prod") == (
        2,
        "",
        "hdslint: error: no Google Cloud credentials (run `gcloud auth application-default"
        " login`, or set GOOGLE_APPLICATION_CREDENTIALS): Your default credentials were not"
        " found. To set up Application Default Credentials, see"
        " https://cloud.google.com/docs/authentication/external/set-up-adc for more"
        " information.\n",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [],
            "name what to read: --organization ID, --folder ID or --project ID (repeatable)",
        ),
        (["--project", "Ehr_Prod"], "--project Ehr_Prod: not a project id (e.g. ehr-prod)"),
        (
            ["--organization", "acme.example"],
            "--organization acme.example: not an organization number (e.g. 123456789012)",
        ),
        (
            ["--project", "ehr-prod", "--endpoint", "http://cloudasset.example.com"],
            "--endpoint http://cloudasset.example.com: not a Cloud Asset API endpoint"
            " (https://HOST, e.g. https://cloudasset.googleapis.com)",
        ),
    ],
)
def test_bad_arguments_are_usage_errors(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "gcp", *args) == (2, "", f"hdslint: error: {message}\n")


def test_without_the_extra_it_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(__import__("sys").modules, "google.cloud.asset_v1", None)
    assert run(capsys, "gcp", "--project", "ehr-prod") == (
        2,
        "",
        "hdslint: error: hdslint gcp needs the Cloud Asset client, which a plain `pip install"
        " hdslint` leaves out: pip install 'hdslint[gcp]'\n",
    )
