"""`--format junit`: JUnit XML for CI systems that show test reports (GitLab, Jenkins, Azure).

One testsuite per policy, one testcase per (policy, resource) evaluation:
- pass: an empty testcase;
- fail: a `<failure>` (type = severity);
- not evaluated: an `<error>`: the check could not be carried out, which is what JUnit's
  error means; CI systems show errors as red, like failures, and a missing fact is never a
  pass (`<skipped>` would hide it in yellow);
- suppressed: `<skipped>` with the suppression's kind, reason and expiry: deliberately not
  counted, still listed.
Inputs that could not be read make a last suite, `hdslint.inputs`, one `<error>` each.
Every suite starts with `<properties>`: the scan's provenance (configuration, policies
evaluated and disabled, paths excluded, health-data default).
XML escaping is done by xml.etree.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter

from hdslint.ids import ResourceKey
from hdslint.model import Finding, Status
from hdslint.paths import relative_path
from hdslint.reporters.summary import provenance_facts
from hdslint.result import Evaluation, ScanResult

# Characters XML 1.0 cannot hold at all, even escaped (ElementTree would write them as they
# are, and the file would not parse).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _finding_for(result: ScanResult) -> dict[tuple[str, ResourceKey], Finding]:
    return {(f.policy_id, f.resource.key): f for f in result.findings}


def _testcase(suite: ET.Element, evaluation: Evaluation, finding: Finding | None) -> str:
    resource = evaluation.resource
    case = ET.SubElement(
        suite,
        "testcase",
        {"classname": evaluation.policy.id, "name": resource.id, "time": "0"},
    )
    location = resource.location
    if location.file:
        case.set("file", relative_path(location.file))
        if location.line:
            case.set("line", str(location.line))
    if finding is None or evaluation.status is Status.PASS:
        return "pass"
    where = str(location) if location.file else (location.api_call or "")
    details = f"{where}: {resource.id}: {finding.message}"
    if finding.suppression is not None:
        s = finding.suppression
        until = f" until {s.until}" if s.until else ""
        ET.SubElement(case, "skipped", {"message": f"suppressed ({s.kind}{until}): {s.reason}"})
        return "skipped"
    tag = "failure" if finding.status is Status.FAIL else "error"
    element = ET.SubElement(
        case,
        tag,
        {
            "type": finding.severity.label
            if tag == "failure"
            else f"not_evaluated ({finding.severity.label})",
            "message": finding.message,
        },
    )
    element.text = details
    return tag


def render(result: ScanResult, *, color: bool = False, show_suppressed: bool = False) -> str:
    findings = _finding_for(result)
    root = ET.Element("testsuites", {"name": "hdslint"})
    totals: Counter[str] = Counter()
    by_policy: dict[str, list[Evaluation]] = {p.id: [] for p in result.policies}
    for evaluation in result.evaluations:
        by_policy.setdefault(evaluation.policy.id, []).append(evaluation)
    titles = {p.id: p.title for p in result.policies}
    for policy_id, evaluations in by_policy.items():
        suite = ET.SubElement(root, "testsuite", {"name": f"{policy_id} {titles[policy_id]}"})
        _properties(suite, result)
        counts: Counter[str] = Counter()
        for evaluation in evaluations:
            finding = findings.get((policy_id, evaluation.resource.key))
            counts[_testcase(suite, evaluation, finding)] += 1
        _count(suite, len(evaluations), counts)
        totals.update(counts)
    if result.errors:
        suite = ET.SubElement(root, "testsuite", {"name": "hdslint.inputs"})
        _properties(suite, result)
        for error in result.errors:
            case = ET.SubElement(
                suite,
                "testcase",
                {"classname": "hdslint.inputs", "name": error.file or "<input>", "time": "0"},
            )
            if error.file:
                case.set("file", relative_path(error.file))
                if error.line:
                    case.set("line", str(error.line))
            ET.SubElement(case, "error", {"type": "input", "message": error.message}).text = str(
                error
            )
        _count(suite, len(result.errors), Counter({"error": len(result.errors)}))
        totals["error"] += len(result.errors)
    _count(root, sum(totals.values()), totals)
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode", xml_declaration=True)
    return _NOT_XML.sub("\ufffd", text) + "\n"


def _properties(suite: ET.Element, result: ScanResult) -> None:
    """What the scan was judged by, in every suite (JUnit's `properties`, the suite's first
    child, is the place for it): a configuration can switch checks off."""
    properties = ET.SubElement(suite, "properties")
    for label, value in provenance_facts(result.provenance):
        name = f"hdslint.{label.lower().replace(' ', '_')}"
        ET.SubElement(properties, "property", {"name": name, "value": value})


def _count(element: ET.Element, tests: int, counts: Counter[str]) -> None:
    element.set("tests", str(tests))
    element.set("failures", str(counts["failure"]))
    element.set("errors", str(counts["error"]))
    element.set("skipped", str(counts["skipped"]))
    element.set("time", "0")
