"""The README's first command prints exactly what the README shows, and exits as it says."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def _shown_output() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("```\n", text.index("The first command prints")) + len("```\n")
    return text[start : text.index("```", start)]


def test_the_readme_shows_what_scanning_the_examples_prints() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NO_COLOR", "FORCE_COLOR"))}
    done = subprocess.run(
        [sys.executable, "-m", "hdslint", "scan", "examples"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.stderr == ""
    assert done.stdout == _shown_output()
    assert done.returncode == 1
