"""Reading one spreadsheet cell: text, dates, whole numbers and choices, each with a plain reason on failure.

Reasons never quote the cell's value. Every function raises ``ValueError(reason)``; the caller adds the
row number and column name.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time

from caseload.domain.enums import (
    AgeBand,
    ClosureReason,
    Ethnicity,
    ReferralSource,
    RiskLevel,
    Sex,
    VictimStatus,
)
from caseload.importing.codec import bad_char_reason

FORMULA_PREFIXES = ("=", "+", "@")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?")
_PHONE = re.compile(r"\+?[0-9() .\-]+")
_SPACES = re.compile(r"[ \t\u00a0]+")
_NORM = re.compile(r"[\s_/\-–—]+")


def norm(text: str) -> str:
    """Case-fold, drop apostrophes, turn runs of spaces, underscores, slashes and dashes into one space."""
    return _NORM.sub(" ", text.strip().casefold().replace("'", "").replace("’", "")).strip()


def as_text(value: object, *, allow_plus: bool = False, multiline: bool = False) -> str:
    """A cell as trimmed text ("" when blank). Refuses formulas, NULs and lone surrogates."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    text = str(value)
    reason = bad_char_reason(text)
    if reason:
        raise ValueError(reason)
    text = text.strip()
    if text.startswith(FORMULA_PREFIXES) and not (allow_plus and text.startswith("+")):
        raise ValueError(
            f"starts with '{text[0]}', which spreadsheets treat as a formula; formulas are "
            "refused on import (remove the leading character)"
        )
    if multiline:
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return _SPACES.sub(" ", text.replace("\r", " ").replace("\n", " "))


def as_date(value: object) -> date | None:
    """A date from an Excel date cell, ISO ``2026-03-10`` or UK ``10/03/2026`` (day first)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, time) or not isinstance(value, str):
        raise ValueError("expected a date (YYYY-MM-DD or DD/MM/YYYY)")
    text = as_text(value)
    if not text:
        return None
    iso, uk = _ISO_DATE.fullmatch(text), _UK_DATE.fullmatch(text)
    if iso:
        y, m, d = int(iso[1]), int(iso[2]), int(iso[3])
    elif uk:
        d, m, y = int(uk[1]), int(uk[2]), int(uk[3])
    else:
        raise ValueError("expected a date as YYYY-MM-DD or DD/MM/YYYY (4-digit year, day first)")
    try:
        found = date(y, m, d)
    except ValueError:
        raise ValueError("is not a real calendar date") from None
    if not 1900 <= found.year <= 2100:
        raise ValueError("is not a plausible date (years 1900 to 2100)")
    return found


def as_int(value: object, low: int, high: int) -> int | None:
    """A whole number between ``low`` and ``high`` (None when blank)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("expected a whole number")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = as_text(value)
        if not text:
            return None
        if not text.isascii() or not text.isdigit():
            raise ValueError(f"expected a whole number from {low} to {high}")
        value = int(text)
    if not isinstance(value, int):
        raise ValueError(f"expected a whole number from {low} to {high}")
    if not low <= value <= high:
        raise ValueError(f"must be from {low} to {high}")
    return value


def as_phone(value: object) -> tuple[str, bool]:
    """A phone number as text, and whether the cell held a number (a leading 0 may be lost)."""
    was_number = isinstance(value, int | float) and not isinstance(value, bool)
    text = as_text(value, allow_plus=True)
    if not text:
        return "", False
    digits = sum(ch.isdigit() for ch in text)
    if not _PHONE.fullmatch(text) or not 7 <= digits <= 16:
        raise ValueError(
            "is not one phone number (digits, spaces, brackets and hyphens, optionally a leading +)"
        )
    return text, was_number


def _table(members: Iterable[enum.StrEnum], aliases: Mapping[str, enum.StrEnum]) -> dict[str, enum.StrEnum]:
    table = {norm(m.value): m for m in members}
    table.update({norm(k): v for k, v in aliases.items()})
    return table


