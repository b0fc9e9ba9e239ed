"""Realistic Resource Graph rows (as `Resources | project ...` returns them: types in lower
case, SKUs as objects) for three subscriptions."""

from __future__ import annotations

from typing import Any

PROD = "0b1f6471-1bf0-4dda-aec3-111122223333"
STAGING = "7c9e2a10-4b3d-4e8f-9a1b-222233334444"
LEGACY = "e4d5c6b7-a8f9-4e0d-8c1b-555566667777"
SUBSCRIPTIONS = {
    PROD: ("hds-prod", "Enabled"),
    STAGING: ("hds-staging", "Enabled"),
    LEGACY: ("legacy-lab", "Enabled"),
}
# A SAS URL in a tag: a secret whatever its name, never to be written anywhere.
SAS_SIGNATURE = "sig=Zm9vYmFyc2VjcmV0c2lnbmF0dXJl"


def _storage(
    sub: str, group: str, name: str, location: str, sku: str, **tags: str
) -> dict[str, Any]:
    return {
        "id": f"/subscriptions/{sub}/resourceGroups/{group}/providers/Microsoft.Storage/storageAccounts/{name}",
        "name": name,
        "type": "microsoft.storage/storageaccounts",
        "location": location,
        "kind": "StorageV2",
        "sku": {"name": sku, "tier": "Standard"},
        "tags": tags,
        "resourceGroup": group,
        "subscriptionId": sub,
        "properties": {
            "provisioningState": "Succeeded",
            "primaryLocation": location,
            "statusOfPrimary": "available",
            "supportsHttpsTrafficOnly": True,
            "minimumTlsVersion": "TLS1_2",
            "primaryEndpoints": {"blob": f"https://{name}.blob.core.windows.net/"},
        },
    }


RESOURCES: list[dict[str, Any]] = [
    # A geo-redundant account in France Central: its copy goes to France South.
    _storage(
        PROD,
        "rg-ehr",
        "ehrrecords",
        "francecentral",
        "Standard_GRS",
        **{
            "data-classification": "health",
            "export-url": f"https://ehrrecords.blob.core.windows.net/exports?sv=2022-11-02&{SAS_SIGNATURE}",
        },
    ),
    _storage(PROD, "rg-ehr", "ehrweu", "westeurope", "Standard_LRS"),
    # In East US, geo-redundant: its paired region (West US) is outside the EEA too.
    _storage(PROD, "rg-analytics", "analyticsus", "eastus", "Standard_GRS"),
    {
        "id": f"/subscriptions/{PROD}/resourceGroups/rg-ehr/providers/Microsoft.Network/virtualNetworks/ehr-vnet",
        "name": "ehr-vnet",
        "type": "microsoft.network/virtualnetworks",
        "location": "francecentral",
        "kind": "",
        "sku": None,
        "tags": {},
        "resourceGroup": "rg-ehr",
        "subscriptionId": PROD,
        "properties": {"addressSpace": {"addressPrefixes": ["10.20.0.0/16"]}},
    },
    _storage(STAGING, "rg-stg", "stgrecords", "westeurope", "Standard_ZRS"),
    _storage(LEGACY, "rg-lab", "labdata", "eastus", "Standard_LRS"),
]
