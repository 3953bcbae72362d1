"""Time at the edge: the store keeps UTC; 'today' for casework is the date in England and Wales."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_ZONE = "Europe/London"


def now_utc() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def today_local() -> date:
    """Today's date in England and Wales (working-day sums are in local dates)."""
    return datetime.now(ZoneInfo(LOCAL_ZONE)).date()
