"""Is a proposed contact safe for this victim? Warnings in words, shown before a contact is saved.

Given the victim's :class:`~caseload.domain.model.SafeContact` arrangements and a proposed contact (kind,
channel, outcome, local time), :func:`contact_warnings` lists what is unsafe: a channel the victim said is not
safe (voicemail, texts, email), a channel that is not among her safe channels, a call with no safe number
recorded, a day or a time outside her safe days and times. The worker may still save (the contact may already
have happened) — these are warnings, never refusals.

Times: ``at`` is read as UK local time (Europe/London) when it carries a time zone; a naive ``at`` is taken to
be local time already. Safe times are ``HH:MM`` strings; ``safe_from`` ≤ time < ``safe_until``, and a window
whose end is before its start runs over midnight (``22:00``–``02:00``). Blank times mean any time.

Each warning has a ``message`` that may quote the victim's safe times and days (level 3: show it only where
safe-contact details may be shown) and a ``summary`` without them (safe in privacy mode).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from caseload.domain.enums import Channel, ContactKind, ContactOutcome
from caseload.domain.levels import L2, L3, Level
from caseload.domain.model import SafeContact

try:
    _UK: ZoneInfo | None = ZoneInfo("Europe/London")
except ZoneInfoNotFoundError:  # pragma: no cover - no tz database: aware times are used as given
    _UK = None

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SHORT_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_HHMM = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")

CHANNEL_WORDS: dict[Channel, str] = {
    Channel.PHONE: "phone calls",
    Channel.TEXT: "texts",
    Channel.EMAIL: "email",
    Channel.VOICEMAIL: "voicemail",
    Channel.FACE_TO_FACE: "face-to-face meetings",
    Channel.VIDEO: "video calls",
    Channel.LETTER: "letters",
}
"""Plain words for each channel, as used in the warnings."""

TIMED_CHANNELS = frozenset({Channel.PHONE, Channel.TEXT, Channel.VOICEMAIL, Channel.VIDEO, Channel.EMAIL})
"""Channels that reach the victim when they are sent, so safe days and times apply."""


class WarningKind(enum.StrEnum):
    """What a contact-safety warning is about."""

    NO_ARRANGEMENTS = "no_arrangements"
    VOICEMAIL_UNSAFE = "voicemail_unsafe"
    TEXT_UNSAFE = "text_unsafe"
    EMAIL_UNSAFE = "email_unsafe"
    CHANNEL_NOT_SAFE = "channel_not_safe"
    NO_SAFE_NUMBER = "no_safe_number"
    OUTSIDE_SAFE_DAYS = "outside_safe_days"
    OUTSIDE_SAFE_TIMES = "outside_safe_times"
    SAFE_TIMES_UNREADABLE = "safe_times_unreadable"


@dataclass(frozen=True, slots=True)
class ContactWarning:
    """One warning: what it is about, the full message, a summary without safe-contact details, and the
    sensitivity level of ``message`` (3 when it quotes safe times or days)."""

    kind: WarningKind
    message: str
    summary: str
    level: Level = L2


def parse_hhmm(text: str) -> time | None:
    """``HH:MM`` (or ``H.MM``) as a time; None when blank or unreadable."""
    m = _HHMM.match(text or "")
    return time(int(m.group(1)), int(m.group(2))) if m else None


def local_time(at: datetime) -> datetime:
    """``at`` in UK local time (a naive value is taken to be local already)."""
    if at.tzinfo is None or _UK is None:
        return at
    return at.astimezone(_UK)


def in_window(t: time, start: time | None, end: time | None) -> bool:
    """``start`` ≤ ``t`` < ``end``; a missing end is end of day, a missing start is midnight; an end before
    the start wraps over midnight; equal start and end mean the whole day."""
    lo = start or time(0, 0)
    if end is None:
        return t >= lo
    if lo == end:
        return True
    if lo < end:
        return lo <= t < end
    return t >= lo or t < end


def safe_channels(safe: SafeContact) -> tuple[Channel, ...]:
    """Channels safe for this victim, in ``Channel`` order: face to face; phone when a safe number is
    recorded; text / email / voicemail when marked safe; video or letter when it is her preferred channel.
    An explicit arrangement wins over the preference: preferring texts does not make texts safe when they
    are marked unsafe."""
    ok = {Channel.FACE_TO_FACE}
    if safe.preferred_channel in (Channel.VIDEO, Channel.LETTER):
        ok.add(safe.preferred_channel)
    if safe.safe_numbers:
        ok.add(Channel.PHONE)
    if safe.text_safe:
        ok.add(Channel.TEXT)
    if safe.email_safe:
        ok.add(Channel.EMAIL)
    if safe.voicemail_safe:
        ok.add(Channel.VOICEMAIL)
    return tuple(c for c in Channel if c in ok)


def _days(days: tuple[int, ...]) -> str:
    valid = sorted({d for d in days if 0 <= d < 7})
    if valid == [0, 1, 2, 3, 4]:
        return "Mon–Fri"
    return ", ".join(_SHORT_DAYS[d] for d in valid) if valid else "none recorded"


def _channel_warnings(safe: SafeContact, channel: Channel, outcome: ContactOutcome) -> list[ContactWarning]:
    out: list[ContactWarning] = []
    leaves_voicemail = channel == Channel.VOICEMAIL or (
        channel == Channel.PHONE and outcome == ContactOutcome.LEFT_MESSAGE
    )
    if leaves_voicemail and not safe.voicemail_safe:
        text = "voicemail is not safe for this victim"
        out.append(ContactWarning(WarningKind.VOICEMAIL_UNSAFE, text, text))
    if channel == Channel.TEXT and not safe.text_safe:
        text = "texts are not safe for this victim"
        out.append(ContactWarning(WarningKind.TEXT_UNSAFE, text, text))
    if channel == Channel.EMAIL and not safe.email_safe:
        text = "email is not safe for this victim"
        out.append(ContactWarning(WarningKind.EMAIL_UNSAFE, text, text))
    if channel == Channel.PHONE and not safe.safe_numbers:
        text = "no safe number is recorded: check the number is safe before calling"
        out.append(ContactWarning(WarningKind.NO_SAFE_NUMBER, text, text))
    if not out and channel not in safe_channels(safe):
        listed = ", ".join(CHANNEL_WORDS[c] for c in safe_channels(safe))
        out.append(
            ContactWarning(
                WarningKind.CHANNEL_NOT_SAFE,
                f"{CHANNEL_WORDS[channel]} are not among this victim's safe channels ({listed})",
                f"{CHANNEL_WORDS[channel]} are not among this victim's safe channels",
                L3,
            )
        )
    return out


def _time_warnings(safe: SafeContact, when: datetime) -> list[ContactWarning]:
    out: list[ContactWarning] = []
    if when.weekday() not in safe.safe_weekdays:
        day = WEEKDAY_NAMES[when.weekday()]
        out.append(
            ContactWarning(
                WarningKind.OUTSIDE_SAFE_DAYS,
                f"{day} is not a safe day (safe days {_days(safe.safe_weekdays)})",
                "outside safe days",
                L3,
            )
        )
    raw_from, raw_until = safe.safe_from.strip(), safe.safe_until.strip()
    if not raw_from and not raw_until:
        return out
    start, end = parse_hhmm(raw_from), parse_hhmm(raw_until)
    if (raw_from and start is None) or (raw_until and end is None):
        text = "safe times are recorded in a form that cannot be checked: check them before contacting"
        out.append(ContactWarning(WarningKind.SAFE_TIMES_UNREADABLE, text, text))
        return out
    if not in_window(when.time(), start, end):
        shown_from = start.strftime("%H:%M") if start else "00:00"
        shown_until = end.strftime("%H:%M") if end else "24:00"
        out.append(
            ContactWarning(
                WarningKind.OUTSIDE_SAFE_TIMES,
                f"{when.strftime('%H:%M')} is outside safe times {shown_from}–{shown_until}",
                "outside safe times",
                L3,
            )
        )
    return out


def contact_warnings(
    safe: SafeContact | None,
    kind: ContactKind,
    channel: Channel,
    outcome: ContactOutcome,
    at: datetime,
) -> tuple[ContactWarning, ...]:
    """Warnings for a proposed contact, most important first: channel warnings, then day and time.

    No arrangements recorded → a single :attr:`WarningKind.NO_ARRANGEMENTS` warning. Safe days and times apply
    to channels in :data:`TIMED_CHANNELS` (a face-to-face meeting or a letter is arranged, not sent).
    ``kind`` is accepted so the rule can depend on it; today attempts and contacts are checked alike.
    """
    del kind  # same rules for attempts and contacts
    if safe is None:
        text = "no safe-contact arrangements are recorded: check before contacting"
        return (ContactWarning(WarningKind.NO_ARRANGEMENTS, text, text),)
    out = _channel_warnings(safe, channel, outcome)
    if channel in TIMED_CHANNELS:
        out.extend(_time_warnings(safe, local_time(at)))
    return tuple(out)


def is_safe(
    safe: SafeContact | None, kind: ContactKind, channel: Channel, outcome: ContactOutcome, at: datetime
) -> bool:
    """True when :func:`contact_warnings` has nothing to say."""
    return not contact_warnings(safe, kind, channel, outcome, at)


ONE_WAY_CHANNELS = frozenset({Channel.TEXT, Channel.EMAIL, Channel.LETTER})
"""Channels that are attempts unless the victim replies (domain.md); voicemail is always an attempt."""


def contact_problems(kind: ContactKind, channel: Channel, outcome: ContactOutcome, minutes: int) -> tuple[str, ...]:
    """Why a contact record would be wrong, in plain words (empty when it is fine): voicemail is always an
    attempt; text, email and letter are contacts only when the victim replied; an attempt cannot have
    spoken or met; duration 0–1440 minutes."""
    out: list[str] = []
    if channel == Channel.VOICEMAIL and kind == ContactKind.CONTACT:
        out.append("a voicemail is an attempt, not a contact")
    if channel in ONE_WAY_CHANNELS and kind == ContactKind.CONTACT and outcome != ContactOutcome.REPLIED:
        out.append(f"{CHANNEL_WORDS[channel]} count as a contact only when the victim replied")
    if kind == ContactKind.ATTEMPT and outcome in (ContactOutcome.SPOKE, ContactOutcome.MET, ContactOutcome.REPLIED):
        out.append(f"the outcome '{outcome.value.replace('_', ' ')}' makes this a contact, not an attempt")
    if not 0 <= minutes <= 1440:
        out.append("the duration must be 0 to 1440 minutes")
    return tuple(out)
