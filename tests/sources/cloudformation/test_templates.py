"""Plain CloudFormation templates: YAML short forms and JSON, intrinsic functions,
parameters, conditions, mappings, pseudo parameters, the region from `cloudformation.stacks`
or unknown, and suppressions as CloudFormation users write them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from hdslint.scan import ScanResult
from tests.conftest import finding_tuples, write_tree

Scan = Callable[..., ScanResult]

MAPPED_US = """
cloudformation:
  stacks:
    - paths: ["project/us/**"]
      region: us-east-1
      name: records-us
    - paths: ["project/eu/**"]
      region: eu-west-3
"""

# Every short form of the YAML syntax, in one template deployed to eu-west-3.
SHORT_FORMS = """
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
    Default: prod
  Zones:
    Type: CommaDelimitedList
    Default: "a, b"
  Account:
    Type: String
Mappings:
  Replicas:
    eu-west-3: {Region: eu-central-1}
    us-east-1: {Region: us-west-2}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Or [!Equals [a, a], !Condition IsDev]]
Resources:
  Records:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "records-${Env}-${AWS::Region}"
      ReplicationConfiguration:
        Role: !GetAtt Role.Arn
        Rules:
          - Status: Enabled
            Destination:
              Bucket: !Join ["", ["arn:", !Ref "AWS::Partition", ":s3:::", !Ref Far]]
  Far:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Select [1, !Split ["/", !Sub "x/${Env}-far"]]
  DevOnly:
    Type: AWS::DynamoDB::Table
    Condition: IsDev
  Global:
    Type: AWS::DynamoDB::GlobalTable
    Condition: Both
    Properties:
      Replicas:
        - Region: !Ref AWS::Region
        - Region: !FindInMap [Replicas, !Ref "AWS::Region", Region]
        - Region: !If [IsProd, us-east-1, !Ref "AWS::NoValue"]
  Role:
    Type: AWS::IAM::Role
    Properties:
      Description: !Base64 {"Fn::Join": [",", !Ref Zones]}
      Path: !Select [0, !Cidr ["10.0.0.0/16", 2, 8]]
      Tags:
        - {Key: zones, Value: !Select [0, !GetAZs ""]}
        - {Key: account, Value: !Ref Account}
        - {Key: imported, Value: !ImportValue shared-vpc}
"""


def test_short_forms_are_evaluated_as_cloudformation_would(scan_files: Scan) -> None:
    result = scan_files({"../.hdslint.yaml": MAPPED_US, "eu/template.yaml": SHORT_FORMS})
    assert result.errors == []
    found = {r.id: r for r in result.graph}
    assert sorted(found) == [
        "project/eu/template.yaml/Far",
        "project/eu/template.yaml/Global",
        "project/eu/template.yaml/Records",
        "project/eu/template.yaml/Role",
    ]
    records = found["project/eu/template.yaml/Records"]
    assert records.attributes["BucketName"] == "records-prod-eu-west-3"
    role = found["project/eu/template.yaml/Role"]
    assert (role.attributes["Description"], role.attributes["Path"]) == ("a,b", "10.0.0.0/24")
    # Only known values become tags: the zones, the account and the import are not.
    assert dict(role.tags) == {}
    # The replica found by its name (an ARN built with Fn::Join), the global table's
    # replicas through the region mapping and Fn::If: one outside the EEA.
    assert finding_tuples(result) == [
        ("HDS-FLOW-001", "fail", "project/eu/template.yaml/Global", 37),
    ]
    eu = "project/eu/template.yaml"
    assert edge_tuples(result) == [
        (f"{eu}/Global", "replicates_to", "a destination in eu-central-1"),
        (f"{eu}/Global", "replicates_to", "a destination in eu-west-3"),
        (f"{eu}/Global", "replicates_to", "a destination in us-east-1"),
        (f"{eu}/Records", "replicates_to", f"{eu}::{eu}/Far"),
    ]


def edge_tuples(result: ScanResult) -> list[tuple[str, str, str]]:
    return sorted((str(e.source.id), e.kind.value, str(e.target)) for e in result.graph.edges)


BUCKETS_JSON = """{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Logs": {
      "Type": "AWS::Logs::LogGroup"
    },
    "Records": {
      "Type": "AWS::S3::Bucket",
      "Properties": {"BucketName": {"Fn::Sub": "records-${AWS::AccountId}"}}
    }
  }
}
"""


def test_a_json_template_mapped_by_cloudformation_stacks(scan_files: Scan) -> None:
    result = scan_files({"../.hdslint.yaml": MAPPED_US, "us/stack.json": BUCKETS_JSON})
    assert result.errors == []
    assert finding_tuples(result) == [
        ("HDS-LOC-001", "fail", "records-us/Logs", 4),
        ("HDS-LOC-001", "fail", "records-us/Records", 7),
    ]
    assert {r.region for r in result.graph} == {"us-east-1"}


def test_a_template_with_no_region_is_not_evaluated_with_the_reason(scan_files: Scan) -> None:
    result = scan_files({"stack.json": BUCKETS_JSON})
    assert finding_tuples(result) == [
        ("HDS-LOC-002", "not_evaluated", "project/stack.json/Logs", 4),
        ("HDS-LOC-002", "not_evaluated", "project/stack.json/Records", 7),
    ]
    assert result.findings[0].message == (
        "could not be checked: the region is not known: no CDK manifest, samconfig or"
        " .hdslint.yaml says where"
        " project/stack.json is deployed (cloudformation.stacks: paths, region)"
    )


def test_the_reason_names_the_configuration_that_maps_nothing(scan_files: Scan) -> None:
    result = scan_files({"../.hdslint.yaml": MAPPED_US, "other/stack.json": BUCKETS_JSON})
    assert {f.message for f in result.findings} == {
        "could not be checked: the region is not known: no cloudformation.stacks entry in"
        " .hdslint.yaml matches"
        " project/other/stack.json"
    }


SUPPRESSED = """
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  # hdslint:ignore=HDS-LOC-001 reason="US analytics copy, no health data"
  Commented:
    Type: AWS::S3::Bucket
  Annotated:
    Type: AWS::S3::Bucket
    Metadata:
      hdslint:
        ignore:
          - id: HDS-LOC-001
            reason: 'restored "test" data'
            until: 2027-01-31
  Open:
    Type: AWS::SQS::Queue
