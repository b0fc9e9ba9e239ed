"""The auditor's report: the HDS picture of a scan (`hdslint report`).

`build.build_report` turns a ScanResult into a `model.Report` (data only); `markdown` and
`html` lay it out. The HTML page is self-contained: no script, stylesheet or font is
fetched from anywhere.
"""

from __future__ import annotations

# format name -> module holding `render(report) -> str`
RENDERERS: dict[str, str] = {
    "markdown": "hdslint.report.markdown",
    "html": "hdslint.report.html",
}
