"""Frozen case records seen by every layer above the store.

Every field is declared with :func:`fld` so its sensitivity level (1, 2, 3, F) is in the field metadata; the
store builds its tables from these declarations, so a column cannot exist without a level. Ids are UUIDv7
strings made by the client (see :func:`caseload.domain.ids.new_id`). Records that can change carry a
``version`` used for optimistic concurrency: a stale write is refused, never last-write-wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from caseload.domain.drive import BehaviourReview, DriveReferral, DriveSession, InterventionAction
from caseload.domain.enums import (
    AbuseType,
    AgeBand,
    CaseKind,
    Channel,
    ChildAgeBand,
    ClosureReason,
    Consent,
    ContactKind,
    ContactOutcome,
    DashAnswer,
    DriveInfoKind,
    Ethnicity,
    IncidentKind,
    ItemStatus,
    LinkKind,
    MaracCriterion,
    MilestoneKind,
    OrderType,
    PersonRole,
    ReferralSource,
    RiskLevel,
    Role,
    SafetyCategory,
    Sex,
)
from caseload.domain.levels import L1, L2, L3, LF, fld


@dataclass(frozen=True, slots=True)
class User:
    """A worker who can unlock the store (one key slot each)."""

    id: str = fld(L2)
    name: str = fld(L2)
    role: Role = fld(L1)
    team: str = fld(L1, "")
    active: bool = fld(L1, True)
    version: int = fld(L2, 1)


@dataclass(frozen=True, slots=True)
class Person:
    """A victim or perpetrator (service user). Names, date of birth and address are level 3."""

    id: str = fld(L2)
    role: PersonRole = fld(L1)
    given_name: str = fld(L3)
    family_name: str = fld(L3)
    date_of_birth: date | None = fld(L3, None)
    age_band: AgeBand = fld(L1, AgeBand.NOT_RECORDED)
    sex: Sex = fld(L1, Sex.NOT_RECORDED)
    trans: bool | None = fld(L1, None)
    lgbt: bool | None = fld(L1, None)
    ethnicity: Ethnicity = fld(L1, Ethnicity.NOT_RECORDED)
    disability: bool | None = fld(L1, None)
    deaf_bsl: bool = fld(L1, False)
    pregnant: bool = fld(L1, False)
    interpreter_needed: bool = fld(L1, False)
    address: str = fld(L3, "")
    postcode: str = fld(L3, "")
    phone: str = fld(L3, "")
    email: str = fld(L3, "")
    immigration_status: str = fld(LF, "")
    nrpf: bool | None = fld(LF, None)
    visa_dependent: bool | None = fld(LF, None)
    version: int = fld(L2, 1)

    @property
    def display_name(self) -> str:
        """Given and family name as one string (level 3: mask in privacy mode)."""
        return f"{self.given_name} {self.family_name}".strip()


@dataclass(frozen=True, slots=True)
class Case:
    """A victim case (IDVA) or a perpetrator case (Drive); ``subject_id`` is the victim or service user."""

    id: str = fld(L2)
    reference: str = fld(L2)
    kind: CaseKind = fld(L1)
    subject_id: str = fld(L2)
    worker_id: str = fld(L2)
    status: str = fld(L1)
    opened_on: date = fld(L2)
    referral_source: ReferralSource = fld(L1, ReferralSource.OTHER)
    area: str = fld(L1, "")
    rural: bool = fld(L1, False)
    risk_level: RiskLevel = fld(L1, RiskLevel.STANDARD)
    enhanced_rights: bool = fld(L1, True)
    abuse_types: tuple[AbuseType, ...] = fld(L1, ())
    update_frequency_days: int = fld(L2, 14)
    update_method: Channel = fld(L2, Channel.PHONE)
    closed_on: date | None = fld(L2, None)
    closure_reason: ClosureReason | None = fld(L1, None)
    legal_hold: bool = fld(L1, False)
    legal_hold_reason: str = fld(L3, "")
    version: int = fld(L2, 1)

    @property
    def is_open(self) -> bool:
        """True while the case has not been closed."""
        return self.closed_on is None


@dataclass(frozen=True, slots=True)
class Party:
    """Another person on a case: on a victim case, each perpetrator the victim fears."""

    id: str = fld(L2)
    case_id: str = fld(L2)
    person_id: str = fld(L2)
    role: PersonRole = fld(L1)
    relationship: LinkKind = fld(L1, LinkKind.CURRENT_PARTNER)


@dataclass(frozen=True, slots=True)
class Child:
    """A child recorded on a victim case."""

    id: str = fld(L2)
    case_id: str = fld(L2)
    given_name: str = fld(L3)
    date_of_birth: date | None = fld(L3, None)
    age_band: ChildAgeBand = fld(L1, ChildAgeBand.B5_10)
    relationship_to_victim: str = fld(L2, "child")
    relationship_to_perpetrator: str = fld(L2, "child")
    school_informed: bool = fld(L2, False)
    version: int = fld(L2, 1)


@dataclass(frozen=True, slots=True)
class Referral:
    """How a case came in: source, date, referring agency."""

    id: str = fld(L2)
    case_id: str = fld(L2)
    received_on: date = fld(L2)
    source: ReferralSource = fld(L1)
    referrer: str = fld(L3, "")
    reason: str = fld(L3, "")


@dataclass(frozen=True, slots=True)
class CaseLink:
    """A perpetrator case linked to a victim; ``victim_case_id`` is set when an IDVA holds her case."""

    id: str = fld(L2)
    perpetrator_case_id: str = fld(L2)
    victim_person_id: str = fld(L2)
    victim_case_id: str | None = fld(L2, None)
    kind: LinkKind = fld(L1, LinkKind.CURRENT_PARTNER)
    recorded_on: date | None = fld(L2, None)
    version: int = fld(L2, 1)


@dataclass(frozen=True, slots=True)
class Incident:
    """An incident between the victim and a perpetrator, criminal or not (feeds MARAC repeat and RFG)."""

    id: str = fld(L2)
    case_id: str = fld(L2)
    occurred_on: date = fld(L2)
    kind: IncidentKind = fld(L1)
    perpetrator_id: str | None = fld(L2, None)
    gravity: int = fld(L1, 3)
    note: str = fld(L3, "")


@dataclass(frozen=True, slots=True)
class DashAssessment:
    """An immutable, dated DASH snapshot. Editing creates a new snapshot that ``supersedes`` this one."""

    id: str = fld(L2)
    case_id: str = fld(L2)
    assessed_on: date = fld(L2)
    assessor_id: str = fld(L2)
    answers: tuple[DashAnswer, ...] = fld(L2)
    notes: tuple[str, ...] = fld(L3, ())
    judgement_level: RiskLevel | None = fld(L1, None)
    judgement_reason: str = fld(L3, "")
    supersedes: str | None = fld(L2, None)
    is_exit: bool = fld(L1, False)


@dataclass(frozen=True, slots=True)
class MaracReferral:
    """A MARAC referral as saved on the case, with criteria met and the victim's consent position."""

    id: str = fld(L2)
    case_id: str = fld(L2)
    referred_on: date = fld(L2)
    dash_id: str | None = fld(L2, None)
    criteria: tuple[MaracCriterion, ...] = fld(L1, ())
    reasons: tuple[str, ...] = fld(L2, ())
    consent: Consent = fld(L1, Consent.NOT_AWARE)
    consent_note: str = fld(L3, "")
    feared: str = fld(L3, "")
    safe_to_talk: str = fld(L3, "")
    not_safe_to_talk: str = fld(L3, "")
    version: int = fld(L2, 1)


