"""Contact cadence, first attempt KPI, order alerts, plans, retention, RFG and the serial flag."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from caseload.domain.enums import (
    CaseKind,
    ChildAgeBand,
    ClosureReason,
    ContactKind,
    ContactOutcome,
    OrderType,
    RiskLevel,
    VictimStatus,
)
from caseload.domain.model import CaseLink, Child
from caseload.domain.schedules import (
    RfgSettings,
    ScheduleSettings,
    contact_day,
    effective_risk,
    first_attempt_days,
    first_attempt_due,
    high_risk_without_plan,
    next_contact_due,
    order_alerts,
    plan_review_due,
    retention,
    retention_date,
    rfg,
    serial_flag,
    victim_count_5y,
)
from tests.unit.domain.factories import casefile, contact, dash, incident, noon, order, plan, referral


@pytest.mark.parametrize(
    ("risk", "due"),
    [
        (RiskLevel.HIGH, date(2026, 12, 17)),
        (RiskLevel.MEDIUM, date(2026, 12, 24)),
        (RiskLevel.STANDARD, date(2027, 1, 7)),
    ],
)
def test_next_contact_after_last_successful_contact(risk: RiskLevel, due: date) -> None:
    cf = casefile(
        risk,
        contacts=lambda cid: (
            contact(cid, noon(date(2026, 12, 3))),
            contact(cid, noon(date(2026, 12, 10))),
            contact(cid, noon(date(2026, 12, 12)), ContactKind.ATTEMPT, ContactOutcome.NO_ANSWER),
        ),
    )
    assert next_contact_due(cf) == due


def test_unsuccessful_contact_kinds_do_not_reset_the_cadence() -> None:
    cf = casefile(
        RiskLevel.HIGH,
        contacts=lambda cid: (
            contact(cid, noon(date(2026, 12, 3))),
            contact(cid, noon(date(2026, 12, 9)), ContactKind.CONTACT, ContactOutcome.UNSAFE_TO_TALK),
            contact(cid, noon(date(2026, 12, 9)), ContactKind.ATTEMPT, ContactOutcome.LEFT_MESSAGE),
        ),
    )
    assert next_contact_due(cf) == date(2026, 12, 10)


def test_before_any_contact_the_referral_date_counts() -> None:
    cf = casefile(RiskLevel.HIGH, referrals=lambda cid: (referral(cid, date(2026, 11, 28)),))
    assert next_contact_due(cf) == date(2026, 12, 5)
    assert next_contact_due(casefile(RiskLevel.MEDIUM)) == date(2026, 12, 15)  # opened 1 Dec + 14


def test_no_contact_due_when_closed_or_paused() -> None:
    assert next_contact_due(casefile(case_kw={"closed_on": date(2026, 12, 20)})) is None
    assert next_contact_due(casefile(case_kw={"status": VictimStatus.DORMANT.value})) is None


def test_effective_risk_follows_a_higher_dash() -> None:
    cf = casefile(RiskLevel.STANDARD, dash=lambda cid: (dash(cid, date(2026, 12, 2), yes=15),))
    assert effective_risk(cf) == RiskLevel.HIGH
    assert next_contact_due(cf) == date(2026, 12, 8)
    already_high = casefile(RiskLevel.HIGH, dash=lambda cid: (dash(cid, date(2026, 12, 2), yes=1),))
    assert effective_risk(already_high) == RiskLevel.HIGH


def test_contact_day_is_the_uk_day() -> None:
    cf = casefile()
    late_summer = contact(cf.case.id, datetime(2026, 7, 1, 23, 30, tzinfo=UTC))  # 00:30 BST on 2 Jul
    late_winter = contact(cf.case.id, datetime(2026, 12, 1, 23, 30, tzinfo=UTC))  # GMT
    assert contact_day(late_summer) == date(2026, 7, 2)
    assert contact_day(late_winter) == date(2026, 12, 1)


def test_first_attempt_target_and_kpi() -> None:
    cf = casefile(
        case_kw={"opened_on": date(2026, 12, 24)},
        contacts=lambda cid: (
            contact(cid, noon(date(2026, 12, 30)), ContactKind.ATTEMPT, ContactOutcome.NO_ANSWER),
        ),
    )
    assert first_attempt_due(cf.case) == date(2026, 12, 29)
    assert first_attempt_due(cf.case, ScheduleSettings(first_attempt_working_days=2)) == date(2026, 12, 30)
    assert first_attempt_due(cf.case, referred_on=date(2026, 12, 1)) == date(2026, 12, 2)
    assert first_attempt_days(cf) == 2
    assert first_attempt_days(replace(cf, contacts=())) is None


def test_order_alerts() -> None:
    cf = casefile(
        orders=lambda cid: (
            order(cid, OrderType.PRE_CHARGE_BAIL, date(2026, 11, 1), date(2027, 1, 12)),
            order(cid, OrderType.DVPO, date(2026, 12, 1), date(2026, 12, 29)),
            order(cid, OrderType.NON_MOLESTATION, date(2026, 12, 1), None),
        )
    )
    alerts = [(o.kind, when) for o, when in order_alerts(cf)]
    assert alerts == [(OrderType.DVPO, date(2026, 12, 28)), (OrderType.PRE_CHARGE_BAIL, date(2027, 1, 5))]


def test_renewed_order_does_not_alert() -> None:
    cf = casefile(
        orders=lambda cid: (
            order(cid, OrderType.PRE_CHARGE_BAIL, date(2026, 11, 1), date(2027, 1, 12)),
            order(cid, OrderType.PRE_CHARGE_BAIL, date(2027, 1, 10), date(2027, 4, 12)),
        )
    )
    assert [when for _, when in order_alerts(cf)] == [date(2027, 4, 5)]


def test_plan_review_and_high_risk_without_plan() -> None:
    on = date(2027, 1, 10)
    no_plan = casefile(RiskLevel.HIGH)
    assert plan_review_due(no_plan) is None
    assert high_risk_without_plan(no_plan, on)
    current = casefile(RiskLevel.HIGH, plans=lambda cid: (plan(cid, date(2026, 12, 2), date(2027, 1, 10)),))
    assert plan_review_due(current) == date(2027, 1, 10)
    assert not high_risk_without_plan(current, on)  # review due today is not overdue
    assert high_risk_without_plan(current, date(2027, 1, 11))
    old = casefile(
        RiskLevel.HIGH, plans=lambda cid: (plan(cid, date(2026, 6, 2), date(2026, 9, 1), current=False),)
    )
    assert high_risk_without_plan(old, on)
    assert not high_risk_without_plan(casefile(RiskLevel.MEDIUM), on)
    assert not high_risk_without_plan(casefile(RiskLevel.HIGH, case_kw={"closed_on": on}), on)


def test_retention_six_years_after_financial_year_end() -> None:
    june = casefile(case_kw={"closed_on": date(2026, 6, 15), "closure_reason": ClosureReason.RISK_REDUCED})
    assert retention_date(june) == date(2033, 4, 1)
    assert "due for disposal review from 1 Apr 2033" in retention(june).reason
    march = casefile(case_kw={"closed_on": date(2027, 3, 31)})
    assert retention_date(march) == date(2033, 4, 1)
    april = casefile(case_kw={"closed_on": date(2027, 4, 1)})
    assert retention_date(april) == date(2034, 4, 1)


def test_retention_waits_for_the_youngest_childs_25th_birthday() -> None:
    cf = casefile(
        case_kw={"closed_on": date(2026, 6, 15)},
        children=lambda cid: (
            Child(id="a", case_id=cid, given_name="A", date_of_birth=date(2014, 5, 1)),
            Child(id="b", case_id=cid, given_name="B", date_of_birth=date(2020, 2, 29)),
        ),
    )
    assert retention_date(cf) == date(2045, 3, 1)  # 29 Feb 2020 + 25 years → 1 Mar 2045
    assert "youngest child turns 25 on 1 Mar 2045" in retention(cf).reason
    older = casefile(
        case_kw={"closed_on": date(2026, 6, 15)},
        children=lambda cid: (Child(id="a", case_id=cid, given_name="A", date_of_birth=date(2005, 1, 1)),),
    )
    assert retention_date(older) == date(2033, 4, 1)  # 25th birthday (2030) is before the 6-year date


def test_retention_child_without_dob_uses_the_band() -> None:
    cf = casefile(
        case_kw={"closed_on": date(2026, 6, 15)},
        children=lambda cid: (Child(id="a", case_id=cid, given_name="A", age_band=ChildAgeBand.B5_10),),
    )
    assert retention_date(cf) == date(2046, 6, 15)  # at least 5 on closure → 25 by 15 Jun 2046 at the latest


def test_retention_none_while_open_or_on_hold() -> None:
    assert retention(casefile()).dispose_on is None
    assert retention(casefile()).reason == "case is open"
    held = retention(casefile(case_kw={"closed_on": date(2026, 6, 15), "legal_hold": True}))
    assert held.dispose_on is None and "legal hold" in held.reason
    dead = retention(
        casefile(case_kw={"closed_on": date(2026, 6, 15), "closure_reason": ClosureReason.DECEASED})
    )
    assert dead.dispose_on is None and "Domestic Homicide Review" in dead.reason


@pytest.mark.parametrize(
    ("days_ago", "recency"),
    [(0, 5), (30, 5), (31, 4), (90, 4), (91, 3), (180, 3), (181, 2), (365, 2), (366, 1)],
)
def test_rfg_recency(days_ago: int, recency: int) -> None:
    on = date(2027, 6, 30)
    result = rfg([incident("c", date.fromordinal(on.toordinal() - days_ago))], on)
    assert result.recency == recency


@pytest.mark.parametrize(
    ("count", "frequency"), [(1, 1), (2, 2), (3, 3), (4, 3), (5, 4), (9, 4), (10, 5), (14, 5)]
)
def test_rfg_frequency(count: int, frequency: int) -> None:
    on = date(2027, 6, 30)
    incs = [incident("c", date(2027, 1, 1 + k), gravity=2) for k in range(count)]
    assert rfg(incs, on).frequency == frequency


def test_rfg_total_and_gravity() -> None:
    on = date(2027, 6, 30)
    incs = [
        incident("c", date(2027, 6, 20), gravity=2),
        incident("c", date(2027, 3, 1), gravity=4),
        incident("c", date(2026, 1, 1), gravity=5),  # outside the 12 months: no effect on F or G
        incident("c", date(2027, 7, 5), gravity=5),  # in the future: ignored
    ]
    result = rfg(incs, on)
    assert (result.recency, result.frequency, result.gravity) == (5, 2, 4)
    assert result.total == 40
    assert result.last_incident_on == date(2027, 6, 20)
    assert rfg([], on).total == 0
    stale = rfg([incident("c", date(2025, 1, 1))], on)
    assert (stale.recency, stale.frequency, stale.gravity, stale.total) == (1, 0, 0, 0)
    custom = RfgSettings(recency=((10, 5),), recency_else=2)
    assert rfg([incident("c", date(2027, 6, 1))], on, custom).recency == 2


def test_serial_flag() -> None:
    assert not serial_flag(1)
    assert serial_flag(2)
    on = date(2027, 6, 30)

    def links(cid: str) -> tuple[CaseLink, ...]:
        return (
            CaseLink(id="l1", perpetrator_case_id=cid, victim_person_id="v1", recorded_on=date(2023, 1, 1)),
            CaseLink(id="l2", perpetrator_case_id=cid, victim_person_id="v2", recorded_on=date(2021, 1, 1)),
            CaseLink(id="l3", perpetrator_case_id=cid, victim_person_id="v1", recorded_on=date(2026, 1, 1)),
        )

    cf = casefile(case_kw={"kind": CaseKind.PERPETRATOR}, links=links)
    assert victim_count_5y(cf, on) == 1
    assert not serial_flag(victim_count_5y(cf, on))
    assert victim_count_5y(cf, date(2025, 12, 31)) == 2
