"""Intrinsic functions, one line per case: the expression, and the value CloudFormation
would give before deploying (or why it cannot)."""

from __future__ import annotations

from typing import Any

import pytest

from hdslint.model import Unknown
from hdslint.sources.cloudformation.intrinsics import (
    NO_VALUE,
    Deployment,
    Evaluator,
    ResourceRef,
)

TEMPLATE: dict[str, Any] = {
    "Parameters": {
        "Env": {"Type": "String", "Default": "prod"},
        "Size": {"Type": "Number", "Default": 3},
        "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>", "Default": "s-1,s-2"},
        "Free": {"Type": "String"},
        "Ami": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/ami"},
    },
    "Mappings": {"Regions": {"eu-west-3": {"Dr": "eu-central-1"}}},
    "Conditions": {
        "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
        "IsFree": {"Fn::Equals": [{"Ref": "Free"}, "x"]},
        "Loop": {"Condition": "Loop"},
    },
    "Resources": {
        "Bucket": {"Type": "AWS::S3::Bucket"},
        "Gone": {"Type": "AWS::S3::Bucket", "Condition": "Never"},
    },
}
TEMPLATE["Conditions"]["Never"] = {"Fn::Not": [{"Condition": "IsProd"}]}

PARIS = Deployment("eu-west-3", None, "111122223333", "records")
NOWHERE = Deployment(None, "nothing says where", None, None)


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ({"Ref": "Env"}, "prod"),
        ({"Ref": "Size"}, "3"),
        ({"Ref": "Subnets"}, ["s-1", "s-2"]),
        (
            {"Ref": "Free"},
            Unknown("parameter Free has no Default: its value is given at deploy time"),
        ),
        ({"Ref": "Ami"}, Unknown("parameter Ami is read from SSM Parameter Store at deploy time")),
        ({"Ref": "AWS::Region"}, "eu-west-3"),
        ({"Ref": "AWS::Partition"}, "aws"),
        ({"Ref": "AWS::AccountId"}, "111122223333"),
        ({"Ref": "AWS::StackName"}, "records"),
        ({"Ref": "AWS::URLSuffix"}, "amazonaws.com"),
        ({"Ref": "AWS::StackId"}, Unknown("AWS::StackId is known only once deployed")),
        ({"Ref": "Bucket"}, ResourceRef("Bucket")),
        (
            {"Ref": "Gone"},
            Unknown("!Ref Gone: the resource is not created (its Condition is false)"),
        ),
        ({"Ref": "Nope"}, Unknown("!Ref Nope: no parameter or resource of that name", error=True)),
        ({"Fn::GetAtt": ["Bucket", "Arn"]}, ResourceRef("Bucket", "Arn")),
        ({"Fn::GetAtt": "Bucket.Arn"}, ResourceRef("Bucket", "Arn")),
        ({"Fn::Sub": "${Env}-${AWS::Region}-${!Literal}"}, "prod-eu-west-3-${Literal}"),
        ({"Fn::Sub": ["${A}-x", {"A": {"Ref": "Env"}}]}, "prod-x"),
        (
            {"Fn::Sub": "arn:aws:s3:::${Bucket}"},
            Unknown("Fn::Sub: Bucket is known only once deployed", ref="Bucket"),
        ),
        ({"Fn::Join": ["-", ["a", {"Ref": "Env"}, 1]]}, "a-prod-1"),
        ({"Fn::Select": [1, {"Fn::Split": [",", "a,b,c"]}]}, "b"),
        ({"Fn::Select": ["1", {"Ref": "Subnets"}]}, "s-2"),
        ({"Fn::Select": [5, ["a"]]}, Unknown("Fn::Select: index 5 is out of range", error=True)),
        ({"Fn::If": ["IsProd", "big", "small"]}, "big"),
        ({"Fn::If": ["IsFree", "same", "same"]}, "same"),
        (
            {"Fn::If": ["IsFree", "a", "b"]},
            Unknown(
                "condition 'IsFree' cannot be decided: parameter Free has no"
                " Default: its value is given at deploy time"
            ),
        ),
        ({"Fn::If": ["IsProd", {"Ref": "AWS::NoValue"}, "x"]}, NO_VALUE),
        ({"Fn::FindInMap": ["Regions", {"Ref": "AWS::Region"}, "Dr"]}, "eu-central-1"),
        (
            {"Fn::FindInMap": ["Regions", "us-east-1", "Dr", {"DefaultValue": "none"}]},
            "none",
        ),
        (
            {"Fn::FindInMap": ["Regions", "us-east-1", "Dr"]},
            Unknown("Fn::FindInMap: Mappings has no Regions.us-east-1.Dr", error=True),
        ),
        ({"Fn::And": [{"Condition": "IsProd"}, {"Fn::Equals": ["a", "a"]}]}, True),
        ({"Fn::Or": [{"Condition": "IsFree"}, {"Condition": "IsProd"}]}, True),
        ({"Fn::Not": [{"Condition": "IsProd"}]}, False),
        (
            {"Condition": "Loop"},
            Unknown("condition 'Loop' cannot be decided: condition 'Loop' depends on itself"),
        ),
        ({"Fn::Base64": {"Ref": "Env"}}, "prod"),
        ({"Fn::Cidr": ["10.0.0.0/16", 2, 8]}, ["10.0.0.0/24", "10.0.1.0/24"]),
        ({"Fn::Length": [1, 2, 3]}, 3),
        ({"Fn::ToJsonString": {"a": {"Ref": "Env"}}}, '{"a":"prod"}'),
        (
            {"Fn::GetAZs": ""},
            Unknown("Fn::GetAZs: the availability zones are known only in the account"),
        ),
        (
            {"Fn::ImportValue": "shared-vpc"},
            Unknown("Fn::ImportValue 'shared-vpc': exported by another stack"),
        ),
        (
            {"Tags": [{"Key": "k", "Value": {"Ref": "Env"}}]},
            {"Tags": [{"Key": "k", "Value": "prod"}]},
        ),
        ({"A": {"Ref": "AWS::NoValue"}, "B": 1}, {"B": 1}),
    ],
)
def test_value(expression: Any, value: Any) -> None:
    assert Evaluator(TEMPLATE, PARIS).value(expression) == value


def test_pseudo_parameters_without_a_deployment_say_why() -> None:
    ev = Evaluator(TEMPLATE, NOWHERE)
    assert ev.value({"Ref": "AWS::Region"}) == Unknown("AWS::Region: nothing says where")
    assert ev.value({"Ref": "AWS::AccountId"}) == Unknown(
        "AWS::AccountId: the account is not known"
    )
    assert ev.value({"Fn::FindInMap": ["Regions", {"Ref": "AWS::Region"}, "Dr"]}) == Unknown(
        "Fn::FindInMap Regions: AWS::Region: nothing says where"
    )


def test_given_parameters_win_over_defaults() -> None:
    ev = Evaluator(TEMPLATE, PARIS, {"Env": "dev"})
    assert (ev.value({"Ref": "Env"}), ev.resource_created("Gone")) == ("dev", True)
