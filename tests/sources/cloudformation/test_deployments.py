"""Where templates are deployed: CDK's cloud assembly manifest, SAM's samconfig, nested
stacks deployed with their parent."""

from __future__ import annotations

import json
from collections.abc import Callable

from hdslint.scan import ScanResult
from tests.conftest import finding_tuples

Scan = Callable[..., ScanResult]


def cdk_template(resources: dict[str, object]) -> str:
    # As `cdk synth` writes it: JSON, one key per line, with CDK's own parameter.
    return json.dumps(
        {
            "Resources": resources,
            "Parameters": {
                "BootstrapVersion": {
                    "Type": "AWS::SSM::Parameter::Value<String>",
                    "Default": "/cdk-bootstrap/hnb659fds/version",
                }
            },
        },
        indent=1,
    )


CDK_MANIFEST = json.dumps(
    {
        "version": "36.0.0",
        "artifacts": {
            "EuStack.assets": {"type": "cdk:asset-manifest", "properties": {"file": "x"}},
            "EuStack": {
                "type": "aws:cloudformation:stack",
                "environment": "aws://111122223333/eu-west-3",
                "properties": {"templateFile": "EuStack.template.json"},
                "displayName": "EuStack",
            },
            "UsStack": {
                "type": "aws:cloudformation:stack",
                "environment": "aws://111122223333/us-east-1",
                "properties": {"templateFile": "UsStack.template.json", "stackName": "us-replica"},
            },
            "Agnostic": {
                "type": "aws:cloudformation:stack",
                "environment": "aws://unknown-account/unknown-region",
                "properties": {"templateFile": "Agnostic.template.json"},
            },
        },
    }
)

EU_BUCKET = {
    "RecordsB5D2A1C3": {
        "Type": "AWS::S3::Bucket",
        "Properties": {
            "BucketName": {"Fn::Join": ["", ["records-", {"Ref": "AWS::AccountId"}]]},
            "ReplicationConfiguration": {
                "Role": "arn:aws:iam::111122223333:role/replication",
                "Rules": [
                    {
                        "Status": "Enabled",
                        "Destination": {"Bucket": "arn:aws:s3:::records-replica-111122223333"},
                    }
                ],
            },
        },
        "Metadata": {"aws:cdk:path": "EuStack/Records/Resource"},
    }
}
US_BUCKET = {
    "ReplicaC0FFEE00": {
        "Type": "AWS::S3::Bucket",
        "Properties": {
            "BucketName": {"Fn::Sub": "records-replica-${AWS::AccountId}"},
        },
    }
}


def test_a_cdk_app_with_two_stacks_in_two_regions(scan_files: Scan) -> None:
    result = scan_files(
        {
            "cdk.out/manifest.json": CDK_MANIFEST,
            "cdk.out/EuStack.template.json": cdk_template(EU_BUCKET),
            "cdk.out/UsStack.template.json": cdk_template(US_BUCKET),
            "cdk.out/Agnostic.template.json": cdk_template(
                {"Queue4A7E3555": {"Type": "AWS::SQS::Queue"}}
            ),
        }
    )
    assert result.errors == []
    assert sorted((r.id, r.region) for r in result.graph) == [
        ("Agnostic/Queue4A7E3555", None),
        ("EuStack/RecordsB5D2A1C3", "eu-west-3"),
        ("us-replica/ReplicaC0FFEE00", "us-east-1"),
    ]
    # The replica is found in the other stack by its name (an account-qualified name from
    # the manifest's environment): a replication of health data to the US.
    assert finding_tuples(result) == [
        ("HDS-LOC-002", "not_evaluated", "Agnostic/Queue4A7E3555", 3),
        ("HDS-FLOW-001", "fail", "EuStack/RecordsB5D2A1C3", 3),
        ("HDS-LOC-001", "fail", "us-replica/ReplicaC0FFEE00", 3),
    ]
    assert result.findings[0].message == (
        "could not be checked: the region is not known: the CDK manifest"
        " project/cdk.out/manifest.json"
        " gives stack Agnostic no region (environment 'aws://unknown-account/unknown-region'):"
        " set the stack's env in the CDK app and synthesize again"
    )


SAM_TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, Default: dev}
Globals:
  SimpleTable:
    Tags: {data-classification: health}
Resources:
  Patients:
    Type: AWS::Serverless::SimpleTable
    Properties:
      TableName: !Sub "patients-${Stage}"
  Handler:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      FileSystemConfigs:
        - Arn: !GetAtt AccessPoint.Arn
          LocalMountPath: /mnt/data
  AccessPoint:
    Type: AWS::EFS::AccessPoint
"""

SAMCONFIG_TOML = """
version = 0.1
[default.deploy.parameters]
stack_name = "patients"
region = "us-west-2"
parameter_overrides = "Stage=\\"prod\\""
"""


def test_a_sam_template_with_its_samconfig_toml(scan_files: Scan) -> None:
    result = scan_files({"template.yaml": SAM_TEMPLATE, "samconfig.toml": SAMCONFIG_TOML})
    assert result.errors == []
    by_id = {r.id: r for r in result.graph}
    assert sorted((i, r.type, r.region) for i, r in by_id.items()) == [
        ("patients/AccessPoint", "AWS::EFS::AccessPoint", "us-west-2"),
        ("patients/Handler", "AWS::Serverless::Function", "us-west-2"),
        ("patients/Patients", "AWS::Serverless::SimpleTable", "us-west-2"),
    ]
    patients = by_id["patients/Patients"]
    assert (patients.service, patients.category, patients.attributes["TableName"]) == (
        "aws:dynamodb",
        "database",
        "patients-prod",
    )
    assert dict(patients.tags) == {"data-classification": "health"}
    assert [(str(e.source.id), e.kind.value, str(e.target)) for e in result.graph.edges] == [
        ("patients/Handler", "mounts", "project/template.yaml::patients/AccessPoint")
    ]
    assert finding_tuples(result) == [("HDS-LOC-001", "fail", "patients/Patients", 9)]


SAMCONFIG_YAML = """
version: 0.1
default:
  global:
    parameters:
      region: eu-west-3
  deploy:
    parameters:
      stack_name: patients-eu