"""


def test_suppressions_in_comments_and_metadata(scan_files: Scan) -> None:
    result = scan_files({"../.hdslint.yaml": MAPPED_US, "us/t.yaml": SUPPRESSED})
    assert result.errors == []
    assert [
        (*t, f.suppression.kind if f.suppression else None)
        for t, f in zip(finding_tuples(result), result.findings, strict=True)
    ] == [
        ("HDS-LOC-001", "fail", "records-us/Commented", 4, "inline"),
        ("HDS-LOC-001", "fail", "records-us/Annotated", 6, "metadata"),
        ("HDS-LOC-001", "fail", "records-us/Open", 14, None),
    ]
    annotated = result.findings[1].suppression
    assert annotated is not None
    assert (annotated.reason, annotated.until) == ('restored "test" data', "2027-01-31")


def test_a_metadata_suppression_without_a_reason_is_an_input_error(scan_files: Scan) -> None:
    template = SUPPRESSED.replace("            reason: 'restored \"test\" data'\n", "")
    result = scan_files({"../.hdslint.yaml": MAPPED_US, "us/t.yaml": template})
    assert [str(e) for e in result.errors] == [
        "project/us/t.yaml:6: suppression for HDS-LOC-001 has no reason: a suppression needs"
        ' reason="..." (it is not applied)'
    ]


def test_templates_are_loaded_safely_and_errors_name_file_and_line(scan_files: Scan) -> None:
    result = scan_files(
        {
            "hostile.yaml": 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n'
            "  X: !!python/object/apply:os.system ['touch pwned']\n",
            "broken.json": '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {,}}',
            "untyped.yaml": "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: {}\n",
        }
    )
    assert [str(e) for e in result.errors] == [
        "project/broken.json:1: invalid JSON: Expecting property name enclosed in double quotes",
        "project/hostile.yaml:3: invalid YAML: could not determine a constructor for the tag"
        " 'tag:yaml.org,2002:python/object/apply:os.system'",
        "project/untyped.yaml:3: resource A has no Type",
    ]
    assert list(result.graph) == []


def test_unknown_values_are_loud(scan_files: Scan) -> None:
    template = """
    AWSTemplateFormatVersion: "2010-09-09"
    Parameters:
      ReplicaRegion: {Type: String}
    Resources:
      Table:
        Type: AWS::DynamoDB::GlobalTable
        Properties:
          Replicas: [{Region: !Ref ReplicaRegion}]
    """
    result = scan_files({"../.hdslint.yaml": MAPPED_US, "eu/t.yaml": template})
    assert [(f.policy_id, f.status.value, f.message) for f in result.findings] == [
        (
            "HDS-FLOW-001",
            "not_evaluated",
            "could not be checked: replicates to a destination that is not known: parameter"
            " ReplicaRegion has no Default: its value is given at deploy time",
        ),
    ]
    assert result.findings[0].causes == (
        (
            "replicates to a destination that is not known",
            "the destination region is not known",
            "parameter ReplicaRegion has no Default: its value is given at deploy time",
        ),
    )


def test_files_that_only_look_like_templates_are_not_read(scan_files: Scan) -> None:
    result = scan_files(
        {
            # A script that names SAM's transform; an AppSpec file with a Resources list.
            "package.json": '{"scripts": {"x": "echo"}, "sam": {"Transform": "AWS::Serverless-2016-10-31"}}',
            "appspec.yaml": "version: 0.0\nResources:\n  - Svc:\n      Type: AWS::ECS::Service\n",
            "rain.yaml": "Resources:\n  Storage:\n    Type: !Rain::Module ../bucket.yml\n"
            "  Queue:\n    Type: AWS::SQS::Queue\n",
        }
    )
    assert [str(e) for e in result.errors] == [
        "project/rain.yaml:2: resource Storage has Type !Rain::Module, which a tool expands"
        " before deploying (rain pkg, aws cloudformation package): scan the template it writes"
    ]
    assert [r.id for r in result.graph] == ["project/rain.yaml/Queue"]


def test_metadata_suppressions_are_reported_as_metadata(
    cli: Callable[..., tuple[int, str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {".hdslint.yaml": MAPPED_US, "project/us/t.yaml": SUPPRESSED})
    monkeypatch.chdir(tmp_path)
    code, out, _err = cli("scan", "project", "--show-suppressed", "--no-color")
    assert code == 1
    assert (
        "project/us/t.yaml:6  critical HDS-LOC-001  records-us/Annotated  (suppressed)\n"
        "    Health data stored outside the EEA: us-east-1 (United States) is outside the EEA\n"
        "    suppressed: Metadata hdslint.ignore at project/us/t.yaml:6, until 2027-01-31:"
        ' restored "test" data\n'
    ) in out
    code, out, _err = cli("scan", "project", "-f", "json")
    doc = json.loads(out)
    assert [
        (f["resource"]["id"], f["suppression"]["kind"] if f["suppression"] else None)
        for f in doc["findings"]
    ] == [
        ("records-us/Commented", "inline"),
        ("records-us/Annotated", "metadata"),
        ("records-us/Open", None),
    ]
    # An entry that matches nothing says where it is written, as such.
    unused = SUPPRESSED.replace(
        "HDS-LOC-001\n            reason: 'restored", "HDS-FLOW-001\n            reason: 'restored"
    )
    write_tree(tmp_path, {"project/us/t.yaml": unused})
    code, out, _err = cli("scan", "project", "-f", "json")
    assert json.loads(out)["warnings"] == [
        {
            "file": "project/us/t.yaml",
            "line": 6,
            "message": "unused suppression: Metadata hdslint.ignore entry for HDS-FLOW-001"
            " matched no finding on that resource (remove it, or move it to the resource it is"
            " meant for)",
        }
    ]


UNDECLARED_CONDITIONS = """
AWSTemplateFormatVersion: "2010-09-09"
Conditions:
  InParis: !Equals [!Ref "AWS::Region", eu-west-3]
  Both: !And [!Condition InParis, !Condition Missing]