@dataclass(frozen=True, slots=True)
class MaracListing:
    """A case heard at a MARAC meeting."""

    id: str = fld(L2)
    case_id: str = fld(L2)
    meeting_on: date = fld(L2)
    referral_id: str | None = fld(L2, None)
    repeat: bool = fld(L1, False)


@dataclass(frozen=True, slots=True)
class SafetyPlan:
    """An individual safety and support plan with its review date."""

    id: str = fld(L2)
    case_id: str = fld(L2)
    created_on: date = fld(L2)
    review_on: date = fld(L2)
    current: bool = fld(L1, True)
    version: int = fld(L2, 1)


@dataclass(frozen=True, slots=True)
class SafetyPlanItem:
    """Risk addressed → action → who → by when → status. MARAC actions become items too."""

    id: str = fld(L2)
    plan_id: str = fld(L2)
    category: SafetyCategory = fld(L1)
    risk: str = fld(L3)
    action: str = fld(L3)
    who: str = fld(L2)
    due_on: date | None = fld(L2, None)
    status: ItemStatus = fld(L1, ItemStatus.OPEN)
    agency: str = fld(L2, "")
    listing_id: str | None = fld(L2, None)
    version: int = fld(L2, 1)


@dataclass(frozen=True, slots=True)
class ProtectiveOrder:
    """A protective order or measure, incl. bail, with start, end and conditions."""

    id: str = fld(L2)
    case_id: str = fld(L2)
    kind: OrderType = fld(L1)
    starts_on: date = fld(L2)
    ends_on: date | None = fld(L2, None)
    conditions: str = fld(L3, "")
    version: int = fld(L2, 1)


@dataclass(frozen=True, slots=True)
class OrderBreach:
    """A breach of an order or bail condition."""

    id: str = fld(L2)
    order_id: str = fld(L2)
    occurred_on: date = fld(L2)
    note: str = fld(L3, "")