prod-us:
  deploy:
    parameters:
      stack_name: patients-us
      region: us-east-1
      template_file: template.yaml
"""


def test_each_samconfig_environment_is_a_deployment(scan_files: Scan) -> None:
    result = scan_files({"template.yaml": SAM_TEMPLATE, "samconfig.yaml": SAMCONFIG_YAML})
    assert result.errors == []
    assert finding_tuples(result) == [("HDS-LOC-001", "fail", "patients-us/Patients", 9)]
    assert sorted((r.key.scope, r.id, r.region) for r in result.graph if "Patients" in r.id) == [
        ("project/template.yaml#default", "patients-eu/Patients", "eu-west-3"),
        ("project/template.yaml#prod-us", "patients-us/Patients", "us-east-1"),
    ]


PARENT = """
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Storage:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: nested/storage.yaml
      Parameters:
        ReplicaRegion: us-east-2
  Remote:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://s3.amazonaws.com/bucket/remote.yaml
"""

CHILD = """
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  ReplicaRegion: {Type: String}
Resources:
  Secret:
    Type: AWS::SecretsManager::Secret
    Properties:
      ReplicaRegions: [{Region: !Ref ReplicaRegion}]
"""


def test_a_nested_stack_is_deployed_with_its_parent(scan_files: Scan) -> None:
    config = "cloudformation:\n  stacks:\n    - {paths: ['project/main.yaml'], region: eu-west-3, name: main}\n"
    result = scan_files(
        {"../.hdslint.yaml": config, "main.yaml": PARENT, "nested/storage.yaml": CHILD}
    )
    assert result.errors == []
    assert sorted((r.id, r.region) for r in result.graph) == [
        ("main/Remote", "eu-west-3"),
        ("main/Storage/Secret", "eu-west-3"),
    ]
    # Secrets are not presumed to hold health data; tagged, the replica would be flagged.
    assert [(str(e.source.id), str(e.target)) for e in result.graph.edges] == [
        ("main/Storage/Secret", "a destination in us-east-2")
    ]
    assert finding_tuples(result) == [("HDS-EVAL-001", "not_evaluated", "main/Remote", 9)]


def test_a_nested_template_outside_the_scan_is_not_read(scan_files: Scan) -> None:
    parent = PARENT.replace("nested/storage.yaml", "../../outside.yaml")
    result = scan_files({"main.yaml": parent, "../outside.yaml": CHILD})
    assert [str(e) for e in result.errors] == [
        "project/main.yaml:3: resource Storage: the nested template ../../outside.yaml is"
        " outside the scanned folders: it is not read"
    ]


def test_a_remote_nested_stack_is_not_evaluated(scan_files: Scan) -> None:
    config = "cloudformation:\n  stacks:\n    - {paths: ['project/**'], region: eu-west-3}\n"
    result = scan_files(
        {"../.hdslint.yaml": config, "main.yaml": PARENT, "nested/storage.yaml": CHILD}
    )
    assert finding_tuples(result) == [
        ("HDS-EVAL-001", "not_evaluated", "project/main.yaml/Remote", 9)
    ]
    assert result.findings[0].message == (
        "could not be checked: contents is not known: its template is not in the repository (a remote TemplateURL, or"
        " an application of the Serverless Application Repository): hdslint never downloads"
        " templates"
    )


def test_cdk_nested_stacks_and_sam_applications_are_read_with_their_parent(
    scan_files: Scan,
) -> None:
    parent = {
        "StorageNestedStackResource1A2B3C4D": {
            "Type": "AWS::CloudFormation::Stack",
            "Properties": {"TemplateURL": {"Fn::Join": ["", ["https://s3.", "x"]]}},
            "Metadata": {
                "aws:asset:path": "EuStackStorage5E6F7A8B.nested.template.json",
                "aws:asset:property": "TemplateURL",
            },
        },
        "App": {
            "Type": "AWS::Serverless::Application",
            "Properties": {"Location": "../apps/table.yaml"},
        },
    }
    manifest = json.loads(CDK_MANIFEST)
    del manifest["artifacts"]["UsStack"], manifest["artifacts"]["Agnostic"]
    table = "Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n"
    result = scan_files(
        {
            "cdk.out/manifest.json": json.dumps(manifest),
            "cdk.out/EuStack.template.json": cdk_template(parent),
            "cdk.out/EuStackStorage5E6F7A8B.nested.template.json": cdk_template(EU_BUCKET),
            "apps/table.yaml": table,
            # What `sam build` writes: never scanned (the source template is).
            ".aws-sam/build/template.yaml": table,
        }
    )
    assert result.errors == []
    assert sorted((r.id, r.region, r.location.file) for r in result.graph) == [
        ("EuStack/App/Table", "eu-west-3", "project/apps/table.yaml"),
        (
            "EuStack/StorageNestedStackResource1A2B3C4D/RecordsB5D2A1C3",
            "eu-west-3",
            "project/cdk.out/EuStackStorage5E6F7A8B.nested.template.json",
        ),
    ]