Resources:
  Records:
    Type: AWS::S3::Bucket
    Condition: IsProduction
  Logs:
    Type: AWS::S3::Bucket
    Condition: InParis
    Properties:
      BucketName: !If [NoSuch, a, b]
Outputs:
  Name:
    Condition: Nope
    Value: !Ref Records
"""


def test_an_undeclared_condition_is_an_input_error_as_cloudformation_refuses_it(
    scan_files: Scan,
) -> None:
    result = scan_files({"../.hdslint.yaml": MAPPED_US, "eu/t.yaml": UNDECLARED_CONDITIONS})
    refused = "which is not declared in Conditions (CloudFormation refuses the template)"
    assert [str(e) for e in result.errors] == [
        f"project/eu/t.yaml:6: resource Records: its Condition names 'IsProduction', {refused}",
        f"project/eu/t.yaml:9: resource Logs: Fn::If names the condition 'NoSuch', {refused}",
        f"project/eu/t.yaml: output Name: its Condition names 'Nope', {refused}",
        f"project/eu/t.yaml: condition Both: the Condition function names 'Missing', {refused}",
    ]
    # The rest is evaluated: both buckets may be created (in eu-west-3: no finding).
    assert sorted(r.id for r in result.graph) == [
        "project/eu/t.yaml/Logs",
        "project/eu/t.yaml/Records",
    ]
    assert result.findings == []
