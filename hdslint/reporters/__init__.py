"""Output formats. Each reporter is a module with `render(result, options) -> str`, imported
only when that format is asked for."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # the registry of names is read before a scan (usage errors first): stay light
    from hdslint.scan import ScanResult


class RenderOptions(Protocol):
    color: bool


class Reporter(Protocol):
    # show_suppressed: list suppressed findings in the formats people read (text, markdown);
    # the formats programs read (json, sarif, junit) always carry them, marked suppressed.
    def render(
        self, result: ScanResult, *, color: bool = False, show_suppressed: bool = False
    ) -> str: ...


# format name -> module holding its `render`
REPORTERS: dict[str, str] = {
    "text": "hdslint.reporters.text",
    "json": "hdslint.reporters.json_report",
    "sarif": "hdslint.reporters.sarif",
    "github": "hdslint.reporters.github",
    "markdown": "hdslint.reporters.markdown",
    "junit": "hdslint.reporters.junit",
    "gitlab-sast": "hdslint.reporters.gitlab_sast",
    "gitlab-codequality": "hdslint.reporters.gitlab_codequality",
}


def get_reporter(name: str) -> Reporter:
    module: Reporter = importlib.import_module(REPORTERS[name])
    return module
