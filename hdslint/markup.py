"""Markdown written safely: one escaping rule for the scan's Markdown summary, the auditor's
report and the generated documentation pages.

Text from the inputs (paths, names, messages) may come from a hostile pull request: in a
job summary, a backtick that closes a code span, a `[text](url)` or `![](url)` would turn a
resource name into a link or an image fetched from anywhere. Every piece of input text goes
through `cell` (prose) or `code` (a name, a path)."""

from __future__ import annotations

from hdslint.printable import printable


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell (and anywhere in prose): one line, control
    characters escaped; backslashes, pipes, backticks and brackets escaped (no code span, link
    or image can start); no HTML (a resource name or message from a hostile input cannot open
    a tag)."""
    line = printable(" ".join(str(text).split()))
    for char in "\\|`[]":
        line = line.replace(char, "\\" + char)
    return line.replace("<", "&lt;").replace(">", "&gt;")


def markdown_cell(markdown: str) -> str:
    """Markdown that hdslint writes itself (with its own code spans), made one table cell:
    one line, pipes escaped. Never for text from the inputs: that goes through `cell`."""
    return " ".join(markdown.split()).replace("|", "\\|")


def code(text: object) -> str:
    """Inline code that the text cannot leave: the fence is longer than any backtick run
    inside it, so nothing in it is read as Markdown. One line: control characters (newlines
    too) escaped, as a name or path holds them; pipes escaped (GitHub's tables split cells
    on a bare pipe, even inside code)."""
    line = printable(text).replace("|", "\\|")
    fence = "`" * (_longest_backtick_run(line) + 1)
    # A space on each side when the text starts or ends with a backtick (CommonMark strips
    # one space from each side of a code span that has them).
    pad = " " if line.startswith("`") or line.endswith("`") else ""
    return f"{fence}{pad}{line}{pad}{fence}"


def code_block(text: str, language: str = "") -> list[str]:
    """A fenced block whose fence is longer than any backtick run inside the text."""
    fence = "`" * max(3, _longest_backtick_run(text) + 1)
    return [f"{fence}{language}", text, fence]


def _longest_backtick_run(text: str) -> int:
    longest = 0
    run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return longest
