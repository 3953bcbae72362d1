"""Review figures per worker: each figure counts exactly the cases it should, on hand-built case files."""

from __future__ import annotations

from datetime import date, timedelta

from caseload.domain.enums import ClosureReason, ContactKind, ContactOutcome, RiskLevel, VictimStatus
from caseload.domain.model import VictimUpdate
from caseload.domain.review import (
    DEFAULT_REVIEW,
    Figure,
    ReviewSettings,
    case_figures,
    month_index,
    team_totals,
    window_start,
    worker_figures,
)
from tests.unit.domain.factories import casefile, contact, dash, noon, plan, referral, uid

ON = date(2026, 12, 4)


def _update(case_id: str, due: date, told: date | None = None) -> VictimUpdate:
    return VictimUpdate(
        id=uid("upd"), case_id=case_id, event="charge decision", event_on=due - timedelta(days=1), due_on=due,
        who_tells="police", told_on=told,
    )


def test_window_and_months() -> None:
    assert window_start(ON) == date(2025, 12, 5)
    assert month_index(date(2026, 12, 1), ON, 12) == 11
    assert month_index(date(2026, 1, 31), ON, 12) == 0
    assert month_index(date(2025, 12, 31), ON, 12) is None
    assert month_index(date(2027, 1, 1), ON, 12) is None


def test_well_kept_case_counts_only_as_open_and_new() -> None:
    cf = casefile(
        case_kw={"opened_on": date(2026, 11, 20)},
        referrals=lambda cid: (referral(cid, date(2026, 11, 20)),),
        contacts=lambda cid: (contact(cid, noon(date(2026, 11, 21))), contact(cid, noon(date(2026, 12, 2)))),
        dash=lambda cid: (dash(cid, date(2026, 11, 21)),),
    )
    found, days = case_figures(cf, ON)
    assert found == {Figure.OPEN, Figure.NEW_12M, Figure.FIRST_ATTEMPT}
    assert days == 1


def test_each_problem_is_counted() -> None:
    old = date(2026, 6, 1)
    cf = casefile(
        RiskLevel.HIGH,
        case_kw={"opened_on": old},
        referrals=lambda cid: (referral(cid, old),),
        contacts=lambda cid: (
            contact(cid, noon(date(2026, 6, 5)), ContactKind.ATTEMPT, ContactOutcome.NO_ANSWER),
            contact(cid, noon(date(2026, 10, 1))),
        ),
        dash=lambda cid: (dash(cid, date(2026, 6, 10), yes=15),),
        updates=lambda cid: (_update(cid, date(2026, 11, 30)),),
    )
    found, days = case_figures(cf, ON)
    assert found == {
        Figure.OPEN, Figure.NEW_12M, Figure.OVERDUE_CONTACTS, Figure.UPDATES_LATE, Figure.DASH_OVERDUE,
        Figure.HIGH_NO_PLAN, Figure.FIRST_ATTEMPT, Figure.NO_CONTACT_30,
    }
    assert days == 4


def test_told_update_current_plan_and_recent_contact_clear_the_flags() -> None:
    cf = casefile(
        RiskLevel.HIGH,
        case_kw={"opened_on": date(2026, 11, 1)},
        contacts=lambda cid: (contact(cid, noon(date(2026, 12, 1))),),
        dash=lambda cid: (dash(cid, date(2026, 11, 2), yes=15),),
        plans=lambda cid: (plan(cid, date(2026, 11, 2), date(2026, 12, 4)),),  # review today: not overdue
        updates=lambda cid: (_update(cid, date(2026, 11, 30), told=date(2026, 11, 30)),),
    )
    found, _ = case_figures(cf, ON)
    assert found == {Figure.OPEN, Figure.NEW_12M, Figure.FIRST_ATTEMPT}


def test_no_contact_30_counts_from_referral_when_never_contacted_and_not_when_closed() -> None:
    never = casefile(case_kw={"opened_on": date(2026, 11, 4)})  # exactly 30 days ago
    assert Figure.NO_CONTACT_30 in case_figures(never, ON)[0]
    recent = casefile(case_kw={"opened_on": date(2026, 11, 5)})
    assert Figure.NO_CONTACT_30 not in case_figures(recent, ON)[0]
    closed = casefile(
        case_kw={"opened_on": date(2026, 1, 4), "closed_on": date(2026, 3, 1), "status": "closed",
                 "closure_reason": ClosureReason.RISK_REDUCED},
    )
    found, _ = case_figures(closed, ON)
    assert found == {Figure.NEW_12M}


def test_paused_case_is_not_overdue_for_contact_but_still_shows_no_contact() -> None:
    cf = casefile(case_kw={"opened_on": date(2026, 9, 1), "status": VictimStatus.DORMANT.value})
    found, _ = case_figures(cf, ON)
    assert Figure.OVERDUE_CONTACTS not in found and Figure.NO_CONTACT_30 in found


def test_worker_figures_median_months_and_benchmark() -> None:
    files = []
    for n, gap in enumerate((0, 1, 2, 10)):
        opened = date(2026, 1 + n, 5)
        files.append(casefile(
            case_kw={"opened_on": opened, "worker_id": "w1"},
            contacts=lambda cid, o=opened, g=gap: (contact(cid, noon(o + timedelta(days=g))),),
        ))
    files.append(casefile(case_kw={"opened_on": date(2024, 1, 1), "worker_id": "w2"}))  # outside window
    figures = worker_figures(files, ON)
    w1, w2 = figures["w1"], figures["w2"]
    assert w1.count(Figure.NEW_12M) == 4 and w1.count(Figure.OPEN) == 4
    assert w1.median_first_attempt == 1.5 and len(w1.first_attempt_days) == 4
    assert w1.new_by_month[:4] == (1, 1, 1, 1) and sum(w1.new_by_month) == 4
    assert w1.cases[Figure.NEW_12M] == tuple(cf.case.id for cf in files[:4])
    assert w2.median_first_attempt is None and w2.count(Figure.NEW_12M) == 0 and w2.count(Figure.OPEN) == 1
    assert not w1.above_benchmark()
    assert w1.above_benchmark(ReviewSettings(caseload_high=3))
    total = team_totals(figures.values())
    assert total.count(Figure.OPEN) == 5 and total.median_first_attempt == 1.5


def test_seventy_one_new_cases_are_above_the_benchmark() -> None:
    files = [casefile(case_kw={"opened_on": ON - timedelta(days=n % 300), "worker_id": "busy"}) for n in range(71)]
    busy = worker_figures(files, ON)["busy"]
    assert busy.count(Figure.NEW_12M) == 71 and busy.above_benchmark()
    assert sum(busy.new_by_month) == 71
    assert DEFAULT_REVIEW.caseload_high == 70
