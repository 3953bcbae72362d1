"""MARAC criteria (each alone, the 12-month boundary, escalation count) and the referral document."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from caseload.domain.casefile import CaseFile
from caseload.domain.enums import CaseKind, Consent, DashAnswer, MaracCriterion, PersonRole, RiskLevel
from caseload.domain.marac import (
    CriterionResult,
    MaracSettings,
    build_referral,
    criteria_met,
    evaluate,
    to_record,
)
from caseload.domain.model import Child, MaracListing, Party, SafeContact
from tests.unit.domain.factories import casefile, dash, incident, marac_referral, person

ON = date(2027, 3, 20)


def met(results: tuple[CriterionResult, ...]) -> set[MaracCriterion]:
    return {r.criterion for r in criteria_met(results)}


def test_nothing_met_on_a_quiet_case() -> None:
    results = evaluate(casefile(dash=lambda cid: (dash(cid, date(2027, 1, 5), yes=9),)), ON)
    assert [r.criterion for r in results] == list(MaracCriterion)
    assert not any(r.met for r in results)
    by = {r.criterion: r.reason for r in results}
    assert by[MaracCriterion.VISIBLE_HIGH_RISK] == "visible high risk: DASH score 9 on 5 Jan 2027 is below 14"
    assert by[MaracCriterion.REPEAT] == "repeat: no previous MARAC referral"
    assert "0 incidents in the 12 months to 20 Mar 2027" in by[MaracCriterion.POTENTIAL_ESCALATION]


def test_visible_high_risk_alone() -> None:
    results = evaluate(casefile(dash=lambda cid: (dash(cid, date(2027, 2, 3), yes=14),)), ON)
    assert met(results) == {MaracCriterion.VISIBLE_HIGH_RISK}
    assert results[0].reason == "visible high risk: DASH score 14 on 3 Feb 2027 (14 or more)"


def test_visible_high_risk_uses_latest_dash_up_to_the_date() -> None:
    cf = casefile(dash=lambda cid: (dash(cid, date(2027, 1, 3), yes=16), dash(cid, date(2027, 2, 3), yes=13)))
    assert met(evaluate(cf, ON)) == set()
    assert met(evaluate(cf, date(2027, 1, 10))) == {MaracCriterion.VISIBLE_HIGH_RISK}


def test_professional_judgement_alone() -> None:
    cf = casefile(
        dash=lambda cid: (
            dash(
                cid, date(2027, 2, 3), yes=6, judgement_level=RiskLevel.HIGH, judgement_reason="new threats"
            ),
        )
    )
    results = evaluate(cf, ON)
    assert met(results) == {MaracCriterion.PROFESSIONAL_JUDGEMENT}
    assert "3 Feb 2027" in results[1].reason
    assert "new threats" not in results[1].reason  # free text never copied into reasons


def test_professional_judgement_needs_a_reason() -> None:
    cf = casefile(dash=lambda cid: (dash(cid, date(2027, 2, 3), judgement_level=RiskLevel.HIGH),))
    result = evaluate(cf, ON)[1]
    assert not result.met
    assert "no reason written" in result.reason


def test_medium_judgement_is_not_the_criterion() -> None:
    cf = casefile(
        dash=lambda cid: (
            dash(cid, date(2027, 2, 3), judgement_level=RiskLevel.MEDIUM, judgement_reason="x"),
        )
    )
    assert not evaluate(cf, ON)[1].met


@pytest.mark.parametrize(("count", "expected"), [(2, False), (3, True)])
def test_escalation_at_2_and_3_incidents(count: int, expected: bool) -> None:
    days = [date(2026, 6, 1), date(2026, 11, 5), date(2027, 2, 3)][-count:]
    cf = casefile(incidents=lambda cid: tuple(incident(cid, d) for d in days))
    result = evaluate(cf, ON)[2]
    assert result.criterion == MaracCriterion.POTENTIAL_ESCALATION
    assert result.met is expected
    assert met(evaluate(cf, ON)) == ({MaracCriterion.POTENTIAL_ESCALATION} if expected else set())
    assert "3 Feb 2027" in result.reason
    assert f"{count} incidents in the 12 months to 20 Mar 2027" in result.reason


def test_escalation_window_is_twelve_calendar_months_inclusive() -> None:
    days = [date(2026, 3, 20), date(2026, 11, 5), date(2027, 2, 3)]
    cf = casefile(incidents=lambda cid: tuple(incident(cid, d) for d in days))
    assert evaluate(cf, ON)[2].met  # 20 Mar 2026 is exactly 12 months before 20 Mar 2027: counts
    assert not evaluate(cf, ON + timedelta(days=1))[2].met
    assert not evaluate(cf, date(2027, 2, 2))[2].met  # the third incident is in the future


def test_escalation_threshold_is_configurable() -> None:
    cf = casefile(incidents=lambda cid: (incident(cid, date(2027, 1, 1)), incident(cid, date(2027, 2, 1))))
    assert evaluate(cf, ON, MaracSettings(escalation_incidents=2))[2].met


def _repeat_case(referred: date, incident_after_days: int) -> tuple[CriterionResult, ...]:
    happened = referred + timedelta(days=incident_after_days)
    cf = casefile(
        marac_referrals=lambda cid: (marac_referral(cid, referred),),
        incidents=lambda cid: (incident(cid, happened),),
    )
    return evaluate(cf, happened + timedelta(days=1))


@pytest.mark.parametrize(("days", "repeat"), [(1, True), (364, True), (365, True), (366, False)])
def test_repeat_boundary_non_leap(days: int, repeat: bool) -> None:
    results = _repeat_case(date(2026, 3, 10), days)
    result = results[3]
    assert result.criterion == MaracCriterion.REPEAT
    assert result.met is repeat
    if repeat:
        assert met(results) == {MaracCriterion.REPEAT}


def test_repeat_reason_wording() -> None:
    results = _repeat_case(date(2026, 3, 10), 365)
    assert results[3].reason == (
        "repeat: incident on 10 Mar 2027 is within 12 months of the MARAC referral of 10 Mar 2026"
    )
    late = _repeat_case(date(2026, 3, 10), 366)
    assert late[3].reason.startswith(
        "repeat: incident on 11 Mar 2027 is more than 12 months after the MARAC referral of 10 Mar 2026"
    )


@pytest.mark.parametrize(("days", "repeat"), [(365, True), (366, True), (367, False)])
def test_repeat_boundary_across_29_february(days: int, repeat: bool) -> None:
    # 1 Mar 2027 + 12 months = 1 Mar 2028, 366 days later (2028 is a leap year)
    assert _repeat_case(date(2027, 3, 1), days)[3].met is repeat


def test_repeat_from_29_february_referral() -> None:
    assert _repeat_case(date(2028, 2, 29), 365)[3].met  # 28 Feb 2029
    assert not _repeat_case(date(2028, 2, 29), 366)[3].met  # 1 Mar 2029


def test_repeat_needs_an_incident_after_the_referral() -> None:
    cf = casefile(
        marac_referrals=lambda cid: (marac_referral(cid, date(2027, 1, 10)),),
        incidents=lambda cid: (incident(cid, date(2027, 1, 10)),),
    )
    result = evaluate(cf, ON)[3]
    assert not result.met
    assert result.reason == "repeat: no incident since the MARAC referral of 10 Jan 2027"


def test_repeat_is_measured_from_the_last_referral() -> None:
    cf = casefile(
        marac_referrals=lambda cid: (
            marac_referral(cid, date(2025, 1, 10)),
            marac_referral(cid, date(2026, 6, 1)),
        ),
        incidents=lambda cid: (incident(cid, date(2027, 2, 3)),),
    )
    assert evaluate(cf, ON)[3].reason == (
        "repeat: incident on 3 Feb 2027 is within 12 months of the MARAC referral of 1 Jun 2026"
    )


def _full_case() -> CaseFile:
    perp = person(PersonRole.PERPETRATOR, given_name="John", family_name="Example")

    def parties(cid: str) -> tuple[Party, ...]:
        return (Party(id="pa1", case_id=cid, person_id=perp.id, role=PersonRole.PERPETRATOR),)

    return casefile(
        people=(perp,),
        parties=parties,
        children=lambda cid: (Child(id="ch1", case_id=cid, given_name="Amy"),),
        safe_contact=lambda cid: SafeContact(id="sc1", case_id=cid, safe_numbers=("07700 900000",)),
        dash=lambda cid: (dash(cid, date(2027, 2, 3), yes=15, judgement_reason=""),),
        marac_listings=lambda cid: (MaracListing(id="l1", case_id=cid, meeting_on=date(2026, 4, 2)),),
        marac_referrals=lambda cid: (marac_referral(cid, date(2026, 3, 10)),),
        incidents=lambda cid: (incident(cid, date(2027, 3, 1)),),
    )


def test_build_referral_document() -> None:
    cf = _full_case()
    doc = build_referral(
        cf,
        ON,
        consent=Consent.CONSENTED,
        feared="ex-partner",
        safe_to_talk="sister",
        not_safe_to_talk="mother-in-law",
    )
    assert doc.victim.given_name == "Jane"
    assert [p.given_name for p in doc.perpetrators] == ["John"]
    assert [c.given_name for c in doc.children] == ["Amy"]
    assert doc.safe_contact is not None and doc.safe_contact.safe_numbers == ("07700 900000",)
    assert doc.dash_score == 15
    assert doc.risk_level == RiskLevel.HIGH
    assert len(doc.dash_answers) == 24
    assert doc.dash_answers[0].number == 1 and doc.dash_answers[0].answer == DashAnswer.YES
    assert doc.dash_answers[23].answer == DashAnswer.NO
    assert doc.dash_answers[14].question.startswith("Has the person ever attempted to strangle")
    assert {c.criterion for c in doc.criteria} == {MaracCriterion.VISIBLE_HIGH_RISK, MaracCriterion.REPEAT}
    assert doc.meets_criteria and doc.is_repeat
    assert [m.meeting_on for m in doc.previous_listings] == [date(2026, 4, 2)]
    assert (doc.consent, doc.feared, doc.safe_to_talk, doc.not_safe_to_talk) == (
        Consent.CONSENTED,
        "ex-partner",
        "sister",
        "mother-in-law",
    )
    record = to_record(doc, "ref-new")
    assert record.referred_on == ON
    assert record.criteria == (MaracCriterion.VISIBLE_HIGH_RISK, MaracCriterion.REPEAT)
    assert (
        record.reasons[1]
        == "repeat: incident on 1 Mar 2027 is within 12 months of the MARAC referral of 10 Mar 2026"
    )


def test_build_referral_refuses_a_perpetrator_case() -> None:
    cf = casefile(case_kw={"kind": CaseKind.PERPETRATOR})
    with pytest.raises(ValueError):
        build_referral(cf, ON, consent=Consent.NOT_AWARE, feared="", safe_to_talk="", not_safe_to_talk="")
