"""Drive casework writes: a perpetrator case from its referral route, allocation, the intervention plan
(disruption and support actions, behaviour-change sessions), behaviour reviews, incidents for RFG, linked
victims (incl. a hidden victim) and information shared with a linked victim's IDVA.

:class:`DriveMixin` is mixed into :class:`~caseload.store.store.Store`. The rules of
:mod:`caseload.store.casework` hold: one transaction with its audit entry, the case must be the user's (a
supervisor holds every case), stale versions raise :class:`~caseload.store.errors.ConflictError`, refusals
are :class:`~caseload.store.casework_io.CaseworkError` in one plain line, audit entries hold ids and
categories only.

What a Drive user learns of a linked victim through these methods is her case reference, risk level and
IDVA (:class:`~caseload.domain.drive.LinkedVictim`); nothing here returns a victim's level-3 field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa

from caseload.domain import workflow
from caseload.domain.drive import (
    DRIVE_RECORDS,
    ROUTE_SOURCE,
    Agency,
    BehaviourReview,
    BehaviourType,
    DriveReferral,
    DriveReferralForm,
    DriveSession,
    InterventionAction,
    LinkedVictim,
    ReviewStage,
    SessionOutcome,
    Strand,
    action_problems,
    next_review_stage,
    referral_form_problems,
)
from caseload.domain.enums import (
    CaseKind,
    DriveInfoKind,
    DriveStatus,
    IncidentKind,
    ItemStatus,
    LinkKind,
    PersonRole,
    Role,
)
from caseload.domain.forms import PersonDetails
from caseload.domain.ids import new_id
from caseload.domain.model import Case, CaseLink, DriveInfo, Incident, Referral, User, VictimUpdate
from caseload.domain.victims_code import drive_update_for
from caseload.store import casework_io as io
from caseload.store.casework_io import CaseworkBase, CaseworkError
from caseload.store.errors import NotPermitted
from caseload.store.schema import table_for

MAX_SESSION_MINUTES = 600


def create_drive_tables(conn: sa.Connection) -> None:
    """Migration 6: the Drive tables (a store made since has them from version 1's ``create_all``)."""
    for rtype, _ in DRIVE_RECORDS:
        table_for(rtype).table.create(conn, checkfirst=True)


def _refuse(problems: list[str], what: str) -> None:
    if problems:
        raise CaseworkError(f"Cannot {what}: {'; '.join(problems)}.")


class DriveMixin(CaseworkBase):
    """Drive case manager journeys on the Store (see the module docstring)."""

    if TYPE_CHECKING:

        def _duplicates(
            self, conn: sa.Connection, given: str, family: str, dob: date | None, kind: CaseKind
        ) -> tuple[str, ...]:
            """References of cases of ``kind`` with this name and date of birth (CaseworkMixin's)."""
            raise NotImplementedError

    def _drive_case(self, conn: sa.Connection, case_id: str, expected_version: int | None = None) -> Case:
        """An open perpetrator case the user holds."""
        case = self._open_case(conn, case_id, expected_version)
        if case.kind is not CaseKind.PERPETRATOR:
            raise CaseworkError("That is not a Drive case.")
        return case

    # --- referral and allocation ---------------------------------------------------------------------------

    def create_perpetrator_case(self, form: DriveReferralForm, *, allow_duplicate: bool = False) -> Case:
        """Open a Drive case from a referral: the service user, the case (status "referred", reference
        ``P-YYYY-NNNN``, referral source from the route), a :class:`Referral` and a :class:`DriveReferral`
        holding the route and a panel's "disruption plan only" decision. Drive users and supervisors only;
        raises :class:`~caseload.store.casework.DuplicateCase` on a same-name-and-birth-date perpetrator
        case unless ``allow_duplicate``."""
        from caseload.store.casework import DuplicateCase

        _refuse(referral_form_problems(form), "create the case")
        with self.transaction() as conn:
            if self._access(conn).role is Role.IDVA:
                raise NotPermitted("An IDVA cannot open a Drive case.")
            worker_id = form.worker_id or self._my_id(conn)
            worker = io.fetch(conn, User, worker_id)
            if worker is None or not worker.active or worker.role not in (Role.DRIVE, Role.SUPERVISOR):
                raise CaseworkError("Choose an active Drive case manager or supervisor as the case's worker.")
            s = form.subject
            if not allow_duplicate:
                found = self._duplicates(conn, s.given_name, s.family_name, s.date_of_birth, CaseKind.PERPETRATOR)
                if found:
                    raise DuplicateCase(found)
            person = s.to_person(new_id(), PersonRole.PERPETRATOR)
            source = ROUTE_SOURCE[form.route]
            case = Case(
                id=new_id(),
                reference=io.next_reference(conn, "P", form.received_on.year),
                kind=CaseKind.PERPETRATOR,
                subject_id=person.id,
                worker_id=worker_id,
                status=DriveStatus.REFERRED.value,
                opened_on=form.received_on,
                referral_source=source,
                area=form.area,
                risk_level=form.risk_level,
            )
            route = DriveReferral(
                new_id(), case.id, form.received_on, form.route, form.disruption_only, form.referrer, form.reason
            )
            for record in (
                person,
                case,
                Referral(new_id(), case.id, form.received_on, source, form.referrer, form.reason),
                route,
            ):
                io.insert_record(conn, record)
            self._audit(conn, "case.created", case.id, kind="perpetrator", route=form.route.value)
        return case

    def allocate(self, case: Case, worker_id: str) -> Case:
        """Allocate a Drive case to a case manager (``case`` as the user read it). A case still "referred"
        moves to "allocated"; a later one is re-allocated without a status change. The case's worker or a
        supervisor may allocate, only to an active Drive user."""
        with self.transaction() as conn:
            current = self._drive_case(conn, case.id, case.version)
            access = self._access(conn)
            if not access.sees_all and current.worker_id != access.user_id:
                raise NotPermitted("Only the case's worker or a supervisor can allocate it.")
            worker = io.fetch(conn, User, worker_id)
            if worker is None or not worker.active or worker.role is not Role.DRIVE:
                raise CaseworkError("Cannot allocate: choose an active Drive case manager.")
            status = current.status
            if status == DriveStatus.REFERRED:
                status = DriveStatus.ALLOCATED.value
                try:
                    workflow.check_transition(current, status)
                except workflow.WorkflowError as exc:  # pragma: no cover - referred → allocated is allowed
                    raise CaseworkError(str(exc)) from None
            new = io.bump(conn, dataclasses.replace(current, worker_id=worker.id, status=status), "This case")
            self._audit(conn, "case.allocated", case.id, worker=worker.id, status_to=status)
        return new

    # --- intervention plan -----------------------------------------------------------------------------------

    def add_intervention_action(
        self,
        case_id: str,
        *,
        strand: Strand,
        agency: Agency,
        action: str,
        created_on: date,
        due_on: date | None = None,
        status: ItemStatus = ItemStatus.OPEN,
    ) -> InterventionAction:
        """Add a disruption or support action (behaviour change is recorded as sessions)."""
        _refuse(action_problems(strand, agency, action, created_on, due_on), "add the action")
        with self.transaction() as conn:
            case = self._drive_case(conn, case_id)
            record = InterventionAction(new_id(), case.id, strand, agency, action.strip(), created_on, due_on, status)
            io.insert_record(conn, record)
            self._audit(conn, "intervention.added", case.id, strand=strand.value, agency=agency.value)
        return record

    def update_intervention_action(self, action: InterventionAction) -> InterventionAction:
        """Save an edited action (status, due date, wording); ``action.version`` is the version read."""
        _refuse(action_problems(action.strand, action.agency, action.action, action.created_on, action.due_on),
                "save the action")
        with self.transaction() as conn:
            stored = io.fetch(conn, InterventionAction, action.id)
            if stored is None:
                raise CaseworkError("That action no longer exists.")
            if stored.case_id != action.case_id:
                raise CaseworkError("An action cannot move to another case.")
            case = self._drive_case(conn, stored.case_id)
            new = io.bump(conn, action, "This action")
            self._audit(conn, "intervention.edited", case.id, strand=action.strand.value, status=action.status.value)
        return new

    def record_session(
        self, case_id: str, *, held_on: date, outcome: SessionOutcome, topic: str = "", minutes: int = 0
    ) -> DriveSession:
        """Record a behaviour-change session, attended or missed."""
        if not 0 <= minutes <= MAX_SESSION_MINUTES:
            raise CaseworkError(f"Cannot record the session: minutes are 0 to {MAX_SESSION_MINUTES}.")
        with self.transaction() as conn:
            case = self._drive_case(conn, case_id)
            if held_on < case.opened_on:
                raise CaseworkError("Cannot record the session: it is dated before the case opened.")
            session = DriveSession(new_id(), case.id, held_on, outcome, self._my_id(conn), topic.strip(), minutes)
            io.insert_record(conn, session)
            self._audit(conn, "session.recorded", case.id, outcome=outcome.value)
        return session

    def record_behaviour_review(
        self,
        case_id: str,
        *,
        reviewed_on: date,
        present: Iterable[BehaviourType],
        note: str = "",
        stage: ReviewStage | None = None,
    ) -> BehaviourReview:
        """Record the behaviour types present at intake (the first review) or at a later review."""
        with self.transaction() as conn:
            case = self._drive_case(conn, case_id)
            rt = table_for(BehaviourReview).table
            earlier = io.select_where(conn, BehaviourReview, rt.c.case_id == case.id, "reviewed_on")
            chosen = stage or next_review_stage(earlier)
            if chosen is ReviewStage.INTAKE and earlier:
                raise CaseworkError("Cannot record the review: the case already has an intake review.")
            if reviewed_on < case.opened_on:
                raise CaseworkError("Cannot record the review: it is dated before the case opened.")
            types = tuple(t for t in BehaviourType if t in set(present))
            review = BehaviourReview(new_id(), case.id, reviewed_on, chosen, self._my_id(conn), types, note.strip())
            io.insert_record(conn, review)
            self._audit(conn, "behaviour.reviewed", case.id, stage=chosen.value, types=len(types))
        return review

    def record_incident(
        self, case_id: str, *, occurred_on: date, kind: IncidentKind, gravity: int, note: str = ""
    ) -> Incident:
        """Record an incident by the service user (e.g. shared by police): it feeds the RFG score."""
        if not 1 <= gravity <= 5:
            raise CaseworkError("Cannot record the incident: gravity is 1 to 5.")
        with self.transaction() as conn:
            case = self._drive_case(conn, case_id)
            incident = Incident(new_id(), case.id, occurred_on, kind, case.subject_id, gravity, note.strip())
            io.insert_record(conn, incident)
            self._audit(conn, "incident.recorded", case.id, kind=kind.value, gravity=gravity)
        return incident

    # --- linked victims -------------------------------------------------------------------------------------

    def link_victim(
        self,
        case_id: str,
        *,
        kind: LinkKind,
        recorded_on: date,
        victim_reference: str = "",
        hidden: PersonDetails | None = None,
    ) -> LinkedVictim:
        """Link a victim to a Drive case: by her victim case's reference (an IDVA holds her case), or — kind
        "hidden victim" — as a person with no victim case (``hidden``: what is known; a Drive user will not
        see it again, only a supervisor). Returns the link as a Drive user may see it."""
        hidden_kind = kind is LinkKind.HIDDEN_VICTIM
        if hidden_kind == bool(victim_reference.strip()):
            raise CaseworkError(
                "Cannot link the victim: give her victim case reference, or record a hidden victim (no reference)."
            )
        with self.transaction() as conn:
            case = self._drive_case(conn, case_id)
            lt, ct = table_for(CaseLink).table, table_for(Case).table
            victim_case: Case | None = None
            if hidden_kind:
                person = (hidden or PersonDetails("", "")).to_person(new_id(), PersonRole.VICTIM)
                io.insert_record(conn, person)
                person_id = person.id
            else:
                found = io.select_where(
                    conn, Case, sa.and_(ct.c.reference == victim_reference.strip().upper(), ct.c.kind == "victim")
                )
                if not found:
                    raise CaseworkError("Cannot link the victim: no victim case has that reference.")
                victim_case = found[0]
                person_id = victim_case.subject_id
                dup = sa.and_(lt.c.perpetrator_case_id == case.id, lt.c.victim_person_id == person_id)
                if io.select_where(conn, CaseLink, dup):
                    raise CaseworkError("Cannot link the victim: she is already linked to this case.")
            link = CaseLink(new_id(), case.id, person_id, victim_case.id if victim_case else None, kind, recorded_on)
            io.insert_record(conn, link)
            self._audit(conn, "victim.linked", case.id, kind=kind.value, victim_case=link.victim_case_id or "")
            return _as_seen(conn, link)

    def linked_victims(self, case_id: str) -> tuple[LinkedVictim, ...]:
        """The victims linked to a Drive case the user holds: reference, risk level and IDVA of each."""
        with self.reading() as conn:
            case = self._case_in_scope(conn, case_id)
            if case.kind is not CaseKind.PERPETRATOR:
                raise CaseworkError("That is not a Drive case.")
            lt = table_for(CaseLink).table
            links = io.select_where(conn, CaseLink, lt.c.perpetrator_case_id == case.id, "recorded_on")
            return tuple(_as_seen(conn, link) for link in links)

    # --- Drive → IDVA ---------------------------------------------------------------------------------------

    def record_drive_info(
        self, case_id: str, *, victim_case_id: str, kind: DriveInfoKind, learned_on: date, note: str = ""
    ) -> tuple[DriveInfo, VictimUpdate]:
        """Record information bearing on a linked victim's safety (release date, stated intent, breach,
        disengagement, other). Only the case's Drive case manager or a supervisor may. In the same
        transaction the update owed to her IDVA is stored on the victim case (due 1 working day after
        ``learned_on``; :func:`~caseload.domain.victims_code.drive_update_for`), so it is on her case, her
        due list and her Today screen."""
        if kind is DriveInfoKind.OTHER and not note.strip():
            raise CaseworkError("Cannot share the information: say what it is.")
        with self.transaction() as conn:
            case = self._drive_case(conn, case_id)
            access = self._access(conn)
            if not access.sees_all and case.worker_id != access.user_id:
                raise NotPermitted("Only the case's Drive case manager or a supervisor can share information.")
            lt = table_for(CaseLink).table
            linked = sa.and_(lt.c.perpetrator_case_id == case.id, lt.c.victim_case_id == victim_case_id)
            if not io.select_where(conn, CaseLink, linked):
                raise CaseworkError("Cannot share the information: that victim case is not linked to this case.")
            info = DriveInfo(new_id(), case.id, victim_case_id, learned_on, kind, note.strip(), self._my_id(conn))
            update = drive_update_for(info)
            io.insert_record(conn, info)
            io.insert_record(conn, update)
            self._audit(conn, "drive_info.recorded", case.id, kind=kind.value, victim_case=victim_case_id)
            self._audit(conn, "drive_info.received", victim_case_id, kind=kind.value, drive_case=case.id)
        return info, update


def _as_seen(conn: sa.Connection, link: CaseLink) -> LinkedVictim:
    """A link as a Drive user may see it: the victim case's reference, risk level and IDVA's name only."""
    if link.victim_case_id is None:
        return LinkedVictim(link.id, link.kind, link.recorded_on)
    victim_case = io.fetch(conn, Case, link.victim_case_id)
    if victim_case is None:
        return LinkedVictim(link.id, link.kind, link.recorded_on)
    idva = io.fetch(conn, User, victim_case.worker_id)
    return LinkedVictim(
        link.id,
        link.kind,
        link.recorded_on,
        victim_case.id,
        victim_case.reference,
        victim_case.risk_level,
        idva.name if idva is not None else "",
    )
