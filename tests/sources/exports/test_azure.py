"""Azure exports (Resource Graph, az resource list) read offline: exact findings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hdslint.files import FileAccess
from hdslint.ids import Outside, ResourceKey, UnknownDestination
from hdslint.model import EdgeKind
from hdslint.scan import ScanOptions, ScanResult, run_scan
from hdslint.sources import classify_file
from hdslint.sources.exports.azure import resources_from_arm
from tests.conftest import ROOT

HERE = ROOT / "tests" / "sources" / "exports" / "azure"
SUB = "/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/rg-ehr/providers"
LIST_SUB = "/subscriptions/5f0b6d2e-8c1a-4b7e-9d3f-444455556666/resourceGroups/RG-PATIENTS"


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


def test_both_exports_are_recognised_by_their_content() -> None:
    assert classify_file(FileAccess(), HERE / "resource-graph.json") == "cloud-export"
    assert classify_file(FileAccess(), HERE / "resource-list.json") == "cloud-export"


@pytest.mark.parametrize(
    "text",
    [
        # One resource (az resource show), not a listing.
        '{"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/a", "type": "x"}',
        # An ARM template that spells an id.
        '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/'
        'deploymentTemplate.json#", "resources": [{"id": "/subscriptions/s/resourceGroups/'
        'g/providers/Microsoft.Web/sites/a"}], "data": 1}',
    ],
)
def test_documents_that_only_name_an_azure_resource_are_not_exports(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / "x.json"
    path.write_text(text)
    assert classify_file(FileAccess(), path) is None


def test_resource_graph_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = scan(tmp_path, monkeypatch, "resource-graph.json")
    assert result.errors == []
    assert findings(result) == [
        ("HDS-COND-001", "fail", "ehrrecords", 6),
        ("HDS-COND-001", "fail", "ehrarchive", 36),
        # Stored outside the EEA.
        ("HDS-LOC-001", "fail", "analyticsus", 60),
        # A Cosmos DB location outside the EEA.
        ("HDS-COND-001", "fail", "ehr-cosmos", 83),
        ("HDS-FLOW-001", "fail", "ehr-cosmos", 83),
        ("HDS-COND-001", "fail", "ehr-sql", 125),
        # In a failover group whose partner server is in West US.
        ("HDS-COND-001", "fail", "records", 147),
        ("HDS-FLOW-001", "fail", "records", 147),
        ("HDS-COND-001", "fail", "ehr-vault", 210),
    ]
    flow = {f.resource.id.rsplit("/", 1)[-1]: f.message for f in result.findings}
    assert flow["records"].endswith(
        "replicates to a destination in westus: westus (United States) is outside the EEA"
    )
    edges = {
        (e.source.id.rsplit("/", 1)[-1], e.kind, e.target)
        for e in result.graph.edges
        if isinstance(e.target, Outside)
    }
    assert edges == {
        # GRS and RA-GRS: the paired region.
        ("ehrrecords", EdgeKind.REPLICATES_TO, Outside("azure", "francesouth")),
        ("ehrarchive", EdgeKind.REPLICATES_TO, Outside("azure", "northeurope")),
        ("ehr-cosmos", EdgeKind.REPLICATES_TO, Outside("azure", "francecentral")),
        ("ehr-cosmos", EdgeKind.REPLICATES_TO, Outside("azure", "eastus")),
        ("records", EdgeKind.REPLICATES_TO, Outside("azure", "westus")),
        # A geo-redundant Recovery Services vault.
        ("ehr-vault", EdgeKind.BACKS_UP_TO, Outside("azure", "francesouth")),
    }


def test_what_the_export_says_of_each_resource(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = scan(tmp_path, monkeypatch, "resource-graph.json")
    by_name = {r.id.rsplit("/", 1)[-1]: r for r in result.graph}
    store = by_name["ehrrecords"]
    assert (store.type, store.service, store.category, store.region, store.source) == (
        "Microsoft.Storage/storageAccounts",
        "azure:storage",
        "storage",
        "francecentral",
        "inventory",
    )
    assert store.account == "0b1f6471-1bf0-4dda-aec3-111122223333"
    assert dict(store.tags) == {"data-classification": "health"}
    # Display names are region ids; types unknown to the catalogue are kept, holding no data.
    assert by_name["ehr-cosmos"].region == "francecentral"
    vnet = by_name["ehr-vnet"]
    assert (vnet.type, vnet.category, vnet.service) == (
        "microsoft.network/virtualnetworks",
        "other",
        None,
    )
    assert by_name["ehr-kv"].presumed_health_data is False
    assert result.health[by_name["ehr-kv"].key] is False


def test_az_resource_list_has_no_properties_so_their_flows_are_unknown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = scan(tmp_path, monkeypatch, "resource-list.json")
    assert result.errors == []
    assert findings(result) == [
        ("HDS-CERT-001", "not_evaluated", "patientdocs", 6),
        # RA-GZRS in Germany West Central replicates to Germany North.
        ("HDS-FLOW-002", "not_evaluated", "patientdocs", 6),
        ("HDS-LOC-001", "fail", "patientexports", 27),
        ("HDS-COND-001", "fail", "patients-cosmos", 48),
        ("HDS-FLOW-001", "not_evaluated", "patients-cosmos", 48),
        ("HDS-COND-001", "fail", "patients-vault", 66),
        ("HDS-FLOW-001", "not_evaluated", "patients-vault", 66),
        # A virtual machine's disks hold data.
        ("HDS-COND-001", "fail", "patients-app-vm", 87),
    ]
    vault = next(
        f for f in result.findings if f.policy_id == "HDS-FLOW-001" and "vault" in f.resource.id
    )
    assert vault.message == (
        "could not be checked: is backed up to a destination that is not known: the export"
        " does not carry the resource's properties (az resource list has none; export with az"
        " graph query)"
    )
    assert vault.causes == (
        (
            "is backed up to a destination that is not known",
            "whether body.properties.redundancySettings.standardTierStorageRedundancy keeps a"
            " geo-redundant copy is not known",
            "the export does not carry the resource's properties (az resource list has none;"
            " export with az graph query)",
        ),
    )
    by_name = {r.id.rsplit("/", 1)[-1]: r for r in result.graph}
    assert by_name["patients-portal"].type == "Microsoft.Web/sites"
    assert by_name["patients-portal"].category == "other"
    assert by_name["patientdocs"].account == "5f0b6d2e-8c1a-4b7e-9d3f-444455556666"


def test_a_page_of_a_larger_answer_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = json.loads((HERE / "resource-graph.json").read_text())
    doc.update(count=10, total_records=1412, skip_token="ew0KICAiJGlkIjogIjEiLA0K")
    (tmp_path / "page.json").write_text(json.dumps(doc, indent=2))
    monkeypatch.chdir(tmp_path)
    result = run_scan(ScanOptions(paths=["page.json"], env={}))
    assert [str(e) for e in result.errors] == [
        "page.json: the export holds 10 of 1412 resources: the others are on further pages and"
        " were not checked (export every page: az graph query --first 1000 --skip-token ...)"
    ]
    # What the page holds is still checked.
    assert ("HDS-LOC-001", "fail", "analyticsus", 60) in findings(result)


def test_a_table_answer_reads_like_objects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rid = f"{SUB}/Microsoft.Storage/storageAccounts/usbackup"
    doc = {
        "totalRecords": 1,
        "count": 1,
        "data": {
            "columns": [
                {"name": "id", "type": "string"},
                {"name": "type", "type": "string"},
                {"name": "location", "type": "string"},
                {"name": "sku", "type": "object"},
            ],
            "rows": [
                [rid, "microsoft.storage/storageaccounts", "westus2", {"name": "Standard_LRS"}]
            ],
        },
        "facets": [],
        "resultTruncated": "false",
    }
    (tmp_path / "table.json").write_text(json.dumps(doc))
    monkeypatch.chdir(tmp_path)
    result = run_scan(ScanOptions(paths=["table.json"], env={}))
    assert result.errors == []
    # Rows have no `"id": ...` to point at: the file is named, without a line.
    assert findings(result) == [("HDS-LOC-001", "fail", "usbackup", None)]


def test_ids_are_compared_case_insensitively() -> None:
    server = f"{SUB}/Microsoft.Sql/servers/ehr-sql"
    items = [
        {"id": server, "type": "Microsoft.Sql/servers", "location": "francecentral"},
        {"id": server.upper(), "type": "MICROSOFT.SQL/SERVERS", "location": "eastus"},
        {
            "id": f"{server}/databases/copy",
            "type": "microsoft.sql/servers/databases",
            "properties": {"sourceDatabaseId": f"{server.lower()}/databases/records"},
        },
        {
            "id": f"{server}/databases/records",
            "type": "microsoft.sql/servers/databases",
            "location": "francecentral",
            "properties": {},
        },
    ]
    result = resources_from_arm(items)
    assert [(r.id, r.region) for r in result.resources] == [
        (server, "francecentral"),
        # No location of its own: its server's.
        (f"{server}/databases/copy", "francecentral"),
        (f"{server}/databases/records", "francecentral"),
    ]
    assert result.resources[0].location.api_call == "Microsoft.ResourceGraph/resources"
    assert [(e.source.id, e.kind, e.target) for e in result.edges] == [
        (
            f"{server}/databases/copy",
            EdgeKind.READS_FROM,
            ResourceKey("", f"{server}/databases/records"),
        )
    ]


def test_a_reference_outside_the_export_is_unknown() -> None:
    items = [
        {
            "id": f"{SUB}/Microsoft.Sql/servers/a/databases/geo",
            "type": "Microsoft.Sql/servers/databases",
            "location": "francecentral",
            "properties": {
                "sourceDatabaseId": "/subscriptions/x/resourceGroups/y/providers/Microsoft.Sql/servers/b/databases/c"
            },
        }
    ]
    [edge] = resources_from_arm(items).edges
    assert edge.target == UnknownDestination(
        "/subscriptions/x/resourceGroups/y/providers/Microsoft.Sql/servers/b/databases/c is not"
        " in the export: its region is not known"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[{"id": "/subscriptions/s/resourceGroups/g/providers/A/b/c", "type": "A/b"},\n x]',
            "bad.json:2: not valid JSON: Expecting value",
        ),
        (
            '[{"id": "/subscriptions/s/resourceGroups/g/providers/A/b/c", "type": "A/b"}, 3]',
            "bad.json: item 1 is not an Azure resource (an id and a type)",
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
