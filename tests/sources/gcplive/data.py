"""Realistic Cloud Asset Inventory assets as ListAssets returns them over REST (camelCase,
`resource.data` the service's own representation) for two projects."""

from __future__ import annotations

from typing import Any

ORG = "organizations/60781234567"
FOLDER = "folders/9911223344"
PROD_NUMBER = "418305112233"
STAGING_NUMBER = "527416223344"
# A label whose name says it holds a secret: never written anywhere.
SECRET = "hunter2-correct-horse"


def _asset(
    name: str,
    asset_type: str,
    project_number: str,
    data: dict[str, Any],
    location: str | None,
    discovery: str,
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "version": "v1",
        "discoveryDocumentUri": f"https://www.googleapis.com/discovery/v1/apis/{discovery}/v1/rest",
        "discoveryName": asset_type.rsplit("/", 1)[-1],
        "parent": f"//cloudresourcemanager.googleapis.com/projects/{project_number}",
        "data": data,
    }
    if location:
        resource["location"] = location
    return {
        "name": name,
        "assetType": asset_type,
        "resource": resource,
        "ancestors": [f"projects/{project_number}", FOLDER, ORG],
        "updateTime": "2026-11-27T18:04:11.212Z",
    }


def _bucket(project: str, number: str, name: str, location: str, **labels: str) -> dict[str, Any]:
    return _asset(
        f"//storage.googleapis.com/{name}",
        "storage.googleapis.com/Bucket",
        number,
        {
            "id": name,
            "name": name,
            "kind": "storage#bucket",
            "projectNumber": number,
            "location": location.upper(),
            "locationType": "multi-region" if location in {"US", "EU", "ASIA"} else "region",
            "storageClass": "STANDARD",
            "iamConfiguration": {"uniformBucketLevelAccess": {"enabled": True}},
            "labels": labels,
        },
        location.lower(),
        "storage",
    )


def _sql(project: str, number: str, name: str, region: str, **fields: Any) -> dict[str, Any]:
    return _asset(
        f"//cloudsql.googleapis.com/projects/{project}/instances/{name}",
        "sqladmin.googleapis.com/Instance",
        number,
        {
            "name": name,
            "project": project,
            "region": region,
            "databaseVersion": "POSTGRES_15",
            "instanceType": "CLOUD_SQL_INSTANCE",
            "state": "RUNNABLE",
            "gceZone": f"{region}-b",
            "settings": {"tier": "db-custom-2-7680", "availabilityType": "REGIONAL"},
            **fields,
        },
        region,
        "sqladmin",
    )


PROD_ASSETS: list[dict[str, Any]] = [
    _asset(
        f"//cloudresourcemanager.googleapis.com/projects/{PROD_NUMBER}",
        "cloudresourcemanager.googleapis.com/Project",
        PROD_NUMBER,
        {"projectNumber": PROD_NUMBER, "projectId": "ehr-prod", "lifecycleState": "ACTIVE"},
        None,
        "cloudresourcemanager",
    ),
    # Paris: inside the EEA.
    _bucket(
        "ehr-prod",
        PROD_NUMBER,
        "ehr-records-paris",
        "europe-west9",
        **{
            "data-classification": "health",
            "db-password": SECRET,
        },
    ),
    # The US multi-region: outside the EEA.
    _bucket("ehr-prod", PROD_NUMBER, "ehr-analytics-us", "US"),
    # A primary in Belgium with a cross-region read replica in Iowa.
    _sql("ehr-prod", PROD_NUMBER, "ehr-db", "europe-west1", replicaNames=["ehr-db-replica-us"]),
    _sql(
        "ehr-prod",
        PROD_NUMBER,
        "ehr-db-replica-us",
        "us-central1",
        masterInstanceName="ehr-prod:ehr-db",
        instanceType="READ_REPLICA_INSTANCE",
    ),
    _asset(
        "//compute.googleapis.com/projects/ehr-prod/global/networks/default",
        "compute.googleapis.com/Network",
        PROD_NUMBER,
        {"name": "default", "autoCreateSubnetworks": True},
        "global",
        "compute",
    ),
]
STAGING_ASSETS: list[dict[str, Any]] = [
    # The EU multi-region: inside the EEA.
    _bucket("hds-staging", STAGING_NUMBER, "staging-exports-eu", "EU"),
]