@dataclass(frozen=True, slots=True)
class CjsMilestone:
    """A criminal-justice journey milestone; it creates victim-update obligations."""

    id: str = fld(L2)
    case_id: str = fld(L2)
    kind: MilestoneKind = fld(L1)
    occurred_on: date = fld(L2)
    outcome_code: int | None = fld(L1, None)
    detail: str = fld(L3, "")


@dataclass(frozen=True, slots=True)
class Contact:
    """A contact or an attempt. ``at`` is UTC."""

    id: str = fld(L2)
    case_id: str = fld(L2)
    at: datetime = fld(L2)
    kind: ContactKind = fld(L1)
    channel: Channel = fld(L1)
    outcome: ContactOutcome = fld(L1)
    worker_id: str = fld(L2)
    minutes: int = fld(L2, 0)
    note: str = fld(L3, "")


@dataclass(frozen=True, slots=True)
class SafeContact:
    """Safe-contact arrangements for a victim. Everything identifying is level 3 and masked until revealed."""

    id: str = fld(L2)
    case_id: str = fld(L2)
    safe_numbers: tuple[str, ...] = fld(L3, ())
    safe_from: str = fld(L3, "")
    safe_until: str = fld(L3, "")
    safe_weekdays: tuple[int, ...] = fld(L3, (0, 1, 2, 3, 4))
    voicemail_safe: bool = fld(L2, False)
    text_safe: bool = fld(L2, False)
    email_safe: bool = fld(L2, False)
    code_word: str = fld(L3, "")
    preferred_channel: Channel = fld(L2, Channel.PHONE)
    who_must_not_know: str = fld(L3, "")
    version: int = fld(L2, 1)


@dataclass(frozen=True, slots=True)
class VictimUpdate:
    """An update the victim is owed (Victims' Code or Drive → IDVA); closed when the victim was told."""

    id: str = fld(L2)
    case_id: str = fld(L2)
    event: str = fld(L1)
    event_on: date = fld(L2)
    due_on: date = fld(L2)
    who_tells: str = fld(L1)
    source_id: str | None = fld(L2, None)
    timetable: str = fld(L2, "")
    told_on: date | None = fld(L2, None)
    told_channel: Channel | None = fld(L2, None)
    version: int = fld(L2, 1)

    @property
    def late(self) -> bool:
        """Told after the due date (told on the due date is on time)."""
        return self.told_on is not None and self.told_on > self.due_on


@dataclass(frozen=True, slots=True)
class DriveInfo:
    """Information a Drive case manager learned that bears on a linked victim's safety."""

    id: str = fld(L2)
    perpetrator_case_id: str = fld(L2)
    victim_case_id: str = fld(L2)
    learned_on: date = fld(L2)
    kind: DriveInfoKind = fld(L1)
    note: str = fld(L3, "")
    author_id: str = fld(L2, "")


@dataclass(frozen=True, slots=True)
class OutcomeSnapshot:
    """Intake or exit snapshot for outcome returns."""

    id: str = fld(L2)
    case_id: str = fld(L2)
    taken_on: date = fld(L2)
    stage: str = fld(L1)
    risk_level: RiskLevel = fld(L1)
    dash_score: int | None = fld(L2, None)
    abuse_types: tuple[AbuseType, ...] = fld(L1, ())
    abuse_stopped: bool | None = fld(L1, None)
    feels_safer: bool | None = fld(L1, None)


RECORD_TYPES: tuple[type, ...] = (
    User,
    Person,
    Case,
    Party,
    Child,
    Referral,
    CaseLink,
    Incident,
    DashAssessment,
    MaracReferral,
    MaracListing,
    SafetyPlan,
    SafetyPlanItem,
    ProtectiveOrder,
    OrderBreach,
    CjsMilestone,
    Contact,
    SafeContact,
    VictimUpdate,
    DriveInfo,
    OutcomeSnapshot,
    DriveReferral,
    InterventionAction,
    DriveSession,
    BehaviourReview,
)


RECORD_KEYS: dict[type, str] = {
    User: "users",
    Person: "people",
    Case: "cases",
    Party: "parties",
    Child: "children",
    Referral: "referrals",
    CaseLink: "links",
    Incident: "incidents",
    DashAssessment: "dash",
    MaracReferral: "marac_referrals",
    MaracListing: "marac_listings",
    SafetyPlan: "plans",
    SafetyPlanItem: "plan_items",
    ProtectiveOrder: "orders",
    OrderBreach: "breaches",
    CjsMilestone: "milestones",
    Contact: "contacts",
    SafeContact: "safe_contacts",
    VictimUpdate: "updates",
    DriveInfo: "drive_info",
    OutcomeSnapshot: "outcomes",
    DriveReferral: "drive_referrals",
    InterventionAction: "interventions",
    DriveSession: "sessions",
    BehaviourReview: "behaviour_reviews",
}
"""Plural name of each record type: the store's table name and the import bundle's key."""
