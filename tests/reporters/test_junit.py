"""`--format junit`: well-formed JUnit XML, one suite per policy, one case per evaluation."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

from hdslint.reporters import junit
from hdslint.scan import ScanResult
from tests.reporters.test_sarif import PROJECT


def parse(text: str) -> ET.Element:
    assert text.startswith("<?xml version='1.0' encoding='utf-8'?>\n")
    return ET.fromstring(text.encode("utf-8"))


def test_one_suite_per_policy_one_case_per_evaluation(
    scan_files: Callable[..., ScanResult],
) -> None:
    result = scan_files(PROJECT)
    root = parse(junit.render(result))
    suites = root.findall("testsuite")
    assert [s.get("name", "").split(" ", 1)[0] for s in suites] == [p.id for p in result.policies]
    assert sum(int(s.get("tests", "0")) for s in suites) == len(result.evaluations)
    loc = next(s for s in suites if s.get("name", "").startswith("HDS-LOC-001 "))
    cases = {
        c.get("name"): (
            [child.tag for child in c],
            c.get("file"),
            c.get("line"),
        )
        for c in loc.findall("testcase")
    }
    assert cases == {
        "aws_s3_bucket.records": ([], "project/main.tf", "17"),
        "aws_s3_bucket.exports": (["failure"], "project/main.tf", "19"),
        "aws_s3_bucket.open_data": (["skipped"], "project/main.tf", "24"),
    }
    failure = loc.find("testcase[@name='aws_s3_bucket.exports']/failure")
    assert failure is not None
    assert failure.attrib == {
        "type": "critical",
        "message": "us-east-1 (United States) is outside the EEA",
    }
    assert failure.text == (
        "project/main.tf:19: aws_s3_bucket.exports: us-east-1 (United States) is outside the EEA"
    )
    skipped = loc.find("testcase[@name='aws_s3_bucket.open_data']/skipped")
    assert skipped is not None
    assert skipped.get("message") == (
        "suppressed (inline until 2999-12-31): anonymised open data, not health data"
    )
    assert (loc.get("tests"), loc.get("failures"), loc.get("errors"), loc.get("skipped")) == (
        "3",
        "1",
        "0",
        "1",
    )
    # not evaluated is a JUnit error: the check could not be carried out
    unknown = next(s for s in suites if s.get("name", "").startswith("HDS-LOC-002 "))
    (case,) = [c for c in unknown.findall("testcase") if len(c)]
    (error,) = list(case)
    assert (case.get("name"), error.tag, error.get("type")) == (
        "aws_s3_bucket.unknown",
        "error",
        "not_evaluated (high)",
    )
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == (
        str(len(result.evaluations)),
        "1",
        "1",
        "1",
    )


def test_special_characters_are_escaped_by_the_xml_writer() -> None:
    from hdslint.model import InputError
    from tests.reporters.test_github import result_with

    result = result_with([], [InputError("in<fra>/a&b.tf", 'bad "quote" <here>\x1b', 4)])
    root = parse(junit.render(result))
    (inputs,) = [s for s in root.findall("testsuite") if s.get("name") == "hdslint.inputs"]
    (case,) = inputs.findall("testcase")
    assert case.get("name") == "in<fra>/a&b.tf"
    (error,) = list(case)
    assert error.get("message") == 'bad "quote" <here>\ufffd'
    assert error.text == 'in<fra>/a&b.tf:4: bad "quote" <here>\ufffd'
