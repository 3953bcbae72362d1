"""A case with all its records, as one immutable value the rules work on."""

from __future__ import annotations

from dataclasses import dataclass

from caseload.domain.drive import BehaviourReview, DriveReferral, DriveSession, InterventionAction
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
    VictimUpdate,
)


@dataclass(frozen=True, slots=True)
class CaseFile:
    """One case and everything recorded on it. Tuples are in date order, oldest first.

    ``people`` holds the subject and every person named by ``parties`` or ``links``; ``links`` are the
    Drive links touching this case (either side).
    """

    case: Case
    subject: Person
    people: tuple[Person, ...] = ()
    parties: tuple[Party, ...] = ()
    children: tuple[Child, ...] = ()
    referrals: tuple[Referral, ...] = ()
    links: tuple[CaseLink, ...] = ()
    incidents: tuple[Incident, ...] = ()
    dash: tuple[DashAssessment, ...] = ()
    marac_referrals: tuple[MaracReferral, ...] = ()
    marac_listings: tuple[MaracListing, ...] = ()
    plans: tuple[SafetyPlan, ...] = ()
    plan_items: tuple[SafetyPlanItem, ...] = ()
    orders: tuple[ProtectiveOrder, ...] = ()
    breaches: tuple[OrderBreach, ...] = ()
    milestones: tuple[CjsMilestone, ...] = ()
    contacts: tuple[Contact, ...] = ()
    safe_contact: SafeContact | None = None
    updates: tuple[VictimUpdate, ...] = ()
    drive_info: tuple[DriveInfo, ...] = ()
    outcomes: tuple[OutcomeSnapshot, ...] = ()
    drive_referrals: tuple[DriveReferral, ...] = ()
    interventions: tuple[InterventionAction, ...] = ()
    sessions: tuple[DriveSession, ...] = ()
    behaviour_reviews: tuple[BehaviourReview, ...] = ()

    @property
    def latest_dash(self) -> DashAssessment | None:
        """The most recent DASH snapshot, or None."""
        return max(self.dash, key=lambda d: (d.assessed_on, d.id)) if self.dash else None

    def person(self, person_id: str) -> Person | None:
        """Look up a person on this case file by id."""
        if self.subject.id == person_id:
            return self.subject
        return next((p for p in self.people if p.id == person_id), None)
