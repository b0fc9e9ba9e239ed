"""Regular expressions written by others (Terraform's replace(), policies' `regex`), matched
in linear time.

Python's `re` backtracks: `(a+)+$` against forty `a` and a `b` runs for hours. RE2 (the
engine Terraform itself uses, through Go's regexp) never backtracks, so the time a match
takes grows with the text, whatever the pattern. Its syntax is Terraform's; patterns RE2
refuses (backreferences, lookarounds) are invalid here as they are in Terraform.
"""

from __future__ import annotations

import functools
from typing import Any

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # an invalid pattern is reported by the caller, not on stderr


class RegexError(ValueError):
    """A pattern RE2 cannot compile."""


class Pattern:
    """A compiled pattern: search, count and substitute."""

    __slots__ = ("_compiled",)

    def __init__(self, compiled: Any) -> None:
        self._compiled = compiled

    def search(self, text: str) -> bool:
        return self._compiled.search(text) is not None

    def matches_start(self, text: str) -> bool:
        """Whether the pattern matches at the start of `text` (`$` anchors the end)."""
        return self._compiled.match(text) is not None

    def match_groups(self, text: str) -> dict[str, str] | None:
        """The named groups of a match at the start of `text`, or None."""
        found = self._compiled.match(text)
        return None if found is None else dict(found.groupdict())

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where each match starts and ends, left to right."""
        return [found.span() for found in self._compiled.finditer(text)]

    def count(self, text: str) -> int:
        return sum(1 for _ in self._compiled.finditer(text))

    def sub(self, template: str, text: str) -> str:
        """Replace every match with `template` (`\\1` names a group)."""
        return str(self._compiled.sub(template, text))


@functools.lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> Pattern:
    try:
        return Pattern(re2.compile(pattern, _OPTIONS))
    except re2.error as exc:
        detail = exc.args[0] if exc.args else exc
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        raise RegexError(f"invalid regular expression: {detail}") from None


def search(pattern: str, text: str) -> bool:
    """Whether `pattern` matches somewhere in `text`."""
    return compile_pattern(pattern).search(text)
