"""Casework writes about risk: DASH snapshots, MARAC referrals, listings and actions, the safety plan.

Part of :class:`~caseload.store.casework.CaseworkMixin`; the rules in that module's docstring hold here too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, timedelta

import sqlalchemy as sa

from caseload.domain.calendar import add_months
from caseload.domain.dash import QUESTION_COUNT, assessed_level, band, score
from caseload.domain.enums import (
    Consent,
    DashAnswer,
    ItemStatus,
    MaracCriterion,
    RiskLevel,
    SafetyCategory,
)
from caseload.domain.forms import MaracAction
from caseload.domain.ids import new_id
from caseload.domain.marac import (
    CriterionResult,
    MaracReferralDocument,
    build_referral,
    evaluate,
    to_record,
)
from caseload.domain.model import (
    Case,
    DashAssessment,
    MaracListing,
    MaracReferral,
    OutcomeSnapshot,
    SafetyPlan,
    SafetyPlanItem,
)
from caseload.domain.schedules import high_risk_without_plan
from caseload.store import casework_io as io
from caseload.store.casework_io import INTAKE_STAGE, CaseworkBase, CaseworkError
from caseload.store.errors import ConflictError
from caseload.store.schema import table_for

PLAN_REVIEW_DAYS = 28
"""Review date of a safety plan created without one: 4 weeks after it is created."""


def _dash_problems(
    answers: Sequence[DashAnswer], notes: Sequence[str], level: RiskLevel | None, reason: str
) -> list[str]:
    if len(answers) != QUESTION_COUNT:
        return [f"a DASH needs all {QUESTION_COUNT} answers (y, n or k), got {len(answers)}"]
    out: list[str] = []
    if notes and len(notes) != QUESTION_COUNT:
        out.append(f"notes go one per question ({QUESTION_COUNT}), got {len(notes)}")
    banded = band(score(answers))
    if level is not None and level.rank < banded.rank:
        out.append(f"professional judgement can raise the level, not lower it below {banded.value}")
    if level is not None and level.rank > banded.rank and not reason.strip():
        out.append("raising the level by professional judgement needs a written reason")
    return out


class RiskMixin(CaseworkBase):
    """DASH, MARAC and safety-plan writes."""

    # --- DASH --------------------------------------------------------------------------------------------

    def save_dash(
        self,
        case_id: str,
        answers: Sequence[DashAnswer],
        *,
        assessed_on: date,
        notes: Sequence[str] = (),
        judgement_level: RiskLevel | None = None,
        judgement_reason: str = "",
        supersedes: str | None = None,
        is_exit: bool = False,
    ) -> DashAssessment:
        """Save a new, immutable DASH snapshot (an old one is never edited: a correction names the snapshot
        it ``supersedes``). When it is the latest DASH the case's risk level becomes its assessed level (the
        score band, raised by professional judgement); the first DASH also records the intake snapshot.
        Only an exit DASH may be saved on a closed case."""
        problems = _dash_problems(answers, notes, judgement_level, judgement_reason)
        if problems:
            raise CaseworkError(f"Cannot save the DASH: {'; '.join(problems)}.")
        with self.transaction() as conn:
            case = self._case_in_scope(conn, case_id)
            if case.closed_on is not None and not is_exit:
                raise CaseworkError("The case is closed; only an exit DASH can be added.")
            dt = table_for(DashAssessment).table
            earlier = io.select_where(conn, DashAssessment, dt.c.case_id == case.id)
            if supersedes is not None and supersedes not in {d.id for d in earlier}:
                raise CaseworkError("The DASH being corrected is not on this case.")
            dash = DashAssessment(
                id=new_id(),
                case_id=case.id,
                assessed_on=assessed_on,
                assessor_id=self._my_id(conn),
                answers=tuple(DashAnswer(a) for a in answers),
                notes=tuple(notes),
                judgement_level=judgement_level,
                judgement_reason=judgement_reason.strip() if judgement_level is not None else "",
                supersedes=supersedes,
                is_exit=is_exit,
            )
            io.insert_record(conn, dash)
            level = assessed_level(dash)
            latest = all(d.assessed_on <= assessed_on for d in earlier)
            if latest and level != case.risk_level:
                io.bump(conn, dataclasses.replace(case, risk_level=level), "This case")
            ot = table_for(OutcomeSnapshot).table
            intake = sa.and_(ot.c.case_id == case.id, ot.c.stage == INTAKE_STAGE)
            if not io.select_where(conn, OutcomeSnapshot, intake):
                io.insert_record(
                    conn,
                    OutcomeSnapshot(
                        new_id(), case.id, assessed_on, INTAKE_STAGE, level, score(dash.answers), case.abuse_types
                    ),
                )
            self._audit(conn, "dash.saved", case.id, risk_level=level.value, latest=latest, exit=is_exit)
        return dash

    # --- MARAC -------------------------------------------------------------------------------------------

    def marac_criteria(self, case_id: str, on: date) -> tuple[CriterionResult, ...]:
        """The four MARAC criteria evaluated for the case as of ``on``, met or not, each with its reason."""
        with self.reading() as conn:
            return evaluate(io.load_casefile(conn, self._case_in_scope(conn, case_id)), on)

    def preview_marac_referral(
        self,
        case_id: str,
        *,
        on: date,
        consent: Consent = Consent.NOT_AWARE,
        feared: str = "",
        safe_to_talk: str = "",
        not_safe_to_talk: str = "",
        consent_note: str = "",
    ) -> MaracReferralDocument:
        """The referral document built from the case and its latest DASH as of ``on`` (nothing saved)."""
        with self.reading() as conn:
            casefile = io.load_casefile(conn, self._case_in_scope(conn, case_id))
        try:
            return build_referral(
                casefile,
                on,
                consent=consent,
                feared=feared,
                safe_to_talk=safe_to_talk,
                not_safe_to_talk=not_safe_to_talk,
                consent_note=consent_note,
            )
        except ValueError as exc:
            raise CaseworkError(f"Cannot build the referral: {exc}.") from None

    def refer_to_marac(
        self,
        case_id: str,
        *,
        on: date,
        consent: Consent,
        feared: str,
        safe_to_talk: str,
        not_safe_to_talk: str = "",
        consent_note: str = "",
        require_criteria: bool = True,
    ) -> tuple[MaracReferral, MaracReferralDocument]:
        """Build the MARAC referral from the case and its DASH (no re-typing) and save it on the case.

        The worker completes consent (a note saying why is required unless the victim consented), whom the
        victim fears and whom it is safe / not safe to talk to. Refused when no criterion is met on ``on``
        unless ``require_criteria`` is False. Returns the saved record and the document to write."""
        problems = []
        if consent != Consent.CONSENTED and not consent_note.strip():
            problems.append("say why the victim has not consented (or is not aware)")
        if not feared.strip():
            problems.append("say whom the victim fears")
        if not safe_to_talk.strip():
            problems.append("say whom it is safe to talk to (or 'nobody')")
        if problems:
            raise CaseworkError(f"Cannot make the referral: {'; '.join(problems)}.")
        with self.transaction() as conn:
            case = self._open_case(conn, case_id)
            casefile = io.load_casefile(conn, case)
            try:
                document = build_referral(
                    casefile,
                    on,
                    consent=consent,
                    feared=feared,
                    safe_to_talk=safe_to_talk,
                    not_safe_to_talk=not_safe_to_talk,
                    consent_note=consent_note,
                )
            except ValueError as exc:
                raise CaseworkError(f"Cannot make the referral: {exc}.") from None
            if require_criteria and not document.meets_criteria:
                raise CaseworkError("Cannot make the referral: the case meets no MARAC criterion on that date.")
            record = to_record(document, new_id())
            io.insert_record(conn, record)
            self._audit(conn, "marac.referred", case.id, criteria=[c.value for c in record.criteria])
        return record, document

    def marac_document(self, referral_id: str) -> MaracReferralDocument:
        """The document of a saved referral, rebuilt from the case: the consent, feared / safe-to-talk and
        criteria saved with the referral; listings before the referral date as previous listings."""
        with self.reading() as conn:
            referral = io.fetch(conn, MaracReferral, referral_id)
            if referral is None:
                raise CaseworkError("That MARAC referral no longer exists.")
            casefile = io.load_casefile(conn, self._case_in_scope(conn, referral.case_id))
        document = build_referral(
            casefile,
            referral.referred_on,
            consent=referral.consent,
            feared=referral.feared,
            safe_to_talk=referral.safe_to_talk,
            not_safe_to_talk=referral.not_safe_to_talk,
            consent_note=referral.consent_note,
        )
        criteria = tuple(CriterionResult(c, True, r) for c, r in zip(referral.criteria, referral.reasons, strict=False))
        earlier = tuple(
            m
            for m in document.previous_listings
            if m.meeting_on <= referral.referred_on and m.referral_id != referral.id
        )
        return dataclasses.replace(document, criteria=criteria or document.criteria, previous_listings=earlier)

    def record_marac_listing(
        self,
        case_id: str,
        *,
        meeting_on: date,
        referral_id: str | None = None,
        actions: Sequence[MaracAction] = (),
    ) -> MaracListing:
        """Record that the case was heard at a MARAC meeting, with the actions agreed there (each becomes a
        safety-plan item, category "MARAC action", on the current plan — created if there is none). The
        listing is a repeat when its referral met the repeat criterion or the case was listed in the 12
        months before."""
        with self.transaction() as conn:
            case = self._case_in_scope(conn, case_id)
            referral = io.fetch(conn, MaracReferral, referral_id) if referral_id is not None else None
            if referral_id is not None and (referral is None or referral.case_id != case.id):
                raise CaseworkError("That MARAC referral is not on this case.")
            lt = table_for(MaracListing).table
            since = add_months(meeting_on, -12)
            before = io.select_where(
                conn, MaracListing, sa.and_(lt.c.case_id == case.id, lt.c.meeting_on < meeting_on.isoformat())
            )
            repeat = (referral is not None and MaracCriterion.REPEAT in referral.criteria) or any(
                m.meeting_on >= since for m in before
            )
            listing = MaracListing(new_id(), case.id, meeting_on, referral_id, repeat)
            io.insert_record(conn, listing)
            items = self._marac_items(conn, case, listing, actions)
            self._audit(conn, "marac.listed", case.id, repeat=repeat, actions=len(items))
        return listing

    def add_marac_actions(self, listing_id: str, actions: Sequence[MaracAction]) -> tuple[SafetyPlanItem, ...]:
        """Add actions agreed at a recorded MARAC listing; each becomes a safety-plan item."""
        with self.transaction() as conn:
            listing = io.fetch(conn, MaracListing, listing_id)
            if listing is None:
                raise CaseworkError("That MARAC listing no longer exists.")
            case = self._case_in_scope(conn, listing.case_id)
            items = self._marac_items(conn, case, listing, actions)
            self._audit(conn, "marac.actions_added", case.id, actions=len(items))
        return items

    def _marac_items(
        self, conn: sa.Connection, case: Case, listing: MaracListing, actions: Sequence[MaracAction]
    ) -> tuple[SafetyPlanItem, ...]:
        problems = [
            f"action {n}: agency and action are needed"
            for n, a in enumerate(actions, 1)
            if not (a.agency.strip() and a.action.strip())
        ]
        if problems:
            raise CaseworkError(f"Cannot record the MARAC actions: {'; '.join(problems)}.")
        if not actions:
            return ()
        plan = self._plan_for(conn, case, listing.meeting_on)
        items = tuple(
            SafetyPlanItem(
                id=new_id(),
                plan_id=plan.id,
                category=SafetyCategory.MARAC_ACTION,
                risk=a.risk,
                action=a.action,
                who=a.agency.strip(),
                due_on=a.due_on,
                agency=a.agency.strip(),
                listing_id=listing.id,
            )
            for a in actions
        )
        for item in items:
            io.insert_record(conn, item)
        return items

    # --- safety plan -------------------------------------------------------------------------------------

    def _plan_for(self, conn: sa.Connection, case: Case, on: date, review_on: date | None = None) -> SafetyPlan:
        """The case's current plan, or a new one created on ``on`` (review ``review_on`` or 4 weeks on)."""
        existing = _current_plan(conn, case)
        if existing is not None:
            return existing
        plan = SafetyPlan(new_id(), case.id, on, review_on or on + timedelta(days=PLAN_REVIEW_DAYS))
        io.insert_record(conn, plan)
        return plan

    def add_plan_item(
        self,
        case_id: str,
        *,
        on: date,
        category: SafetyCategory,
        risk: str,
        action: str,
        who: str,
        due_on: date | None = None,
        status: ItemStatus = ItemStatus.OPEN,
        agency: str = "",
    ) -> SafetyPlanItem:
        """Add an item (risk → action → who → by when → status) to the current safety plan, creating the
        plan on ``on`` when there is none."""
        if not action.strip() or not who.strip():
            raise CaseworkError("Cannot add the item: say what will be done and who will do it.")
        with self.transaction() as conn:
            case = self._open_case(conn, case_id)
            plan = self._plan_for(conn, case, on)
            item = SafetyPlanItem(new_id(), plan.id, category, risk, action, who.strip(), due_on, status, agency)
            io.insert_record(conn, item)
            self._audit(conn, "plan.item_added", case.id, category=category.value)
        return item

    def update_plan_item(self, item: SafetyPlanItem) -> SafetyPlanItem:
        """Save an edited item (status, action, who, due date…); ``item.version`` is the version the worker
        read. It cannot move to another plan."""
        if not item.action.strip() or not item.who.strip():
            raise CaseworkError("Cannot save the item: say what will be done and who will do it.")
        with self.transaction() as conn:
            stored = io.fetch(conn, SafetyPlanItem, item.id)
            plan = io.fetch(conn, SafetyPlan, stored.plan_id) if stored is not None else None
            if stored is None or plan is None:
                raise CaseworkError("That safety-plan item no longer exists.")
            if stored.plan_id != item.plan_id:
                raise CaseworkError("A safety-plan item cannot move to another plan.")
            case = self._open_case(conn, plan.case_id)
            new = io.bump(conn, item, "This safety-plan item")
            self._audit(conn, "plan.item_edited", case.id, status=new.status.value)
        return new

    def set_plan_review(
        self, case_id: str, review_on: date, *, on: date, expected_version: int | None = None
    ) -> SafetyPlan:
        """Set the review date of the current safety plan (created on ``on`` when there is none).
        ``expected_version`` is the plan version the worker saw (a stale one is a conflict)."""
        with self.transaction() as conn:
            case = self._open_case(conn, case_id)
            if _current_plan(conn, case) is None:
                if review_on < on:
                    raise CaseworkError("Cannot set the review: the date is before the plan was made.")
                plan = self._plan_for(conn, case, on, review_on)
                self._audit(conn, "plan.review_set", case.id, created=True)
                return plan
            plan = self._plan_for(conn, case, on)
            if expected_version is not None and plan.version != expected_version:
                raise ConflictError("This safety plan")
            if review_on < plan.created_on:
                raise CaseworkError("Cannot set the review: the date is before the plan was made.")
            new = io.bump(conn, dataclasses.replace(plan, review_on=review_on), "This safety plan")
            self._audit(conn, "plan.review_set", case.id, created=False)
        return new

    def plan_flagged(self, case_id: str, on: date) -> bool:
        """True for an open high-risk victim case with no current plan or a plan past its review date."""
        with self.reading() as conn:
            return high_risk_without_plan(io.load_casefile(conn, self._case_in_scope(conn, case_id)), on)


def _current_plan(conn: sa.Connection, case: Case) -> SafetyPlan | None:
    pt = table_for(SafetyPlan).table
    plans = io.select_where(conn, SafetyPlan, pt.c.case_id == case.id)
    return max((p for p in plans if p.current), key=lambda p: (p.created_on, p.id), default=None)
