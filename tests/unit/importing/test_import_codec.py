"""Records ⇄ JSON codec: round trips for every record type, strict and value-free errors."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseload.domain import model
from caseload.domain.enums import Channel, ContactKind, ContactOutcome, DashAnswer, Role
from caseload.importing.codec import (
    INT_MAX,
    INT_MIN,
    SECTIONS,
    TypeSpec,
    field_specs,
    record_from_json,
    record_to_json,
    type_spec,
)
from caseload.importing.errors import CodecError

SAFE_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=30)
AWARE = st.datetimes(
    min_value=datetime(1950, 1, 1),
    max_value=datetime(2090, 1, 1),
    timezones=st.builds(
        timezone, st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: timedelta(minutes=m))
    ),
)


def _strategy(spec: TypeSpec) -> st.SearchStrategy[Any]:
    base: st.SearchStrategy[Any]
    if spec.kind == "tuple":
        assert spec.item is not None
        base = st.lists(_strategy(spec.item), max_size=5).map(tuple)
    elif spec.kind == "enum":
        assert spec.enum_type is not None
        base = st.sampled_from(list(spec.enum_type))
    else:
        base = {
            "str": SAFE_TEXT,
            "int": st.integers(INT_MIN, INT_MAX),
            "bool": st.booleans(),
            "date": st.dates(),
            "datetime": AWARE,
        }[spec.kind]
    return st.none() | base if spec.optional else base


def records_of(rtype: type) -> st.SearchStrategy[Any]:
    """Any valid record of ``rtype``, built from its field specs."""
    return st.builds(rtype, **{fs.name: _strategy(fs.spec) for fs in field_specs(rtype)})


ANY_RECORD = st.sampled_from(list(SECTIONS.values())).flatmap(records_of)


def contact(**over: Any) -> model.Contact:
    base: dict[str, Any] = dict(
        id="c1",
        case_id="k1",
        at=datetime(2026, 3, 10, 9, 30, tzinfo=UTC),
        kind=ContactKind.CONTACT,
        channel=Channel.PHONE,
        outcome=ContactOutcome.SPOKE,
        worker_id="w1",
    )
    return model.Contact(**{**base, **over})


def test_every_record_type_has_a_section() -> None:
    assert set(SECTIONS.values()) == set(model.RECORD_TYPES)
    keys = getattr(model, "RECORD_KEYS", None)
    if keys is not None:
        assert {t: name for name, t in SECTIONS.items()} == keys


@pytest.mark.parametrize("rtype", list(SECTIONS.values()), ids=lambda t: t.__name__)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_round_trip_every_record_type(rtype: type, data: st.DataObject) -> None:
    rec = data.draw(records_of(rtype))
    encoded = record_to_json(rec)
    through_text = json.loads(json.dumps(encoded, ensure_ascii=False))
    back = record_from_json(rtype, through_text)
    assert back == rec
    assert record_to_json(back) == encoded


def test_datetimes_are_normalised_to_utc() -> None:
    local = datetime(2026, 3, 10, 9, 30, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    encoded = record_to_json(contact(at=local))
    assert encoded["at"] == "2026-03-10T04:00:00+00:00"
    decoded = record_from_json(model.Contact, {**encoded, "at": "2026-03-10T09:30:00+05:30"})
    assert decoded.at.tzinfo is UTC and decoded.at == local
    assert record_from_json(model.Contact, {**encoded, "at": "2026-03-10T04:00:00Z"}).at == local


def test_naive_datetime_is_refused_both_ways() -> None:
    with pytest.raises(CodecError) as exc:
        record_to_json(contact(at=datetime(2026, 3, 10, 9, 30)))
    assert exc.value.field == "at" and "timezone-aware" in exc.value.reason
    encoded = record_to_json(contact())
    with pytest.raises(CodecError) as exc:
        record_from_json(model.Contact, {**encoded, "at": "2026-03-10T09:30:00"})
    assert exc.value.field == "at" and "UTC offset" in exc.value.reason


def test_defaults_may_be_left_out_but_required_fields_may_not() -> None:
    user = record_from_json(model.User, {"id": "u1", "name": "A", "role": "idva"})
    assert user == model.User(id="u1", name="A", role=Role.IDVA)
    with pytest.raises(CodecError) as exc:
        record_from_json(model.User, {"id": "u1", "role": "idva"})
    assert exc.value.problems == (("name", "is missing (required)"),)


BAD_VALUES = [
    ("minutes", "10", "expected a whole number"),
    ("minutes", 10.0, "expected a whole number"),
    ("minutes", True, "expected a whole number"),
    ("minutes", 2**63, "outside the 64-bit range"),
    ("note", 5, "expected a JSON string"),
    ("note", None, "must not be null"),
    ("note", "a\x00b", "NUL character"),
    ("note", "a\ud800b", "lone surrogate"),
    ("channel", "SECRET-CANARY", "is not one of the allowed values (phone, text, email"),
    ("channel", 1, "is not one of the allowed values"),
    ("at", "yesterday", "expected an ISO date-time"),
    ("at", 1700000000, "expected a date-time string"),
]


@pytest.mark.parametrize(("name", "value", "reason"), BAD_VALUES)
def test_bad_values_name_the_field(name: str, value: Any, reason: str) -> None:
    data = {**record_to_json(contact()), name: value}
    with pytest.raises(CodecError) as exc:
        record_from_json(model.Contact, data)
    assert exc.value.field == name
    assert reason in exc.value.reason
    assert "CANARY" not in str(exc.value)


def test_dates_lists_and_booleans_are_strict() -> None:
    dash = model.DashAssessment(
        id="d",
        case_id="k",
        assessed_on=date(2026, 1, 2),
        assessor_id="u",
        answers=(DashAnswer.YES, DashAnswer.NO),
    )
    good = record_to_json(dash)
    assert good["answers"] == ["y", "n"] and good["assessed_on"] == "2026-01-02"
    cases = [
        ({"assessed_on": "10/03/2026"}, "assessed_on", "expected a date as YYYY-MM-DD"),
        ({"assessed_on": "2026-02-30"}, "assessed_on", "is not a real calendar date"),
        ({"answers": "yn"}, "answers", "expected a JSON array"),
        ({"answers": ["y", "maybe"]}, "answers", "item 2 is not one of the allowed values (y, n, k)"),
        ({"is_exit": "false"}, "is_exit", "expected true or false"),
        ({"is_exit": 0}, "is_exit", "expected true or false"),
        ({"supersedes": 3}, "supersedes", "expected a JSON string"),
    ]
    for change, name, reason in cases:
        with pytest.raises(CodecError) as exc:
            record_from_json(model.DashAssessment, {**good, **change})
        assert (exc.value.field, exc.value.reason) == (name, reason)


def test_unknown_keys_and_non_objects_are_refused() -> None:
    data = {**record_to_json(contact()), "colour": "red", "\x1b[31m": 1}
    with pytest.raises(CodecError) as exc:
        record_from_json(model.Contact, data)
    assert ("colour", "unknown field") in exc.value.problems
    assert ("(a name with unusual characters)", "unknown field") in exc.value.problems
    with pytest.raises(CodecError, match="expected a JSON object"):
        record_from_json(model.Contact, ["not", "an", "object"])


def test_every_problem_is_reported_at_once() -> None:
    data = {**record_to_json(contact()), "minutes": "x", "kind": "phone"}
    del data["case_id"]
    with pytest.raises(CodecError) as exc:
        record_from_json(model.Contact, data)
    assert {p[0] for p in exc.value.problems} == {"minutes", "kind", "case_id"}


def test_encoding_refuses_wrong_values() -> None:
    with pytest.raises(CodecError) as exc:
        record_to_json(contact(note="bad\ud800"))
    assert exc.value.field == "note"
    with pytest.raises(CodecError) as exc:
        record_to_json(contact(channel="phone"))
    assert exc.value.field == "channel"
    with pytest.raises(CodecError, match="not a caseload record type"):
        record_to_json(object())
    with pytest.raises(CodecError, match="not a caseload record type"):
        record_from_json(dict, {})


def test_unsupported_types_are_rejected_when_described() -> None:
    for hint in (list[int], dict[str, int], tuple[int, str], int | str, float, tuple[int | None, ...]):
        with pytest.raises(TypeError):
            type_spec(hint)
    assert type_spec(tuple[DashAnswer, ...]).item == TypeSpec("enum", enum_type=DashAnswer)


@settings(max_examples=200, deadline=None)
@given(rec=ANY_RECORD)
def test_any_record_encodes_to_plain_json(rec: Any) -> None:
    text = json.dumps(record_to_json(rec), ensure_ascii=False, allow_nan=False)
    assert record_from_json(type(rec), json.loads(text)) == rec
