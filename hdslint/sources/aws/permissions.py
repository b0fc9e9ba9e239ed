"""Which IAM actions the AWS scan needs, derived from the operations it calls.

`hdslint aws` calls only the operations listed in the service specs plus two session calls
(who am I, which regions are enabled). The IAM action for an operation is usually
`<prefix>:<Operation>`, with the prefix the service's IAM prefix; where AWS named the
action differently the table below says so. The shipped policy (`iam-policy.json`, shown by
`hdslint aws --iam-policy`) grants exactly these actions; a test keeps the three in step.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from hdslint.sources.aws.services import SERVICES

# Calls made for the session itself, outside the service specs.
SESSION_OPERATIONS: frozenset[tuple[str, str]] = frozenset(
    {("sts", "GetCallerIdentity"), ("ec2", "DescribeRegions")}
)

# Calls botocore itself makes on the scan's behalf. S3 answers a request sent to the wrong
# region with a 301; when that answer carries no region header, botocore's region redirector
# asks with HeadBucket (which reads no object) and retries in the bucket's region.
SDK_OPERATIONS: frozenset[tuple[str, str]] = frozenset({("s3", "HeadBucket")})

# boto3 client name -> IAM service prefix, where they differ.
IAM_PREFIXES: dict[str, str] = {
    "efs": "elasticfilesystem",
    "opensearch": "es",
}

# (client, operation) -> IAM action, where it is not `<prefix>:<operation>`; None: the call
# needs no permission.
IAM_ACTION_EXCEPTIONS: dict[tuple[str, str], str | None] = {
    ("sts", "GetCallerIdentity"): None,
    # S3 names the bucket's region in the HEAD answer's header even when access is denied:
    # no permission is granted for it (s3:ListBucket would let the role list object names).
    ("s3", "HeadBucket"): None,
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "GetBucketReplication"): "s3:GetReplicationConfiguration",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
}

POLICY_FILE = "iam-policy.json"


def collector_operations() -> set[tuple[str, str]]:
    """Every (boto3 client, API operation) the scan may call."""
    ops = set(SESSION_OPERATIONS | SDK_OPERATIONS)
    for spec in SERVICES.values():
        ops.update((spec.client, op) for op in spec.operations())
    return ops


def iam_action(client: str, operation: str) -> str | None:
    key = (client, operation)
    if key in IAM_ACTION_EXCEPTIONS:
        return IAM_ACTION_EXCEPTIONS[key]
    return f"{IAM_PREFIXES.get(client, client)}:{operation}"


def required_actions() -> list[str]:
    actions = {iam_action(client, op) for client, op in collector_operations()}
    return sorted(a for a in actions if a is not None)


def shipped_policy() -> dict[str, Any]:
    text = resources.files("hdslint.sources.aws").joinpath(POLICY_FILE).read_text("utf-8")
    policy: dict[str, Any] = json.loads(text)
    return policy


def policy_actions(policy: dict[str, Any]) -> set[str]:
    out: set[str] = set()
    for statement in policy.get("Statement", ()):
        if statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action", ())
        out.update([actions] if isinstance(actions, str) else actions)
    return out
