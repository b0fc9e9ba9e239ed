"""AWS Backup: vaults, and plans with where they back up to and copy to.

A plan backs up to its rules' target vaults (same region) and copies to the vaults its
copy actions name (any region or account). Resources a plan selects by ARN get an edge to
the plan; selections by tag or wildcard are recorded on the plan, not resolved.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hdslint.sources.aws.records import (
    Flow,
    Item,
    Link,
    Record,
    arn_region,
    detail_tags,
    failed,
    response,
    unread_flow,
)
from hdslint.sources.aws.spec import Detail, Kind, Listing, ServiceSpec

_GONE = frozenset({"ResourceNotFoundException"})


def parse_vault(item: Item) -> Iterable[Record | Link]:
    data = item.data
    unknown: dict[str, str] = {}
    arn = data["BackupVaultArn"]
    attributes: dict[str, Any] = {"name": data["BackupVaultName"]}
    if data.get("EncryptionKeyArn"):
        attributes["kms_key_id"] = data["EncryptionKeyArn"]
    if data.get("Locked") is not None:
        attributes["locked"] = bool(data["Locked"])
    return [
        Record(
            arn=arn,
            type="AWS::Backup::BackupVault",
            region=arn_region(arn) or item.region,
            api_call="backup:ListBackupVaults",
            tags=detail_tags(item, "tags", ("Tags",), unknown),
            attributes=attributes,
            unknown=unknown,
        )
    ]


def _vault_arn(item: Item, name: str) -> str:
    return f"arn:{item.partition}:backup:{item.region}:{item.account}:backup-vault:{name}"


def parse_plan(item: Item) -> Iterable[Record | Link]:
    data = item.data
    arn = data["BackupPlanArn"]
    call = "backup:GetBackupPlan"
    unknown: dict[str, str] = {}
    flows: list[Flow] = []
    problem = failed(item.detail("plan"))
    if problem is not None:
        flows.append(unread_flow("copies_to", call, "its rules", problem))
    plan = (response(item.detail("plan")) or {}).get("BackupPlan") or {}
    for rule in plan.get("Rules") or ():
        if rule.get("TargetBackupVaultName"):
            flows.append(
                Flow(
                    "backs_up_to",
                    _vault_arn(item, rule["TargetBackupVaultName"]),
                    item.region,
                    call,
                )
            )
        for action in rule.get("CopyActions") or ():
            target = action.get("DestinationBackupVaultArn")
            if target:
                flows.append(Flow("copies_to", target, arn_region(target), call))
    links: list[Record | Link] = []
    selections: list[dict[str, Any]] = []
    selections_failure = failed(item.detail("selections"))
    if selections_failure is not None:
        unknown["attributes.selections"] = selections_failure.describe()
    for value in item.responses("selection"):
        selection = (response(value) or {}).get("BackupSelection") or {}
        if not selection:
            continue
        chosen = [str(r) for r in selection.get("Resources") or ()]
        selections.append(
            {
                "name": selection.get("SelectionName"),
                "resources": chosen,
                "by_tags": bool(selection.get("ListOfTags") or selection.get("Conditions")),
            }
        )
        for resource in chosen:
            if resource.startswith("arn:") and "*" not in resource:
                links.append(
                    Link(resource, arn_region(resource), "backs_up_to", arn, item.region, call)
                )
    attributes: dict[str, Any] = {"name": data.get("BackupPlanName")}
    if selections:
        attributes["selections"] = selections
    record = Record(
        arn=arn,
        type="AWS::Backup::BackupPlan",
        region=arn_region(arn) or item.region,
        api_call="backup:ListBackupPlans",
        tags=detail_tags(item, "tags", ("Tags",), unknown),
        attributes=attributes,
        flows=tuple(flows),
        unknown=unknown,
    )
    return [record, *links]


def _selection_params(item: Item) -> list[dict[str, Any]]:
    listed = response(item.detail("selections")) or {}
    return [
        {"BackupPlanId": item.data["BackupPlanId"], "SelectionId": s["SelectionId"]}
        for s in listed.get("BackupSelectionsList") or ()
        if s.get("SelectionId")
    ]


SPEC = ServiceSpec(
    name="backup",
    client="backup",
    kinds=(
        Kind(
            Listing("ListBackupVaults", items="BackupVaultList"),
            details=(
                Detail(
                    "tags",
                    "ListTags",
                    lambda item: {"ResourceArn": item.data["BackupVaultArn"]},
                    vanished=_GONE,
                ),
            ),
            parse=parse_vault,
        ),
        Kind(
            Listing("ListBackupPlans", items="BackupPlansList"),
            details=(
                Detail(
                    "plan",
                    "GetBackupPlan",
                    lambda item: {"BackupPlanId": item.data["BackupPlanId"]},
                    vanished=_GONE,
                ),
                Detail(
                    "tags",
                    "ListTags",
                    lambda item: {"ResourceArn": item.data["BackupPlanArn"]},
                    vanished=_GONE,
                ),
                Detail(
                    "selections",
                    "ListBackupSelections",
                    lambda item: {"BackupPlanId": item.data["BackupPlanId"]},
                    paginate=True,
                    items="BackupSelectionsList",
                    vanished=_GONE,
                ),
                Detail("selection", "GetBackupSelection", _selection_params, each=True),
            ),
            parse=parse_plan,
        ),
    ),
)
