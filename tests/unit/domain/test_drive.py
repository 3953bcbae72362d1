"""Drive rules: intervention plan by strand, action checks, behaviour change intake vs latest, RFG and the
serial flag in words, and every Drive record field carrying a sensitivity level."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from caseload.domain import model
from caseload.domain.casefile import CaseFile
from caseload.domain.drive import (
    DRIVE_RECORDS,
    Agency,
    BehaviourReview,
    BehaviourType,
    Change,
    DriveReferralForm,
    DriveSession,
    InterventionAction,
    LinkedVictim,
    ReferralRoute,
    ReviewStage,
    SessionOutcome,
    Strand,
    action_problems,
    behaviour_change,
    explain_rfg,
    gravest_kind,
    next_review_stage,
    overdue_actions,
    plan_by_strand,
    referral_form_problems,
    words,
)
from caseload.domain.enums import CaseKind, DriveStatus, IncidentKind, ItemStatus, LinkKind, PersonRole
from caseload.domain.forms import PersonDetails
from caseload.domain.levels import L3, LEVEL_KEY, Level, level_of
from caseload.domain.model import CaseLink, Incident
from tests.unit.domain.factories import case, person

ON = date(2026, 12, 4)


def action(strand: Strand, agency: Agency, status: ItemStatus = ItemStatus.OPEN, due: date | None = None,
           n: int = 0) -> InterventionAction:
    return InterventionAction(f"a{n}", "p1", strand, agency, f"action {n}", date(2026, 11, 1), due, status)


def review(on: date, *types: BehaviourType, stage: ReviewStage = ReviewStage.REVIEW, n: str = "") -> BehaviourReview:
    return BehaviourReview(f"r{on}{n}", "p1", on, stage, "w1", types)


def test_every_drive_field_has_a_level_and_free_text_is_level_3() -> None:
    for rtype, key in DRIVE_RECORDS:
        assert rtype in model.RECORD_TYPES and model.RECORD_KEYS[rtype] == key
        assert key in {f.name for f in dataclasses.fields(CaseFile)}
        for f in dataclasses.fields(rtype):
            assert isinstance(f.metadata[LEVEL_KEY], Level), (rtype, f.name)
    for rtype, name in ((InterventionAction, "action"), (DriveSession, "topic"), (BehaviourReview, "note")):
        assert level_of(rtype, name) is L3
    assert level_of(LinkedVictim, "reference") is Level.OPERATIONAL


def test_plan_by_strand_orders_actions_and_puts_sessions_under_behaviour_change() -> None:
    acts = [
        action(Strand.DISRUPTION, Agency.POLICE, ItemStatus.DONE, date(2026, 11, 5), 1),
        action(Strand.DISRUPTION, Agency.PROBATION, ItemStatus.OPEN, date(2026, 12, 20), 2),
        action(Strand.DISRUPTION, Agency.HOUSING, ItemStatus.IN_PROGRESS, date(2026, 12, 1), 3),
        action(Strand.SUPPORT, Agency.SUBSTANCE_USE, n=4),
    ]
    sessions = [
        DriveSession("s1", "p1", date(2026, 11, 10), SessionOutcome.ATTENDED, "w1"),
        DriveSession("s2", "p1", date(2026, 11, 17), SessionOutcome.MISSED, "w1"),
        DriveSession("s3", "p1", date(2026, 11, 24), SessionOutcome.ATTENDED, "w1"),
    ]
    disruption, change, support = plan_by_strand(acts, sessions)
    assert [s.strand for s in (disruption, change, support)] == list(Strand)
    assert [a.id for a in disruption.actions] == ["a3", "a2", "a1"]  # open by due date, done last
    assert disruption.open_actions == 2 and support.open_actions == 1
    assert [s.id for s in change.sessions] == ["s3", "s2", "s1"] and (change.attended, change.missed) == (2, 1)
    assert disruption.sessions == () and change.actions == ()
    assert [a.id for a in overdue_actions(acts, ON)] == ["a3"]


@pytest.mark.parametrize(
    ("strand", "agency", "text", "due", "expected"),
    [
        (Strand.DISRUPTION, Agency.PROBATION, "Joint visit", None, []),
        (Strand.DISRUPTION, Agency.CHILDRENS_SERVICES, "Strategy meeting", date(2026, 12, 9), []),
        (Strand.SUPPORT, Agency.MENTAL_HEALTH, "GP referral", None, []),
        (Strand.SUPPORT, Agency.POLICE, "x", None, ["a support action is with housing, substance use, mental health"]),
        (Strand.DISRUPTION, Agency.MENTAL_HEALTH, "x", None,
         ["a disruption action is with police, probation, housing, children's services"]),
        (Strand.BEHAVIOUR_CHANGE, Agency.DRIVE, "x", None, ["behaviour change is recorded as sessions, not actions"]),
        (Strand.SUPPORT, Agency.HOUSING, "  ", date(2026, 10, 1),
         ["say what the action is", "it cannot be due before it was agreed"]),
    ],
)
def test_action_problems(strand: Strand, agency: Agency, text: str, due: date | None, expected: list[str]) -> None:
    assert action_problems(strand, agency, text, date(2026, 11, 1), due) == expected


def test_behaviour_change_between_intake_and_latest() -> None:
    P, S, J, H = (BehaviourType.PHYSICAL, BehaviourType.SEXUAL, BehaviourType.JEALOUS_CONTROLLING,
                  BehaviourType.HARASSMENT_STALKING)
    assert behaviour_change([]) is None
    intake = review(date(2026, 1, 10), P, J, stage=ReviewStage.INTAKE)
    only = behaviour_change([intake])
    assert only is not None and only.latest is None
    assert all(after is None and change is None for _, _, after, change in only.changes)
    middle = review(date(2026, 6, 1), P, J, H)
    latest = review(date(2026, 11, 1), J, H)
    result = behaviour_change([latest, intake, middle])
    assert result is not None and result.intake == intake and result.latest == latest
    assert {t: c for t, _, _, c in result.changes} == {
        P: Change.STOPPED, S: Change.ABSENT, J: Change.CONTINUING, H: Change.STARTED
    }
    assert result.reduced == 1
    assert next_review_stage([]) is ReviewStage.INTAKE
    assert next_review_stage([intake]) is ReviewStage.REVIEW
    assert next_review_stage([intake], closing=True) is ReviewStage.EXIT


def _perp_file(incidents: tuple[Incident, ...], links: tuple[CaseLink, ...] = ()) -> CaseFile:
    su = person(PersonRole.PERPETRATOR)
    c = case(id="p1", kind=CaseKind.PERPETRATOR, subject_id=su.id, status=DriveStatus.INTERVENTION.value)
    return CaseFile(case=c, subject=su, incidents=incidents, links=links)


def _incident(days_ago: int, kind: IncidentKind, gravity: int, n: int) -> Incident:
    return Incident(f"i{n}", "p1", ON - timedelta(days=days_ago), kind, None, gravity)


def test_rfg_in_words_matches_the_example_of_the_brief() -> None:
    incidents = (
        _incident(45, IncidentKind.THREATS, 3, 1),
        _incident(100, IncidentKind.STRANGULATION, 5, 2),
        _incident(200, IncidentKind.UNWANTED_CONTACT, 2, 3),
        _incident(300, IncidentKind.PHYSICAL_ASSAULT, 4, 4),
        _incident(900, IncidentKind.STRANGULATION, 5, 5),  # older than 12 months: counts for nothing but R
    )
    links = (
        CaseLink("l1", "p1", "v1", recorded_on=date(2024, 3, 1)),
        CaseLink("l2", "p1", "v2", None, LinkKind.HIDDEN_VICTIM, recorded_on=date(2026, 11, 20)),
    )
    out = explain_rfg(_perp_file(incidents, links), ON)
    assert out.rfg == "R 4 (last incident 45 days ago) × F 3 (4 incidents in 12 months) × G 5 (strangulation) = 60"
    assert out.total == 60
    assert out.serial and out.serial_text == (
        "serial: yes (2 victims linked in 5 years; 2 or more makes a serial perpetrator)"
    )
    assert gravest_kind(incidents, ON) is IncidentKind.STRANGULATION


def test_rfg_in_words_edge_cases() -> None:
    none = explain_rfg(_perp_file(()), ON)
    assert none.rfg == "no incident recorded: RFG cannot be scored" and none.total == 0
    assert none.serial_text.startswith("serial: no (0 victims linked")
    stale = explain_rfg(_perp_file((_incident(400, IncidentKind.THREATS, 3, 1),)), ON)
    assert stale.rfg == "R 1 (last incident 400 days ago) × F 0 (no incident in 12 months) × G 0 = 0"
    today = explain_rfg(_perp_file((_incident(0, IncidentKind.BREACH, 2, 1),)), ON)
    assert today.rfg == "R 5 (last incident today) × F 1 (1 incident in 12 months) × G 2 (breach) = 10"
    one = explain_rfg(_perp_file((), (CaseLink("l1", "p1", "v1", recorded_on=date(2026, 1, 1)),)), ON)
    assert not one.serial and "1 victim linked" in one.serial_text


def test_referral_form_problems_and_words() -> None:
    good = DriveReferralForm(PersonDetails("Exemplar", "Person"), date(2026, 12, 1), ReferralRoute.MARAC)
    assert referral_form_problems(good, ON) == []
    bad = DriveReferralForm(PersonDetails(" ", "", date_of_birth=date(2027, 1, 1)), date(2027, 1, 2),
                            ReferralRoute.PANEL)
    assert referral_form_problems(bad, ON) == [
        "service user: a name is needed",
        "service user: the date of birth is in the future",
        "the referral date is in the future",
    ]
    assert words(ReferralRoute.MARAC) == "MARAC" and words(Agency.CHILDRENS_SERVICES) == "children's services"
    assert words(Strand.BEHAVIOUR_CHANGE) == "Behaviour change" and words(Agency.SUBSTANCE_USE) == "substance use"
    assert LinkedVictim("l", LinkKind.HIDDEN_VICTIM).hidden
