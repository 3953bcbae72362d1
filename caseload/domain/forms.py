"""What the casework forms hand to the store: plain frozen values without ids or versions.

The store turns them into records (ids, versions, case ids) in one transaction. Each field keeps the
sensitivity level of the record field it becomes (see :mod:`caseload.domain.model`); nothing here is stored
as it is. :func:`referral_problems` lists what is wrong with a referral form in plain words (no case data).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from caseload.domain.enums import (
    AbuseType,
    AgeBand,
    Channel,
    ChildAgeBand,
    Ethnicity,
    LinkKind,
    PersonRole,
    ReferralSource,
    RiskLevel,
    Sex,
)
from caseload.domain.model import Child, Person, SafeContact


@dataclass(frozen=True, slots=True)
class PersonDetails:
    """A person as typed on a form: names, date of birth and contact details (level 3), demographics
    (level 1) and the firewall fields (level F)."""

    given_name: str
    family_name: str
    date_of_birth: date | None = None
    age_band: AgeBand = AgeBand.NOT_RECORDED
    sex: Sex = Sex.NOT_RECORDED
    trans: bool | None = None
    lgbt: bool | None = None
    ethnicity: Ethnicity = Ethnicity.NOT_RECORDED
    disability: bool | None = None
    deaf_bsl: bool = False
    pregnant: bool = False
    interpreter_needed: bool = False
    address: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""
    immigration_status: str = ""
    nrpf: bool | None = None
    visa_dependent: bool | None = None

    def to_person(self, person_id: str, role: PersonRole) -> Person:
        """The :class:`Person` record for these details."""
        return Person(
            id=person_id,
            role=role,
            given_name=self.given_name.strip(),
            family_name=self.family_name.strip(),
            date_of_birth=self.date_of_birth,
            age_band=self.age_band,
            sex=self.sex,
            trans=self.trans,
            lgbt=self.lgbt,
            ethnicity=self.ethnicity,
            disability=self.disability,
            deaf_bsl=self.deaf_bsl,
            pregnant=self.pregnant,
            interpreter_needed=self.interpreter_needed,
            address=self.address,
            postcode=self.postcode,
            phone=self.phone,
            email=self.email,
            immigration_status=self.immigration_status,
            nrpf=self.nrpf,
            visa_dependent=self.visa_dependent,
        )


@dataclass(frozen=True, slots=True)
class PerpetratorDetails:
    """A person the victim fears, and how they are related to her."""

    person: PersonDetails
    relationship: LinkKind = LinkKind.CURRENT_PARTNER


@dataclass(frozen=True, slots=True)
class ChildDetails:
    """A child on the case (name and date of birth level 3)."""

    given_name: str
    age_band: ChildAgeBand
    date_of_birth: date | None = None
    relationship_to_victim: str = "child"
    relationship_to_perpetrator: str = "child"
    school_informed: bool = False

    def to_child(self, child_id: str, case_id: str) -> Child:
        """The :class:`Child` record."""
        return Child(
            id=child_id,
            case_id=case_id,
            given_name=self.given_name.strip(),
            date_of_birth=self.date_of_birth,
            age_band=self.age_band,
            relationship_to_victim=self.relationship_to_victim,
            relationship_to_perpetrator=self.relationship_to_perpetrator,
            school_informed=self.school_informed,
        )


@dataclass(frozen=True, slots=True)
class SafeContactDetails:
    """Safe-contact arrangements as typed (times ``HH:MM``; weekdays 0 = Monday)."""

    safe_numbers: tuple[str, ...] = ()
    safe_from: str = ""
    safe_until: str = ""
    safe_weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    voicemail_safe: bool = False
    text_safe: bool = False
    email_safe: bool = False
    code_word: str = ""
    preferred_channel: Channel = Channel.PHONE
    who_must_not_know: str = ""

    def to_safe_contact(self, record_id: str, case_id: str) -> SafeContact:
        """The :class:`SafeContact` record."""
        return SafeContact(
            id=record_id,
            case_id=case_id,
            safe_numbers=tuple(n.strip() for n in self.safe_numbers if n.strip()),
            safe_from=self.safe_from.strip(),
            safe_until=self.safe_until.strip(),
            safe_weekdays=tuple(sorted(set(self.safe_weekdays))),
            voicemail_safe=self.voicemail_safe,
            text_safe=self.text_safe,
            email_safe=self.email_safe,
            code_word=self.code_word,
            preferred_channel=self.preferred_channel,
            who_must_not_know=self.who_must_not_know,
        )


@dataclass(frozen=True, slots=True)
class ReferralForm:
    """A new victim case from a referral. ``worker_id`` None means the signed-in user; ``opened_on`` None
    means the date the referral was received."""

    victim: PersonDetails
    received_on: date
    source: ReferralSource
    referrer: str = ""
    reason: str = ""
    worker_id: str | None = None
    opened_on: date | None = None
    perpetrators: tuple[PerpetratorDetails, ...] = ()
    children: tuple[ChildDetails, ...] = ()
    safe_contact: SafeContactDetails | None = None
    area: str = ""
    rural: bool = False
    risk_level: RiskLevel = RiskLevel.STANDARD
    enhanced_rights: bool = True
    abuse_types: tuple[AbuseType, ...] = ()
    update_frequency_days: int = 14
    update_method: Channel = Channel.PHONE


@dataclass(frozen=True, slots=True)
class MaracAction:
    """An action agreed at a MARAC meeting: which agency, what, by when (becomes a safety-plan item)."""

    agency: str
    action: str
    due_on: date | None = None
    risk: str = "MARAC action"


def _person_problems(who: str, p: PersonDetails, today: date | None) -> list[str]:
    out: list[str] = []
    if not (p.given_name.strip() or p.family_name.strip()):
        out.append(f"{who}: a name is needed")
    if p.date_of_birth is not None and today is not None and p.date_of_birth > today:
        out.append(f"{who}: the date of birth is in the future")
    return out


def referral_problems(form: ReferralForm, today: date | None = None) -> tuple[str, ...]:
    """What must be fixed before the referral can become a case (empty when it is fine). ``today`` enables
    the checks against future dates."""
    out = _person_problems("victim", form.victim, today)
    for n, perp in enumerate(form.perpetrators, 1):
        out += _person_problems(f"person {n} the victim fears", perp.person, today)
    for n, child in enumerate(form.children, 1):
        if not child.given_name.strip():
            out.append(f"child {n}: a name is needed")
        if child.date_of_birth is not None and today is not None and child.date_of_birth > today:
            out.append(f"child {n}: the date of birth is in the future")
    if today is not None and form.received_on > today:
        out.append("the referral date is in the future")
    if form.opened_on is not None and form.opened_on < form.received_on:
        out.append("the case cannot open before the referral was received")
    if not 1 <= form.update_frequency_days <= 366:
        out.append("the update frequency must be 1 to 366 days")
    safe = form.safe_contact
    if safe is not None and any(not 0 <= d <= 6 for d in safe.safe_weekdays):
        out.append("safe days must be Monday (0) to Sunday (6)")
    return tuple(out)