SEX = _table(
    Sex,
    {
        "f": Sex.FEMALE,
        "woman": Sex.FEMALE,
        "m": Sex.MALE,
        "man": Sex.MALE,
        "unknown": Sex.NOT_RECORDED,
        "not known": Sex.NOT_RECORDED,
        "prefer not to say": Sex.NOT_RECORDED,
    },
)
AGE_BAND = _table(
    AgeBand,
    {
        "65 plus": AgeBand.B65_PLUS,
        "65 and over": AgeBand.B65_PLUS,
        "unknown": AgeBand.NOT_RECORDED,
        "not known": AgeBand.NOT_RECORDED,
    },
)
SOURCE = _table(
    ReferralSource,
    {
        "hospital": ReferralSource.HEALTH,
        "health/hospital": ReferralSource.HEALTH,
        "gp": ReferralSource.HEALTH,
        "self referral": ReferralSource.SELF,
        "family": ReferralSource.FAMILY_FRIEND,
        "friend": ReferralSource.FAMILY_FRIEND,
        "family or friend": ReferralSource.FAMILY_FRIEND,
        "childrens social care": ReferralSource.CHILDRENS_SERVICES,
        "asc": ReferralSource.ADULT_SOCIAL_CARE,
        "victim services": ReferralSource.VICTIM_SERVICE,
    },
)
RISK = _table(RiskLevel, {})
STATUS = _table(VictimStatus, {"active": VictimStatus.ACTIVE_SUPPORT})
CLOSURE = _table(
    ClosureReason,
    {"needs met": ClosureReason.RISK_REDUCED, "risk reduced needs met": ClosureReason.RISK_REDUCED},
)
_ETHNIC_WORDS = {
    "white": Ethnicity.WHITE,
    "irish": Ethnicity.WHITE,
    "gypsy": Ethnicity.WHITE,
    "traveller": Ethnicity.WHITE,
    "roma": Ethnicity.WHITE,
    "mixed": Ethnicity.MIXED,
    "multiple": Ethnicity.MIXED,
    "asian": Ethnicity.ASIAN,
    "indian": Ethnicity.ASIAN,
    "pakistani": Ethnicity.ASIAN,
    "bangladeshi": Ethnicity.ASIAN,
    "chinese": Ethnicity.ASIAN,
    "black": Ethnicity.BLACK,
    "african": Ethnicity.BLACK,
    "caribbean": Ethnicity.BLACK,
    "arab": Ethnicity.OTHER,
    "other": Ethnicity.OTHER,
}
_ETHNIC_UNKNOWN = {"not recorded", "unknown", "not known", "prefer not to say", "not stated"}


def as_choice(value: object, table: Mapping[str, enum.StrEnum], what: str) -> enum.StrEnum | None:
    """Look a cell up in a table of accepted spellings (None when blank)."""
    text = as_text(value)
    if not text:
        return None
    found = table.get(norm(text))
    if found is None:
        allowed = ", ".join(sorted({m.value for m in table.values()}))
        raise ValueError(f"is not a recognised {what} (use one of: {allowed})")
    return found


def as_ethnicity(value: object) -> Ethnicity | None:
    """ONS five groups from a group name or an ONS description ("Asian or Asian British: Indian"); two groups
    named ("White and Black Caribbean") → mixed."""
    text = as_text(value)
    if not text:
        return None
    key = norm(text)
    if key in _ETHNIC_UNKNOWN:
        return Ethnicity.NOT_RECORDED
    groups = [_ETHNIC_WORDS[w] for w in (w.strip(",.():;") for w in key.split()) if w in _ETHNIC_WORDS]
    if not groups:
        raise ValueError(
            "is not a recognised ethnicity (use white, mixed, asian, black, other or not recorded)"
        )
    named = {g for g in groups if g is not Ethnicity.OTHER}
    if Ethnicity.MIXED in named or len(named) > 1:
        return Ethnicity.MIXED
    return named.pop() if named else Ethnicity.OTHER


def age_band_on(born: date, on: date) -> AgeBand | None:
    """The adult age band of someone born on ``born`` at date ``on`` (None under 16)."""
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    for limit, band in (
        (16, None),
        (18, AgeBand.B16_17),
        (25, AgeBand.B18_24),
        (35, AgeBand.B25_34),
        (45, AgeBand.B35_44),
        (55, AgeBand.B45_54),
        (65, AgeBand.B55_64),
    ):
        if age < limit:
            return band
    return AgeBand.B65_PLUS


def risk_from_score(score: int) -> RiskLevel:
    """Default DASH bands (domain.md): 0–9 standard, 10–13 medium, 14+ high."""
    return RiskLevel.HIGH if score >= 14 else RiskLevel.MEDIUM if score >= 10 else RiskLevel.STANDARD


def column_letter(index: int) -> str:
    """Spreadsheet column letter for a 0-based index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
