"""Reading suppression directives: one line per case, exact results and messages."""

from __future__ import annotations

import datetime as dt

import pytest

from hdslint.model import InputError, Location
from hdslint.suppressions.directives import Directive, annotation_directives, comments_in

LOC = Location("main.tf", 1)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            '# hdslint:ignore=HDS-LOC-001 reason="US partner, anonymised" until=2026-03-31',
            (("HDS-LOC-001",), "US partner, anonymised", dt.date(2026, 3, 31)),
        ),
        (
            "// hdslint:ignore=HDS-LOC-001,HDS-FLOW-001 reason=short",
            (("HDS-LOC-001", "HDS-FLOW-001"), "short", None),
        ),
        (
            '/* hdslint:ignore=HDS-LOC-001 reason="in a block comment" */',
            (("HDS-LOC-001",), "in a block comment", None),
        ),
        (
            '  bucket = "x"  # hdslint:ignore=HDS-LOC-001 reason="trailing"',
            (("HDS-LOC-001",), "trailing", None),
        ),
        (
            '#hdslint:ignore=HDS-LOC-001 reason="say \\"yes\\""',
            (("HDS-LOC-001",), 'say "yes"', None),
        ),
        (
            '  - name: x # hdslint:ignore=HDS-CERT-001 reason="yaml"',
            (("HDS-CERT-001",), "yaml", None),
        ),
    ],
)
def test_readable_directives(line: str, expected: tuple[object, ...]) -> None:
    (directive,) = comments_in(f"resource {{}}\n{line}\n", "main.tf")
    assert isinstance(directive, Directive)
    assert (directive.policies, directive.reason, directive.until) == expected
    assert (directive.location, directive.kind) == (Location("main.tf", 2), "inline")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "# hdslint:ignore=HDS-LOC-001",
            'suppression for HDS-LOC-001 has no reason: a suppression needs reason="..." (it is not applied)',
        ),
        (
            '# hdslint:ignore=HDS-LOC-001 reason=""',
            'suppression for HDS-LOC-001 has no reason: a suppression needs reason="..." (it is not applied)',
        ),
        (
            '# hdslint:ignore=HDS-LOC-001 reason="   "',
            'suppression for HDS-LOC-001 has no reason: a suppression needs reason="..." (it is not applied)',
        ),
        (
            '# hdslint:ignore=hds-loc-001 reason="x"',
            "suppression names 'hds-loc-001', which is not a policy id (e.g. HDS-LOC-001)",
        ),
        (
            '# hdslint:ignore=HDS-LOC-001 reason="x" until=31/12/2026',
            "suppression has until='31/12/2026', which is not a date (YYYY-MM-DD)",
        ),
        (
            '# hdslint:ignore=HDS-LOC-001 reasn="x"',
            "suppression has an unknown key 'reasn' (expected reason, until)",
        ),
        (
            '# hdslint:ignore=HDS-LOC-001 because "x"',
            'suppression cannot be read at \'because "x"\' (expected key="value")',
        ),
        (
            "# hdslint:ignore HDS-LOC-001",
            'suppression names no policy (write hdslint:ignore=POLICY-ID reason="...")',
        ),
        (
            '# hdslint:ignore= reason="x"',
            'suppression names no policy (write hdslint:ignore=POLICY-ID reason="...")',
        ),
    ],
)
def test_unreadable_directives_are_errors_with_file_and_line(line: str, message: str) -> None:
    assert list(comments_in(f"\n\n{line}\n", "infra/main.tf")) == [
        InputError("infra/main.tf", message, 3)
    ]


@pytest.mark.parametrize(
    "text",
    [
        'description = "hdslint:ignore=HDS-LOC-001"\n',  # in a string, not a comment
        "# see the hdslint:ignored list\n",  # another word
        "resource {}\n",
    ],
)
def test_not_directives(text: str) -> None:
    assert list(comments_in(text, "main.tf")) == []


def test_annotation_with_one_directive_per_line() -> None:
    value = (
        'HDS-LOC-001 reason="replica for a US study"\nHDS-CERT-001 reason="b" until=2030-01-01\n'
    )
    assert list(annotation_directives(value, Location("k8s/db.yaml", 4))) == [
        Directive(
            ("HDS-LOC-001",),
            "replica for a US study",
            None,
            Location("k8s/db.yaml", 4),
            "annotation",
        ),
        Directive(
            ("HDS-CERT-001",), "b", dt.date(2030, 1, 1), Location("k8s/db.yaml", 4), "annotation"
        ),
    ]


def test_annotation_without_reason() -> None:
    assert list(annotation_directives("HDS-LOC-001", Location("k8s/db.yaml", 4))) == [
        InputError(
            "k8s/db.yaml",
            'suppression for HDS-LOC-001 has no reason: a suppression needs reason="..." (it is not applied)',
            4,
        )
    ]
