"""The shared form fields: date and time parsing, choice and toggle rows driven by keys."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from textual.app import App, ComposeResult

from caseload.widgets.form_fields import (
    NOTHING,
    Choice,
    ChoiceRow,
    DateField,
    FieldError,
    ToggleRow,
    choices,
    long_day,
    parse_date,
    parse_hhmm,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-12-24", date(2026, 12, 24)), ("24/12/2026", date(2026, 12, 24)), (" 1/2/2027 ", date(2027, 2, 1)),
    ("2027-2-1", date(2027, 2, 1)), ("", None), ("   ", None),
])
def test_parse_date_accepts_both_forms(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(("text", "words"), [
    ("24-12-2026", "write the date as"), ("12/24/2026", "there is no such date"), ("24/12/26", "write the date as"),
    ("2026-02-29", "there is no such date"), ("tomorrow", "write the date as"),
])
def test_parse_date_refuses_in_words(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_date(text)


def test_times_and_days() -> None:
    assert parse_hhmm("9:30", "Safe from") == "09:30" and parse_hhmm("", "Safe from") == ""
    with pytest.raises(FieldError, match="Safe until: write the time as 10:00"):
        parse_hhmm("24:00", "Safe until")
    assert long_day(date(2026, 12, 29)) == "Tue 29 Dec 2026"


def test_choice_marks_its_key() -> None:
    assert Choice("p", 1, "phone").shown(False) == "(p)hone"
    assert Choice("p", 1, "phone").shown(True) == "[p]hone"
    assert Choice("1", 1, "DVPN").shown(False) == "(1) DVPN"


class _Host(App[None]):
    def compose(self) -> ComposeResult:
        yield ChoiceRow(choices((("a", "A", "apple"), ("b", "B", "banana"), ("c", "C", "cherry"))), NOTHING,
                        id="fruit")
        yield ToggleRow(choices((("1", 0, "Mon"), ("2", 1, "Tue"))), (0,), id="days")
        yield DateField(label="When", required=True, id="when")


async def test_rows_follow_keys() -> None:
    app = _Host()
    async with app.run_test() as pilot:
        fruit: ChoiceRow[Any] = app.query_one("#fruit", ChoiceRow)
        assert not fruit.chosen
        with pytest.raises(LookupError):
            _ = fruit.value
        fruit.focus()
        await pilot.press("b")
        assert fruit.value == "B"
        await pilot.press("right", "right")
        assert fruit.value == "A"  # wraps round
        await pilot.press("left")
        assert fruit.value == "C"
        await pilot.press("z")  # not an option: nothing changes
        assert fruit.value == "C"
        await pilot.press("enter")  # on to the next field
        days: ToggleRow[Any] = app.query_one("#days", ToggleRow)
        assert app.focused is days
        await pilot.press("1", "2")
        assert days.values == (1,)
        when = app.query_one("#when", DateField)
        with pytest.raises(FieldError, match="When: a date is needed"):
            when.value()
        when.input.value = "24/12/2026"
        await pilot.pause()
        assert when.value() == date(2026, 12, 24)
        assert "Thu 24 Dec 2026" in str(when.query_one(".date-hint").render())
