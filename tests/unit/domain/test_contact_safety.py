"""Contact safety warnings: channel, safe days and safe times, in words."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from caseload.domain.contact_safety import (
    WarningKind,
    contact_problems,
    contact_warnings,
    in_window,
    safe_channels,
)
from caseload.domain.enums import Channel, ContactKind, ContactOutcome
from caseload.domain.model import SafeContact

SAFE = SafeContact(
    id="s",
    case_id="c",
    safe_numbers=("07700 900123",),
    safe_from="10:00",
    safe_until="14:00",
    safe_weekdays=(0, 1, 2, 3, 4),
    voicemail_safe=False,
    text_safe=False,
)
TUESDAY_11 = datetime(2026, 12, 8, 11, 0)  # naive = UK local


def _kinds(
    safe: SafeContact | None, channel: Channel, at: datetime, outcome: ContactOutcome = ContactOutcome.NO_ANSWER
) -> list[WarningKind]:
    return [w.kind for w in contact_warnings(safe, ContactKind.ATTEMPT, channel, outcome, at)]


def test_the_warnings_in_words() -> None:
    vm = contact_warnings(SAFE, ContactKind.ATTEMPT, Channel.VOICEMAIL, ContactOutcome.LEFT_MESSAGE, TUESDAY_11)
    assert [w.message for w in vm] == ["voicemail is not safe for this victim"]
    text = contact_warnings(SAFE, ContactKind.ATTEMPT, Channel.TEXT, ContactOutcome.LEFT_MESSAGE, TUESDAY_11)
    assert [w.message for w in text] == ["texts are not safe for this victim"]
    late = contact_warnings(
        SAFE, ContactKind.ATTEMPT, Channel.PHONE, ContactOutcome.NO_ANSWER, TUESDAY_11.replace(hour=15)
    )
    assert [w.message for w in late] == ["15:00 is outside safe times 10:00–14:00"]
    assert late[0].summary == "outside safe times" and late[0].level == "3"
    saturday = contact_warnings(
        SAFE, ContactKind.ATTEMPT, Channel.PHONE, ContactOutcome.NO_ANSWER, datetime(2026, 12, 12, 11)
    )
    assert [w.message for w in saturday] == ["Saturday is not a safe day (safe days Mon–Fri)"]
    letter = contact_warnings(SAFE, ContactKind.ATTEMPT, Channel.LETTER, ContactOutcome.NO_ANSWER, TUESDAY_11)
    assert [w.kind for w in letter] == [WarningKind.CHANNEL_NOT_SAFE]
    assert letter[0].message == "letters are not among this victim's safe channels (phone calls, face-to-face meetings)"


def test_phone_left_message_counts_as_voicemail_and_missing_arrangements_warn() -> None:
    assert _kinds(SAFE, Channel.PHONE, TUESDAY_11, ContactOutcome.LEFT_MESSAGE) == [WarningKind.VOICEMAIL_UNSAFE]
    assert _kinds(None, Channel.FACE_TO_FACE, TUESDAY_11) == [WarningKind.NO_ARRANGEMENTS]
    no_number = SafeContact(id="s", case_id="c")
    assert _kinds(no_number, Channel.PHONE, TUESDAY_11) == [WarningKind.NO_SAFE_NUMBER]


def test_aware_times_are_read_as_uk_local() -> None:
    # 13:30 UTC in July is 14:30 in London (BST): outside 10:00–14:00
    july = datetime(2026, 7, 7, 13, 30, tzinfo=UTC)
    assert _kinds(SAFE, Channel.PHONE, july) == [WarningKind.OUTSIDE_SAFE_TIMES]
    assert _kinds(SAFE, Channel.PHONE, july - timedelta(hours=1)) == []


def test_overnight_window_and_unreadable_times() -> None:
    night = SafeContact(
        id="s", case_id="c", safe_numbers=("1",), safe_from="22:00", safe_until="02:00", safe_weekdays=tuple(range(7))
    )
    assert _kinds(night, Channel.PHONE, TUESDAY_11.replace(hour=23)) == []
    assert _kinds(night, Channel.PHONE, TUESDAY_11.replace(hour=1)) == []
    assert _kinds(night, Channel.PHONE, TUESDAY_11) == [WarningKind.OUTSIDE_SAFE_TIMES]
    odd = SafeContact(id="s", case_id="c", safe_numbers=("1",), safe_from="mornings")
    assert _kinds(odd, Channel.PHONE, TUESDAY_11) == [WarningKind.SAFE_TIMES_UNREADABLE]


def test_contact_problems() -> None:
    assert contact_problems(ContactKind.CONTACT, Channel.PHONE, ContactOutcome.SPOKE, 10) == ()
    assert contact_problems(ContactKind.CONTACT, Channel.VOICEMAIL, ContactOutcome.LEFT_MESSAGE, 0)
    assert contact_problems(ContactKind.CONTACT, Channel.TEXT, ContactOutcome.LEFT_MESSAGE, 0)
    assert contact_problems(ContactKind.CONTACT, Channel.TEXT, ContactOutcome.REPLIED, 0) == ()
    assert contact_problems(ContactKind.ATTEMPT, Channel.PHONE, ContactOutcome.SPOKE, 0)
    assert contact_problems(ContactKind.CONTACT, Channel.PHONE, ContactOutcome.SPOKE, 2000)


_hhmm = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.integers(0, 59))
safe_contacts = st.builds(
    SafeContact,
    id=st.just("s"),
    case_id=st.just("c"),
    safe_numbers=st.lists(st.just("07700 900000"), max_size=2).map(tuple),
    safe_from=st.one_of(st.just(""), _hhmm),
    safe_until=st.one_of(st.just(""), _hhmm),
    safe_weekdays=st.sets(st.integers(0, 6)).map(lambda s: tuple(sorted(s))),
    voicemail_safe=st.booleans(),
    text_safe=st.booleans(),
    email_safe=st.booleans(),
    preferred_channel=st.sampled_from(Channel),
)
moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31))


@settings(max_examples=400, deadline=None)
@given(
    safe=safe_contacts,
    kind=st.sampled_from(ContactKind),
    channel=st.sampled_from(Channel),
    outcome=st.sampled_from(ContactOutcome),
    at=moments,
    aware=st.booleans(),
)
def test_warnings_match_the_arrangements(
    safe: SafeContact, kind: ContactKind, channel: Channel, outcome: ContactOutcome, at: datetime, aware: bool
) -> None:
    when = at.replace(tzinfo=UTC) if aware else at
    warnings = contact_warnings(safe, kind, channel, outcome, when)
    kinds = {w.kind for w in warnings}
    assert len(kinds) == len(warnings)
    for w in warnings:
        assert w.message and "\n" not in w.message and w.summary and len(w.summary) <= len(w.message)
    assert (WarningKind.TEXT_UNSAFE in kinds) == (channel == Channel.TEXT and not safe.text_safe)
    assert (WarningKind.EMAIL_UNSAFE in kinds) == (channel == Channel.EMAIL and not safe.email_safe)
    leaves_vm = channel == Channel.VOICEMAIL or (channel == Channel.PHONE and outcome == ContactOutcome.LEFT_MESSAGE)
    assert (WarningKind.VOICEMAIL_UNSAFE in kinds) == (leaves_vm and not safe.voicemail_safe)
    channel_kinds = kinds - {WarningKind.OUTSIDE_SAFE_DAYS, WarningKind.OUTSIDE_SAFE_TIMES}
    if channel in safe_channels(safe) and not leaves_vm and not (channel == Channel.PHONE and not safe.safe_numbers):
        assert not channel_kinds
    timed = channel not in (Channel.FACE_TO_FACE, Channel.LETTER)
    local = when.astimezone(__import__("zoneinfo").ZoneInfo("Europe/London")) if aware else when
    assert (WarningKind.OUTSIDE_SAFE_DAYS in kinds) == (timed and local.weekday() not in safe.safe_weekdays)
    start = time.fromisoformat(safe.safe_from) if safe.safe_from else None
    end = time.fromisoformat(safe.safe_until) if safe.safe_until else None
    outside = (start is not None or end is not None) and not in_window(local.time(), start, end)
    assert (WarningKind.OUTSIDE_SAFE_TIMES in kinds) == (timed and outside)
    if WarningKind.OUTSIDE_SAFE_TIMES in kinds:
        assert f"outside safe times {safe.safe_from or '00:00'}–{safe.safe_until or '24:00'}" in " ".join(
            w.message for w in warnings
        )


@given(t=st.times(), a=st.times(), b=st.times())
def test_window_is_half_open(t: time, a: time, b: time) -> None:
    inside = in_window(t, a, b)
    if a < b:
        assert inside == (a <= t < b)
    elif a > b:
        assert inside == (t >= a or t < b)
    else:
        assert inside
