"""Text from the inputs made safe to show: one rule for every plain-text and Markdown output.

A path, a resource name or a message can come from a hostile pull request. Printed as it is,
a newline forges a line of the report, an escape sequence rewrites the terminal, a bidi
override hides text, and a line that starts with `::` is a GitHub Actions workflow command
(the runner reads every line of a step's output, leading blanks ignored).
"""

from __future__ import annotations

import re

# C0 controls (newline and tab included), DEL, C1 controls, the Unicode line and paragraph
# separators, and the bidi embeddings, overrides and isolates ("Trojan Source").
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object) -> str:
    r"""`text` on one line, every control character written as an escape (`\n`, `\x1b`,
    `\u202e`): what it says stays visible, and it cannot start a line of its own."""
    return _UNSAFE.sub(_escape, str(text))


def not_a_workflow_command(line: str) -> str:
    r"""A line of a report that GitHub Actions cannot take for a workflow command: when it
    starts (after blanks) with `::`, the first colon is written `\x3a`."""
    stripped = line.lstrip()
    if not stripped.startswith("::"):
        return line
    cut = len(line) - len(stripped)
    return line[:cut] + "\\x3a" + stripped[1:]


def log_line(text: object) -> str:
    """A line for standard error (a terminal, a CI log): one line, controls escaped, and
    never a workflow command, whatever file name or message it quotes."""
    return not_a_workflow_command(printable(text))
