"""The IDVA journey at store level, from referral to closure and reopening, asserting on stored records."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime
from pathlib import Path

from caseload.documents.marac import write_referral
from caseload.domain import workflow
from caseload.domain.contact_safety import contact_warnings
from caseload.domain.dash import QUESTIONS
from caseload.domain.due import DueKind, case_due_items
from caseload.domain.enums import (
    Channel,
    ClosureReason,
    Consent,
    ContactKind,
    ContactOutcome,
    DashAnswer,
    MaracCriterion,
    MilestoneKind,
    RiskLevel,
    SafetyCategory,
    VictimStatus,
)
from caseload.domain.forms import MaracAction
from caseload.domain.model import (
    Contact,
    DashAssessment,
    MaracListing,
    MaracReferral,
    OutcomeSnapshot,
    SafetyPlanItem,
    VictimUpdate,
)
from caseload.store.store import Store
from tests.unit.store.casework_helpers import answers, referral_form


def test_referral_to_closure_and_reopening(store: Store, tmp_path: Path) -> None:
    # referral → case
    created = store.create_victim_case(referral_form())
    case = created.case
    assert case.reference == "C-2026-0001"
    assert case.status == VictimStatus.REFERRED
    cid = case.id
    stored = store.casefile(cid)
    assert stored is not None
    assert stored.subject.given_name == "Testina" and stored.subject.date_of_birth == date(1990, 4, 2)
    assert [c.given_name for c in stored.children] == ["Pip"]
    assert len(stored.parties) == 1 and stored.people[0].family_name == "Person"
    assert stored.referrals[0].referrer == "PC Example, Safeguarding Unit"
    assert stored.safe_contact is not None and stored.safe_contact.safe_from == "10:00"

    # contact attempt inside safe times (Tue 8 Dec 2026, 11:00 UK = UTC in winter): no warning, status moves on
    at = datetime(2026, 12, 8, 11, 0, tzinfo=UTC)
    assert contact_warnings(stored.safe_contact, ContactKind.ATTEMPT, Channel.PHONE, ContactOutcome.NO_ANSWER, at) == ()
    store.log_contact(cid, at=at, kind=ContactKind.ATTEMPT, channel=Channel.PHONE, outcome=ContactOutcome.NO_ANSWER)
    contacts = store.all(Contact)
    assert [(c.kind, c.outcome) for c in contacts] == [(ContactKind.ATTEMPT, ContactOutcome.NO_ANSWER)]
    case = store.casefile_for(case).case
    assert case.status == VictimStatus.CONTACT_ATTEMPTS
    offered = [a.to for a in workflow.next_actions(case) if a.kind == workflow.ActionKind.STATUS]
    assert VictimStatus.ASSESSMENT in offered
    case = store.change_status(case, VictimStatus.ASSESSMENT)

    # DASH scoring 15 → high risk, MARAC criteria met (visible high risk)
    dash = store.save_dash(cid, answers(15), assessed_on=date(2026, 12, 9))
    assert store.get(DashAssessment, dash.id) == dash
    case = store.casefile_for(case).case
    assert case.risk_level == RiskLevel.HIGH
    intake = [o for o in store.all(OutcomeSnapshot) if o.stage == "intake"]
    assert len(intake) == 1 and intake[0].dash_score == 15 and intake[0].risk_level == RiskLevel.HIGH
    criteria = {r.criterion: r for r in store.marac_criteria(cid, date(2026, 12, 9))}
    assert criteria[MaracCriterion.VISIBLE_HIGH_RISK].met
    assert "DASH score 15" in criteria[MaracCriterion.VISIBLE_HIGH_RISK].reason

    # referral generated with the DASH answers
    referral, document = store.refer_to_marac(
        cid, on=date(2026, 12, 10), consent=Consent.CONSENTED, feared="Exemplar Person", safe_to_talk="Her sister"
    )
    saved = store.get(MaracReferral, referral.id)
    assert saved == referral
    assert saved.dash_id == dash.id and MaracCriterion.VISIBLE_HIGH_RISK in saved.criteria
    assert saved.feared == "Exemplar Person" and saved.consent == Consent.CONSENTED
    assert [(line.number, line.question, line.answer) for line in document.dash_answers] == [
        (n, q, a) for n, (q, a) in enumerate(zip(QUESTIONS, answers(15), strict=True), 1)
    ]
    assert document.dash_score == 15
    rebuilt = store.marac_document(referral.id)
    assert rebuilt.dash_answers == document.dash_answers and rebuilt.feared == "Exemplar Person"
    written = write_referral(rebuilt, tmp_path, "html", today=date(2026, 12, 10))
    page = written.read_text(encoding="utf-8")
    words = {DashAnswer.YES: "Yes", DashAnswer.NO: "No", DashAnswer.NOT_KNOWN: "Not known"}
    for n, (question, answer) in enumerate(zip(QUESTIONS, answers(15), strict=True), 1):
        assert f"<tr><td>{n}</td><td>{html.escape(question)}</td><td>{words[answer]}</td></tr>" in page
    assert "Testina" not in written.name and case.reference not in written.name

    # MARAC listing + action → safety-plan item; another item added by hand
    listing = store.record_marac_listing(
        cid,
        meeting_on=date(2026, 12, 17),
        referral_id=referral.id,
        actions=[MaracAction("Police", "Flag the address for an urgent response", date(2026, 12, 21))],
    )
    assert store.get(MaracListing, listing.id) == listing and not listing.repeat
    store.add_plan_item(
        cid,
        on=date(2026, 12, 17),
        category=SafetyCategory.HOME_SECURITY,
        risk="Q13 weapons used",
        action="Sanctuary scheme referral for door locks",
        who="IDVA",
        due_on=date(2026, 12, 23),
    )
    items = sorted(store.all(SafetyPlanItem), key=lambda i: i.category.value)
    assert [(i.category, i.who, i.listing_id) for i in items] == [
        (SafetyCategory.HOME_SECURITY, "IDVA", None),
        (SafetyCategory.MARAC_ACTION, "Police", listing.id),
    ]
    assert items[1].agency == "Police" and items[1].due_on == date(2026, 12, 21)
    assert len({i.plan_id for i in items}) == 1
    assert not store.plan_flagged(cid, date(2026, 12, 18))

    # CJS milestone "charged" on Thursday 24 Dec 2026: enhanced rights, 1 working day → Tuesday 29 Dec 2026
    milestone, updates = store.add_milestone(cid, kind=MilestoneKind.CHARGED, occurred_on=date(2026, 12, 24))
    assert date(2026, 12, 24).weekday() == 3
    assert [u.due_on for u in updates] == [date(2026, 12, 29)]
    update = store.get(VictimUpdate, updates[0].id)
    assert update is not None and update.source_id == milestone.id and update.told_on is None
    due = case_due_items(store.casefile_for(case), date(2026, 12, 29))
    owed = [i for i in due if i.kind == DueKind.VICTIM_UPDATE]
    assert [(i.due_on, i.source_id, i.days_overdue) for i in owed] == [(date(2026, 12, 29), update.id, 0)]

    # told on 30 Dec → closed, and late
    told = store.mark_update_told(update, told_on=date(2026, 12, 30), channel=Channel.PHONE)
    again = store.get(VictimUpdate, update.id)
    assert again == told and again.told_on == date(2026, 12, 30) and again.told_channel == Channel.PHONE
    assert again.late and again.version == 2
    due_after = case_due_items(store.casefile_for(case), date(2026, 12, 31))
    assert not [i for i in due_after if i.kind == DueKind.VICTIM_UPDATE]

    # close with an exit snapshot, then reopen
    case = store.casefile_for(case).case
    case = store.change_status(case, VictimStatus.ACTIVE_SUPPORT)
    closed = store.close_case(
        case, on=date(2027, 2, 1), reason=ClosureReason.RISK_REDUCED, abuse_stopped=True, feels_safer=True
    )
    stored_case = store.casefile_for(case).case
    assert stored_case == closed and closed.closed_on == date(2027, 2, 1)
    assert closed.status == workflow.CLOSED and closed.closure_reason == ClosureReason.RISK_REDUCED
    assert not closed.legal_hold
    exits = [o for o in store.all(OutcomeSnapshot) if o.stage == "exit"]
    assert [(o.risk_level, o.dash_score, o.abuse_stopped, o.feels_safer) for o in exits] == [
        (RiskLevel.HIGH, 15, True, True)
    ]
    assert [a.kind for a in workflow.next_actions(closed)] == [workflow.ActionKind.REOPEN] * 2

    reopened = store.reopen_case(closed)
    stored_case = store.casefile_for(case).case
    assert stored_case == reopened
    assert reopened.status == VictimStatus.ACTIVE_SUPPORT and reopened.closed_on is None
    assert reopened.closure_reason is None and reopened.version == closed.version + 1

    # every step audited against the case, nothing else changed
    events = [e.event for e in reversed(store.audit_entries(cid))]
    assert events == [
        "case.created",
        "contact.logged",
        "case.status_changed",
        "dash.saved",
        "marac.referred",
        "marac.listed",
        "plan.item_added",
        "cjs.milestone_added",
        "update.told",
        "case.status_changed",
        "case.closed",
        "case.reopened",
    ]
    assert store.check().ok
    assert DashAnswer.YES in store.get(DashAssessment, dash.id).answers  # the snapshot is unchanged
