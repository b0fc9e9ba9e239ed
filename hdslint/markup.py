"""Markdown written safely: one escaping rule for the scan's Markdown summary, the auditor's
report and the generated documentation pages."""

from __future__ import annotations


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell: one line, backslashes and pipes escaped, no
    HTML (a resource name or message from a hostile input cannot open a tag)."""
    line = " ".join(str(text).split())
    return line.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def code(text: str) -> str:
    """Inline code when the text holds no backtick, else an escaped cell."""
    return f"`{cell(text)}`" if "`" not in text else cell(text)


def code_block(text: str, language: str = "") -> list[str]:
    """A fenced block whose fence is longer than any backtick run inside the text."""
    longest = 0
    run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{language}", text, fence]
