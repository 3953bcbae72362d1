"""Casework write API: validation, duplicates, conflicts, permissions, closure rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from caseload.domain.enums import (
    Channel,
    ClosureReason,
    Consent,
    ContactKind,
    ContactOutcome,
    ItemStatus,
    MilestoneKind,
    OrderType,
    RiskLevel,
    Role,
    SafetyCategory,
    VictimStatus,
)
from caseload.domain.forms import MaracAction, PersonDetails
from caseload.domain.model import (
    Case,
    DashAssessment,
    Incident,
    OrderBreach,
    Person,
    SafetyPlan,
    VictimUpdate,
)
from caseload.store.casework import DuplicateCase
from caseload.store.casework_io import CaseworkError
from caseload.store.errors import ConflictError, NotPermitted
from caseload.store.store import Store
from tests.conftest import FLOOR, PASSPHRASE
from tests.unit.store.casework_helpers import answers, referral_form, snapshot


def test_duplicate_check_before_creating(store: Store) -> None:
    first = store.create_victim_case(referral_form())
    assert store.find_duplicates("TESTINA", " fictional ", date(1990, 4, 2)) == (first.case.reference,)
    assert store.find_duplicates("Testína", "Fictional", date(1990, 4, 2)) == (first.case.reference,)
    assert store.find_duplicates("Testina", "Fictional", date(1990, 4, 3)) == ()
    before = snapshot(store)
    with pytest.raises(DuplicateCase) as caught:
        store.create_victim_case(referral_form())
    assert caught.value.references == (first.case.reference,)
    assert "Testina" not in str(caught.value)
    assert snapshot(store) == before
    second = store.create_victim_case(referral_form(), allow_duplicate=True)
    assert second.case.reference == "C-2026-0002"
    assert len([p for p in store.all(Person) if p.given_name == "Testina"]) == 2


def test_bad_referral_refused_in_plain_words(store: Store) -> None:
    blank = PersonDetails(given_name=" ", family_name="")
    with pytest.raises(CaseworkError, match="victim: a name is needed"):
        store.create_victim_case(referral_form(victim=blank))
    with pytest.raises(CaseworkError, match="active IDVA or supervisor"):
        store.create_victim_case(referral_form(worker_id="nobody"))
    assert store.cases() == []


def test_contact_rules_and_status(store: Store) -> None:
    case = store.create_victim_case(referral_form()).case
    with pytest.raises(CaseworkError, match="time zone"):
        store.log_contact(
            case.id,
            at=datetime(2026, 12, 8, 11),
            kind=ContactKind.ATTEMPT,
            channel=Channel.PHONE,
            outcome=ContactOutcome.NO_ANSWER,
        )
    with pytest.raises(CaseworkError, match="voicemail is an attempt"):
        store.log_contact(
            case.id,
            at=datetime(2026, 12, 8, 11, tzinfo=UTC),
            kind=ContactKind.CONTACT,
            channel=Channel.VOICEMAIL,
            outcome=ContactOutcome.LEFT_MESSAGE,
        )
    store.log_contact(
        case.id,
        at=datetime(2026, 12, 8, 11, tzinfo=UTC),
        kind=ContactKind.CONTACT,
        channel=Channel.PHONE,
        outcome=ContactOutcome.SPOKE,
        minutes=10,
        note="Short note",
    )
    got = store.casefile_for(case)
    assert got.case.status == VictimStatus.ASSESSMENT and got.case.version == 2
    assert [(c.minutes, c.note) for c in got.contacts] == [(10, "Short note")]


def test_stale_case_is_a_conflict(store: Store) -> None:
    case = store.create_victim_case(referral_form()).case
    store.change_status(case, VictimStatus.CONTACT_ATTEMPTS)
    with pytest.raises(ConflictError):
        store.change_status(case, VictimStatus.ASSESSMENT)
    with pytest.raises(ConflictError):
        store.close_case(
            case, on=date(2027, 1, 1), reason=ClosureReason.OTHER_SERVICE, abuse_stopped=None, feels_safer=None
        )
    assert store.casefile_for(case).case.status == VictimStatus.CONTACT_ATTEMPTS


def test_invalid_transition_refused(store: Store) -> None:
    case = store.create_victim_case(referral_form()).case
    with pytest.raises(CaseworkError, match="cannot go from 'Referred' to 'Dormant'"):
        store.change_status(case, VictimStatus.DORMANT)
    with pytest.raises(CaseworkError, match="closure reason"):
        store.change_status(case, VictimStatus.CLOSED)
    with pytest.raises(CaseworkError, match="only a closed case"):
        store.reopen_case(case)


def test_dash_snapshots_are_immutable_and_set_the_risk(store: Store) -> None:
    case = store.create_victim_case(referral_form()).case
    first = store.save_dash(case.id, answers(15), assessed_on=date(2026, 12, 9))
    with pytest.raises(CaseworkError, match="needs a written reason"):
        store.save_dash(case.id, answers(3), assessed_on=date(2026, 12, 10), judgement_level=RiskLevel.HIGH)
    with pytest.raises(CaseworkError, match="not lower it"):
        store.save_dash(case.id, answers(15), assessed_on=date(2026, 12, 10), judgement_level=RiskLevel.MEDIUM)
    with pytest.raises(CaseworkError, match="all 24 answers"):
        store.save_dash(case.id, answers(3)[:20], assessed_on=date(2026, 12, 10))
    lower = store.save_dash(case.id, answers(3), assessed_on=date(2026, 12, 11), supersedes=first.id)
    assert store.casefile_for(case).case.risk_level == RiskLevel.STANDARD
    raised = store.save_dash(
        case.id,
        answers(3),
        assessed_on=date(2026, 12, 12),
        judgement_level=RiskLevel.HIGH,
        judgement_reason="Escalating threats reported by the school",
    )
    assert store.casefile_for(case).case.risk_level == RiskLevel.HIGH
    older = store.save_dash(case.id, answers(0), assessed_on=date(2026, 12, 1))
    assert store.casefile_for(case).case.risk_level == RiskLevel.HIGH  # a back-dated DASH is not the latest
    stored = {d.id: d for d in store.all(DashAssessment)}
    assert stored[first.id] == first and stored[lower.id].supersedes == first.id
    assert stored[raised.id].judgement_reason.startswith("Escalating") and older.id in stored


def test_marac_referral_needs_criteria_and_consent_reason(store: Store) -> None:
    case = store.create_victim_case(referral_form()).case
    with pytest.raises(CaseworkError, match="meets no MARAC criterion"):
        store.refer_to_marac(case.id, on=date(2026, 12, 9), consent=Consent.CONSENTED, feared="X", safe_to_talk="Y")
    store.save_dash(case.id, answers(14), assessed_on=date(2026, 12, 9))
    with pytest.raises(CaseworkError, match="say why the victim has not consented"):
        store.refer_to_marac(case.id, on=date(2026, 12, 9), consent=Consent.NOT_AWARE, feared="X", safe_to_talk="Y")
    record, doc = store.refer_to_marac(
        case.id,
        on=date(2026, 12, 9),
        consent=Consent.NOT_AWARE,
        consent_note="Not safe to tell her yet",
        feared="X",
        safe_to_talk="Y",
    )
    assert doc.meets_criteria and record.consent_note == "Not safe to tell her yet"


def test_marac_actions_create_a_current_plan_and_repeat_listing(store: Store) -> None:
    case = store.create_victim_case(referral_form()).case
    first = store.record_marac_listing(case.id, meeting_on=date(2026, 3, 5))
    assert store.all(SafetyPlan) == [] and not first.repeat
    second = store.record_marac_listing(
        case.id,
        meeting_on=date(2026, 12, 17),
        actions=[MaracAction("Police", "Flag address", date(2026, 12, 21)), MaracAction("Health", "GP alert")],
    )
    assert second.repeat
    (plan,) = store.all(SafetyPlan)
    assert plan.created_on == date(2026, 12, 17) and plan.review_on == date(2027, 1, 14) and plan.current
    with pytest.raises(CaseworkError, match="agency and action are needed"):
        store.add_marac_actions(second.id, [MaracAction("", "x")])
    reviewed = store.set_plan_review(case.id, date(2027, 1, 7), on=date(2026, 12, 18), expected_version=1)
    assert reviewed.review_on == date(2027, 1, 7) and reviewed.version == 2
    with pytest.raises(ConflictError):
        store.set_plan_review(case.id, date(2027, 1, 9), on=date(2026, 12, 18), expected_version=1)


def test_plan_item_edit_is_versioned(store: Store) -> None:
    case = store.create_victim_case(referral_form()).case
    item = store.add_plan_item(
        case.id,
        on=date(2026, 12, 9),
        category=SafetyCategory.DIGITAL_SAFETY,
        risk="Tracking app",
        action="Phone check",
        who="IDVA",
    )
    done = store.update_plan_item(replace(item, status=ItemStatus.DONE))
    assert done.version == 2
    with pytest.raises(ConflictError):
        store.update_plan_item(replace(item, status=ItemStatus.NOT_NEEDED))
    assert store.casefile_for(case).plan_items == (done,)


def test_breach_is_an_incident_and_orders_validate(store: Store) -> None:
    case = store.create_victim_case(referral_form()).case
    with pytest.raises(CaseworkError, match="cannot end before it starts"):
        store.add_order(case.id, kind=OrderType.DVPO, starts_on=date(2026, 12, 9), ends_on=date(2026, 12, 1))
    with pytest.raises(CaseworkError, match="no conditions"):
        store.add_order(
            case.id,
            kind=OrderType.RELEASED_UNDER_INVESTIGATION,
            starts_on=date(2026, 12, 9),
            conditions="Not to contact",
        )
    bail = store.add_order(
        case.id,
        kind=OrderType.PRE_CHARGE_BAIL,
        starts_on=date(2026, 12, 9),
        ends_on=date(2027, 3, 9),
        conditions="Not to enter Example Row",
    )
    breach, incident = store.record_breach(bail.id, occurred_on=date(2026, 12, 20), note="Seen outside")
    cf = store.casefile_for(case)
    assert cf.breaches == (breach,) and cf.incidents == (incident,)
    assert incident.kind == "breach" and incident.perpetrator_id == cf.parties[0].person_id
    assert store.all(OrderBreach) == [breach] and store.all(Incident) == [incident]


def test_milestone_updates_and_told_rules(store: Store) -> None:
    case = store.create_victim_case(referral_form()).case
    with pytest.raises(CaseworkError, match="goes only with NFA"):
        store.add_milestone(case.id, kind=MilestoneKind.CHARGED, occurred_on=date(2026, 12, 24), outcome_code=15)
    _, none = store.add_milestone(case.id, kind=MilestoneKind.REPORTED, occurred_on=date(2026, 12, 1))
    assert none == ()
    _, (nfa,) = store.add_milestone(case.id, kind=MilestoneKind.NFA, occurred_on=date(2026, 12, 18), outcome_code=16)
    assert nfa.due_on == date(2026, 12, 21)
    with pytest.raises(CaseworkError, match="before the event"):
        store.mark_update_told(nfa, told_on=date(2026, 12, 17), channel=Channel.PHONE)
    told = store.mark_update_told(nfa, told_on=date(2026, 12, 21), channel=Channel.TEXT)
    assert not told.late
    with pytest.raises(CaseworkError, match="already marked told"):
        store.mark_update_told(told, told_on=date(2026, 12, 22), channel=Channel.PHONE)
    assert store.get(VictimUpdate, nfa.id) == told


def test_deceased_sets_a_legal_hold(store: Store) -> None:
    case = store.create_victim_case(referral_form()).case
    closed = store.close_case(
        case, on=date(2027, 1, 4), reason=ClosureReason.DECEASED, abuse_stopped=None, feels_safer=None
    )
    assert closed.legal_hold and closed.legal_hold_reason == "Domestic Homicide Review"
    with pytest.raises(CaseworkError, match="closed; reopen it first"):
        store.add_order(case.id, kind=OrderType.DVPN, starts_on=date(2027, 1, 5))
    reopened = store.reopen_case(closed, VictimStatus.CONTACT_ATTEMPTS)
    assert reopened.legal_hold and reopened.status == VictimStatus.CONTACT_ATTEMPTS


def test_only_own_cases_can_be_changed(store: Store, store_dir: Path) -> None:
    mine = store.create_victim_case(referral_form()).case
    store.add_user("B. Worker", Role.IDVA, PASSPHRASE, kdf=FLOOR)
    store.add_user("D. Manager", Role.DRIVE, PASSPHRASE, kdf=FLOOR)
    store.lock()
    other = Store.open(store_dir, PASSPHRASE, "B. Worker")
    try:
        with pytest.raises(NotPermitted):
            other.change_status(mine, VictimStatus.CONTACT_ATTEMPTS)
        with pytest.raises(NotPermitted):
            other.save_dash(mine.id, answers(3), assessed_on=date(2026, 12, 9))
        assert other.find_duplicates("Testina", "Fictional", date(1990, 4, 2)) == (mine.reference,)
    finally:
        other.lock()
    drive = Store.open(store_dir, PASSPHRASE, "D. Manager")
    try:
        with pytest.raises(NotPermitted):
            drive.create_victim_case(referral_form(), allow_duplicate=True)
        with pytest.raises(NotPermitted):
            drive.find_duplicates("Testina", "Fictional", date(1990, 4, 2))
    finally:
        drive.lock()
    again = Store.open(store_dir, PASSPHRASE, "A. Worker")
    try:
        assert again.casefile_for(mine).case == mine and len(again.all(Case)) == 1
    finally:
        again.lock()
