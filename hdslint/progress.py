"""One self-rewriting status line on a terminal's standard error, for work that takes more
than a moment (`hdslint scan` parsing files, `hdslint aws` reading services). Nothing is
shown before `delay` seconds, so quick runs stay quiet; the line is erased when done."""

from __future__ import annotations

import time
from typing import IO

# Seconds before anything is shown: a scan served from the cache never flickers a line.
DELAY = 1.0


class StatusLine:
    def __init__(
        self, stream: IO[str], *, delay: float | None = None, interval: float = 0.1
    ) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.delay = DELAY if delay is None else delay
        self.interval = interval
        self._last = 0.0
        self._width = 0

    def show(self, text: str, *, force: bool = False) -> None:
        """Replace the line with `text` (at most every `interval` seconds unless forced),
        once `delay` seconds have passed since the start."""
        now = time.monotonic()
        if now - self.started < self.delay or (not force and now - self._last < self.interval):
            return
        self._last = now
        # Carriage return and padding only: no escape code, so TERM=dumb shows it too.
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def close(self) -> None:
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
