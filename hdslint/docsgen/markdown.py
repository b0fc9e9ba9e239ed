"""Small Markdown helpers shared by the generated pages and the auditor's report."""

from __future__ import annotations


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def code_block(text: str, language: str = "") -> list[str]:
    """A fenced block whose fence is longer than any backtick run inside the text."""
    longest = 0
    run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{language}", text, fence]
