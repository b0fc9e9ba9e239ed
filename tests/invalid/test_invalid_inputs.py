"""Invalid configurations are input errors, named with file and line, never a crash (exit 3)
nor a silent drop: the rest of the input is still scanned (issue #15, section 1).

Each folder here is a small project with an `expected.yaml`:

    exit: 2                                  # hdslint's exit code (`scan . -f json`)
    errors:                                  # exactly the input errors, in report order
      - [main.tf, 9, 'Unsupported argument: ...']
    findings:                                # exactly the findings, in report order
      - [HDS-LOC-001, fail, aws_s3_bucket.logged, 7]

The scan runs through the command line, in the project's folder, so that files are named as
a user sees them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hdslint import yamlio

HERE = Path(__file__).resolve().parent
CASES = sorted(p for p in HERE.iterdir() if (p / "expected.yaml").is_file())


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_invalid_input(
    case: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: Callable[..., tuple[int, str, str]],
) -> None:
    expected: dict[str, Any] = yamlio.load((case / "expected.yaml").read_text("utf-8"))
    monkeypatch.chdir(case)

    code, out, err = cli("scan", ".", "--no-cache", "-f", "json")

    assert "internal error" not in err
    document = json.loads(out)
    errors = [[e["file"], e["line"], e["message"]] for e in document["errors"]]
    findings = [
        [f["policy_id"], f["status"], f["resource"]["id"], f["location"]["line"]]
        for f in document["findings"]
    ]
    assert errors == expected["errors"]
    assert findings == expected["findings"]
    assert code == expected["exit"]


def test_every_case_has_an_error() -> None:
    """A case without an input error would not test what this folder is for."""
    assert len(CASES) >= 5
    for case in CASES:
        expected = yamlio.load((case / "expected.yaml").read_text("utf-8"))
        assert expected["errors"], case.name
