"""The one clock: the day certificates, the registry's age and suppression expiries are judged
on. Everything that needs "today" asks here, so that tests freeze a single function.

`HDSLINT_TODAY=YYYY-MM-DD` judges a scan as of another day: an auditor re-checking saved
evidence as of the day it was collected, or a reproducible CI run. Every report prints the day
it was evaluated on, so a pinned date is never hidden.
"""

from __future__ import annotations

import datetime as dt
import os

from hdslint.errors import HdslintError

TODAY_ENV = "HDSLINT_TODAY"


def today() -> dt.date:
    """`HDSLINT_TODAY` when set, else today's date in UTC (a verdict must not depend on the
    runner's time zone)."""
    pinned = os.environ.get(TODAY_ENV, "").strip()
    if pinned:
        try:
            return dt.date.fromisoformat(pinned)
        except ValueError:
            raise HdslintError(
                f"{TODAY_ENV}={pinned[:40]!r} is not a date (expected YYYY-MM-DD)"
            ) from None
    return dt.datetime.now(dt.UTC).date()
