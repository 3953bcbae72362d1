"""The casework write API: every change a worker makes to a case, each ONE transaction with its audit entry.

:class:`CaseworkMixin` is mixed into :class:`~caseload.store.store.Store`. Methods here cover the case itself
(duplicate check, new case from a referral, contacts, status workflow, close, reopen); risk, MARAC and the
safety plan are in :mod:`caseload.store.casework_risk`; orders, criminal justice and victim updates in
:mod:`caseload.store.casework_cjs`.

Rules every method keeps:

- one transaction: the records and the audit entry are written together or not at all;
- the signed-in user must hold the case (own or shared; a supervisor holds every case), else
  :class:`~caseload.store.errors.NotPermitted`;
- changes to an existing record take the version the worker read (a :class:`Case`, plan, item, order or
  update): a stale one raises :class:`~caseload.store.errors.ConflictError` and nothing is written;
- bad input raises :class:`~caseload.store.casework_io.CaseworkError` with one plain line (no case data);
- audit entries hold ids, categories and counts, never names, notes or dates.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from caseload.domain import workflow
from caseload.domain.casefile import CaseFile
from caseload.domain.contact_safety import contact_problems
from caseload.domain.dash import score
from caseload.domain.duplicates import duplicate_references
from caseload.domain.enums import (
    CaseKind,
    Channel,
    ClosureReason,
    ContactKind,
    ContactOutcome,
    PersonRole,
    RiskLevel,
    Role,
    VictimStatus,
)
from caseload.domain.forms import ReferralForm, referral_problems
from caseload.domain.ids import new_id
from caseload.domain.model import Case, Contact, OutcomeSnapshot, Party, Person, Referral, User
from caseload.domain.schedules import effective_risk
from caseload.store import casework_io as io
from caseload.store.casework_cjs import CjsMixin
from caseload.store.casework_io import EXIT_STAGE, CaseworkError
from caseload.store.casework_risk import RiskMixin
from caseload.store.errors import NotPermitted
from caseload.store.schema import table_for

DHR_HOLD = "Domestic Homicide Review"

_WORKER_ROLES = {CaseKind.VICTIM: (Role.IDVA, Role.SUPERVISOR), CaseKind.PERPETRATOR: (Role.DRIVE, Role.SUPERVISOR)}


class DuplicateCase(CaseworkError):
    """A case with the same name and date of birth exists; ``references`` lists the candidates."""

    def __init__(self, references: tuple[str, ...]) -> None:
        self.references = references
        super().__init__(f"Possible duplicate of {', '.join(references)}: check it before creating another case.")


def _fail(problems: tuple[str, ...] | list[str], what: str) -> None:
    if problems:
        raise CaseworkError(f"Cannot {what}: {'; '.join(problems)}.")


class CaseworkMixin(RiskMixin, CjsMixin):
    """Casework writes on the Store (see the module docstring for the rules every method keeps)."""

    # --- duplicates and new cases ------------------------------------------------------------------------

    def find_duplicates(
        self, given_name: str, family_name: str, date_of_birth: date | None, kind: CaseKind = CaseKind.VICTIM
    ) -> tuple[str, ...]:
        """References of existing ``kind`` cases whose subject has this name and date of birth (see
        :mod:`caseload.domain.duplicates`). Checks the whole store, not only the user's cases, and returns
        references only. A Drive user may check perpetrator cases only."""
        with self.reading() as conn:
            return self._duplicates(conn, given_name, family_name, date_of_birth, kind)

    def _duplicates(
        self, conn: sa.Connection, given: str, family: str, dob: date | None, kind: CaseKind
    ) -> tuple[str, ...]:
        if self._access(conn).role is Role.DRIVE and kind != CaseKind.PERPETRATOR:
            raise NotPermitted("A Drive case manager cannot search victim cases.")
        if dob is None:
            return ()
        pt, ct = table_for(Person).table, table_for(Case).table
        people = {p.id: p for p in io.select_where(conn, Person, pt.c.date_of_birth == dob.isoformat())}
        if not people:
            return ()
        cases = io.select_where(conn, Case, sa.and_(ct.c.subject_id.in_(sorted(people)), ct.c.kind == kind.value))
        return duplicate_references(given, family, dob, ((c, people[c.subject_id]) for c in cases))

    def create_victim_case(self, form: ReferralForm, *, allow_duplicate: bool = False) -> CaseFile:
        """Open a victim case from a referral form: the victim, each perpetrator (person + party), children,
        the referral, safe-contact arrangements and the case (status "referred", reference ``C-YYYY-NNNN``).
        Raises :class:`DuplicateCase` when another victim case has the same name and date of birth, unless
        ``allow_duplicate``. Returns the new case file."""
        _fail(referral_problems(form), "create the case")
        with self.transaction() as conn:
            access = self._access(conn)
            if access.role is Role.DRIVE:
                raise NotPermitted("A Drive case manager cannot open a victim case.")
            worker_id = form.worker_id or self._my_id(conn)
            worker = io.fetch(conn, User, worker_id)
            if worker is None or not worker.active or worker.role not in _WORKER_ROLES[CaseKind.VICTIM]:
                raise CaseworkError("Choose an active IDVA or supervisor as the case's worker.")
            if not allow_duplicate:
                v = form.victim
                found = self._duplicates(conn, v.given_name, v.family_name, v.date_of_birth, CaseKind.VICTIM)
                if found:
                    raise DuplicateCase(found)
            victim = form.victim.to_person(new_id(), PersonRole.VICTIM)
            opened = form.opened_on or form.received_on
            case = Case(
                id=new_id(),
                reference=io.next_reference(conn, "C", opened.year),
                kind=CaseKind.VICTIM,
                subject_id=victim.id,
                worker_id=worker_id,
                status=VictimStatus.REFERRED.value,
                opened_on=opened,
                referral_source=form.source,
                area=form.area,
                rural=form.rural,
                risk_level=form.risk_level,
                enhanced_rights=form.enhanced_rights,
                abuse_types=tuple(dict.fromkeys(form.abuse_types)),
                update_frequency_days=form.update_frequency_days,
                update_method=form.update_method,
            )
            records: list[Any] = [victim, case]
            for perp in form.perpetrators:
                person = perp.person.to_person(new_id(), PersonRole.PERPETRATOR)
                records += [person, Party(new_id(), case.id, person.id, PersonRole.PERPETRATOR, perp.relationship)]
            records += [child.to_child(new_id(), case.id) for child in form.children]
            records.append(Referral(new_id(), case.id, form.received_on, form.source, form.referrer, form.reason))
            if form.safe_contact is not None:
                records.append(form.safe_contact.to_safe_contact(new_id(), case.id))
            for record in records:
                io.insert_record(conn, record)
            self._audit(
                conn,
                "case.created",
                case.id,
                perpetrators=len(form.perpetrators),
                children=len(form.children),
                safe_contact=form.safe_contact is not None,
            )
            return io.load_casefile(conn, case)

    # --- contacts ----------------------------------------------------------------------------------------

    def log_contact(
        self,
        case_id: str,
        *,
        at: datetime,
        kind: ContactKind,
        channel: Channel,
        outcome: ContactOutcome,
        minutes: int = 0,
        note: str = "",
        advance_status: bool = True,
    ) -> Contact:
        """Log a contact or an attempt (``at`` timezone-aware; stored as UTC). Check it first with
        :func:`caseload.domain.contact_safety.contact_warnings` and let the worker confirm.

        With ``advance_status`` a victim case still "referred" moves on by the workflow
        (:func:`~caseload.domain.workflow.status_after_contact`) in the same transaction, bumping its version.
        """
        if at.tzinfo is None:
            raise CaseworkError("Cannot log the contact: its time has no time zone.")
        _fail(contact_problems(kind, channel, outcome, minutes), "log the contact")
        with self.transaction() as conn:
            case = self._open_case(conn, case_id)
            contact = Contact(new_id(), case.id, at, kind, channel, outcome, self._my_id(conn), minutes, note)
            io.insert_record(conn, contact)
            moved = workflow.status_after_contact(case, kind, outcome) if advance_status else None
            if moved is not None:
                io.bump(conn, dataclasses.replace(case, status=moved), "This case")
            self._audit(conn, "contact.logged", case.id, kind=kind.value, channel=channel.value, status_to=moved or "")
        return contact

    # --- status workflow ---------------------------------------------------------------------------------

    def change_status(self, case: Case, to: str) -> Case:
        """Move the case to status ``to`` if the workflow offers it (see
        :func:`caseload.domain.workflow.next_actions`); ``case`` is the version the worker saw. Closing and
        reopening have their own methods. Returns the updated case."""
        with self.transaction() as conn:
            current = self._case_in_scope(conn, case.id, case.version)
            try:
                workflow.check_transition(current, to)
            except workflow.WorkflowError as exc:
                raise CaseworkError(str(exc)) from None
            new = io.bump(conn, dataclasses.replace(current, status=to), "This case")
            self._audit(conn, "case.status_changed", case.id, status_from=current.status, status_to=to)
        return new

    def close_case(
        self,
        case: Case,
        *,
        on: date,
        reason: ClosureReason,
        abuse_stopped: bool | None,
        feels_safer: bool | None,
        risk_level: RiskLevel | None = None,
    ) -> Case:
        """Close the case on ``on`` with a closure reason and an exit :class:`OutcomeSnapshot` (risk level —
        default the effective risk —, latest DASH score, abuse types, "abuse stopped", "feels safer").
        "Deceased" places a legal hold for a Domestic Homicide Review. Returns the closed case."""
        with self.transaction() as conn:
            current = self._case_in_scope(conn, case.id, case.version)
            try:
                workflow.check_transition(current, workflow.CLOSED, workflow.ActionKind.CLOSE)
            except workflow.WorkflowError as exc:
                raise CaseworkError(str(exc)) from None
            if on < current.opened_on:
                raise CaseworkError("Cannot close the case: the closure date is before it was opened.")
            casefile = io.load_casefile(conn, current)
            latest = casefile.latest_dash
            deceased = reason == ClosureReason.DECEASED
            closed = dataclasses.replace(
                current,
                status=workflow.CLOSED,
                closed_on=on,
                closure_reason=reason,
                legal_hold=current.legal_hold or deceased,
                legal_hold_reason=current.legal_hold_reason or (DHR_HOLD if deceased else ""),
            )
            snapshot = OutcomeSnapshot(
                id=new_id(),
                case_id=current.id,
                taken_on=on,
                stage=EXIT_STAGE,
                risk_level=risk_level or effective_risk(casefile),
                dash_score=score(latest.answers) if latest is not None else None,
                abuse_types=current.abuse_types,
                abuse_stopped=abuse_stopped,
                feels_safer=feels_safer,
            )
            new = io.bump(conn, closed, "This case")
            io.insert_record(conn, snapshot)
            self._audit(conn, "case.closed", case.id, reason=reason.value, legal_hold=new.legal_hold)
        return new

    def reopen_case(self, case: Case, to: str | None = None) -> Case:
        """Reopen a closed case into status ``to`` (default the first of
        :data:`caseload.domain.workflow.REOPEN_TO` for its kind). The closure date and reason are cleared; a
        legal hold stays; exit snapshots stay as history. Returns the reopened case."""
        with self.transaction() as conn:
            current = self._case_in_scope(conn, case.id, case.version)
            target = to or str(workflow.REOPEN_TO[current.kind][0][0])
            try:
                workflow.check_transition(current, target, workflow.ActionKind.REOPEN)
            except workflow.WorkflowError as exc:
                raise CaseworkError(str(exc)) from None
            reopened = dataclasses.replace(current, status=target, closed_on=None, closure_reason=None)
            new = io.bump(conn, reopened, "This case")
            self._audit(conn, "case.reopened", case.id, status_to=target)
        return new

    # --- reads for the forms -----------------------------------------------------------------------------

    def casework_file(self, case_id: str) -> CaseFile:
        """The case file of a case the user holds, read the way the write methods see it (for forms that
        need the latest versions before an edit)."""
        with self.reading() as conn:
            return io.load_casefile(conn, self._case_in_scope(conn, case_id))
