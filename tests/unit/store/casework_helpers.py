"""Shared builders for the casework store tests (fictional people only)."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from caseload.domain.enums import (
    AbuseType,
    AgeBand,
    Channel,
    ChildAgeBand,
    DashAnswer,
    Ethnicity,
    LinkKind,
    ReferralSource,
    Sex,
)
from caseload.domain.forms import (
    ChildDetails,
    PerpetratorDetails,
    PersonDetails,
    ReferralForm,
    SafeContactDetails,
)
from caseload.store.schema import metadata
from caseload.store.store import Store

VICTIM = PersonDetails(
    given_name="Testina",
    family_name="Fictional",
    date_of_birth=date(1990, 4, 2),
    age_band=AgeBand.B35_44,
    sex=Sex.FEMALE,
    ethnicity=Ethnicity.WHITE,
    address="1 Example Row, Nowhere",
    postcode="ZZ99 1AA",
    phone="07700 900123",
)
PERPETRATOR = PersonDetails(given_name="Exemplar", family_name="Person", date_of_birth=date(1985, 1, 9), sex=Sex.MALE)
SAFE = SafeContactDetails(
    safe_numbers=("07700 900123",),
    safe_from="10:00",
    safe_until="14:00",
    safe_weekdays=(0, 1, 2, 3, 4),
    voicemail_safe=False,
    text_safe=False,
    code_word="bluebell",
    preferred_channel=Channel.PHONE,
    who_must_not_know="Exemplar Person",
)


def referral_form(**kw: Any) -> ReferralForm:
    """A referral for a fictional victim with one perpetrator, one child and safe-contact arrangements."""
    base: dict[str, Any] = {
        "victim": VICTIM,
        "received_on": date(2026, 12, 7),
        "source": ReferralSource.POLICE,
        "referrer": "PC Example, Safeguarding Unit",
        "reason": "Domestic abuse incident; DASH enclosed.",
        "perpetrators": (PerpetratorDetails(PERPETRATOR, LinkKind.EX_PARTNER),),
        "children": (ChildDetails("Pip", ChildAgeBand.B5_10, date(2019, 6, 1)),),
        "safe_contact": SAFE,
        "area": "Exampleshire",
        "abuse_types": (AbuseType.PHYSICAL, AbuseType.COERCIVE_CONTROL),
    }
    base.update(kw)
    return ReferralForm(**base)


def answers(yes: int) -> tuple[DashAnswer, ...]:
    """24 DASH answers with ``yes`` YES first, one NOT_KNOWN, the rest NO."""
    return (DashAnswer.YES,) * yes + (DashAnswer.NOT_KNOWN,) + (DashAnswer.NO,) * (23 - yes)


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (audit and settings included), for "nothing was written" checks."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with store.reading() as conn:
        for name in sorted(sa.inspect(conn).get_table_names()):
            table = metadata.tables.get(name)
            if table is None:
                rows = conn.exec_driver_sql(f'SELECT * FROM "{name}"').fetchall()
            else:
                rows = conn.execute(sa.select(table)).fetchall()
            out[name] = sorted((tuple(r) for r in rows), key=repr)
    return out
