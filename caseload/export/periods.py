"""Reporting periods: a calendar quarter (``2026-Q3``) or a calendar year (``2026``), never finer (R3)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_PERIOD = re.compile(r"^(\d{4})(?:-[Qq]([1-4]))?$")


class PeriodError(ValueError):
    """The period text is not ``YYYY`` or ``YYYY-Qn``, or lies wholly in the future."""


@dataclass(frozen=True, slots=True)
class Period:
    """A quarter or a year; ``end`` is cut to the as-of date for a period still running (year to date)."""

    label: str
    start: date
    end: date
    full_end: date

    @property
    def to_date(self) -> bool:
        """True when the period has not finished yet (the summary covers it so far)."""
        return self.end < self.full_end

    def describe(self) -> str:
        """Words for the footnote, e.g. ``2026 Q3 (July to September 2026)`` or ``2026 (year to date)``."""
        if "Q" in self.label:
            year, q = self.label.split("-Q")
            months = {"1": "January to March", "2": "April to June", "3": "July to September",
                      "4": "October to December"}[q]
            base = f"{year} Q{q} ({months} {year})"
        else:
            base = f"{self.label} (January to December {self.label})"
        return f"{base}, to date" if self.to_date else base


def parse_period(text: str, as_of: date) -> Period:
    """Parse ``2026`` or ``2026-Q3``; the end is cut to ``as_of``. Raises :class:`PeriodError`."""
    m = _PERIOD.match(text.strip())
    if not m:
        raise PeriodError(f"Period must look like 2026 or 2026-Q3, not {text.strip()[:20]!r}.")
    year = int(m.group(1))
    if not 2000 <= year <= 2100:
        raise PeriodError("Period year must be between 2000 and 2100.")
    if m.group(2):
        q = int(m.group(2))
        start = date(year, 3 * q - 2, 1)
        full_end = date(year + (q == 4), (3 * q) % 12 + 1, 1).toordinal() - 1
        end_date = date.fromordinal(full_end)
        label = f"{year}-Q{q}"
    else:
        start, end_date, label = date(year, 1, 1), date(year, 12, 31), str(year)
    if start > as_of:
        raise PeriodError(f"Period {label} has not started yet.")
    return Period(label, start, min(end_date, as_of), end_date)


def recent_periods(as_of: date, count: int = 6) -> list[str]:
    """The current and previous quarters, then this year and last year (for choosers)."""
    q = (as_of.month - 1) // 3 + 1
    out: list[str] = []
    year = as_of.year
    for _ in range(count):
        out.append(f"{year}-Q{q}")
        q -= 1
        if q == 0:
            q, year = 4, year - 1
    return [*out, str(as_of.year), str(as_of.year - 1)]
