"""Working days, calendar months and date wording for the rules.

A *working day* is Monday–Friday that is not a bank holiday in the region. Bank holidays come from the
``holidays`` package (``holidays.UnitedKingdom`` with subdivision England for England & Wales — Wales shares
England's bank holidays — ``SCT`` for Scotland and ``NIR`` for Northern Ireland); nothing is typed in by hand.
Holiday sets are cached per (region, year) and :func:`add_working_days` is memoised, so the due list for a
whole service costs a few dictionary look-ups per case.
"""

from __future__ import annotations

import calendar as _stdcal
from datetime import date, timedelta
from functools import lru_cache

import holidays

from caseload.domain.enums import Region

SUBDIVISIONS: dict[Region, str] = {
    Region.ENGLAND_WALES: "ENG",
    Region.SCOTLAND: "SCT",
    Region.NORTHERN_IRELAND: "NIR",
}
"""``holidays.UnitedKingdom`` subdivision code used for each region."""

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@lru_cache(maxsize=512)
def bank_holidays(region: Region, year: int) -> frozenset[date]:
    """Bank holidays (incl. substitute days) of ``region`` in ``year``, from ``holidays.UnitedKingdom``."""
    table = holidays.country_holidays("GB", subdiv=SUBDIVISIONS[Region(region)], years=year)  # UnitedKingdom
    return frozenset(table.keys())


def is_working_day(d: date, region: Region = Region.ENGLAND_WALES) -> bool:
    """True when ``d`` is Monday–Friday and not a bank holiday in ``region``."""
    return d.weekday() < 5 and d not in bank_holidays(region, d.year)


def next_working_day(d: date, region: Region = Region.ENGLAND_WALES) -> date:
    """``d`` itself when it is a working day, otherwise the first working day after it."""
    while not is_working_day(d, region):
        d += timedelta(days=1)
    return d


@lru_cache(maxsize=65536)
def add_working_days(start: date, n: int, region: Region = Region.ENGLAND_WALES) -> date:
    """The ``n``-th working day after ``start`` ("within n working days of an event on ``start``").

    ``start`` itself never counts for ``n`` ≥ 1, whatever day it is: Thu 24 Dec 2026 + 1 → Tue 29 Dec 2026
    (Fri 25 Dec Christmas, weekend, Mon 28 Dec Boxing Day substitute). ``n`` = 0 returns ``start`` if it is a
    working day, otherwise the next working day. Raises ``ValueError`` for negative ``n``.
    """
    if n < 0:
        raise ValueError(f"n must be 0 or more, got {n}")
    if n == 0:
        return next_working_day(start, region)
    d = start
    remaining = n
    while remaining:
        d += timedelta(days=1)
        if is_working_day(d, region):
            remaining -= 1
    return d


def _weekdays_through(ordinal: int) -> int:
    """Number of Monday–Friday days with proleptic ordinal in 1..``ordinal`` (ordinal 1 is a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def working_days_between(a: date, b: date, region: Region = Region.ENGLAND_WALES) -> int:
    """Number of working days ``d`` with ``a < d ≤ b``; negative (the same count, negated) when ``b < a``.

    So ``working_days_between(start, add_working_days(start, n)) == n`` for every ``n`` ≥ 1.
    Computed arithmetically (weekday count minus weekday bank holidays), not day by day.
    """
    if b < a:
        return -working_days_between(b, a, region)
    count = _weekdays_through(b.toordinal()) - _weekdays_through(a.toordinal())
    for year in range(a.year, b.year + 1):
        for h in bank_holidays(region, year):
            if a < h <= b and h.weekday() < 5:
                count -= 1
    return count


@lru_cache(maxsize=8192)
def add_months(d: date, months: int) -> date:
    """``d`` moved by whole calendar months (may be negative); a day missing from the target month is
    clamped to its last day, so 31 Jan + 1 → 28/29 Feb and 29 Feb 2028 + 12 → 28 Feb 2029."""
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    last = _stdcal.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last))


def add_years(d: date, years: int) -> date:
    """``d`` moved by whole years; 29 Feb goes to 1 Mar in a non-leap year (the later of the two choices,
    so a "not before the 25th birthday" rule is never met early)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 Feb into a non-leap year
        return date(d.year + years, 3, 1)


@lru_cache(maxsize=8192)
def format_day(d: date) -> str:
    """A date in plain words, independent of locale: ``3 Feb 2027``."""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def holidays_version() -> str:
    """Version of the bank-holiday data (the ``holidays`` package): working-day sums kept in the store are
    worked out again when it changes."""
    return str(getattr(holidays, "__version__", "unknown"))
