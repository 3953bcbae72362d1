"""Working days, bank holidays per region, month arithmetic and date wording."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseload.domain.calendar import (
    add_months,
    add_working_days,
    add_years,
    bank_holidays,
    format_day,
    is_working_day,
    next_working_day,
    working_days_between,
)
from caseload.domain.enums import Region

EW, SCT, NIR = Region.ENGLAND_WALES, Region.SCOTLAND, Region.NORTHERN_IRELAND

dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2032, 12, 31))
regions = st.sampled_from(list(Region))


# --- properties -------------------------------------------------------------------------------------------


@given(dates, st.integers(min_value=1, max_value=60), regions)
def test_result_is_a_working_day_after_start(start: date, n: int, region: Region) -> None:
    result = add_working_days(start, n, region)
    assert is_working_day(result, region)
    assert result > start


@given(dates, st.integers(min_value=1, max_value=60), regions)
def test_between_inverts_add(start: date, n: int, region: Region) -> None:
    assert working_days_between(start, add_working_days(start, n, region), region) == n


@given(dates, st.integers(min_value=1, max_value=40), regions)
def test_strictly_monotone_in_n(start: date, n: int, region: Region) -> None:
    assert add_working_days(start, n, region) < add_working_days(start, n + 1, region)


@given(dates, regions)
def test_zero_and_one_coincide_only_on_a_non_working_start(start: date, region: Region) -> None:
    # n = 0 on a non-working day already moves to the next working day, which is also the 1st after start
    zero, one = add_working_days(start, 0, region), add_working_days(start, 1, region)
    assert zero <= one
    assert (zero == one) == (not is_working_day(start, region))


@given(dates, dates, regions)
def test_between_is_antisymmetric_and_matches_a_day_by_day_count(a: date, b: date, region: Region) -> None:
    lo, hi = min(a, b), max(a, b)
    if (hi - lo).days > 400:
        hi = lo + timedelta(days=400)
        a, b = lo, hi
    slow = sum(1 for k in range(1, (hi - lo).days + 1) if is_working_day(lo + timedelta(days=k), region))
    assert working_days_between(lo, hi, region) == slow
    assert working_days_between(hi, lo, region) == -slow


@given(dates, regions)
def test_zero_days_is_start_or_next_working_day(start: date, region: Region) -> None:
    result = add_working_days(start, 0, region)
    assert is_working_day(result, region)
    assert (result == start) == is_working_day(start, region)
    assert all(not is_working_day(start + timedelta(days=k), region) for k in range((result - start).days))


def test_negative_n_is_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2026, 12, 24), -1)


# --- golden dates: England & Wales -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Christmas 2026: Fri 25 Christmas, Sat 26 Boxing Day → Mon 28 substitute
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        (date(2026, 12, 24), 5, date(2027, 1, 5)),  # 29, 30, 31 Dec, (1 Jan hol), 4, 5 Jan
        (date(2026, 12, 31), 1, date(2027, 1, 4)),  # Fri 1 Jan 2027 New Year's Day
        # Christmas 2027: Sat 25, Sun 26 → Mon 27 and Tue 28 substitutes
        (date(2027, 12, 24), 1, date(2027, 12, 29)),
        (date(2027, 12, 31), 1, date(2028, 1, 4)),  # Sat 1 Jan 2028 → Mon 3 Jan substitute
        # Easter 2026: Good Friday 3 Apr, Easter Monday 6 Apr
        (date(2026, 4, 2), 1, date(2026, 4, 7)),
        # Easter 2027: Good Friday 26 Mar, Easter Monday 29 Mar
        (date(2027, 3, 25), 1, date(2027, 3, 30)),
        (date(2027, 3, 25), 5, date(2027, 4, 5)),
        # event on a Saturday, and on a bank holiday
        (date(2026, 12, 5), 1, date(2026, 12, 7)),
        (date(2026, 12, 5), 0, date(2026, 12, 7)),
        (date(2026, 12, 25), 1, date(2026, 12, 29)),
        (date(2026, 12, 28), 0, date(2026, 12, 29)),
        (date(2026, 5, 4), 1, date(2026, 5, 5)),  # early May bank holiday (Mon)
        # plain week
        (date(2026, 12, 1), 0, date(2026, 12, 1)),
        (date(2026, 12, 4), 1, date(2026, 12, 7)),
    ],
)
def test_golden_england_wales(start: date, n: int, expected: date) -> None:
    assert add_working_days(start, n) == expected


def test_substitute_bank_holidays_in_the_package() -> None:
    assert {date(2026, 12, 25), date(2026, 12, 28)} <= bank_holidays(EW, 2026)
    assert {date(2027, 12, 27), date(2027, 12, 28)} <= bank_holidays(EW, 2027)
    assert not is_working_day(date(2026, 12, 28))
    assert not is_working_day(date(2027, 12, 27))
    assert not is_working_day(date(2027, 12, 28))
    assert is_working_day(date(2027, 12, 29))


def test_easter_both_days_in_england() -> None:
    for d in (date(2026, 4, 3), date(2026, 4, 6), date(2027, 3, 26), date(2027, 3, 29)):
        assert not is_working_day(d, EW)


# --- golden dates: Scotland and Northern Ireland ----------------------------------------------------------


def test_scotland_has_2_january_and_no_easter_monday() -> None:
    assert not is_working_day(date(2026, 1, 2), SCT)
    assert is_working_day(date(2026, 1, 2), EW)
    assert is_working_day(date(2026, 4, 6), SCT)  # Easter Monday is a working day in Scotland
    assert not is_working_day(date(2026, 4, 3), SCT)  # Good Friday is not
    # 2 Jan 2027 is a Saturday → Mon 4 Jan 2027 substitute in Scotland only
    assert not is_working_day(date(2027, 1, 4), SCT)
    assert is_working_day(date(2027, 1, 4), EW)
    assert add_working_days(date(2026, 12, 31), 1, SCT) == date(2027, 1, 5)
    assert add_working_days(date(2026, 4, 2), 1, SCT) == date(2026, 4, 6)


def test_scotland_st_andrews_day_and_substitute() -> None:
    assert not is_working_day(date(2026, 11, 30), SCT)  # Monday
    assert not is_working_day(date(2025, 12, 1), SCT)  # 30 Nov 2025 is a Sunday → Mon 1 Dec
    assert is_working_day(date(2025, 12, 1), EW)
    assert add_working_days(date(2025, 11, 28), 1, SCT) == date(2025, 12, 2)
    assert add_working_days(date(2025, 11, 28), 1, EW) == date(2025, 12, 1)


def test_northern_ireland_st_patrick_and_twelfth() -> None:
    assert not is_working_day(date(2026, 3, 17), NIR)
    assert is_working_day(date(2026, 3, 17), EW)
    assert not is_working_day(date(2027, 7, 12), NIR)  # Monday
    assert not is_working_day(date(2026, 7, 13), NIR)  # 12 Jul 2026 is Sunday → Mon 13 Jul
    assert is_working_day(date(2026, 7, 13), EW)
    assert add_working_days(date(2026, 3, 16), 1, NIR) == date(2026, 3, 18)
    assert not is_working_day(date(2026, 4, 6), NIR)  # Easter Monday as in England


def test_working_days_between_examples() -> None:
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 29)) == 1
    assert working_days_between(date(2026, 12, 29), date(2026, 12, 24)) == -1
    assert working_days_between(date(2026, 12, 1), date(2026, 12, 1)) == 0
    assert working_days_between(date(2026, 12, 4), date(2026, 12, 6)) == 0  # Fri → Sun
    # all of 2026 in England & Wales: 261 weekdays less 8 weekday bank holidays
    assert working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 253


def test_next_working_day() -> None:
    assert next_working_day(date(2026, 12, 25)) == date(2026, 12, 29)
    assert next_working_day(date(2026, 12, 29)) == date(2026, 12, 29)


def test_add_months_clamps_month_end() -> None:
    assert add_months(date(2026, 3, 10), 12) == date(2027, 3, 10)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2027, 3, 31), -1) == date(2027, 2, 28)
    assert add_months(date(2027, 1, 15), -12) == date(2026, 1, 15)


def test_add_years_sends_29_february_to_1_march() -> None:
    assert add_years(date(2028, 2, 29), 25) == date(2053, 3, 1)
    assert add_years(date(2028, 2, 29), 4) == date(2032, 2, 29)
    assert add_years(date(2026, 6, 15), -5) == date(2021, 6, 15)


def test_format_day() -> None:
    assert format_day(date(2027, 2, 3)) == "3 Feb 2027"
    assert format_day(date(2026, 12, 24)) == "24 Dec 2026"


def test_repeated_calls_are_fast() -> None:
    import time

    start = time.perf_counter()
    for k in range(100_000):
        add_working_days(date(2026, 1, 1) + timedelta(days=k % 700), 5)
    assert time.perf_counter() - start < 1.0
