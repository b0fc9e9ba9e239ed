"""The one glob dialect of `.hdslint.yaml` (`exclude`, waiver `paths`, `kubernetes.clusters`
`paths`), matched in linear time.

A glob comes from a configuration a pull request may have written, and a path from the
files it adds: translated into a regular expression for Python's backtracking `re`,
`*a*a*a*a*a*a*a*a*a*a*a*a*b` against a name of thirty `a` takes seconds and `**/` twelve
times against a deep path never ends. So the translation is matched by RE2
(hdslint.saferegex), whose time grows with the path whatever the glob.
"""

from __future__ import annotations

import functools

from hdslint.saferegex import Pattern, compile_pattern


@functools.lru_cache(maxsize=256)
def glob_regex(pattern: str) -> Pattern:
    """A path glob as a (RE2) regular expression: `*` and `?` stay within a folder, `**`
    spans folders, and a pattern naming a folder matches everything under it."""
    text = pattern.strip().removeprefix("./").rstrip("/")
    out = []
    i = 0
    while i < len(text):
        if text.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif text.startswith("**", i):
            out.append(".*")
            i += 2
        elif text[i] == "*":
            out.append("[^/]*")
            i += 1
        elif text[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            char = text[i]
            # Every other character stands for itself (RE2 reads `\x{...}` as that one).
            out.append(char if char.isalnum() or char == "_" else f"\\x{{{ord(char):x}}}")
            i += 1
    return compile_pattern("".join(out) + "(?:/.*)?$")


def glob_match(pattern: str, path: str) -> bool:
    """Whether a path (relative, forward slashes) matches a glob of the one dialect:
    case-sensitive, `*` and `?` within a folder, `**` across folders, a folder pattern
    matching everything under it."""
    return glob_regex(pattern).matches_start(path)
