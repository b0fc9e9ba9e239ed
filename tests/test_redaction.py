"""One redaction rule for every source: credentials, connection strings, SAS tokens and
private keys never reach a finding's message or a report, whatever a custom policy asks."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from hdslint.redaction import is_secret_key, is_secret_value
from tests.conftest import write_tree

Cli = Callable[..., tuple[int, str, str]]

SECRETS = (
    "hunter2-credential",
    "pw-in-connection-string",
    "SIGVALUE0123",
    "MIIEpAIBAAKCAQEA",
    "conn-account-key",
)

KEYS = (
    "credentials",
    "connection_string",
    "sas_token",
    "private_key",
    "endpoint",
    "certificate_chain",
    "storage_url",
)

POLICY = """\
id: CUSTOM-ECHO
title: Echoes attributes
severity: high
activities: [1]
references: ["HDS-v2:EXI-28"]
description: A policy whose message would print the attributes it compares.
remediation: None.
message: "{reason}"
select: {}
condition:
  any:
""" + "".join(
    f"    - {{key: attributes.{k}, op: eq, value: nope}}\n"
    f"    - {{key: attributes.spec.forProvider.{k}, op: eq, value: nope}}\n"
    for k in KEYS
)

TERRAFORM = """\
provider "aws" { region = "eu-west-3" }
resource "aws_s3_bucket" "b" {
  credentials       = "hunter2-credential"
  connection_string = "Server=db;User Id=app;Password=pw-in-connection-string;"
  sas_token         = "?sv=2022-11-02&ss=b&sig=SIGVALUE0123"
  private_key       = "-----BEGIN RSA PRIVATE KEY-----\\nMIIEpAIBAAKCAQEA\\n-----END RSA PRIVATE KEY-----"
  endpoint          = "AccountName=a;AccountKey=conn-account-key"
  certificate_chain = "-----BEGIN PRIVATE KEY-----MIIEpAIBAAKCAQEA"
  storage_url       = "https://a.blob.core.net/c?sig=SIGVALUE0123"
}
"""

MANIFEST = """\
apiVersion: s3.aws.upbound.io/v1beta1
kind: Bucket
metadata: {name: data}
spec:
  forProvider:
    region: eu-west-3
    credentials: hunter2-credential
    connection_string: "Server=db;Password=pw-in-connection-string;"
    sas_token: "?sv=2022-11-02&sig=SIGVALUE0123"
    private_key: "-----BEGIN RSA PRIVATE KEY-----MIIEpAIBAAKCAQEA"
    endpoint: "AccountName=a;AccountKey=conn-account-key"
    certificate_chain: "-----BEGIN PRIVATE KEY-----MIIEpAIBAAKCAQEA"
    storage_url: "https://a.blob.core.net/c?sig=SIGVALUE0123"
"""

PLAN = {
    "format_version": "1.2",
    "terraform_version": "1.9.0",
    "planned_values": {
        "root_module": {
            "resources": [
                {
                    "address": "aws_s3_bucket.b",
                    "mode": "managed",
                    "type": "aws_s3_bucket",
                    "name": "b",
                    "provider_name": "registry.terraform.io/hashicorp/aws",
                    "values": {
                        "bucket": "b",
                        "region": "eu-west-3",
                        "credentials": "hunter2-credential",
                        "connection_string": "Server=db;Password=pw-in-connection-string;",
                        "endpoint": "AccountName=a;AccountKey=conn-account-key",
                        "storage_url": "https://a.blob.core.net/c?sig=SIGVALUE0123",
                    },
                    "sensitive_values": {},
                }
            ]
        }
    },
    "configuration": {
        "provider_config": {
            "aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-3"}}}
        },
        "root_module": {},
    },
}


@pytest.mark.parametrize(
    ("name", "files"),
    [
        ("terraform", {"main.tf": TERRAFORM}),
        ("kubernetes", {"bucket.yaml": MANIFEST}),
        ("plan", {"tfplan.json": json.dumps(PLAN)}),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "text", "sarif", "markdown"])
def test_no_secret_reaches_a_report_even_through_a_custom_message(
    cli: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    files: dict[str, str],
    fmt: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path, {".hdslint.yaml": "policies:\n  paths: [policies]\n"})
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "echo.yaml").write_text(POLICY)
    write_tree(tmp_path / "p", files)
    code, out, err = cli("scan", "p", "--format", fmt)
    assert code == 1, err
    assert "CUSTOM-ECHO" in out
    assert [s for s in SECRETS if s in out + err] == []


@pytest.mark.parametrize(
    "name",
    [
        "password",
        "master_password",
        "client_secret",
        "auth_token",
        "credentials",
        "credential_file",
        "connection_string",
        "primaryConnectionString",
        "sas_token",
        "sasUrl",
        "private_key",
        "privateKeyPem",
        "access_key",
        "secretAccessKey",
        "api_key",
        "account_key",
    ],
)
def test_secret_keys(name: str) -> None:
    assert is_secret_key(name)


@pytest.mark.parametrize(
    "name",
    ["bucket", "region", "disaster_recovery", "private_ip", "kms_key_id", "storage_class"],
)
def test_ordinary_keys(name: str) -> None:
    assert not is_secret_key(name)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----", True),
        ("https://a.blob.core.windows.net/c?sv=2022-11-02&sr=c&sig=abc%3D", True),
        ("Server=tcp:db;Database=ehr;User ID=app;Password=p4ss;", True),
        ("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc==;", True),
        ("postgres://app:p4ss@db.example:5432/ehr", True),
        ("https://a.blob.core.windows.net/c", False),
        ("eu-west-3", False),
        ("postgres://db.example:5432/ehr", False),
        ("-----BEGIN CERTIFICATE-----", False),
    ],
)
def test_secret_values(text: str, secret: bool) -> None:
    assert is_secret_value(text) is secret
