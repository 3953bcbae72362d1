"""Drive (perpetrator) casework: the records a case manager keeps and the pure rules over them.

A Drive case comes in by a referral *route* (MARAC, a DAPP/panel, police, other). The intervention plan has
three strands (domain.md, "People and roles"): *disruption* — actions with partner agencies (police,
probation, housing, children's services), each with an action, a due date and a status; *behaviour change* —
one-to-one sessions (date, attended or missed, topic); *support* — actions on housing, substance use and
mental health. Behaviour types (physical, sexual, jealous/controlling, harassment/stalking: the Drive
evaluation's measures) are recorded at intake and at each review; :func:`behaviour_change` compares intake
with the latest. :func:`explain_rfg` puts the RFG score and the serial flag into words.

Records here are frozen, every field declared with :func:`~caseload.domain.levels.fld` (its sensitivity
level); they are listed in :data:`caseload.domain.model.RECORD_TYPES`, so the store builds their tables.
This module imports no other record module at import time (``model`` imports it), so the rules that need the
RFG scoring import :mod:`caseload.domain.schedules` inside the function.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from caseload.domain.calendar import add_months
from caseload.domain.enums import IncidentKind, ItemStatus, LinkKind, ReferralSource, RiskLevel
from caseload.domain.levels import L1, L2, L3, fld

if TYPE_CHECKING:
    from caseload.domain.casefile import CaseFile
    from caseload.domain.forms import PersonDetails
    from caseload.domain.model import Incident


class ReferralRoute(enum.StrEnum):
    """How a perpetrator case was referred to Drive."""

    MARAC = "marac"
    PANEL = "panel"
    POLICE = "police"
    OTHER = "other"


class Strand(enum.StrEnum):
    """The three strands of a Drive intervention plan."""

    DISRUPTION = "disruption"
    BEHAVIOUR_CHANGE = "behaviour_change"
    SUPPORT = "support"


class Agency(enum.StrEnum):
    """Who an intervention action is with: a disruption partner, or a support need."""

    POLICE = "police"
    PROBATION = "probation"
    HOUSING = "housing"
    CHILDRENS_SERVICES = "childrens_services"
    SUBSTANCE_USE = "substance_use"
    MENTAL_HEALTH = "mental_health"
    DRIVE = "drive"


class SessionOutcome(enum.StrEnum):
    """Whether the service user came to a behaviour-change session."""

    ATTENDED = "attended"
    MISSED = "missed"


class BehaviourType(enum.StrEnum):
    """Behaviour types recorded at intake and each review (the Drive evaluation's measures)."""

    PHYSICAL = "physical"
    SEXUAL = "sexual"
    JEALOUS_CONTROLLING = "jealous_controlling"
    HARASSMENT_STALKING = "harassment_stalking"


class ReviewStage(enum.StrEnum):
    """Intake, a later review, or the review at closure."""

    INTAKE = "intake"
    REVIEW = "review"
    EXIT = "exit"


STRAND_AGENCIES: dict[Strand, tuple[Agency, ...]] = {
    Strand.DISRUPTION: (Agency.POLICE, Agency.PROBATION, Agency.HOUSING, Agency.CHILDRENS_SERVICES),
    Strand.BEHAVIOUR_CHANGE: (Agency.DRIVE,),
    Strand.SUPPORT: (Agency.HOUSING, Agency.SUBSTANCE_USE, Agency.MENTAL_HEALTH),
}
"""Agencies (disruption) or needs (support) an action of each strand may name."""

ROUTE_SOURCE: dict[ReferralRoute, ReferralSource] = {
    ReferralRoute.MARAC: ReferralSource.MARAC,
    ReferralRoute.PANEL: ReferralSource.OTHER,
    ReferralRoute.POLICE: ReferralSource.POLICE,
    ReferralRoute.OTHER: ReferralSource.OTHER,
}
"""The case's referral source for each route (the panel is a multi-agency meeting: "other")."""

LABELS: dict[str, str] = {
    ReferralRoute.MARAC.value: "MARAC",
    ReferralRoute.PANEL.value: "panel",
    Strand.DISRUPTION.value: "Disruption",
    Strand.BEHAVIOUR_CHANGE.value: "Behaviour change",
    Strand.SUPPORT.value: "Support",
    Agency.CHILDRENS_SERVICES.value: "children's services",
    BehaviourType.JEALOUS_CONTROLLING.value: "jealous / controlling",
    BehaviourType.HARASSMENT_STALKING.value: "harassment / stalking",
}


def words(value: object) -> str:
    """A Drive enum value in plain words (``children's services``, ``Behaviour change``)."""
    raw = str(getattr(value, "value", value))
    return LABELS.get(raw, raw.replace("_", " "))


# --- records --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DriveReferral:
    """How a perpetrator case came to Drive: the route, and a panel's "disruption plan only" decision."""

    id: str = fld(L2)
    case_id: str = fld(L2)
    received_on: date = fld(L2)
    route: ReferralRoute = fld(L1)
    disruption_only: bool = fld(L1, False)
    referrer: str = fld(L3, "")
    reason: str = fld(L3, "")


@dataclass(frozen=True, slots=True)
class InterventionAction:
    """An action of the disruption or support strand: with whom, what, by when, how far it got."""

    id: str = fld(L2)
    case_id: str = fld(L2)
    strand: Strand = fld(L1)
    agency: Agency = fld(L1)
    action: str = fld(L3)
    created_on: date = fld(L2)
    due_on: date | None = fld(L2, None)
    status: ItemStatus = fld(L1, ItemStatus.OPEN)
    version: int = fld(L2, 1)


@dataclass(frozen=True, slots=True)
class DriveSession:
    """A one-to-one behaviour-change session, attended or missed; the topic is free text (level 3)."""

    id: str = fld(L2)
    case_id: str = fld(L2)
    held_on: date = fld(L2)
    outcome: SessionOutcome = fld(L1)
    worker_id: str = fld(L2)
    topic: str = fld(L3, "")
    minutes: int = fld(L2, 0)


@dataclass(frozen=True, slots=True)
class BehaviourReview:
    """The behaviour types present at intake or at a review (immutable: a new review is a new record)."""

    id: str = fld(L2)
    case_id: str = fld(L2)
    reviewed_on: date = fld(L2)
    stage: ReviewStage = fld(L1)
    reviewer_id: str = fld(L2)
    present: tuple[BehaviourType, ...] = fld(L1, ())
    note: str = fld(L3, "")


DRIVE_RECORDS: tuple[tuple[type, str], ...] = (
    (DriveReferral, "drive_referrals"),
    (InterventionAction, "interventions"),
    (DriveSession, "sessions"),
    (BehaviourReview, "behaviour_reviews"),
)
"""Each Drive record type with its table / bundle / ``CaseFile`` name."""


@dataclass(frozen=True, slots=True)
class LinkedVictim:
    """A victim linked to a perpetrator case as a Drive user may see her: reference, risk level and IDVA
    (nothing else, ever). A hidden victim has no victim case: no reference, risk or IDVA. Not stored."""

    link_id: str = fld(L2)
    kind: LinkKind = fld(L1)
    recorded_on: date | None = fld(L2, None)
    victim_case_id: str | None = fld(L2, None)
    reference: str = fld(L2, "")
    risk_level: RiskLevel | None = fld(L1, None)
    idva_name: str = fld(L2, "")

    @property
    def hidden(self) -> bool:
        """No victim case holds her (a hidden victim found during the work)."""
        return self.victim_case_id is None


@dataclass(frozen=True, slots=True)
class DriveReferralForm:
    """A new perpetrator case as typed: the service user, the route and the referral. ``worker_id`` None
    means the signed-in user (a supervisor then allocates it)."""

    subject: PersonDetails
    received_on: date
    route: ReferralRoute
    disruption_only: bool = False
    referrer: str = ""
    reason: str = ""
    worker_id: str | None = None
    area: str = ""
    risk_level: RiskLevel = RiskLevel.HIGH


def referral_form_problems(form: DriveReferralForm, today: date | None = None) -> list[str]:
    """What must be fixed before a Drive referral can become a case (empty when it is fine)."""
    out: list[str] = []
    p = form.subject
    if not (p.given_name.strip() or p.family_name.strip()):
        out.append("service user: a name is needed")
    if today is not None and p.date_of_birth is not None and p.date_of_birth > today:
        out.append("service user: the date of birth is in the future")
    if today is not None and form.received_on > today:
        out.append("the referral date is in the future")
    return out


# --- rules ----------------------------------------------------------------------------------------------


def action_problems(strand: Strand, agency: Agency, action: str, created_on: date, due_on: date | None) -> list[str]:
    """Why an intervention action cannot be saved, in plain words (empty when it can)."""
    out: list[str] = []
    if strand is Strand.BEHAVIOUR_CHANGE:
        out.append("behaviour change is recorded as sessions, not actions")
    elif agency not in STRAND_AGENCIES[strand]:
        allowed = ", ".join(words(a) for a in STRAND_AGENCIES[strand])
        out.append(f"a {words(strand).lower()} action is with {allowed}")
    if not action.strip():
        out.append("say what the action is")
    if due_on is not None and due_on < created_on:
        out.append("it cannot be due before it was agreed")
    return out


@dataclass(frozen=True, slots=True)
class PlanStrand:
    """One strand of the plan: its actions (open first, then by due date) or its sessions (newest first)."""

    strand: Strand
    actions: tuple[InterventionAction, ...] = ()
    sessions: tuple[DriveSession, ...] = ()

    @property
    def open_actions(self) -> int:
        """Actions not done and not dropped."""
        return sum(1 for a in self.actions if a.status in (ItemStatus.OPEN, ItemStatus.IN_PROGRESS))

    @property
    def attended(self) -> int:
        """Sessions attended."""
        return sum(1 for s in self.sessions if s.outcome is SessionOutcome.ATTENDED)

    @property
    def missed(self) -> int:
        """Sessions missed."""
        return sum(1 for s in self.sessions if s.outcome is SessionOutcome.MISSED)


_DONE = (ItemStatus.DONE, ItemStatus.NOT_NEEDED)


def plan_by_strand(actions: Iterable[InterventionAction], sessions: Iterable[DriveSession]) -> tuple[PlanStrand, ...]:
    """The intervention plan in its three strands, in the order disruption, behaviour change, support."""
    acts = sorted(actions, key=lambda a: (a.status in _DONE, a.due_on or date.max, a.created_on, a.id))
    sess = tuple(sorted(sessions, key=lambda s: (s.held_on, s.id), reverse=True))
    return tuple(
        PlanStrand(s, tuple(a for a in acts if a.strand is s), sess if s is Strand.BEHAVIOUR_CHANGE else ())
        for s in Strand
    )


def overdue_actions(actions: Iterable[InterventionAction], on: date) -> tuple[InterventionAction, ...]:
    """Open actions whose due date has passed."""
    return tuple(a for a in actions if a.status not in _DONE and a.due_on is not None and a.due_on < on)


class Change(enum.StrEnum):
    """How one behaviour type moved between intake and the latest review."""

    STOPPED = "stopped"
    STARTED = "started"
    CONTINUING = "continuing"
    ABSENT = "absent"


@dataclass(frozen=True, slots=True)
class BehaviourChange:
    """Intake against the latest review (``latest`` is None until there is a second review)."""

    intake: BehaviourReview
    latest: BehaviourReview | None
    changes: tuple[tuple[BehaviourType, bool, bool | None, Change | None], ...]
    """Per type: present at intake, present at the latest (None without one), change (None without one)."""

    @property
    def reduced(self) -> int:
        """Behaviour types present at intake and no longer present."""
        return sum(1 for *_, c in self.changes if c is Change.STOPPED)


def _change(before: bool, after: bool) -> Change:
    if before and not after:
        return Change.STOPPED
    if after and not before:
        return Change.STARTED
    return Change.CONTINUING if before else Change.ABSENT


def behaviour_change(reviews: Iterable[BehaviourReview]) -> BehaviourChange | None:
    """Compare the intake review (the one marked intake, else the earliest) with the latest other review."""
    ordered = sorted(reviews, key=lambda r: (r.reviewed_on, r.id))
    if not ordered:
        return None
    intake = next((r for r in ordered if r.stage is ReviewStage.INTAKE), ordered[0])
    later = [r for r in ordered if r.id != intake.id and r.reviewed_on >= intake.reviewed_on]
    latest = later[-1] if later else None
    rows = []
    for t in BehaviourType:
        before = t in intake.present
        after = None if latest is None else t in latest.present
        rows.append((t, before, after, None if after is None else _change(before, after)))
    return BehaviourChange(intake, latest, tuple(rows))


def next_review_stage(reviews: Sequence[BehaviourReview], closing: bool = False) -> ReviewStage:
    """The stage of the next review: intake when there is none yet, exit at closure, else review."""
    if not reviews:
        return ReviewStage.INTAKE
    return ReviewStage.EXIT if closing else ReviewStage.REVIEW


@dataclass(frozen=True, slots=True)
class RfgExplained:
    """The RFG score, the serial flag and how both were computed, in words."""

    total: int
    rfg: str
    serial: bool
    serial_text: str


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def gravest_kind(incidents: Iterable[Incident], on: date, window_months: int = 12) -> IncidentKind | None:
    """The kind of the gravest incident in the 12 months to ``on`` (the latest of equally grave ones)."""
    start = add_months(on, -window_months)
    window = [i for i in incidents if start <= i.occurred_on <= on]
    if not window:
        return None
    return max(window, key=lambda i: (i.gravity, i.occurred_on, i.id)).kind


def explain_rfg(casefile: CaseFile, on: date) -> RfgExplained:
    """RFG and serial flag of a perpetrator case as of ``on``, e.g. ``R 4 (last incident 45 days ago) × F 3
    (4 incidents in 12 months) × G 5 (strangulation) = 60`` and ``serial: yes (2 victims linked in 5 years;
    2 or more makes a serial perpetrator)``. Scoring is :func:`caseload.domain.schedules.rfg`."""
    from caseload.domain.schedules import DEFAULT_RFG, rfg, serial_flag, victim_count_5y

    score = rfg(casefile.incidents, on)
    if score.last_incident_on is None:
        text = "no incident recorded: RFG cannot be scored"
    else:
        days = (on - score.last_incident_on).days
        ago = "today" if days == 0 else f"{_plural(days, 'day')} ago"
        months = DEFAULT_RFG.window_months
        if score.incidents_12m == 0:
            text = (
                f"R {score.recency} (last incident {ago}) × F 0 (no incident in {months} months) × G 0 = 0"
            )
        else:
            kind = gravest_kind(casefile.incidents, on, months)
            grave = f" ({words(kind)})" if kind is not None else ""
            text = (
                f"R {score.recency} (last incident {ago}) × F {score.frequency} "
                f"({_plural(score.incidents_12m, 'incident')} in {months} months) × G {score.gravity}{grave}"
                f" = {score.total}"
            )
    victims = victim_count_5y(casefile, on)
    serial = serial_flag(victims)
    serial_text = (
        f"serial: {'yes' if serial else 'no'} ({_plural(victims, 'victim')} linked in 5 years; "
        f"{DEFAULT_RFG.serial_victims} or more makes a serial perpetrator)"
    )
    return RfgExplained(score.total, text, serial, serial_text)
