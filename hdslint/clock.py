"""The one clock: the day certificates, the registry's age and suppression expiries are judged
on. Everything that needs "today" asks here, so that tests freeze a single function."""

from __future__ import annotations

import datetime as dt


def today() -> dt.date:
    """Today's date in UTC (a scan's verdict must not depend on the runner's time zone)."""
    return dt.datetime.now(dt.UTC).date()
