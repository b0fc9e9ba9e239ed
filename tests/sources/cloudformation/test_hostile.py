"""Hostile templates (a pull request may write them): bounded work, never an internal
error, never a template silently left out."""

from __future__ import annotations

from collections.abc import Callable

from hdslint.scan import ScanResult
from hdslint.sources.cloudformation.stacks import MAX_NESTED_STACKS

Scan = Callable[..., ScanResult]
HEAD = 'AWSTemplateFormatVersion: "2010-09-09"\n'


def test_conditions_nested_thousands_deep_are_unknown_not_a_crash(scan_files: Scan) -> None:
    chain = "".join(f"  C{i}: !Condition C{i - 1}\n" for i in range(1, 3000))
    template = (
        f"{HEAD}Conditions:\n  C0: !Equals [a, a]\n{chain}Resources:\n"
        "  B:\n    Type: AWS::S3::Bucket\n    Condition: C2999\n"
    )
    result = scan_files({"deep.yaml": template})
    # Whether it is created cannot be told: it is reported (a missing fact is no pass).
    assert ([r.id for r in result.graph], result.errors) == (["project/deep.yaml/B"], [])


def test_a_template_nesting_itself_is_read_once_and_said(scan_files: Scan) -> None:
    stack = "  Self:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: loop.yaml\n"
    bucket = "  B:\n    Type: AWS::S3::Bucket\n"
    result = scan_files({"loop.yaml": f"{HEAD}Resources:\n{stack}{bucket}"})
    assert [r.id for r in result.graph] == ["project/loop.yaml/B"]
    assert [str(e) for e in result.errors] == [
        "project/loop.yaml:3: resource Self: nested stacks loop or go deeper than 10"
    ]


def test_templates_nesting_each_other_are_all_read(scan_files: Scan) -> None:
    def nesting(other: str) -> str:
        return (
            f"{HEAD}Resources:\n  N:\n    Type: AWS::CloudFormation::Stack\n"
            f"    Properties:\n      TemplateURL: {other}\n  B:\n    Type: AWS::S3::Bucket\n"
        )

    result = scan_files({"a.yaml": nesting("b.yaml"), "b.yaml": nesting("a.yaml")})
    assert sorted(r.id for r in result.graph) == ["project/a.yaml/B", "project/a.yaml/N/B"]


def test_nested_stacks_fanning_out_are_bounded(scan_files: Scan) -> None:
    files = {}
    for level in range(6):
        if level < 5:
            body = "".join(
                f"  S{i}:\n    Type: AWS::CloudFormation::Stack\n"
                f"    Properties:\n      TemplateURL: t{level + 1}.yaml\n"
                for i in range(20)
            )
        else:
            body = "  B:\n    Type: AWS::S3::Bucket\n"
        files[f"t{level}.yaml"] = f"{HEAD}Resources:\n{body}"
    result = scan_files(files)
    assert len([str(e) for e in result.errors]) == 1
    assert str(result.errors[0]).endswith(
        f"more than {MAX_NESTED_STACKS} nested stacks in one scan: the rest are not read"
    )
