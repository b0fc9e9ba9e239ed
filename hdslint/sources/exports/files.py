"""Reading an exported inventory file: size bound, UTF-8, JSON (or newline-delimited JSON),
and the line where each resource is written, so findings point into the file."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hdslint.files import FileAccess
from hdslint.model import InputError, Location


@dataclass(frozen=True)
class ExportFile:
    """A parsed export: its data, its text (for line numbers) and its name as shown."""

    display: str
    data: Any
    text: str = ""
    # The line of each JSON line of a newline-delimited file (index -> 1-based line).
    lines: tuple[int, ...] = ()
    _found: dict[str, Mapping[str, int]] = field(default_factory=dict, compare=False)

    def line_of(self, key: str, value: str) -> int | None:
        """The line of the first `"key": "value"` in the text (resources are found by their
        id), all of a key's values found in one pass."""
        index = self._found.get(key)
        if index is None:
            index = self._found[key] = _value_lines(self.text, key)
        return index.get(value)

    def line_of_escaped(self, key: str, value: str) -> int | None:
        """The line of `key` = `value` written inside a JSON string (`\\"arn\\":\\"...\\"`,
        as AWS Config's query results embed each item), or None."""
        found = re.search(
            rf'{re.escape(key)}\\"\s*:\s*\\"{re.escape(json.dumps(value)[1:-1])}\\"', self.text
        )
        return self.text.count("\n", 0, found.start()) + 1 if found else None

    def location(self, key: str, value: str) -> Location:
        return Location(self.display, self.line_of(key, value))


def further_page(data: Any, file: ExportFile, token: str, held: str) -> list[InputError]:
    """The error of an export whose answer names a further page (`token`): only what it
    holds (`held`, e.g. "12 assets") was checked."""
    if isinstance(data, Mapping) and data.get(token):
        message = f"the export holds {held} and names a further page ({token}): the others"
        return [InputError(file.display, f"{message} were not checked")]
    return []


# A document nested past what the JSON decoder can follow (hostile input, never a real export).
NESTED_TOO_DEEPLY = "JSON nested too deeply"


def _value_lines(text: str, key: str) -> Mapping[str, int]:
    found: dict[str, int] = {}
    line, counted = 1, 0
    for match in re.finditer(rf'"{re.escape(key)}"\s*:\s*("(?:[^"\\]|\\.)*")', text):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        try:
            value = json.loads(match.group(1))
        except ValueError:
            continue
        if isinstance(value, str):
            found.setdefault(value, line)
    return found


def load_export(fs: FileAccess, path: Path, display: str) -> ExportFile | InputError:
    """The file's JSON document, or its newline-delimited JSON lines as a list; or the
    error that names the file (and the line) when it cannot be read."""
    problem = fs.too_large(path, factor=25)
    if problem is not None:
        return InputError(display, problem)
    try:
        text = fs.read_text(path)
    except OSError as exc:
        return InputError(display, f"cannot read the inventory: {exc.strerror or exc}")
    except UnicodeDecodeError:
        return InputError(display, "the inventory is not UTF-8 text")
    try:
        return ExportFile(display, json.loads(text), text)
    except json.JSONDecodeError as exc:
        first = exc
    except RecursionError:
        return InputError(display, NESTED_TOO_DEEPLY)
    # Newline-delimited JSON (a Cloud Asset Inventory export): one document per line.
    items: list[Any] = []
    lines: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as exc:
            if not items:  # not newline-delimited either: the whole-document error
                return InputError(display, f"not valid JSON: {first.msg}", first.lineno)
            return InputError(display, f"not valid JSON: {exc.msg}", number)
        except RecursionError:
            return InputError(display, NESTED_TOO_DEEPLY, number)
        lines.append(number)
    if len(items) < 2:
        return InputError(display, f"not valid JSON: {first.msg}", first.lineno)
    return ExportFile(display, items, text, tuple(lines))
