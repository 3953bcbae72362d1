"""Seeded synthetic caseload for demos, benchmarks and tests.

One ``random.Random(seed)`` drives everything, ids included (``new_id(now_ms=..., rand=rng.randbytes(10))``),
so the same arguments always give identical records and a different seed gives a different caseload.

Mixes follow domain.md and SafeLives' published figures (roughly): 85% victim cases and 15% Drive
perpetrator cases; victims 68% female, 25% male, 7% sex not recorded; 87% of victim cases with children;
about 60% high risk by the latest DASH (IDVA caseloads are high-risk); 25–30% of MARAC cases repeats;
about 35% of cases closed; ~30 contacts and attempts per case, with 10–20% of open cases overdue for
contact at ``today``. Every date is on or before ``today`` except the ones that are naturally in the future:
order end dates, safety-plan review dates, plan item due dates and trial dates (``MilestoneKind.TRIAL_DATE``).

Timelines are built so the rules in :mod:`caseload.domain` read them coherently: the case risk level is the
level of the latest DASH; a case is referred to MARAC when a criterion is met (visible high risk,
professional judgement, potential escalation) and re-referred as a repeat after a new incident within
12 months; order breaches are incidents; contacts respect the safe-contact arrangements (channels, weekdays,
times).
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from typing import Generic, TypeVar

from caseload.domain.calendar import add_months, bank_holidays
from caseload.domain.casefile import CaseFile
from caseload.domain.dash import band
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
    DriveStatus,
    Ethnicity,
    IncidentKind,
    ItemStatus,
    LinkKind,
    MaracCriterion,
    MilestoneKind,
    OrderType,
    PersonRole,
    ReferralSource,
    Region,
    RiskLevel,
    Role,
    SafetyCategory,
    Sex,
    VictimStatus,
)
from caseload.domain.ids import case_reference, new_id
from caseload.domain.model import (
    Case,
    CaseLink,
    Child,
    CjsMilestone,
    Contact,
    DashAssessment,
    DriveInfo,
    Incident,
    MaracListing,
    MaracReferral,
    OrderBreach,
    OutcomeSnapshot,
    Party,
    Person,
    ProtectiveOrder,
    Referral,
    SafeContact,
    SafetyPlan,
    SafetyPlanItem,
    User,
)
from caseload.synthetic import names

T = TypeVar("T")

DEFAULT_TODAY = date(2026, 12, 2)
CASES_PER_IDVA = 55
"""Default IDVA count is ``max(1, cases // CASES_PER_IDVA)``."""
DRIVE_CASES_PER_MANAGER = 40
DRIVE_SHARE = 0.15
CLOSED_SHARE = 0.35
INTAKE_STAGE = "intake"
EXIT_STAGE = "exit"
CADENCE: dict[RiskLevel, int] = {RiskLevel.HIGH: 7, RiskLevel.MEDIUM: 14, RiskLevel.STANDARD: 28}
"""Contact cadence in days (domain.md defaults)."""

FUTURE_FIELDS: frozenset[tuple[str, str]] = frozenset(
    {("orders", "ends_on"), ("plans", "review_on"), ("plan_items", "due_on"), ("milestones", "occurred_on")}
)
"""(record list, field) pairs that may hold dates after ``today`` (milestones: only ``TRIAL_DATE``)."""

_EPOCH = date(1970, 1, 1).toordinal()
_DAY_MS = 86_400_000
_ONE = timedelta(days=1)


class _W(Generic[T]):
    """Weighted choice by bisection over cumulative weights (one ``random()`` per pick)."""

    __slots__ = ("_cum", "_items", "_last", "_total")

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        items: list[T] = []
        cum: list[float] = []
        total = 0.0
        for item, weight in pairs:
            if weight > 0:
                total += weight
                items.append(item)
                cum.append(total)
        if not items:
            raise ValueError("no positive weight")
        self._items = tuple(items)
        self._cum = tuple(cum)
        self._total = total
        self._last = len(items) - 1

    def pick(self, rng: random.Random) -> T:
        i = bisect.bisect_right(self._cum, rng.random() * self._total)
        return self._items[i if i <= self._last else self._last]


def _d(d: date, days: int) -> date:
    return d + timedelta(days=days)


# ---------------------------------------------------------------------------------------------- mixes

_SEX = _W([(Sex.FEMALE, 68), (Sex.MALE, 25), (Sex.NOT_RECORDED, 7)])
_VICTIM_AGE = _W(
    [
        (AgeBand.B16_17, 2),
        (AgeBand.B18_24, 16),
        (AgeBand.B25_34, 33),
        (AgeBand.B35_44, 26),
        (AgeBand.B45_54, 13),
        (AgeBand.B55_64, 6),
        (AgeBand.B65_PLUS, 3),
        (AgeBand.NOT_RECORDED, 1),
    ]
)
_PERP_AGE = _W(
    [
        (AgeBand.B18_24, 12),
        (AgeBand.B25_34, 36),
        (AgeBand.B35_44, 30),
        (AgeBand.B45_54, 14),
        (AgeBand.B55_64, 6),
        (AgeBand.B65_PLUS, 2),
    ]
)
_AGE_RANGE: dict[AgeBand, tuple[int, int]] = {
    AgeBand.B16_17: (16, 17),
    AgeBand.B18_24: (18, 24),
    AgeBand.B25_34: (25, 34),
    AgeBand.B35_44: (35, 44),
    AgeBand.B45_54: (45, 54),
    AgeBand.B55_64: (55, 64),
    AgeBand.B65_PLUS: (65, 84),
}
_ETHNICITY = _W(
    [
        (Ethnicity.WHITE, 78),
        (Ethnicity.ASIAN, 7),
        (Ethnicity.BLACK, 4),
        (Ethnicity.MIXED, 3),
        (Ethnicity.OTHER, 2),
        (Ethnicity.NOT_RECORDED, 6),
    ]
)
_CHILD_COUNT = _W([(1, 40), (2, 34), (3, 17), (4, 9)])
_CHILD_BANDS: dict[str, _W[ChildAgeBand]] = {
    "young": _W([(ChildAgeBand.UNDER_5, 80), (ChildAgeBand.B5_10, 20)]),
    "25": _W(
        [
            (ChildAgeBand.UNDER_5, 40),
            (ChildAgeBand.B5_10, 40),
            (ChildAgeBand.B11_15, 15),
            (ChildAgeBand.B16_17, 5),
        ]
    ),
    "35": _W(
        [
            (ChildAgeBand.UNDER_5, 15),
            (ChildAgeBand.B5_10, 35),
            (ChildAgeBand.B11_15, 35),
            (ChildAgeBand.B16_17, 15),
        ]
    ),
    "older": _W(
        [
            (ChildAgeBand.UNDER_5, 10),
            (ChildAgeBand.B5_10, 25),
            (ChildAgeBand.B11_15, 35),
            (ChildAgeBand.B16_17, 30),
        ]
    ),
}
_CHILD_AGES: dict[ChildAgeBand, tuple[int, int]] = {
    ChildAgeBand.UNDER_5: (0, 4),
    ChildAgeBand.B5_10: (5, 10),
    ChildAgeBand.B11_15: (11, 15),
    ChildAgeBand.B16_17: (16, 17),
}
_CHILD_TO_PERP = _W([("child", 55), ("stepchild", 15), ("none", 30)])
_IMMIGRATION = _W(
    [
        ("spousal visa", 35),
        ("dependant visa", 15),
        ("asylum claim pending", 20),
        ("no leave to remain", 15),
        ("pre-settled status", 15),
    ]
)
_VICTIM_SOURCE = _W(
    [
        (ReferralSource.POLICE, 46),
        (ReferralSource.HEALTH, 12),
        (ReferralSource.MARAC, 8),
        (ReferralSource.SELF, 8),
        (ReferralSource.CHILDRENS_SERVICES, 7),
        (ReferralSource.VICTIM_SERVICE, 5),
        (ReferralSource.HOUSING, 4),
        (ReferralSource.FAMILY_FRIEND, 3),
        (ReferralSource.ADULT_SOCIAL_CARE, 2),
        (ReferralSource.DRIVE, 1),
        (ReferralSource.OTHER, 4),
    ]
)
_DRIVE_SOURCE = _W(
    [
        (ReferralSource.MARAC, 52),
        (ReferralSource.POLICE, 30),
        (ReferralSource.CHILDRENS_SERVICES, 8),
        (ReferralSource.VICTIM_SERVICE, 5),
        (ReferralSource.OTHER, 5),
    ]
)
_REFERRERS: dict[ReferralSource, str] = {
    ReferralSource.POLICE: "Police public protection unit",
    ReferralSource.HEALTH: "Hospital emergency department",
    ReferralSource.MARAC: "MARAC coordinator",
    ReferralSource.SELF: "Self-referral",
    ReferralSource.CHILDRENS_SERVICES: "Children's social care",
    ReferralSource.VICTIM_SERVICE: "Victim support service",
    ReferralSource.HOUSING: "Housing options team",
    ReferralSource.FAMILY_FRIEND: "Family member",
    ReferralSource.ADULT_SOCIAL_CARE: "Adult social care",
    ReferralSource.DRIVE: "Drive case manager",
    ReferralSource.OTHER: "Community organisation",
}
_VICTIM_OPEN_STATUS = _W(
    [
        (VictimStatus.ACTIVE_SUPPORT, 53),
        (VictimStatus.ASSESSMENT, 12),
        (VictimStatus.CONTACT_ATTEMPTS, 12),
        (VictimStatus.REFERRED, 4),
        (VictimStatus.DORMANT, 8),
        (VictimStatus.UNABLE_TO_CONTACT, 7),
        (VictimStatus.DECLINED, 4),
    ]
)
_DRIVE_OPEN_STATUS = _W(
    [
        (DriveStatus.INTERVENTION, 40),
        (DriveStatus.ENGAGED, 25),
        (DriveStatus.CONTACT_ATTEMPTS, 12),
        (DriveStatus.NOT_ENGAGED, 10),
        (DriveStatus.ALLOCATED, 8),
        (DriveStatus.REFERRED, 5),
    ]
)
_OPEN_AGE: dict[tuple[CaseKind, str], tuple[int, int]] = {
    (CaseKind.VICTIM, VictimStatus.REFERRED): (0, 2),
    (CaseKind.VICTIM, VictimStatus.CONTACT_ATTEMPTS): (1, 7),
    (CaseKind.VICTIM, VictimStatus.ASSESSMENT): (3, 30),
    (CaseKind.VICTIM, VictimStatus.DORMANT): (40, 400),
    (CaseKind.VICTIM, VictimStatus.UNABLE_TO_CONTACT): (30, 300),
    (CaseKind.VICTIM, VictimStatus.DECLINED): (20, 300),
    (CaseKind.PERPETRATOR, DriveStatus.REFERRED): (0, 3),
    (CaseKind.PERPETRATOR, DriveStatus.ALLOCATED): (1, 6),
    (CaseKind.PERPETRATOR, DriveStatus.CONTACT_ATTEMPTS): (3, 14),
    (CaseKind.PERPETRATOR, DriveStatus.ENGAGED): (30, 300),
    (CaseKind.PERPETRATOR, DriveStatus.NOT_ENGAGED): (30, 300),
    (CaseKind.PERPETRATOR, DriveStatus.INTERVENTION): (60, 700),
}
"""Days since opening for an open case in each status (victim ``active_support`` uses ``_ACTIVE_AGE``)."""
_ACTIVE_AGE = _W([((10, 180), 72), ((180, 540), 22), ((540, 1095), 6)])
_VICTIM_CLOSURE = _W(
    [
        (ClosureReason.RISK_REDUCED, 46),
        (ClosureReason.DECLINED, 15),
        (ClosureReason.UNABLE_TO_CONTACT, 15),
        (ClosureReason.MOVED_AWAY, 8),
        (ClosureReason.TRANSFERRED, 7),
        (ClosureReason.OTHER_SERVICE, 8),
        (ClosureReason.DECEASED, 0.4),
    ]
)
_DRIVE_CLOSURE = _W(
    [
        (ClosureReason.RISK_REDUCED, 40),
        (ClosureReason.DECLINED, 15),
        (ClosureReason.UNABLE_TO_CONTACT, 10),
        (ClosureReason.MOVED_AWAY, 10),
        (ClosureReason.TRANSFERRED, 15),
        (ClosureReason.OTHER_SERVICE, 10),
    ]
)
_RELATION = _W([(LinkKind.CURRENT_PARTNER, 38), (LinkKind.EX_PARTNER, 52), (LinkKind.FAMILY_MEMBER, 10)])
_LINK_COUNT = _W([(1, 65), (2, 25), (3, 10)])
_INTAKE_BAND = _W([(RiskLevel.HIGH, 67), (RiskLevel.MEDIUM, 20), (RiskLevel.STANDARD, 13)])
_HIGH_EXTRA = _W([(0, 20), (1, 18), (2, 15), (3, 12), (4, 10), (5, 8), (6, 7), (7, 5), (8, 5)])
_REVIEW_DELTA = _W([(-3, 10), (-2, 15), (-1, 20), (0, 27), (1, 17), (2, 11)])
_DASH_COUNT = _W([(1, 25), (2, 40), (3, 35)])
_INCIDENTS_BY_RISK: dict[RiskLevel, _W[int]] = {
    RiskLevel.HIGH: _W([(1, 14), (2, 18), (3, 18), (4, 15), (5, 12), (6, 10), (7, 8), (8, 5)]),
    RiskLevel.MEDIUM: _W([(1, 30), (2, 30), (3, 20), (4, 12), (5, 8)]),
    RiskLevel.STANDARD: _W([(1, 45), (2, 35), (3, 15), (4, 5)]),
}
_INDEX_KIND = _W(
    [
        (IncidentKind.PHYSICAL_ASSAULT, 45),
        (IncidentKind.THREATS, 15),
        (IncidentKind.STRANGULATION, 9),
        (IncidentKind.CRIMINAL_DAMAGE, 10),
        (IncidentKind.STALKING, 10),
        (IncidentKind.SEXUAL_ASSAULT, 5),
        (IncidentKind.OTHER, 6),
    ]
)
_HISTORY_KIND = _W(
    [
        (IncidentKind.PHYSICAL_ASSAULT, 30),
        (IncidentKind.THREATS, 16),
        (IncidentKind.UNWANTED_CONTACT, 15),
        (IncidentKind.STALKING, 8),
        (IncidentKind.CRIMINAL_DAMAGE, 8),
        (IncidentKind.STRANGULATION, 5),
        (IncidentKind.CHILD_CONTACT_DISPUTE, 7),
        (IncidentKind.SEXUAL_ASSAULT, 4),
        (IncidentKind.OTHER, 7),
    ]
)
_GRAVITY: dict[IncidentKind, tuple[int, int]] = {
    IncidentKind.PHYSICAL_ASSAULT: (3, 4),
    IncidentKind.SEXUAL_ASSAULT: (5, 5),
    IncidentKind.STRANGULATION: (5, 5),
    IncidentKind.THREATS: (2, 3),
    IncidentKind.CRIMINAL_DAMAGE: (2, 2),
    IncidentKind.STALKING: (3, 3),
    IncidentKind.UNWANTED_CONTACT: (1, 2),
    IncidentKind.BREACH: (2, 3),
    IncidentKind.CHILD_CONTACT_DISPUTE: (1, 1),
    IncidentKind.OTHER: (1, 2),
}
_INCIDENT_NOTES: dict[IncidentKind, tuple[str, ...]] = {
    IncidentKind.PHYSICAL_ASSAULT: ("Police called by a neighbour.", "Assault at home; injuries to arms."),
    IncidentKind.SEXUAL_ASSAULT: ("Disclosed at a support session.",),
    IncidentKind.STRANGULATION: ("Non-fatal strangulation reported to police.",),
    IncidentKind.THREATS: ("Threats made by phone.", "Threats made in front of the children."),
    IncidentKind.CRIMINAL_DAMAGE: ("Front door and phone damaged.",),
    IncidentKind.STALKING: ("Seen waiting outside the workplace.", "Followed home from the shops."),
    IncidentKind.UNWANTED_CONTACT: ("Repeated messages from new accounts.", "Turned up at the school gate."),
    IncidentKind.BREACH: ("Breached conditions: came to the address.",),
    IncidentKind.CHILD_CONTACT_DISPUTE: ("Argument at child handover.",),
    IncidentKind.OTHER: ("Reported via 101.",),
}
_JUDGEMENT_REASONS: tuple[str, ...] = (
    "Recent escalation reported by police; victim minimising.",
    "Perpetrator due for release this month.",
    "Honour-based abuse concerns from extended family.",
    "Disclosures at interview indicate higher risk than the score.",
    "New pregnancy and recent separation.",
    "Access to weapons reported by a third party.",
)
_CONSENT = _W([(Consent.CONSENTED, 62), (Consent.AWARE_NOT_CONSENTED, 24), (Consent.NOT_AWARE, 14)])
_SAFE_TALK: tuple[str, ...] = (
    "Sister (by phone)",
    "Health visitor",
    "Friend at work",
    "Mother",
    "GP surgery",
)
_SAFE_WINDOWS = _W(
    [
        (("09:00", "17:00"), 20),
        (("10:00", "14:00"), 30),
        (("09:00", "12:00"), 15),
        (("13:00", "17:00"), 15),
        (("09:30", "15:30"), 20),
    ]
)
_SAFE_WEEKDAYS = _W([((0, 1, 2, 3, 4), 75), ((0, 1, 2, 3), 10), ((0, 2, 4), 8), ((1, 3), 7)])
_QUESTION_WEIGHTS: tuple[float, ...] = (
    0.55, 0.9, 0.88, 0.6, 0.55, 0.65, 0.45, 0.6, 0.0, 0.6, 0.62, 0.8,
    0.3, 0.45, 0.42, 0.35, 0.25, 0.4, 0.15, 0.45, 0.6, 0.35, 0.35, 0.55,
)  # fmt: skip
_NOT_KNOWN: tuple[float, ...] = (
    0.02, 0.01, 0.01, 0.03, 0.04, 0.02, 0.03, 0.03, 0.02, 0.04, 0.04, 0.02,
    0.04, 0.03, 0.03, 0.06, 0.12, 0.2, 0.12, 0.04, 0.15, 0.15, 0.12, 0.2,
)  # fmt: skip
_Q_SEPARATED, _Q_CHILD_CONTACT, _Q_PREGNANT = 5, 6, 8
_CIVIL_ORDER = _W(
    [
        (OrderType.NON_MOLESTATION, 45),
        (OrderType.DVPN, 25),
        (OrderType.SANCTUARY, 10),
        (OrderType.DVDS_DISCLOSURE, 8),
        (OrderType.REFUGE, 5),
        (OrderType.STALKING_PROTECTION, 4),
        (OrderType.BARRING, 1),
        (OrderType.DAPN, 2),
    ]
)
_BREACHABLE = frozenset(
    {
        OrderType.DVPN,
        OrderType.DVPO,
        OrderType.DAPN,
        OrderType.DAPO,
        OrderType.NON_MOLESTATION,
        OrderType.RESTRAINING,
        OrderType.STALKING_PROTECTION,
        OrderType.FORCED_MARRIAGE_PROTECTION,
        OrderType.FGM_PROTECTION,
        OrderType.BARRING,
        OrderType.PRE_CHARGE_BAIL,
    }
)
_CONDITIONS: dict[OrderType, str] = {
    OrderType.DVPN: "Not to enter the address or contact the victim for 48 hours.",
    OrderType.DVPO: "Not to enter the address or come within 100 m; no contact.",
    OrderType.DAPN: "Not to contact the victim or enter the address.",
    OrderType.DAPO: "No contact; notify police of address changes; attend a programme.",
    OrderType.NON_MOLESTATION: "Not to use or threaten violence; no contact; not to come to the home.",
    OrderType.RESTRAINING: "No contact directly or indirectly; not to enter the street.",
    OrderType.STALKING_PROTECTION: "Not to contact, follow or monitor the victim online.",
    OrderType.FORCED_MARRIAGE_PROTECTION: "Not to arrange a marriage or remove the victim from the UK.",
    OrderType.FGM_PROTECTION: "Passports surrendered; not to take the child abroad.",
    OrderType.BARRING: "Barred from applying to court without permission.",
    OrderType.PRE_CHARGE_BAIL: "Not to contact the victim; not to enter the area around the address.",
    OrderType.DVDS_DISCLOSURE: "Disclosure of previous violence made to the victim.",
    OrderType.SANCTUARY: "Door and window locks fitted; fire-safe letterbox.",
    OrderType.REFUGE: "Refuge space in another area.",
}
_PLAN_CATEGORIES: tuple[SafetyCategory, ...] = tuple(
    c for c in SafetyCategory if c != SafetyCategory.MARAC_ACTION
)
_PLAN_TEMPLATES: dict[SafetyCategory, tuple[tuple[str, str, str], ...]] = {
    SafetyCategory.HOME_SECURITY: (
        ("Perpetrator knows the address", "Sanctuary scheme referral: locks and door chain", "IDVA"),
        ("Perpetrator has a key", "Change the locks; ask police for a property marker", "victim"),
    ),
    SafetyCategory.PROTECTIVE_ORDERS: (
        ("Continued contact from the perpetrator", "Support application for a non-molestation order", "IDVA"),
        ("Bail conditions ending", "Chase police on bail extension or charge", "IDVA"),
    ),
    SafetyCategory.ESCAPE_PLAN: (
        (
            "Risk of further violence at home",
            "Agree escape plan: bag packed, safe route, silent 999 (55)",
            "victim",
        ),
    ),
    SafetyCategory.CHILDREN: (
        ("Children witnessing abuse", "Share information with children's social care; inform school", "IDVA"),
        ("Child contact handovers", "Arrange supported handovers at a contact centre", "victim"),
    ),
    SafetyCategory.DIGITAL_SAFETY: (
        ("Tracking through phone and social media", "Check location settings; new SIM and passwords", "IDVA"),
    ),
    SafetyCategory.FINANCES: (
        ("Financial dependence", "Benefits check and emergency fund application", "IDVA"),
        ("Joint account controlled by the perpetrator", "Open a separate bank account", "victim"),
    ),
    SafetyCategory.HEALTH: (
        ("Low mood and poor sleep", "GP appointment and counselling referral", "victim"),
        ("Injuries not treated", "Attend the minor injuries unit; photographs for evidence", "victim"),
    ),
    SafetyCategory.HOUSING: (
        ("Needs to move", "Homelessness application and refuge referral", "housing"),
        ("Rent arrears after separation", "Housing officer to review the tenancy", "housing"),
    ),
    SafetyCategory.COURT: (
        ("Anxiety about giving evidence", "Special measures request and court familiarisation visit", "IDVA"),
    ),
}
_MARAC_ACTIONS: tuple[tuple[str, str], ...] = (
    ("police", "Flag the address for an urgent response"),
    ("housing", "Prioritise a management transfer"),
    ("children's services", "Strategy discussion for the children"),
    ("health", "Flag records; routine enquiry at appointments"),
    ("probation", "Share licence conditions with the IDVA"),
)
_SUCCESS_NOTES: tuple[str, ...] = (
    "Safety check; no new incidents disclosed.",
    "Reviewed the safety plan together.",
    "Talked through the court process and special measures.",
    "Supported with housing options.",
    "Went through MARAC actions.",
    "Agreed the next contact time.",
    "Reports feeling safer this week.",
    "Discussed child contact arrangements.",
    "Helped with the non-molestation order application.",
    "Referred to the counselling service.",
)
_DRIVE_NOTES: tuple[str, ...] = (
    "One-to-one session: accountability work.",
    "Discussed housing and substance use support.",
    "Disruption update shared with police.",
    "Session on jealousy and control.",
    "Reviewed licence conditions with probation.",
)
_ATTEMPT_NOTES: dict[Channel, str] = {
    Channel.PHONE: "No answer; will try again.",
    Channel.TEXT: "Text sent with the agreed wording.",
    Channel.VOICEMAIL: "Voicemail left (safe).",
    Channel.EMAIL: "E-mail sent to the safe address.",
    Channel.LETTER: "Appointment letter sent.",
    Channel.VIDEO: "Video call not answered.",
    Channel.FACE_TO_FACE: "Not at home for the visit.",
}
_SUCCESS_OUTCOME: dict[Channel, ContactOutcome] = {
    Channel.PHONE: ContactOutcome.SPOKE,
    Channel.VIDEO: ContactOutcome.SPOKE,
    Channel.FACE_TO_FACE: ContactOutcome.MET,
    Channel.TEXT: ContactOutcome.REPLIED,
    Channel.EMAIL: ContactOutcome.REPLIED,
}
_SUCCESS_MINUTES: dict[Channel, tuple[int, int]] = {
    Channel.PHONE: (10, 45),
    Channel.VIDEO: (20, 60),
    Channel.FACE_TO_FACE: (30, 90),
    Channel.TEXT: (5, 10),
    Channel.EMAIL: (5, 15),
}
_DRIVE_INFO = _W(
    [
        (DriveInfoKind.STATED_INTENT, 25),
        (DriveInfoKind.BREACH, 20),
        (DriveInfoKind.RELEASE_DATE, 15),
        (DriveInfoKind.DISENGAGEMENT, 15),
        (DriveInfoKind.OTHER, 25),
    ]
)
_DRIVE_INFO_NOTES: dict[DriveInfoKind, str] = {
    DriveInfoKind.STATED_INTENT: "Said in session he intends to go to the victim's new area.",
    DriveInfoKind.BREACH: "Admitted contacting the victim against bail conditions.",
    DriveInfoKind.RELEASE_DATE: "Release from custody confirmed by probation.",
    DriveInfoKind.DISENGAGEMENT: "Missed three appointments; not responding.",
    DriveInfoKind.OTHER: "New relationship disclosed; information shared with police.",
}
_MARAC_SLOTS: tuple[tuple[int, int], ...] = ((1, 2), (3, 1), (2, 3), (1, 4), (3, 2), (0, 3))
"""(weekday, n-th) of the monthly MARAC meeting in each area, in ``names.AREAS`` order."""
_OPEN_VICTIM_STATUSES = frozenset(
    {
        VictimStatus.REFERRED,
        VictimStatus.CONTACT_ATTEMPTS,
        VictimStatus.ASSESSMENT,
        VictimStatus.ACTIVE_SUPPORT,
    }
)
_PAUSED = frozenset({VictimStatus.DORMANT, VictimStatus.DECLINED, VictimStatus.UNABLE_TO_CONTACT})
_OVERDUE_SHARE = 0.2
_REPEAT_SHARE = 0.4
_PENDING_REPEAT_SHARE = 0.05


# ---------------------------------------------------------------------------------------------- result


@dataclass(frozen=True, slots=True)
class SyntheticCaseload:
    """Every synthetic record, by record list (``RECORD_KEYS`` names); no victim updates."""

    users: tuple[User, ...]
    people: tuple[Person, ...]
    cases: tuple[Case, ...]
    parties: tuple[Party, ...]
    children: tuple[Child, ...]
    referrals: tuple[Referral, ...]
    links: tuple[CaseLink, ...]
    incidents: tuple[Incident, ...]
    dash: tuple[DashAssessment, ...]
    marac_referrals: tuple[MaracReferral, ...]
    marac_listings: tuple[MaracListing, ...]
    plans: tuple[SafetyPlan, ...]
    plan_items: tuple[SafetyPlanItem, ...]
    orders: tuple[ProtectiveOrder, ...]
    breaches: tuple[OrderBreach, ...]
    milestones: tuple[CjsMilestone, ...]
    contacts: tuple[Contact, ...]
    safe_contacts: tuple[SafeContact, ...]
    drive_info: tuple[DriveInfo, ...]
    outcomes: tuple[OutcomeSnapshot, ...]

    def counts(self) -> dict[str, int]:
        """Number of records in each list."""
        return {f.name: len(getattr(self, f.name)) for f in fields(self)}


# ---------------------------------------------------------------------------------------------- internals


@dataclass(slots=True)
class _Plan:
    """Skeleton of one case, fixed before the records are built (ids, dates, worker, Drive pairing)."""

    index: int
    id: str
    kind: CaseKind
    status: str
    opened: date
    closed: date | None
    closure: ClosureReason | None
    worker: User
    area: str
    reference: str = ""
    perp: Person | None = None
    relation: LinkKind = LinkKind.CURRENT_PARTNER
    subject: Person | None = None
    risk: RiskLevel = RiskLevel.STANDARD
    incidents: list[tuple[date, IncidentKind, int]] = field(default_factory=list)
    link_specs: list[tuple[_Plan | None, LinkKind]] = field(default_factory=list)


@dataclass(slots=True)
class _Profile:
    """Channels and times a worker may use for one case."""

    success: _W[Channel]
    attempt: _W[Channel]
    start_min: int
    slots: int
    weekdays: tuple[bool, ...]
    notes: tuple[str, ...]


@dataclass(slots=True)
class _Snap:
    on: date
    score: int
    answers: tuple[DashAnswer, ...]
    level: RiskLevel
    judgement: RiskLevel | None
    reason: str
    exit: bool
    id: str = ""


class _Generator:
    def __init__(self, cases: int, seed: int, today: date, workers: int | None) -> None:
        if cases < 0:
            raise ValueError("cases must be 0 or more")
        if workers is not None and workers < 1:
            raise ValueError("workers must be 1 or more")
        self.rng = random.Random(seed)
        self.today = today
        self.n_cases = cases
        self.n_drive = round(cases * DRIVE_SHARE) if cases >= 4 else 0
        self.n_victim = cases - self.n_drive
        self.n_idva = workers if workers is not None else max(1, cases // CASES_PER_IDVA)
        self.hol: frozenset[date] = frozenset().union(
            *(bank_holidays(Region.ENGLAND_WALES, y) for y in range(today.year - 7, today.year + 4))
        )
        self._bst: dict[int, tuple[date, date]] = {}
        self._meetings: dict[str, list[date]] = {}
        self._profiles: dict[tuple[bool, bool, bool, str, tuple[int, ...]], _Profile] = {}
        self.users: list[User] = []
        self.people: list[Person] = []
        self.cases: list[Case] = []
        self.parties: list[Party] = []
        self.children: list[Child] = []
        self.referrals: list[Referral] = []
        self.links: list[CaseLink] = []
        self.incidents: list[Incident] = []
        self.dash: list[DashAssessment] = []
        self.marac_referrals: list[MaracReferral] = []
        self.marac_listings: list[MaracListing] = []
        self.plans: list[SafetyPlan] = []
        self.plan_items: list[SafetyPlanItem] = []
        self.orders: list[ProtectiveOrder] = []
        self.breaches: list[OrderBreach] = []
        self.milestones: list[CjsMilestone] = []
        self.contacts: list[Contact] = []
        self.safe_contacts: list[SafeContact] = []
        self.drive_info: list[DriveInfo] = []
        self.outcomes: list[OutcomeSnapshot] = []
        self._email_n = 0

    # ------------------------------------------------------------------ small helpers

    def _id(self, d: date) -> str:
        r = self.rng
        ms = (d.toordinal() - _EPOCH) * _DAY_MS + int(r.random() * _DAY_MS)
        return new_id(now_ms=ms, rand=r.randbytes(10))

    def _between(self, a: date, b: date) -> date:
        """A uniformly random day in [a, b] (``a`` when b < a)."""
        span = (b - a).days
        return a if span <= 0 else a + timedelta(days=int(self.rng.random() * (span + 1)))

    def _working(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self.hol

    def _next_working(self, d: date) -> date:
        while not self._working(d):
            d += _ONE
        return d

    def _prev_working(self, d: date) -> date:
        while not self._working(d):
            d -= _ONE
        return d

    def _utc_offset(self, d: date) -> int:
        """Hours UK local time is ahead of UTC on ``d`` (1 in British Summer Time)."""
        bounds = self._bst.get(d.year)
        if bounds is None:
            march = date(d.year, 3, 31)
            october = date(d.year, 10, 31)
            bounds = (
                march - timedelta(days=(march.weekday() + 1) % 7),
                october - timedelta(days=(october.weekday() + 1) % 7),
            )
            self._bst[d.year] = bounds
        return 1 if bounds[0] <= d < bounds[1] else 0

    def _dob(self, on: date, age_band: AgeBand) -> date | None:
        rng = _AGE_RANGE.get(age_band)
        if rng is None:
            return None
        age = self.rng.randint(*rng)
        return date.fromordinal(on.toordinal() - int(age * 365.2425) - self.rng.randint(0, 364))

    def _meeting_after(self, area: str, d: date) -> date:
        """The first MARAC meeting of ``area`` on or after ``d`` (monthly, fixed weekday)."""
        meetings = self._meetings.get(area)
        if meetings is None:
            slot = _MARAC_SLOTS[names.AREAS.index(area) % len(_MARAC_SLOTS)]
            meetings = []
            for year in range(self.today.year - 6, self.today.year + 2):
                for month in range(1, 13):
                    first = date(year, month, 1)
                    day = first + timedelta(days=(slot[0] - first.weekday()) % 7 + 7 * (slot[1] - 1))
                    meetings.append(self._next_working(day))
            self._meetings[area] = meetings
        return meetings[bisect.bisect_left(meetings, d)]

    def _profile(
        self,
        text: bool,
        voicemail: bool,
        mail: bool,
        window: tuple[str, str],
        weekdays: tuple[int, ...],
        drive: bool,
    ) -> _Profile:
        key = (text, voicemail, mail, f"{window[0]}-{window[1]}-{drive}", weekdays)
        prof = self._profiles.get(key)
        if prof is None:
            start = int(window[0][:2]) * 60 + int(window[0][3:])
            end = int(window[1][:2]) * 60 + int(window[1][3:])
            success = _W(
                [
                    (Channel.PHONE, 55),
                    (Channel.FACE_TO_FACE, 30 if drive else 20),
                    (Channel.VIDEO, 8),
                    (Channel.TEXT, 10 if text else 0),
                    (Channel.EMAIL, 4 if mail else 0),
                ]
            )
            attempt = _W(
                [
                    (Channel.PHONE, 62),
                    (Channel.TEXT, 20 if text else 0),
                    (Channel.VOICEMAIL, 12 if voicemail else 0),
                    (Channel.EMAIL, 5 if mail else 0),
                    (Channel.LETTER, 4 if drive else 0),
                ]
            )
            prof = _Profile(
                success=success,
                attempt=attempt,
                start_min=start,
                slots=max(1, (end - start - 10) // 5 + 1),
                weekdays=tuple(i in weekdays for i in range(7)),
                notes=_DRIVE_NOTES if drive else _SUCCESS_NOTES,
            )
            self._profiles[key] = prof
        return prof

    # ------------------------------------------------------------------ run

    def run(self) -> SyntheticCaseload:
        idvas, managers = self._users()
        plans = [self._skeleton(i, CaseKind.VICTIM, idvas) for i in range(self.n_victim)]
        drive_plans = [
            self._skeleton(self.n_victim + i, CaseKind.PERPETRATOR, managers) for i in range(self.n_drive)
        ]
        counters: dict[tuple[str, int], int] = {}
        for p in sorted((*plans, *drive_plans), key=lambda p: (p.opened, p.index)):
            prefix = "C" if p.kind is CaseKind.VICTIM else "P"
            key = (prefix, p.opened.year)
            counters[key] = counters.get(key, 0) + 1
            p.reference = case_reference(prefix, p.opened.year, counters[key])
        self._pair(plans, drive_plans)
        for p in plans:
            self._victim(p, idvas)
        for p in drive_plans:
            self._drive(p)
        return SyntheticCaseload(
            users=tuple(self.users),
            people=tuple(self.people),
            cases=tuple(self.cases),
            parties=tuple(self.parties),
            children=tuple(self.children),
            referrals=tuple(self.referrals),
            links=tuple(self.links),
            incidents=tuple(self.incidents),
            dash=tuple(self.dash),
            marac_referrals=tuple(self.marac_referrals),
            marac_listings=tuple(self.marac_listings),
            plans=tuple(self.plans),
            plan_items=tuple(self.plan_items),
            orders=tuple(self.orders),
            breaches=tuple(self.breaches),
            milestones=tuple(self.milestones),
            contacts=tuple(self.contacts),
            safe_contacts=tuple(self.safe_contacts),
            drive_info=tuple(self.drive_info),
            outcomes=tuple(self.outcomes),
        )

    def _users(self) -> tuple[list[User], list[User]]:
        joined = _d(self.today, -1200)
        idvas = [
            User(
                id=self._id(joined),
                name=names.worker_name("idva", i),
                role=Role.IDVA,
                team=f"{names.AREAS[i % len(names.AREAS)]} IDVA service",
            )
            for i in range(self.n_idva)
        ]
        n_managers = max(1, round(self.n_drive / DRIVE_CASES_PER_MANAGER)) if self.n_drive else 0
        managers = [
            User(id=self._id(joined), name=names.worker_name("drive", i), role=Role.DRIVE, team="Drive")
            for i in range(n_managers)
        ]
        supervisors = [
            User(
                id=self._id(joined),
                name=names.worker_name("supervisor", i),
                role=Role.SUPERVISOR,
                team="Supervision",
            )
            for i in range(1 if self.n_cases < 1000 else 2)
        ]
        self.users.extend((*idvas, *managers, *supervisors))
        return idvas, managers

    def _skeleton(self, index: int, kind: CaseKind, workers: Sequence[User]) -> _Plan:
        r, t = self.rng, self.today
        victim = kind is CaseKind.VICTIM
        closed: date | None = None
        closure: ClosureReason | None = None
        if r.random() < CLOSED_SHARE:
            age = r.randint(60, 1095) if victim else r.randint(120, 1095)
            opened = _d(t, -age)
            longest = min(365 if victim else 540, age - 1)
            closed = _d(opened, r.randint(min(30 if victim else 90, longest), longest))
            closure = (_VICTIM_CLOSURE if victim else _DRIVE_CLOSURE).pick(r)
            status = VictimStatus.CLOSED.value if victim else DriveStatus.CLOSED.value
        else:
            status = (_VICTIM_OPEN_STATUS if victim else _DRIVE_OPEN_STATUS).pick(r).value
            lo, hi = _ACTIVE_AGE.pick(r) if status == VictimStatus.ACTIVE_SUPPORT else _OPEN_AGE[(kind, status)]
            opened = _d(t, -r.randint(lo, hi))
        w = int(r.random() * len(workers))
        worker = workers[w]
        home = names.AREAS[w % len(names.AREAS)] if victim else None
        area = (
            home if home is not None and r.random() < 0.9 else names.AREAS[int(r.random() * len(names.AREAS))]
        )
        return _Plan(index, self._id(opened), kind, status, opened, closed, closure, worker, area)

    def _person(
        self,
        role: PersonRole,
        on: date,
        area: str,
        sex: Sex,
        age_band: AgeBand,
        *,
        contactable: bool,
        ethnicity: Ethnicity | None = None,
        pregnant: bool = False,
        disability: bool | None = None,
        deaf_bsl: bool = False,
        lgbt: bool | None = None,
        trans: bool | None = None,
        interpreter: bool = False,
        immigration: str = "",
        nrpf: bool | None = None,
        visa_dependent: bool | None = None,
    ) -> Person:
        r = self.rng
        female = sex is Sex.FEMALE or (sex is Sex.NOT_RECORDED and r.random() < 0.6)
        given, family = names.given_name(r, female), names.family_name(r)
        has_address = contactable or r.random() < 0.5
        self._email_n += 1
        return Person(
            id=self._id(on),
            role=role,
            given_name=given,
            family_name=family,
            date_of_birth=self._dob(on, age_band),
            age_band=age_band,
            sex=sex,
            trans=trans,
            lgbt=lgbt,
            ethnicity=ethnicity if ethnicity is not None else _ETHNICITY.pick(r),
            disability=disability,
            deaf_bsl=deaf_bsl,
            pregnant=pregnant,
            interpreter_needed=interpreter,
            address=names.street_address(r, area) if has_address else "",
            postcode=names.postcode(r) if has_address else "",
            phone=names.phone(r) if contactable or r.random() < 0.4 else "",
            email=names.email(given, family, self._email_n) if contactable and r.random() < 0.6 else "",
            immigration_status=immigration,
            nrpf=nrpf,
            visa_dependent=visa_dependent,
        )

    def _perp_person(self, on: date, area: str, victim_female: bool) -> Person:
        r = self.rng
        if victim_female:
            sex = Sex.MALE if r.random() < 0.95 else Sex.FEMALE
        else:
            sex = Sex.FEMALE if r.random() < 0.6 else Sex.MALE
        p = self._person(PersonRole.PERPETRATOR, on, area, sex, _PERP_AGE.pick(r), contactable=False)
        self.people.append(p)
        return p

    def _pair(self, plans: list[_Plan], drive_plans: list[_Plan]) -> None:
        """Choose each Drive subject and the victims linked to them (mostly victim cases in this caseload)."""
        r = self.rng
        available = list(plans)
        r.shuffle(available)
        for dp in drive_plans:
            subject = self._perp_person(dp.opened, dp.area, victim_female=r.random() < 0.93)
            dp.subject = subject
            for _ in range(_LINK_COUNT.pick(r)):
                u = r.random()
                if u < 0.75 and available:
                    vp = available.pop()
                    vp.perp = subject
                    vp.relation = _RELATION.pick(r)
                    dp.link_specs.append((vp, vp.relation))
                elif u < 0.9 or not available:
                    dp.link_specs.append((None, LinkKind.HIDDEN_VICTIM))
                else:
                    dp.link_specs.append((None, LinkKind.EX_PARTNER))

    # ------------------------------------------------------------------ DASH

    def _answers(
        self, score: int, prev: tuple[DashAnswer, ...] | None, children: bool, pregnant: bool, separated: bool
    ) -> tuple[DashAnswer, ...]:
        r = self.rng
        keys: list[tuple[float, int]] = []
        for i, w in enumerate(_QUESTION_WEIGHTS):
            if i == _Q_CHILD_CONTACT and not children:
                continue
            if i == _Q_PREGNANT:
                continue
            if i == _Q_SEPARATED:
                w = 0.9 if separated else 0.35
            if prev is not None and prev[i] is DashAnswer.YES:
                w *= 4.0
            keys.append((r.random() ** (1.0 / w), i))
        keys.sort(reverse=True)
        yes = {i for _, i in keys[: max(0, score - (1 if pregnant else 0))]}
        if pregnant:
            yes.add(_Q_PREGNANT)
        out: list[DashAnswer] = []
        for i in range(24):
            if i in yes:
                out.append(DashAnswer.YES)
            elif r.random() < _NOT_KNOWN[i]:
                out.append(DashAnswer.NOT_KNOWN)
            else:
                out.append(DashAnswer.NO)
        return tuple(out)

    def _snap(
        self,
        on: date,
        score: int,
        prev: _Snap | None,
        children: bool,
        pregnant: bool,
        separated: bool,
        exit_: bool = False,
    ) -> _Snap:
        r = self.rng
        score = max(1, min(22, score))
        answers = self._answers(score, prev.answers if prev else None, children, pregnant, separated)
        actual = sum(1 for a in answers if a is DashAnswer.YES)
        level = band(actual)
        judgement: RiskLevel | None = None
        reason = ""
        if level is not RiskLevel.HIGH and not exit_:
            carried = prev is not None and prev.judgement is RiskLevel.HIGH and r.random() < 0.7
            u = r.random()
            if (
                carried
                or (level is RiskLevel.MEDIUM and u < 0.12)
                or (level is RiskLevel.STANDARD and u < 0.04)
            ):
                judgement = RiskLevel.HIGH
            elif level is RiskLevel.STANDARD and u < 0.10:
                judgement = RiskLevel.MEDIUM
            if judgement is not None:
                reason = (
                    prev.reason
                    if carried and prev is not None and prev.reason
                    else self._choice(_JUDGEMENT_REASONS)
                )
        effective = judgement if judgement is not None and judgement.rank > level.rank else level
        return _Snap(on, actual, answers, effective, judgement, reason, exit_)

    def _choice(self, seq: Sequence[T]) -> T:
        return seq[int(self.rng.random() * len(seq))]

    # ------------------------------------------------------------------ victim case

    def _victim(self, p: _Plan, idvas: Sequence[User]) -> None:
        r, t = self.rng, self.today
        last = p.closed if p.closed is not None else t
        status = p.status
        worker = p.worker

        # the victim
        sex = _SEX.pick(r)
        age_band = _VICTIM_AGE.pick(r)
        female = sex is Sex.FEMALE
        ethnicity = _ETHNICITY.pick(r)
        pregnant = (
            female
            and age_band in (AgeBand.B16_17, AgeBand.B18_24, AgeBand.B25_34, AgeBand.B35_44)
            and (r.random() < 0.065)
        )
        disability_u = r.random()
        disability = True if disability_u < 0.15 else (None if disability_u > 0.97 else False)
        immigration = _IMMIGRATION.pick(r) if r.random() < 0.04 else ""
        lgbt_u = r.random()
        victim = self._person(
            PersonRole.VICTIM,
            p.opened,
            p.area,
            sex,
            age_band,
            contactable=True,
            ethnicity=ethnicity,
            pregnant=pregnant,
            disability=disability,
            deaf_bsl=bool(disability) and r.random() < 0.07,
            lgbt=True if lgbt_u < 0.03 else (None if lgbt_u > 0.88 else False),
            trans=True if r.random() < 0.006 else None,
            interpreter=r.random() < (0.03 if ethnicity is Ethnicity.WHITE else 0.17),
            immigration=immigration,
            nrpf=(immigration != "pre-settled status" and r.random() < 0.8) if immigration else None,
            visa_dependent=immigration in ("spousal visa", "dependant visa") if immigration else None,
        )
        p.subject = victim
        self.people.append(victim)

        # perpetrator(s)
        if p.perp is None:
            perp = self._perp_person(p.opened, p.area, victim_female=female or sex is Sex.NOT_RECORDED)
            relation = _RELATION.pick(r)
        else:
            perp, relation = p.perp, p.relation
        perps = [perp]
        self.parties.append(Party(self._id(p.opened), p.id, perp.id, PersonRole.PERPETRATOR, relation))
        honour = r.random() < 0.03
        if honour:
            other = self._perp_person(p.opened, p.area, victim_female=True)
            perps.append(other)
            self.parties.append(
                Party(self._id(p.opened), p.id, other.id, PersonRole.PERPETRATOR, LinkKind.FAMILY_MEMBER)
            )

        # children
        child_p = {AgeBand.B16_17: 0.3, AgeBand.B55_64: 0.5, AgeBand.B65_PLUS: 0.5}.get(age_band, 0.93)
        n_children = _CHILD_COUNT.pick(r) if r.random() < child_p else 0
        self._children(p, age_band, n_children)

        # abuse types
        abuse = self._abuse_types(relation, honour, bool(immigration))

        # referral
        source = _VICTIM_SOURCE.pick(r)
        received = _d(p.opened, -(1 if r.random() < 0.2 else 0))
        self.referrals.append(
            Referral(
                self._id(received),
                p.id,
                received,
                source,
                _REFERRERS[source],
                "Domestic abuse; DASH enclosed.",
            )
        )

        # risk at intake and incident history
        intake_band = _INTAKE_BAND.pick(r)
        if intake_band is RiskLevel.HIGH:
            s0 = 14 + _HIGH_EXTRA.pick(r)
        elif intake_band is RiskLevel.MEDIUM:
            s0 = r.randint(10, 13)
        else:
            s0 = r.randint(2, 9)
        n_inc = _INCIDENTS_BY_RISK[intake_band].pick(r)
        index_day = _d(p.opened, -r.randint(0, 2 if source is ReferralSource.POLICE else 6))
        span = r.randint(365, 540)
        inc_days = sorted(_d(index_day, -r.randint(1, span)) for _ in range(n_inc - 1))
        inc_days.append(index_day)

        early = status in (VictimStatus.REFERRED, VictimStatus.CONTACT_ATTEMPTS)
        intake_on = p.opened if early else min(_d(p.opened, r.randint(0, 5)), last)
        separated = relation is LinkKind.EX_PARTNER
        children = n_children > 0
        snaps = [self._snap(intake_on, s0, None, children, pregnant, separated)]

        def in_12_months(d: date) -> int:
            start = add_months(d, -12)
            return sum(1 for x in inc_days if start <= x <= d)

        # MARAC referral at intake, repeats after new incidents within 12 months
        refs: list[date] = []
        post: list[date] = []
        if (snaps[0].level is RiskLevel.HIGH or in_12_months(intake_on) >= 3) and r.random() < 0.93:
            refs.append(min(_d(intake_on, r.randint(0, 4)), last))
            self._repeats(p, refs, post, last)
        elif r.random() < 0.15:
            d = self._between(_d(p.opened, 7), _d(last, -1))
            if p.opened < d < t and in_12_months(d) <= 1:
                post.append(d)

        # DASH reviews (8-weekly, sooner after a new incident), exit DASH at closure
        target = _DASH_COUNT.pick(r)
        dates = [intake_on]
        while len(dates) < target:
            cur = dates[-1]
            nxt = _d(cur, r.randint(42, 63))
            trig = next((x for x in post if cur < x < nxt), None)
            if trig is not None:
                nxt = _d(trig, r.randint(1, 5))
            if nxt > last or nxt > t:
                break
            dates.append(nxt)
        exit_dash = (
            p.closed is not None
            and p.closure
            in (
                ClosureReason.RISK_REDUCED,
                ClosureReason.MOVED_AWAY,
                ClosureReason.TRANSFERRED,
                ClosureReason.OTHER_SERVICE,
            )
            and r.random() < 0.75
            and p.closed > intake_on
        )
        if exit_dash:
            assert p.closed is not None
            dates = [d for d in dates if d < p.closed][:2]
            dates.append(p.closed)
        for k, d in enumerate(dates[1:], start=1):
            prev = snaps[-1]
            is_exit = exit_dash and k == len(dates) - 1
            if is_exit:
                delta = -r.randint(3, 9) if p.closure is ClosureReason.RISK_REDUCED else r.randint(-3, 1)
            elif any(prev.on < x <= d for x in post):
                delta = r.randint(0, 3)
            else:
                delta = _REVIEW_DELTA.pick(r)
            snaps.append(self._snap(d, prev.score + delta, prev, children, pregnant, separated, is_exit))
        if not refs:
            later_high = next((s for s in snaps[1:] if s.level is RiskLevel.HIGH and not s.exit), None)
            if later_high is not None and r.random() < 0.9:
                refs.append(min(_d(later_high.on, r.randint(0, 4)), last))
        for s in snaps:
            s.id = self._id(s.on)
            self.dash.append(
                DashAssessment(
                    id=s.id,
                    case_id=p.id,
                    assessed_on=s.on,
                    assessor_id=worker.id,
                    answers=s.answers,
                    judgement_level=s.judgement,
                    judgement_reason=s.reason,
                    is_exit=s.exit,
                )
            )
        risk = snaps[-1].level
        p.risk = risk

        # incidents (kinds decided after orders so breaches are incidents)
        all_days = sorted((*inc_days, *post))
        kinds: list[IncidentKind] = [
            _INDEX_KIND.pick(r) if d == index_day else _HISTORY_KIND.pick(r) for d in all_days
        ]
        if not children:
            kinds = [IncidentKind.THREATS if k is IncidentKind.CHILD_CONTACT_DISPUTE else k for k in kinds]

        # criminal justice and orders
        index_kind = kinds[all_days.index(index_day)]
        police = r.random() < (0.85 if source is ReferralSource.POLICE else 0.35)
        orders: list[tuple[OrderType, date, date | None]] = []
        if police and index_kind is not IncidentKind.OTHER:
            self._journey(p, index_day, last, orders)
        civil_p = {RiskLevel.HIGH: 0.3, RiskLevel.MEDIUM: 0.2, RiskLevel.STANDARD: 0.12}[risk]
        if r.random() < civil_p:
            self._civil_order(p, index_day, last, orders, honour, AbuseType.STALKING in abuse)
        self._orders(p, orders, all_days, kinds, victim.given_name)

        for d, kind in zip(all_days, kinds, strict=True):
            lo, hi = _GRAVITY[kind]
            gravity = lo if lo == hi else r.randint(lo, hi)
            p.incidents.append((d, kind, gravity))
            self.incidents.append(
                Incident(self._id(d), p.id, d, kind, perp.id, gravity, self._choice(_INCIDENT_NOTES[kind]))
            )

        # MARAC referrals and listings
        listings = self._marac(p, refs, snaps, inc_days, post, perp)

        # safe contact and contacts
        window = _SAFE_WINDOWS.pick(r)
        weekdays = _SAFE_WEEKDAYS.pick(r)
        text_safe, vm_safe, mail_safe = r.random() < 0.6, r.random() < 0.4, r.random() < 0.3
        preferred = Channel.TEXT if text_safe and r.random() < 0.4 else Channel.PHONE
        numbers = (victim.phone,) if r.random() < 0.75 else (victim.phone, names.phone(r))
        pronoun = "his" if perp.sex is Sex.MALE else "her"
        self.safe_contacts.append(
            SafeContact(
                id=self._id(p.opened),
                case_id=p.id,
                safe_numbers=numbers,
                safe_from=window[0],
                safe_until=window[1],
                safe_weekdays=weekdays,
                voicemail_safe=vm_safe,
                text_safe=text_safe,
                email_safe=mail_safe,
                code_word=names.code_word(r),
                preferred_channel=preferred,
                who_must_not_know=f"{perp.display_name} and {pronoun} family",
            )
        )
        prof = self._profile(text_safe, vm_safe, mail_safe, window, weekdays, drive=False)
        cover = [u for u in idvas if u.id != worker.id]
        self._victim_contacts(p, prof, CADENCE[risk], cover)

        # safety plan
        if status not in (VictimStatus.REFERRED, VictimStatus.CONTACT_ATTEMPTS):
            top = max((s.level for s in snaps), key=lambda lv: lv.rank)
            plan_p = {RiskLevel.HIGH: 0.86, RiskLevel.MEDIUM: 0.5, RiskLevel.STANDARD: 0.25}[top]
            if r.random() < plan_p:
                self._plan(p, intake_on, last, listings, children, bool(orders))

        # outcomes
        self.outcomes.append(
            OutcomeSnapshot(
                self._id(intake_on), p.id, intake_on, INTAKE_STAGE, snaps[0].level, snaps[0].score, abuse
            )
        )
        if p.closed is not None:
            exit_snap = snaps[-1] if snaps[-1].exit else None
            reduced = p.closure is ClosureReason.RISK_REDUCED
            engaged = p.closure not in (ClosureReason.DECLINED, ClosureReason.UNABLE_TO_CONTACT)
            self.outcomes.append(
                OutcomeSnapshot(
                    self._id(p.closed),
                    p.id,
                    p.closed,
                    EXIT_STAGE,
                    exit_snap.level if exit_snap else risk,
                    exit_snap.score if exit_snap else None,
                    tuple(a for a in abuse if not reduced or r.random() < 0.4) if engaged else abuse,
                    (r.random() < (0.7 if reduced else 0.35)) if engaged else None,
                    (r.random() < (0.85 if reduced else 0.5)) if engaged else None,
                )
            )

        deceased = p.closure is ClosureReason.DECEASED
        self.cases.append(
            Case(
                id=p.id,
                reference=p.reference,
                kind=CaseKind.VICTIM,
                subject_id=victim.id,
                worker_id=worker.id,
                status=status,
                opened_on=p.opened,
                referral_source=source,
                area=p.area,
                rural=r.random() < 0.2,
                risk_level=risk,
                abuse_types=abuse,
                update_frequency_days=self._choice((7, 14, 14, 28)),
                update_method=preferred,
                closed_on=p.closed,
                closure_reason=p.closure,
                legal_hold=deceased,
                legal_hold_reason="Domestic Homicide Review" if deceased else "",
            )
        )

    def _children(self, p: _Plan, victim_band: AgeBand, n: int) -> None:
        r = self.rng
        if victim_band in (AgeBand.B16_17, AgeBand.B18_24):
            bands = _CHILD_BANDS["young"]
        elif victim_band is AgeBand.B25_34:
            bands = _CHILD_BANDS["25"]
        elif victim_band is AgeBand.B35_44:
            bands = _CHILD_BANDS["35"]
        else:
            bands = _CHILD_BANDS["older"]
        grand = victim_band in (AgeBand.B55_64, AgeBand.B65_PLUS)
        for _ in range(n):
            cb = bands.pick(r)
            lo, hi = _CHILD_AGES[cb]
            age = r.randint(lo, hi)
            dob = (
                date.fromordinal(p.opened.toordinal() - int(age * 365.2425) - r.randint(0, 364))
                if r.random() < 0.9
                else None
            )
            self.children.append(
                Child(
                    id=self._id(p.opened),
                    case_id=p.id,
                    given_name=names.given_name(r, r.random() < 0.5),
                    date_of_birth=dob,
                    age_band=cb,
                    relationship_to_victim="grandchild"
                    if grand
                    else ("stepchild" if r.random() < 0.08 else "child"),
                    relationship_to_perpetrator="none" if grand else _CHILD_TO_PERP.pick(r),
                    school_informed=age >= 5 and r.random() < 0.55,
                )
            )

    def _abuse_types(self, relation: LinkKind, honour: bool, immigration: bool) -> tuple[AbuseType, ...]:
        r = self.rng
        chosen = {
            AbuseType.PSYCHOLOGICAL: 0.85,
            AbuseType.COERCIVE_CONTROL: 0.72,
            AbuseType.PHYSICAL: 0.65,
            AbuseType.HARASSMENT: 0.35,
            AbuseType.ECONOMIC: 0.33,
            AbuseType.STALKING: 0.25,
            AbuseType.SEXUAL: 0.2,
            AbuseType.TECH_FACILITATED: 0.2,
            AbuseType.POST_SEPARATION: 0.55 if relation is LinkKind.EX_PARTNER else 0.0,
            AbuseType.ADOLESCENT_TO_PARENT: 0.15 if relation is LinkKind.FAMILY_MEMBER else 0.0,
            AbuseType.HONOUR_BASED: 0.9 if honour else 0.005,
            AbuseType.FORCED_MARRIAGE: 0.25 if honour else 0.0,
            AbuseType.FGM: 0.05 if honour else 0.0,
            AbuseType.IMMIGRATION_ABUSE: 0.5 if immigration else 0.0,
        }
        picked = {a for a, prob in chosen.items() if r.random() < prob}
        if not picked:
            picked.add(AbuseType.PSYCHOLOGICAL)
        return tuple(a for a in AbuseType if a in picked)

    def _repeats(self, p: _Plan, refs: list[date], post: list[date], last: date) -> None:
        """After the first MARAC referral: repeat incidents and re-referrals, or a recent incident still
        waiting for its repeat referral."""
        r, t = self.rng, self.today
        first = refs[0]
        window_end = min(_d(add_months(first, 12), -1), _d(last, -2), _d(t, -2))
        lo = _d(first, 14)
        if (window_end - lo).days >= 10 and r.random() < _REPEAT_SHARE:
            ref = first
            while True:
                d = self._between(_d(ref, 14), min(_d(add_months(ref, 12), -1), _d(last, -2), _d(t, -2)))
                if d <= _d(ref, 13):
                    return
                post.append(d)
                rr = _d(d, r.randint(1, 7))
                if rr > last or rr > t:
                    return
                refs.append(rr)
                ref = rr
                if r.random() > 0.15 or (min(last, t) - ref).days < 30:
                    return
        elif (
            p.closed is None
            and (t - lo).days >= 12
            and r.random() < _PENDING_REPEAT_SHARE / (1 - _REPEAT_SHARE)
        ):
            post.append(_d(t, -r.randint(1, 10)))

    def _marac(
        self,
        p: _Plan,
        refs: list[date],
        snaps: list[_Snap],
        history: list[date],
        post: list[date],
        perp: Person,
    ) -> list[tuple[str, date]]:
        r, t = self.rng, self.today
        incidents = sorted((*history, *post))
        listings: list[tuple[str, date]] = []
        prev: date | None = None
        for rd in refs:
            dash = max((s for s in snaps if s.on <= rd), key=lambda s: s.on)
            criteria: list[MaracCriterion] = []
            reasons: list[str] = []
            if dash.score >= 14:
                criteria.append(MaracCriterion.VISIBLE_HIGH_RISK)
                reasons.append(f"visible high risk: DASH score {dash.score} on {dash.on.isoformat()}")
            if dash.judgement is RiskLevel.HIGH and dash.reason:
                criteria.append(MaracCriterion.PROFESSIONAL_JUDGEMENT)
                reasons.append(f"professional judgement: {dash.reason}")
            start = add_months(rd, -12)
            n12 = sum(1 for x in incidents if start <= x <= rd)
            if n12 >= 3:
                criteria.append(MaracCriterion.POTENTIAL_ESCALATION)
                reasons.append(f"potential escalation: {n12} incidents in the 12 months to {rd.isoformat()}")
            repeat = False
            if prev is not None:
                limit = add_months(prev, 12)
                since = [x for x in incidents if prev < x <= rd]
                if since and since[0] <= limit:
                    repeat = True
                    criteria.append(MaracCriterion.REPEAT)
                    reasons.append(
                        f"repeat: incident on {since[0].isoformat()} within 12 months of {prev.isoformat()}"
                    )
            if not criteria:
                criteria.append(MaracCriterion.PROFESSIONAL_JUDGEMENT)
                reasons.append("professional judgement: worker's concerns")
            consent = _CONSENT.pick(r)
            note = {
                Consent.CONSENTED: "",
                Consent.AWARE_NOT_CONSENTED: "Aware; did not consent. Referred on risk grounds.",
                Consent.NOT_AWARE: "Not told: telling her would increase the risk.",
            }[consent]
            ref_id = self._id(rd)
            self.marac_referrals.append(
                MaracReferral(
                    id=ref_id,
                    case_id=p.id,
                    referred_on=rd,
                    dash_id=dash.id,
                    criteria=tuple(c for c in MaracCriterion if c in criteria),
                    reasons=tuple(reasons),
                    consent=consent,
                    consent_note=note,
                    feared=perp.display_name,
                    safe_to_talk=self._choice(_SAFE_TALK),
                    not_safe_to_talk=f"{perp.given_name}'s family",
                )
            )
            meeting = self._meeting_after(p.area, _d(rd, 5))
            if meeting <= t:
                listing_id = self._id(meeting)
                self.marac_listings.append(MaracListing(listing_id, p.id, meeting, ref_id, repeat))
                listings.append((listing_id, meeting))
            prev = rd
        return listings

    def _journey(
        self, p: _Plan, start: date, last: date, orders: list[tuple[OrderType, date, date | None]]
    ) -> None:
        """Criminal-justice milestones from the index incident, with attrition; stops at ``last``."""
        r, t = self.rng, self.today
        out: list[tuple[MilestoneKind, date, int | None, str]] = []

        def add(kind: MilestoneKind, d: date, code: int | None = None, detail: str = "") -> bool:
            if d > last:
                return False
            out.append((kind, d, code, detail))
            return True

        def decision(d: date) -> date | None:
            """Charge or NFA on ``d``; returns the charge date when charged."""
            if r.random() < 0.45:
                return d if add(MilestoneKind.CHARGED, d, detail="Charged by CPS") else None
            code = 15 if r.random() < 0.6 else 16
            text = "Evidential difficulties" if code == 15 else "Victim does not support a prosecution"
            add(MilestoneKind.NFA, d, code, text)
            return None

        add(MilestoneKind.REPORTED, start, detail="Reported to police")
        if r.random() < 0.12:
            add(MilestoneKind.NOT_CRIMED, _d(start, r.randint(0, 3)), detail="No notifiable offence recorded")
            self._flush_milestones(p, out)
            return
        if not add(MilestoneKind.CRIMED, _d(start, r.randint(0, 2))):
            self._flush_milestones(p, out)
            return
        charged: date | None = None
        remanded = False
        state = "investigation"
        if r.random() < 0.78:
            arrest = _d(start, r.randint(0, 3))
            if add(MilestoneKind.ARREST, arrest) and add(
                MilestoneKind.INTERVIEW_UNDER_CAUTION, interview := _d(arrest, r.randint(0, 1))
            ):
                u = r.random()
                if u < 0.45:
                    add(MilestoneKind.BAIL, interview, detail="Pre-charge bail with conditions")
                    bail_end = _d(interview, r.randint(28, 90))
                    orders.append((OrderType.PRE_CHARGE_BAIL, interview, bail_end))
                    state = "bail"
                    if r.random() < 0.12:
                        add(
                            MilestoneKind.BAIL_CONDITIONS_CHANGED,
                            self._between(_d(interview, 7), _d(bail_end, -1)),
                        )
                    charged = decision(self._between(_d(interview, 14), _d(bail_end, 10)))
                elif u < 0.65:
                    add(MilestoneKind.RUI, interview, detail="Released under investigation")
                    orders.append((OrderType.RELEASED_UNDER_INVESTIGATION, interview, None))
                    state = "rui"
                    charged = decision(_d(interview, r.randint(60, 300)))
                elif u < 0.75:
                    if add(MilestoneKind.CHARGED, interview, detail="Charged and remanded"):
                        charged = interview
                        remanded = True
                        add(MilestoneKind.REMAND, _d(interview, 1), detail="Remanded in custody")
                        orders.append((OrderType.REMAND, _d(interview, 1), None))
                elif u < 0.88:
                    charged = decision(_d(interview, r.randint(1, 3)))
                else:
                    add(MilestoneKind.RELEASE_WITHOUT_CHARGE, interview)
                    charged = decision(_d(interview, r.randint(20, 120)))
        else:
            charged = decision(_d(start, r.randint(20, 150)))
        if charged is not None:
            state = "charged"
            first = _d(charged, 1) if remanded else self._next_working(_d(charged, r.randint(14, 42)))
            if add(MilestoneKind.FIRST_HEARING, first, detail="Magistrates' court"):
                if r.random() < 0.6:
                    add(
                        MilestoneKind.COURT_BAIL_OUTCOME,
                        first,
                        detail="Conditional bail" if not remanded else "Remand",
                    )
                if r.random() < 0.35:
                    sentence = _d(first, 0 if r.random() < 0.4 else r.randint(21, 42))
                    state = "done"
                    if add(MilestoneKind.SENTENCE, sentence, detail="Guilty plea"):
                        self._after_sentence(p, sentence, last, out, orders)
                else:
                    trial = self._next_working(_d(first, r.randint(56, 140)))
                    add(MilestoneKind.HEARING_DATE_SET, first, detail="Trial listed")
                    out.append((MilestoneKind.TRIAL_DATE, trial, None, "Trial"))
                    if r.random() < 0.7:
                        add(
                            MilestoneKind.EVIDENCE_REQUIRED,
                            _d(first, r.randint(0, 14)),
                            detail="Victim to give evidence",
                        )
                    if trial <= min(last, t):
                        state = "done"
                        if r.random() < 0.08:
                            add(MilestoneKind.WARRANT, trial, detail="Failed to attend; warrant issued")
                        elif r.random() < 0.55:
                            add(MilestoneKind.VERDICT, trial, detail="Guilty")
                            sentence = _d(trial, 0 if r.random() < 0.5 else r.randint(14, 28))
                            if add(MilestoneKind.SENTENCE, sentence, detail="Sentenced"):
                                self._after_sentence(p, sentence, last, out, orders)
                        else:
                            add(MilestoneKind.VERDICT, trial, detail="Not guilty")
                            if r.random() < 0.4:
                                orders.append((OrderType.RESTRAINING, trial, _d(trial, r.randint(365, 730))))
        # a recent milestone on some live cases, so updates are due now
        if p.closed is None and state in ("bail", "charged", "rui") and r.random() < 0.3:
            recent = self._prev_working(_d(t, -r.randint(0, 5)))
            past = [d for _, d, _, _ in out if d <= t]
            if not past or recent > max(past):
                kind = {
                    "bail": MilestoneKind.BAIL_CONDITIONS_CHANGED,
                    "rui": MilestoneKind.INTERVIEW_UNDER_CAUTION,
                    "charged": self._choice(
                        (
                            MilestoneKind.HEARING_DATE_SET,
                            MilestoneKind.COURT_BAIL_OUTCOME,
                            MilestoneKind.EVIDENCE_REQUIRED,
                        )
                    ),
                }[state]
                add(kind, recent, detail="Update from the officer in the case")
        self._flush_milestones(p, out)

    def _after_sentence(
        self,
        p: _Plan,
        sentence: date,
        last: date,
        out: list[tuple[MilestoneKind, date, int | None, str]],
        orders: list[tuple[OrderType, date, date | None]],
    ) -> None:
        r = self.rng
        if r.random() < 0.6:
            orders.append(
                (
                    OrderType.RESTRAINING,
                    sentence,
                    _d(sentence, r.randint(365, 1095)) if r.random() < 0.8 else None,
                )
            )
        if r.random() < 0.3:
            release = _d(sentence, r.randint(60, 365))
            if release <= last:
                out.append((MilestoneKind.RELEASE_FROM_CUSTODY, release, None, "Released on licence"))

    def _flush_milestones(self, p: _Plan, out: list[tuple[MilestoneKind, date, int | None, str]]) -> None:
        out.sort(key=lambda m: m[1])
        for kind, d, code, detail in out:
            self.milestones.append(CjsMilestone(self._id(d), p.id, kind, d, code, detail))

    def _civil_order(
        self,
        p: _Plan,
        index_day: date,
        last: date,
        orders: list[tuple[OrderType, date, date | None]],
        honour: bool,
        stalking: bool,
    ) -> None:
        r, t = self.rng, self.today
        kind = _CIVIL_ORDER.pick(r)
        if honour and r.random() < 0.5:
            kind = OrderType.FORCED_MARRIAGE_PROTECTION if r.random() < 0.8 else OrderType.FGM_PROTECTION
        if kind is OrderType.STALKING_PROTECTION and not stalking:
            kind = OrderType.NON_MOLESTATION
        if kind in (OrderType.DVPN, OrderType.DAPN):
            start = _d(index_day, r.randint(0, 1))
            if start > last:
                return
            orders.append((kind, start, _d(start, 2)))
            if r.random() < 0.85 and _d(start, 2) <= last:
                follow = OrderType.DVPO if kind is OrderType.DVPN else OrderType.DAPO
                follow_end = (
                    _d(start, 2 + r.randint(14, 28))
                    if follow is OrderType.DVPO
                    else _d(start, r.randint(180, 730))
                )
                orders.append((follow, _d(start, 2), follow_end))
            return
        start = self._between(_d(p.opened, 3), _d(p.opened, 60))
        if start > last:
            start = last
        if kind in (
            OrderType.NON_MOLESTATION,
            OrderType.FORCED_MARRIAGE_PROTECTION,
            OrderType.FGM_PROTECTION,
        ):
            end: date | None = _d(start, r.randint(182, 365))
            if p.closed is None and kind is OrderType.NON_MOLESTATION and r.random() < 0.5:
                soon = _d(t, r.randint(0, 7))
                early = _d(soon, -r.randint(182, 365))
                if early >= _d(p.opened, -30):
                    start, end = early, soon
        elif kind is OrderType.STALKING_PROTECTION:
            end = _d(start, 730)
        elif kind is OrderType.REFUGE:
            end = _d(start, r.randint(90, 180)) if r.random() < 0.5 else None
        elif kind is OrderType.BARRING:
            end = _d(start, 730)
        else:
            end = None
        orders.append((kind, start, end))

    def _orders(
        self,
        p: _Plan,
        orders: list[tuple[OrderType, date, date | None]],
        days: list[date],
        kinds: list[IncidentKind],
        victim_name: str,
    ) -> None:
        """Order records; an incident inside a breachable order's term may become its breach."""
        r = self.rng
        orders.sort(key=lambda o: o[1])
        for kind, start, end in orders:
            oid = self._id(start)
            conditions = _CONDITIONS.get(kind, "")
            if kind is OrderType.PRE_CHARGE_BAIL:
                conditions = f"Not to contact {victim_name} directly or indirectly; not to enter the street."
            self.orders.append(ProtectiveOrder(oid, p.id, kind, start, end, conditions))
            if kind in _BREACHABLE:
                for i, d in enumerate(days):
                    if start < d and (end is None or d <= end) and r.random() < 0.6:
                        kinds[i] = IncidentKind.BREACH
                        self.breaches.append(OrderBreach(self._id(d), oid, d, "Reported to police"))
                        break

    def _plan(
        self,
        p: _Plan,
        intake_on: date,
        last: date,
        listings: list[tuple[str, date]],
        children: bool,
        orders: bool,
    ) -> None:
        r, t = self.rng, self.today
        created = min(_d(intake_on, r.randint(0, 10)), last, t)
        if p.closed is None:
            if r.random() < 0.2 and (t - created).days > 20:
                review = self._between(max(_d(created, 14), _d(t, -45)), _d(t, -1))
            else:
                review = max(_d(t, r.randint(0, 42)), _d(created, 28))
        else:
            review = _d(created, r.randint(28, 56))
        version = 1 + max(0, (min(review, t) - created).days // 42)
        plan_id = self._id(created)
        self.plans.append(SafetyPlan(plan_id, p.id, created, review, True, version))
        n = r.randint(2, 6)
        weights = [
            (
                c,
                0.0
                if (c is SafetyCategory.CHILDREN and not children)
                else (2.0 if c is SafetyCategory.PROTECTIVE_ORDERS and orders else 1.0),
            )
            for c in _PLAN_CATEGORIES
        ]
        cats: list[SafetyCategory] = []
        pool = [(c, w) for c, w in weights if w > 0]
        while len(cats) < n - (1 if listings else 0) and pool:
            c = _W(pool).pick(r)
            cats.append(c)
            pool = [(x, w) for x, w in pool if x is not c]
        for c in cats:
            risk, action, who = self._choice(_PLAN_TEMPLATES[c])
            due = _d(created, r.randint(3, 42))
            self.plan_items.append(
                SafetyPlanItem(
                    self._id(created),
                    plan_id,
                    c,
                    risk,
                    action,
                    who,
                    due,
                    self._item_status(due, p.closed is not None),
                )
            )
        for listing_id, meeting in listings[-1:]:
            agency, action = self._choice(_MARAC_ACTIONS)
            due = _d(meeting, r.randint(7, 28))
            self.plan_items.append(
                SafetyPlanItem(
                    self._id(meeting),
                    plan_id,
                    SafetyCategory.MARAC_ACTION,
                    "MARAC action",
                    action,
                    agency,
                    due,
                    self._item_status(due, p.closed is not None),
                    agency,
                    listing_id,
                )
            )

    def _item_status(self, due: date, closed: bool) -> ItemStatus:
        u = self.rng.random()
        if closed:
            return ItemStatus.DONE if u < 0.8 else ItemStatus.NOT_NEEDED
        if due < self.today:
            if u < 0.6:
                return ItemStatus.DONE
            if u < 0.8:
                return ItemStatus.IN_PROGRESS
            return ItemStatus.OPEN if u < 0.92 else ItemStatus.NOT_NEEDED
        return ItemStatus.OPEN if u < 0.55 else (ItemStatus.IN_PROGRESS if u < 0.9 else ItemStatus.DONE)

    # ------------------------------------------------------------------ contacts

    def _emit(
        self, case_id: str, day: date, success: bool, worker_id: str, prof: _Profile, last_min: int
    ) -> int:
        """Append one contact or attempt on ``day`` (UK working hours in the profile's window); returns its
        local minute of the day so a second one the same day comes later."""
        r = self.rng
        if success:
            channel = prof.success.pick(r)
            outcome = _SUCCESS_OUTCOME[channel]
            lo, hi = _SUCCESS_MINUTES[channel]
            minutes = lo + int(r.random() * (hi - lo + 1))
            note = prof.notes[int(r.random() * len(prof.notes))]
            kind = ContactKind.CONTACT
        else:
            channel = prof.attempt.pick(r)
            if channel is Channel.PHONE:
                outcome = ContactOutcome.UNSAFE_TO_TALK if r.random() < 0.2 else ContactOutcome.NO_ANSWER
                note = (
                    "Answered but not safe to talk."
                    if outcome is ContactOutcome.UNSAFE_TO_TALK
                    else _ATTEMPT_NOTES[channel]
                )
            else:
                outcome = ContactOutcome.LEFT_MESSAGE
                note = _ATTEMPT_NOTES[channel]
            minutes = 2
            kind = ContactKind.ATTEMPT
        mod = prof.start_min + 5 * int(r.random() * prof.slots)
        if last_min >= 0:
            mod = max(mod, last_min + 15)
        hour = mod // 60 - self._utc_offset(day)
        minute = mod % 60
        at = datetime(day.year, day.month, day.day, min(hour, 23), minute, tzinfo=UTC)
        ms = (day.toordinal() - _EPOCH) * _DAY_MS + (hour * 60 + minute) * 60_000
        self.contacts.append(
            Contact(
                new_id(now_ms=ms, rand=r.randbytes(10)),
                case_id,
                at,
                kind,
                channel,
                outcome,
                worker_id,
                minutes,
                note,
            )
        )
        return mod

    def _allowed(self, d: date, prof: _Profile) -> date:
        wd = prof.weekdays
        while not (wd[d.weekday()] and d not in self.hol):
            d += _ONE
        return d

    def _run(
        self,
        case_id: str,
        worker_id: str,
        prof: _Profile,
        start: date,
        stop: date,
        cadence: int,
        *,
        overdue: bool,
        keep_up: bool,
        cover: Sequence[User] = (),
    ) -> None:
        """Contacts from ``start`` to ``stop``: chains of attempts ending in a two-way contact, spaced
        within the cadence. ``overdue`` ends successful contact more than a cadence before ``stop``;
        ``keep_up`` guarantees a two-way contact within the cadence before ``stop``."""
        r = self.rng
        emitted_day: date | None = None
        last_min = -1
        last_success: date | None = None

        def emit(day: date, success: bool) -> None:
            nonlocal emitted_day, last_min, last_success
            who = worker_id
            if cover and r.random() < 0.05:
                who = cover[int(r.random() * len(cover))].id
            last_min = self._emit(case_id, day, success, who, prof, last_min if day == emitted_day else -1)
            emitted_day = day
            if success:
                last_success = day

        succ_stop = stop
        if overdue:
            succ_stop = _d(stop, -(cadence + r.randint(2, 21)))
        day = self._allowed(
            _d(start, 0 if r.random() < 0.55 else (1 if r.random() < 0.75 else r.randint(2, 5))), prof
        )
        lo, hi = {7: (4, 7), 14: (6, 13), 28: (10, 26)}.get(cadence, (4, 7))
        while day <= succ_stop:
            fails = 0 if r.random() < 0.5 else (1 if r.random() < 0.6 else r.randint(2, 3))
            for _ in range(fails):
                emit(day, False)
                if r.random() < 0.3:
                    continue  # a second try the same day
                day = self._allowed(_d(day, 1), prof)
                if day > succ_stop:
                    break
            if day > succ_stop:
                break
            emit(day, True)
            gap = r.randint(lo, hi) if r.random() > 0.04 else cadence + r.randint(1, 14)
            day = self._allowed(_d(day, gap), prof)
        if overdue:
            for _ in range(r.randint(0, 3)):
                d = self._allowed(self._between(_d(succ_stop, 1), stop), prof)
                if d <= stop and (emitted_day is None or d >= emitted_day):
                    emit(d, False)
        elif keep_up:
            need = _d(stop, -(cadence - 1))
            if last_success is None or last_success < need:
                lo_day = need if emitted_day is None or emitted_day < need else emitted_day
                d = self._allowed(self._between(lo_day, stop), prof)
                if d > stop:
                    d = self._allowed(lo_day, prof)
                if d <= stop:
                    emit(d, True)

    def _attempts(
        self, case_id: str, worker_id: str, prof: _Profile, start: date, stop: date, n: int
    ) -> None:
        day = self._allowed(start, prof)
        last_min = -1
        prev: date | None = None
        for _ in range(n):
            if day > stop:
                return
            last_min = self._emit(case_id, day, False, worker_id, prof, last_min if day == prev else -1)
            prev = day
            day = self._allowed(_d(day, self.rng.randint(1, 3)), prof)

    def _victim_contacts(self, p: _Plan, prof: _Profile, cadence: int, cover: Sequence[User]) -> None:
        r, t = self.rng, self.today
        yesterday = _d(t, -1)
        start = p.opened
        status = p.status
        wid = p.worker.id
        if status == VictimStatus.REFERRED:
            if r.random() < 0.4 and p.opened < t:
                self._attempts(p.id, wid, prof, start, yesterday, 1)
            return
        if status == VictimStatus.CONTACT_ATTEMPTS:
            self._attempts(p.id, wid, prof, start, yesterday, r.randint(1, 5))
            return
        if p.closed is not None:
            self._run(p.id, wid, prof, start, p.closed, cadence, overdue=False, keep_up=False, cover=cover)
            return
        if status in _PAUSED:
            pause = self._between(_d(start, 10), _d(t, -20))
            self._run(p.id, wid, prof, start, pause, cadence, overdue=False, keep_up=False, cover=cover)
            if status == VictimStatus.UNABLE_TO_CONTACT:
                self._attempts(p.id, wid, prof, _d(pause, 1), yesterday, r.randint(3, 6))
            return
        overdue = r.random() < _OVERDUE_SHARE and (yesterday - start).days > cadence + 25
        self._run(
            p.id, wid, prof, start, yesterday, cadence, overdue=overdue, keep_up=not overdue, cover=cover
        )

    # ------------------------------------------------------------------ Drive case

    def _drive(self, p: _Plan) -> None:
        r, t = self.rng, self.today
        assert p.subject is not None
        subject = p.subject
        last = p.closed if p.closed is not None else t
        status = p.status
        risk = RiskLevel.HIGH if r.random() < 0.75 else RiskLevel.MEDIUM
        source = _DRIVE_SOURCE.pick(r)
        self.referrals.append(
            Referral(
                self._id(p.opened),
                p.id,
                p.opened,
                source,
                _REFERRERS[source],
                "High-harm perpetrator; Drive panel.",
            )
        )

        # links to victims
        victim_cases: list[str] = []
        for vp, link_kind in p.link_specs:
            if vp is not None:
                assert vp.subject is not None
                on = min(_d(max(p.opened, vp.opened), r.randint(0, 14)), t)
                self.links.append(CaseLink(self._id(on), p.id, vp.subject.id, vp.id, link_kind, on))
                victim_cases.append(vp.id)
            else:
                on = min(_d(p.opened, r.randint(14, 200) if link_kind is LinkKind.HIDDEN_VICTIM else 0), last)
                hidden = self._person(
                    PersonRole.VICTIM,
                    on,
                    p.area,
                    Sex.FEMALE if r.random() < 0.9 else Sex.MALE,
                    _VICTIM_AGE.pick(r),
                    contactable=False,
                )
                self.people.append(hidden)
                self.links.append(CaseLink(self._id(on), p.id, hidden.id, None, link_kind, on))

        # incidents: those recorded on the linked victim cases, else a history of his own
        copied = sorted({x for vp, _ in p.link_specs if vp is not None for x in vp.incidents})
        if not copied:
            n = _INCIDENTS_BY_RISK[risk].pick(r)
            span = r.randint(365, 540)
            for _ in range(n):
                d = _d(p.opened, -r.randint(0, span))
                ikind = _HISTORY_KIND.pick(r)
                lo, hi = _GRAVITY[ikind]
                copied.append((d, ikind, r.randint(lo, hi)))
            copied.sort()
        for d, ikind, gravity in copied:
            self.incidents.append(
                Incident(self._id(d), p.id, d, ikind, subject.id, gravity, "Shared by police.")
            )

        # disruption orders
        if r.random() < 0.3:
            okind = self._choice(
                (
                    OrderType.DVPO,
                    OrderType.RESTRAINING,
                    OrderType.STALKING_PROTECTION,
                    OrderType.NON_MOLESTATION,
                )
            )
            start = self._between(_d(p.opened, -60), min(_d(p.opened, 90), last))
            end = _d(
                start,
                {OrderType.DVPO: 28, OrderType.RESTRAINING: 730, OrderType.STALKING_PROTECTION: 730}.get(
                    okind, 365
                ),
            )
            self.orders.append(ProtectiveOrder(self._id(start), p.id, okind, start, end, _CONDITIONS[okind]))

        # contacts
        prof = self._profile(True, False, False, ("09:00", "17:00"), (0, 1, 2, 3, 4), drive=True)
        cadence = CADENCE[risk]
        yesterday = _d(t, -1)
        wid = p.worker.id
        if status == DriveStatus.REFERRED:
            pass
        elif status in (DriveStatus.ALLOCATED, DriveStatus.CONTACT_ATTEMPTS):
            n = r.randint(0, 1) if status == DriveStatus.ALLOCATED else r.randint(2, 8)
            self._attempts(p.id, wid, prof, _d(p.opened, 2), yesterday, n)
        elif p.closed is not None:
            self._run(p.id, wid, prof, _d(p.opened, 3), p.closed, cadence, overdue=False, keep_up=False)
        else:
            late = status == DriveStatus.NOT_ENGAGED and r.random() < 0.6
            overdue = (late or r.random() < _OVERDUE_SHARE) and (yesterday - p.opened).days > cadence + 6
            self._run(
                p.id, wid, prof, _d(p.opened, 3), yesterday, cadence, overdue=overdue, keep_up=not overdue
            )

        # information for the victims' IDVAs
        if victim_cases and status not in (DriveStatus.REFERRED, DriveStatus.ALLOCATED):
            if r.random() < 0.45:
                for _ in range(r.randint(1, 3)):
                    on = min(self._between(_d(p.opened, 7), last), t)
                    info_kind = (
                        DriveInfoKind.DISENGAGEMENT
                        if status == DriveStatus.NOT_ENGAGED
                        else _DRIVE_INFO.pick(r)
                    )
                    self._info(p, self._choice(victim_cases), on, info_kind)
            if p.closed is None and r.random() < 0.15:
                self._info(p, self._choice(victim_cases), _d(t, -r.randint(0, 3)), _DRIVE_INFO.pick(r))

        # behaviour types at intake and exit
        behaviours = tuple(
            a
            for a, prob in (
                (AbuseType.PHYSICAL, 0.7),
                (AbuseType.SEXUAL, 0.2),
                (AbuseType.COERCIVE_CONTROL, 0.8),
                (AbuseType.STALKING, 0.3),
                (AbuseType.HARASSMENT, 0.35),
            )
            if r.random() < prob
        ) or (AbuseType.COERCIVE_CONTROL,)
        if status not in (DriveStatus.REFERRED, DriveStatus.ALLOCATED):
            intake = min(_d(p.opened, r.randint(7, 30)), last, t)
            self.outcomes.append(
                OutcomeSnapshot(self._id(intake), p.id, intake, INTAKE_STAGE, risk, None, behaviours)
            )
        if p.closed is not None:
            reduced = p.closure is ClosureReason.RISK_REDUCED
            self.outcomes.append(
                OutcomeSnapshot(
                    self._id(p.closed),
                    p.id,
                    p.closed,
                    EXIT_STAGE,
                    RiskLevel.MEDIUM if reduced else risk,
                    None,
                    tuple(a for a in behaviours if not reduced or r.random() < 0.4),
                )
            )
        self.cases.append(
            Case(
                id=p.id,
                reference=p.reference,
                kind=CaseKind.PERPETRATOR,
                subject_id=subject.id,
                worker_id=wid,
                status=status,
                opened_on=p.opened,
                referral_source=source,
                area=p.area,
                rural=r.random() < 0.2,
                risk_level=risk,
                abuse_types=behaviours,
                closed_on=p.closed,
                closure_reason=p.closure,
            )
        )

    def _info(self, p: _Plan, victim_case_id: str, on: date, kind: DriveInfoKind) -> None:
        self.drive_info.append(
            DriveInfo(self._id(on), p.id, victim_case_id, on, kind, _DRIVE_INFO_NOTES[kind], p.worker.id)
        )


# ---------------------------------------------------------------------------------------------- public API


def generate(
    cases: int = 60, seed: int = 1, today: date = DEFAULT_TODAY, workers: int | None = None
) -> SyntheticCaseload:
    """A synthetic caseload of ``cases`` cases (about 85% victim, 15% Drive) as of ``today``.

    ``workers`` is the number of IDVAs (default ``max(1, cases // 55)``); Drive case managers (about one
    per 40 Drive cases) and one or two supervisors are added. Deterministic for given arguments.
    """
    return _Generator(cases, seed, today, workers).run()


def to_casefiles(sc: SyntheticCaseload) -> list[CaseFile]:
    """Group the records per case into case files (sorted by reference, records oldest first).

    ``people`` holds every person named by the case's parties or links (not the subject); ``links`` and
    ``drive_info`` hold the Drive records touching the case from either side. O(number of records).
    """
    people = {p.id: p for p in sc.people}
    by_case: dict[str, dict[str, list[object]]] = {c.id: {} for c in sc.cases}

    def put(case_id: str | None, key: str, rec: object) -> None:
        if case_id is not None and case_id in by_case:
            by_case[case_id].setdefault(key, []).append(rec)

    for name in (
        "parties", "children", "referrals", "incidents", "dash", "marac_referrals", "marac_listings",
        "plans", "orders", "milestones", "contacts", "safe_contacts", "outcomes",
    ):  # fmt: skip
        for rec in getattr(sc, name):
            put(rec.case_id, name, rec)
    plan_case = {p.id: p.case_id for p in sc.plans}
    for item in sc.plan_items:
        put(plan_case.get(item.plan_id), "plan_items", item)
    order_case = {o.id: o.case_id for o in sc.orders}
    for b in sc.breaches:
        put(order_case.get(b.order_id), "breaches", b)
    for link in sc.links:
        put(link.perpetrator_case_id, "links", link)
        if link.victim_case_id != link.perpetrator_case_id:
            put(link.victim_case_id, "links", link)
    for info in sc.drive_info:
        put(info.victim_case_id, "drive_info", info)
        put(info.perpetrator_case_id, "drive_info", info)

    out: list[CaseFile] = []
    for case in sorted(sc.cases, key=lambda c: c.reference):
        g = by_case[case.id]
        parties = tuple(_typed(g, "parties", Party))
        links = tuple(_typed(g, "links", CaseLink))
        related = {x.person_id for x in parties} | {x.victim_person_id for x in links}
        related.discard(case.subject_id)
        safe = _typed(g, "safe_contacts", SafeContact)
        out.append(
            CaseFile(
                case=case,
                subject=people[case.subject_id],
                people=tuple(people[i] for i in sorted(related) if i in people),
                parties=parties,
                children=tuple(_typed(g, "children", Child)),
                referrals=tuple(sorted(_typed(g, "referrals", Referral), key=lambda x: x.received_on)),
                links=links,
                incidents=tuple(sorted(_typed(g, "incidents", Incident), key=lambda x: x.occurred_on)),
                dash=tuple(sorted(_typed(g, "dash", DashAssessment), key=lambda x: x.assessed_on)),
                marac_referrals=tuple(
                    sorted(_typed(g, "marac_referrals", MaracReferral), key=lambda x: x.referred_on)
                ),
                marac_listings=tuple(
                    sorted(_typed(g, "marac_listings", MaracListing), key=lambda x: x.meeting_on)
                ),
                plans=tuple(sorted(_typed(g, "plans", SafetyPlan), key=lambda x: x.created_on)),
                plan_items=tuple(_typed(g, "plan_items", SafetyPlanItem)),
                orders=tuple(sorted(_typed(g, "orders", ProtectiveOrder), key=lambda x: x.starts_on)),
                breaches=tuple(sorted(_typed(g, "breaches", OrderBreach), key=lambda x: x.occurred_on)),
                milestones=tuple(sorted(_typed(g, "milestones", CjsMilestone), key=lambda x: x.occurred_on)),
                contacts=tuple(sorted(_typed(g, "contacts", Contact), key=lambda x: x.at)),
                safe_contact=safe[0] if safe else None,
                drive_info=tuple(sorted(_typed(g, "drive_info", DriveInfo), key=lambda x: x.learned_on)),
                outcomes=tuple(sorted(_typed(g, "outcomes", OutcomeSnapshot), key=lambda x: x.taken_on)),
            )
        )
    return out


def _typed(group: dict[str, list[object]], key: str, tp: type[T]) -> list[T]:
    """The records stored under ``key`` (all of type ``tp`` by construction)."""
    items = group.get(key, [])
    return [x for x in items if isinstance(x, tp)]
