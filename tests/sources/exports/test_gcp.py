"""Google Cloud exports (Cloud Asset Inventory export, search-all-resources) read offline:
exact findings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hdslint import catalogue
from hdslint.files import FileAccess
from hdslint.ids import Outside, ResourceKey, UnknownDestination
from hdslint.model import EdgeKind
from hdslint.scan import ScanOptions, ScanResult, run_scan
from hdslint.sources import classify_file
from hdslint.sources.exports.gcp import resources_from_cai
from tests.conftest import ROOT

HERE = ROOT / "tests" / "sources" / "exports" / "gcp"
SQL = "//cloudsql.googleapis.com/projects/ehr-prod/instances"


def scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *names: str) -> ScanResult:
    for name in names:
        shutil.copy(HERE / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return run_scan(ScanOptions(paths=list(names), env={}))


def findings(result: ScanResult) -> list[tuple[str, str, str, int | None]]:
    return [
        (f.policy_id, f.status.value, f.resource.id.rsplit("/", 1)[-1], f.location.line)
        for f in result.findings
    ]


def test_both_exports_are_recognised_by_their_content(tmp_path: Path) -> None:
    assert classify_file(FileAccess(), HERE / "cai-export.json") == "cloud-export"
    assert classify_file(FileAccess(), HERE / "search-all-resources.json") == "cloud-export"
    # Newline-delimited JSON under its usual suffixes too; other such files are not read.
    shutil.copy(HERE / "cai-export.json", tmp_path / "assets.jsonl")
    (tmp_path / "events.ndjson").write_text('{"event": 1}\n{"event": 2}\n')
    assert classify_file(FileAccess(), tmp_path / "assets.jsonl") == "cloud-export"
    assert classify_file(FileAccess(), tmp_path / "events.ndjson") is None


def test_cloud_asset_inventory_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = scan(tmp_path, monkeypatch, "cai-export.json")
    assert result.errors == []
    assert findings(result) == [
        ("HDS-COND-001", "fail", "ehr-records-paris", 2),
        # The EU multi-region and a dual-region of two EU regions are in the EEA.
        ("HDS-COND-001", "fail", "ehr-archive-eu", 3),
        ("HDS-COND-001", "fail", "ehr-dr-dual", 4),
        # NAM4 (Iowa and South Carolina) and the US multi-region are not.
        ("HDS-LOC-001", "fail", "ehr-exports-nam4", 5),
        ("HDS-LOC-001", "fail", "ehr-analytics-us", 6),
        # A primary in Paris with a read replica in Iowa.
        ("HDS-COND-001", "fail", "ehr-db", 7),
        ("HDS-FLOW-001", "fail", "ehr-db", 7),
        ("HDS-LOC-001", "fail", "ehr-db-replica-iowa", 8),
        ("HDS-COND-001", "fail", "ehr_analytics", 9),
        ("HDS-COND-001", "fail", "ehr-app-data", 10),
    ]
    flow = next(f for f in result.findings if f.policy_id == "HDS-FLOW-001")
    assert flow.message == (
        f"is replicated to {SQL}/ehr-db-replica-iowa: us-central1 (United States) is outside"
        " the EEA"
    )
    outside = {
        (e.source.id.rsplit("/", 1)[-1], e.kind, e.target)
        for e in result.graph.edges
        if isinstance(e.target, Outside)
    }
    assert outside == {
        ("ehr-dr-dual", EdgeKind.REPLICATES_TO, Outside("gcp", "europe-west1")),
        ("ehr-dr-dual", EdgeKind.REPLICATES_TO, Outside("gcp", "europe-west4")),
        ("ehr-db", EdgeKind.BACKS_UP_TO, Outside("gcp", "eu")),
    }
    # The primary names its replica and the replica its primary: one flow.
    inside = [
        (e.source.id, e.kind, e.target)
        for e in result.graph.edges
        if isinstance(e.target, ResourceKey)
    ]
    assert inside == [
        (f"{SQL}/ehr-db-replica-iowa", EdgeKind.READS_FROM, ResourceKey("", f"{SQL}/ehr-db"))
    ]


def test_what_the_export_says_of_each_asset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = scan(tmp_path, monkeypatch, "cai-export.json")
    by_name = {r.id.rsplit("/", 1)[-1]: r for r in result.graph}
    bucket = by_name["ehr-records-paris"]
    assert (bucket.type, bucket.service, bucket.category, bucket.region, bucket.source) == (
        "storage.googleapis.com/Bucket",
        "gcp:storage",
        "storage",
        "europe-west9",
        "inventory",
    )
    assert bucket.account == "projects/418305112233"
    assert dict(bucket.tags) == {"data-classification": "health"}
    assert {r.account for r in result.graph} == {"projects/418305112233"}
    assert [by_name[n].region for n in ("ehr-archive-eu", "ehr-exports-nam4", "ehr-app-data")] == [
        "eu",
        "nam4",
        "europe-west9",
    ]
    # Resources that hold no data: known types, and a type the catalogue does not list.
    held = {name: (r.category, r.is_data_store) for name, r in by_name.items()}
    assert held["ehr-vpc"] == ("network", False)
    assert held["104599230118852231977"] == ("identity", False)
    assert held["418305112233"] == ("other", False)
    assert held["ehr-portal"] == ("other", False)
    assert by_name["ehr-portal"].service is None
    assert by_name["ehr-vpc"].region is None
    assert by_name["ehr-vpc"].unknown == {
        "region": "its location is global: Google Cloud chooses where it is"
    }


def test_search_results_carry_no_configuration_so_their_flows_are_unknown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = scan(tmp_path, monkeypatch, "search-all-resources.json")
    assert result.errors == []
    assert findings(result) == [
        ("HDS-COND-001", "fail", "lab-results-fr", 13),
        # Each unknown flow reported once (HDS-FLOW-002 does not repeat HDS-FLOW-001).
        ("HDS-FLOW-001", "not_evaluated", "lab-results-fr", 13),
        ("HDS-FLOW-001", "not_evaluated", "lab-db", 33),
        ("HDS-LOC-001", "fail", "lab-db", 33),
        ("HDS-COND-001", "fail", "lab-cache", 49),
        # Spanner's eur3 multi-region configuration (Belgium and the Netherlands).
        ("HDS-COND-001", "fail", "lab-spanner", 65),
    ]
    flow = next(f for f in result.findings if f.policy_id == "HDS-FLOW-001")
    assert "gcloud asset search-all-resources does not carry the resource's configuration" in (
        flow.message
    )
    by_name = {r.id.rsplit("/", 1)[-1]: r for r in result.graph}
    assert by_name["lab-db"].account == "projects/730019284455"
    assert by_name["lab-spanner"].region == "eur3"
    assert by_name["lab-ingest"].category == "other"


def assets(*items: dict[str, object]) -> list[dict[str, object]]:
    return [
        {
            "name": name,
            "asset_type": kind,
            "resource": {"data": data, "location": location},
            "ancestors": ["projects/1"],
        }
        for name, kind, data, location in (
            (i["name"], i["type"], i.get("data", {}), i.get("location")) for i in items
        )
    ]


def test_regions_from_fields_names_and_parents() -> None:
    result = resources_from_cai(
        assets(
            {
                "name": "//spanner.googleapis.com/projects/p/instances/i",
                "type": "spanner.googleapis.com/Instance",
                "data": {"config": "projects/p/instanceConfigs/regional-europe-west9"},
            },
            # No location of its own: its instance's.
            {
                "name": "//spanner.googleapis.com/projects/p/instances/i/databases/d",
                "type": "spanner.googleapis.com/Database",
            },
            # The location in its name.
            {
                "name": "//file.googleapis.com/projects/p/locations/europe-west1-b/instances/f",
                "type": "file.googleapis.com/Instance",
            },
            {
                "name": "//bigtableadmin.googleapis.com/projects/p/instances/b/clusters/c",
                "type": "bigtableadmin.googleapis.com/Cluster",
                "data": {"location": "projects/p/locations/europe-west4-a"},
            },
        )
    )
    assert [(r.id.rsplit("/", 1)[-1], r.region) for r in result.resources] == [
        ("i", "europe-west9"),
        ("d", "europe-west9"),
        ("f", "europe-west1"),
        ("c", "europe-west4"),
    ]
    assert result.resources[0].location.api_call == "cloudasset.googleapis.com"


def test_a_replica_outside_the_export_is_unknown_and_references_resolve() -> None:
    result = resources_from_cai(
        assets(
            {
                "name": "//cloudsql.googleapis.com/projects/p/instances/main",
                "type": "sqladmin.googleapis.com/Instance",
                "data": {"region": "europe-west9", "replicaNames": ["elsewhere"]},
            },
            {
                "name": "//compute.googleapis.com/projects/p/global/snapshots/s",
                "type": "compute.googleapis.com/Snapshot",
                "data": {"storageLocations": ["eu"]},
            },
            {
                "name": "//compute.googleapis.com/projects/p/zones/europe-west9-a/disks/d",
                "type": "compute.googleapis.com/Disk",
                "data": {
                    "sourceSnapshot": "https://www.googleapis.com/compute/v1/projects/p/global/snapshots/s"
                },
            },
            {
                "name": "//pubsub.googleapis.com/projects/p/subscriptions/sub",
                "type": "pubsub.googleapis.com/Subscription",
                "data": {"cloudStorageConfig": {"bucket": "drop"}},
            },
            {"name": "//storage.googleapis.com/drop", "type": "storage.googleapis.com/Bucket"},
        )
    )
    assert [(e.source.id.rsplit("/", 1)[-1], e.kind, e.target) for e in result.edges] == [
        (
            "main",
            EdgeKind.REPLICATES_TO,
            UnknownDestination("elsewhere is not in the export: its region is not known"),
        ),
        (
            "s",
            EdgeKind.COPIES_TO,
            ResourceKey("", "//compute.googleapis.com/projects/p/zones/europe-west9-a/disks/d"),
        ),
        ("sub", EdgeKind.COPIES_TO, ResourceKey("", "//storage.googleapis.com/drop")),
    ]
    bucket = result.resources[-1]
    assert (bucket.region, bucket.unknown) == (
        None,
        {"region": "the export gives no location for it (nor for its parent)"},
    )


def test_every_terraform_equivalent_is_in_the_terraform_catalogue() -> None:
    table = catalogue.load("exports")["cai_types"]
    for asset_type, entry in table.items():
        if "terraform" in entry:
            info = catalogue.type_info("terraform", entry["terraform"], "gcp")
            assert info.known, asset_type


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"name": "//storage.googleapis.com/a", "asset_type": "storage.googleapis.com/Bucket",'
            ' "resource": {"data": {}}}\n{"name": "//x"\n',
            "bad.json:2: not valid JSON: Expecting ',' delimiter",
        ),
        (
            '{"name": "//storage.googleapis.com/a", "asset_type": "storage.googleapis.com/Bucket",'
            ' "resource": {"data": {"location": "EU"}}}\n{"asset_type": "x"}\n',
            "bad.json:2: line 2 is not a Cloud Asset Inventory asset (a full resource name and an"
            " asset type)",
        ),
    ],
)
def test_bad_exports_are_input_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    (tmp_path / "bad.json").write_text(text)
    monkeypatch.chdir(tmp_path)
    result = run_scan(ScanOptions(paths=["bad.json"], env={}))
    assert [str(e) for e in result.errors] == [message]


def test_a_page_of_a_larger_answer_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = {
        "results": json.loads((HERE / "search-all-resources.json").read_text())[:2],
        "nextPageToken": "CkQKQg",
    }
    (tmp_path / "page.json").write_text(json.dumps(doc, indent=2))
    monkeypatch.chdir(tmp_path)
    result = run_scan(ScanOptions(paths=["page.json"], env={}))
    assert [str(e) for e in result.errors] == [
        "page.json: the export holds 2 assets and names a further page (nextPageToken): the"
        " others were not checked"
    ]
