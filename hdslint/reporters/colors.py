"""The one colour helper: whether to colour (--color, NO_COLOR, TERM=dumb, a terminal) and
the ANSI styles every coloured output paints with."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TextIO

from hdslint.model import Severity

BOLD = "\033[1m"
DIM = "\033[2m"
RED = "\033[31m"
BOLD_RED = "\033[1;31m"
GREEN = "\033[32m"
BOLD_GREEN = "\033[1;32m"
YELLOW = "\033[33m"
MAGENTA = "\033[35m"
CYAN = "\033[36m"
RESET = "\033[0m"

SEVERITY_STYLES = {
    Severity.CRITICAL: BOLD_RED,
    Severity.HIGH: RED,
    Severity.MEDIUM: YELLOW,
    Severity.LOW: CYAN,
    Severity.INFO: DIM,
}


def paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{RESET}" if color else text


def terminal_styles(env: Mapping[str, str]) -> bool:
    """False when the environment asks for plain text: NO_COLOR set to anything but the
    empty string (https://no-color.org), or TERM=dumb (a terminal without escape codes)."""
    return not env.get("NO_COLOR") and env.get("TERM") != "dumb"


def use_color(flag: bool | None, stream: TextIO | None, env: Mapping[str, str]) -> bool:
    """--color / --no-color when given (a command-line flag beats NO_COLOR, as no-color.org
    asks); else colour a terminal (stream: where the text goes, None for a file) unless the
    environment asks for plain text."""
    if flag is not None:
        return flag
    return stream is not None and stream.isatty() and terminal_styles(env)
