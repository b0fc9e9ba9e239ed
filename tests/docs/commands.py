"""The commands README.md and docs/*.md show, extracted as a reader would copy them.

A command is a line of a fenced `sh`/`bash`/`shell`/`console` block (comments, blank
lines and a `$ ` prompt left out), or a line of a `script:`/`before_script:`/`run:` value in a
`yaml` block (GitLab CI jobs, GitHub workflow steps) that runs hdslint. Any document added
under docs/ is read too: a new command is checked as soon as it is written. Inline code
spans in prose (`hdslint policies show ID`) are synopses and are not extracted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import ROOT

SHELL_BLOCKS = frozenset({"sh", "bash", "shell", "console"})
CI_KEYS = frozenset({"script", "before_script", "run"})
_FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})[ \t]*([^\s`]*)")
_TRAILING_COMMENT = re.compile(r"\s+#\s.*$")


@dataclass(frozen=True)
class Documented:
    command: str
    file: str  # relative to the repository
    line: int


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def fenced_blocks(text: str) -> Iterator[tuple[str, int, str]]:
    """(info string's first word, line of the block's first line, body) of each block."""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        opened = _FENCE.match(lines[index])
        if opened is None:
            index += 1
            continue
        indent, fence, info = opened.groups()
        body: list[str] = []
        index += 1
        while index < len(lines):
            closing = lines[index].strip()
            if closing.startswith(fence[0] * len(fence)) and not closing.strip(fence[0]):
                break
            body.append(
                lines[index][len(indent) :] if lines[index].startswith(indent) else lines[index]
            )
            index += 1
        yield info.lower(), index - len(body) + 1, "\n".join(body)
        index += 1


def shell_commands(body: str) -> Iterator[tuple[int, str]]:
    for offset, raw in enumerate(body.splitlines()):
        line = raw.strip()
        if line.startswith("$ "):
            line = line[2:]
        if not line or line.startswith("#"):
            continue
        yield offset, _TRAILING_COMMENT.sub("", line)


def ci_commands(body: str) -> Iterator[str]:
    try:
        documents_ = list(yaml.safe_load_all(body))
    except yaml.YAMLError:
        return
    for document in documents_:
        yield from _ci_values(document)


def _ci_values(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in CI_KEYS:
                items = value if isinstance(value, list) else [value]
                for item in items:
                    if isinstance(item, str):
                        yield from (c for (c,) in _lines(item) if "hdslint" in c)
            else:
                yield from _ci_values(value)
    elif isinstance(node, list):
        for item in node:
            yield from _ci_values(item)


def _lines(text: str) -> Iterator[tuple[str]]:
    for _, command in shell_commands(text):
        yield (command,)


def documented_commands() -> list[Documented]:
    found: list[Documented] = []
    for path in documents():
        name = path.relative_to(ROOT).as_posix()
        for info, first, body in fenced_blocks(path.read_text("utf-8")):
            if info in SHELL_BLOCKS:
                found.extend(Documented(c, name, first + o) for o, c in shell_commands(body))
            elif info in ("yaml", "yml"):
                found.extend(Documented(c, name, first) for c in ci_commands(body))
    return found
