"""The due list: what is included, wording, ranking (stable and explained), JSON output and speed."""

from __future__ import annotations

import random
import time
from dataclasses import replace
from datetime import date, timedelta

import jsonschema
import pytest

from caseload.domain.casefile import CaseFile
from caseload.domain.due import (
    DUE_JSON_SCHEMA,
    DueItem,
    DueKind,
    as_json,
    due_items,
    explain_rank,
    priority,
    sort_key,
)
from caseload.domain.enums import (
    CaseKind,
    Channel,
    ContactKind,
    ContactOutcome,
    DriveInfoKind,
    MilestoneKind,
    OrderType,
    RiskLevel,
)
from caseload.domain.model import CjsMilestone, DriveInfo, ProtectiveOrder, VictimUpdate
from caseload.domain.victims_code import obligations_for
from tests.unit.domain.factories import (
    case,
    casefile,
    contact,
    dash,
    incident,
    marac_referral,
    milestone,
    noon,
    order,
    plan,
)

ON = date(2026, 12, 29)  # Tuesday, first working day after Christmas


def kinds(items: list[DueItem]) -> list[DueKind]:
    return [i.kind for i in items]


def of_kind(items: list[DueItem], kind: DueKind) -> list[DueItem]:
    return [i for i in items if i.kind == kind]


def caseload() -> list[CaseFile]:
    """A small mixed caseload seen on Tue 29 Dec 2026."""
    charged = casefile(
        RiskLevel.HIGH,
        milestones=lambda cid: (milestone(cid, MilestoneKind.CHARGED, date(2026, 12, 24)),),
        contacts=lambda cid: (contact(cid, noon(date(2026, 12, 24))),),
        plans=lambda cid: (plan(cid, date(2026, 12, 1), date(2027, 2, 1)),),
        marac_referrals=lambda cid: (marac_referral(cid, date(2026, 12, 2)),),
    )
    no_contact = casefile(
        RiskLevel.HIGH,
        contacts=lambda cid: (contact(cid, noon(date(2026, 12, 13))),),
        plans=lambda cid: (plan(cid, date(2026, 12, 1), date(2027, 2, 1)),),
    )
    dash_review = casefile(
        RiskLevel.MEDIUM,
        dash=lambda cid: (dash(cid, date(2026, 10, 26), yes=11),),
        contacts=lambda cid: (contact(cid, noon(date(2026, 12, 22))),),
    )
    bail = casefile(
        RiskLevel.STANDARD,
        orders=lambda cid: (order(cid, OrderType.PRE_CHARGE_BAIL, date(2026, 11, 1), date(2027, 1, 5)),),
        contacts=lambda cid: (contact(cid, noon(date(2026, 12, 20))),),
    )
    closed = casefile(
        RiskLevel.MEDIUM,
        case_kw={"closed_on": date(2026, 12, 20), "worker_id": "worker-b"},
        milestones=lambda cid: (milestone(cid, MilestoneKind.VERDICT, date(2026, 12, 18)),),
    )
    return [charged, no_contact, dash_review, bail, closed]


def test_golden_rows() -> None:
    items = due_items(caseload(), ON)
    updates = of_kind(items, DueKind.VICTIM_UPDATE)
    charge = next(u for u in updates if "charge" in u.reason)
    assert charge.reason == "Victim update owed: charge decision on 24 Dec 2026 (enhanced: 1 working day)"
    assert (charge.due_on, charge.days_overdue, charge.tab, charge.risk) == (ON, 0, "updates", RiskLevel.HIGH)
    contact_row = next(
        i for i in of_kind(items, DueKind.CONTACT) if i.risk == RiskLevel.HIGH and i.days_overdue > 0
    )
    assert contact_row.reason == "No contact for 16 days since 13 Dec 2026 (weekly cadence)"
    assert (contact_row.due_on, contact_row.days_overdue, contact_row.tab) == (
        date(2026, 12, 20),
        9,
        "contacts",
    )
    review = of_kind(items, DueKind.DASH_REVIEW)[0]
    assert review.reason == "DASH review due: last DASH 26 Oct 2026 (every 8 weeks)"
    assert (review.due_on, review.days_overdue, review.tab) == (date(2026, 12, 21), 8, "risk")
    bail = of_kind(items, DueKind.ORDER_EXPIRY)[0]
    assert bail.reason == "Bail conditions end 5 Jan 2027: review the safety plan"
    assert (bail.due_on, bail.days_overdue, bail.tab) == (date(2026, 12, 29), 0, "orders")


def test_closed_case_only_contributes_untold_updates() -> None:
    items = due_items(caseload(), ON, worker_id="worker-b")
    assert kinds(items) == [DueKind.VICTIM_UPDATE]
    assert items[0].reason == "Victim update owed: verdict on 18 Dec 2026 (enhanced: 1 working day)"
    assert items[0].days_overdue == 8  # due Mon 21 Dec


def test_told_updates_drop_off() -> None:
    cf = caseload()[0]
    (owed,) = obligations_for(cf.milestones[0], cf.case)
    told = replace(owed, told_on=ON, told_channel=Channel.PHONE)
    items = due_items([replace(cf, updates=(told,))], ON)
    assert DueKind.VICTIM_UPDATE not in kinds(items)


def test_worker_filter() -> None:
    items = due_items(caseload(), ON, worker_id="worker-a")
    assert items and all(i.worker_id == "worker-a" for i in items)
    assert due_items(caseload(), ON, worker_id="nobody") == []


def test_horizon() -> None:
    cf = casefile(RiskLevel.STANDARD, contacts=lambda cid: (contact(cid, noon(date(2026, 12, 8))),))
    # next contact due 5 Jan 2027: 7 days ahead of 29 Dec
    (row,) = of_kind(due_items([cf], ON), DueKind.CONTACT)
    assert row.days_overdue == -7
    assert priority(row) == 1
    assert of_kind(due_items([cf], ON, horizon_days=6), DueKind.CONTACT) == []


def test_ranking_is_priority_then_stable_ties() -> None:
    items = due_items(caseload(), ON)
    prios = [priority(i) for i in items]
    assert prios == sorted(prios, reverse=True)
    assert items[0].reason == "No contact for 16 days since 13 Dec 2026 (weekly cadence)"
    assert priority(items[0]) == 3 * (1 + 9)
    for _ in range(20):
        shuffled = caseload()
        random.shuffle(shuffled)
        # same records, new order: ranking identical (references differ per build, so compare shape)
        again = due_items(shuffled, ON)
        assert [(i.kind, i.due_on, priority(i)) for i in again] == [
            (i.kind, i.due_on, priority(i)) for i in items
        ]
    fixed = caseload()
    expected = due_items(fixed, ON)
    for seed in range(20):
        order_ = list(fixed)
        random.Random(seed).shuffle(order_)
        assert due_items(order_, ON) == expected


def test_ties_break_on_due_date_then_reference_then_kind() -> None:
    a = casefile(RiskLevel.HIGH, case_kw={"reference": "C-2026-0002"})
    b = casefile(RiskLevel.HIGH, case_kw={"reference": "C-2026-0001"})
    items = due_items([a, b], date(2026, 12, 2))
    refs = [(i.case_reference, i.kind) for i in items if i.days_overdue <= 0]
    assert refs[:2] == [("C-2026-0001", DueKind.FIRST_ATTEMPT), ("C-2026-0002", DueKind.FIRST_ATTEMPT)]


def test_explain_rank() -> None:
    items = due_items(caseload(), ON)
    assert explain_rank(items[0]).startswith("priority 30 = high risk weight 3 × (1 + 9); 9 days overdue")
    today = next(i for i in items if i.days_overdue == 0 and i.risk == RiskLevel.HIGH)
    assert "due today" in explain_rank(today)
    future = replace(today, days_overdue=-3)
    assert "due in 3 days (counts as 0 overdue)" in explain_rank(future)


def test_first_attempt_before_any_contact() -> None:
    cf = casefile(RiskLevel.MEDIUM, case_kw={"opened_on": date(2026, 12, 24)})
    items = due_items([cf], ON)
    first = of_kind(items, DueKind.FIRST_ATTEMPT)[0]
    assert first.reason == "First contact attempt due: referred 24 Dec 2026 (target 1 working day)"
    assert first.due_on == ON
    tried = replace(
        cf, contacts=(contact(cf.case.id, noon(ON), ContactKind.ATTEMPT, ContactOutcome.NO_ANSWER),)
    )
    assert of_kind(due_items([tried], ON), DueKind.FIRST_ATTEMPT) == []


def test_high_risk_without_plan_replaces_plan_review() -> None:
    cf = casefile(RiskLevel.HIGH, plans=lambda cid: (plan(cid, date(2026, 10, 1), date(2026, 12, 1)),))
    items = due_items([cf], ON)
    assert of_kind(items, DueKind.PLAN_REVIEW) == []
    (row,) = of_kind(items, DueKind.HIGH_RISK_NO_PLAN)
    assert row.reason == "High risk and the safety plan review was due 1 Dec 2026"
    assert (row.days_overdue, row.tab) == (28, "plan")
    medium = casefile(RiskLevel.MEDIUM, plans=lambda cid: (plan(cid, date(2026, 10, 1), date(2026, 12, 1)),))
    assert kinds(of_kind(due_items([medium], ON), DueKind.PLAN_REVIEW)) == [DueKind.PLAN_REVIEW]


def test_marac_referral_due_on_a_repeat_incident() -> None:
    cf = casefile(
        RiskLevel.HIGH,
        marac_referrals=lambda cid: (marac_referral(cid, date(2026, 6, 1)),),
        incidents=lambda cid: (incident(cid, date(2026, 12, 20)),),
        plans=lambda cid: (plan(cid, date(2026, 12, 1), date(2027, 2, 1)),),
    )
    (row,) = of_kind(due_items([cf], ON), DueKind.MARAC_REFERRAL)
    assert row.reason == "MARAC referral criteria met since 20 Dec 2026: repeat"
    assert row.tab == "risk"
    referred = replace(
        cf, marac_referrals=(*cf.marac_referrals, marac_referral(cf.case.id, date(2026, 12, 21)))
    )
    assert of_kind(due_items([referred], ON), DueKind.MARAC_REFERRAL) == []


def test_dash_review_brought_forward_by_an_incident() -> None:
    cf = casefile(
        dash=lambda cid: (dash(cid, date(2026, 12, 1), yes=3),),
        incidents=lambda cid: (incident(cid, date(2026, 12, 22)),),
    )
    (row,) = of_kind(due_items([cf], ON), DueKind.DASH_REVIEW)
    assert row.reason == "DASH review due: new incident on 22 Dec 2026 after the DASH of 1 Dec 2026"
    assert row.days_overdue == 7


def test_drive_information_for_the_idva() -> None:
    cf = casefile(RiskLevel.HIGH, plans=lambda cid: (plan(cid, date(2026, 12, 1), date(2027, 2, 1)),))
    info = DriveInfo(
        id="di",
        perpetrator_case_id="p",
        victim_case_id=cf.case.id,
        learned_on=date(2026, 12, 24),
        kind=DriveInfoKind.RELEASE_DATE,
    )
    (row,) = of_kind(due_items([replace(cf, drive_info=(info,))], ON), DueKind.DRIVE_INFO)
    assert (
        row.reason == "Drive update owed to the IDVA: release date learned on 24 Dec 2026 (due 29 Dec 2026)"
    )
    assert row.tab == "updates"


def test_perpetrator_case_has_no_victim_side_items() -> None:
    cf = casefile(
        RiskLevel.HIGH,
        case_kw={"kind": CaseKind.PERPETRATOR},
        milestones=lambda cid: (milestone(cid, MilestoneKind.CHARGED, date(2026, 12, 24)),),
        dash=lambda cid: (dash(cid, date(2026, 1, 1), yes=20),),
    )
    assert set(kinds(due_items([cf], ON))) <= {DueKind.CONTACT, DueKind.FIRST_ATTEMPT, DueKind.ORDER_EXPIRY}


def test_json_validates_against_the_schema() -> None:
    rows = as_json(due_items(caseload(), ON))
    assert rows
    validator = jsonschema.Draft202012Validator(DUE_JSON_SCHEMA, format_checker=jsonschema.FormatChecker())
    jsonschema.Draft202012Validator.check_schema(DUE_JSON_SCHEMA)
    validator.validate(rows)
    assert rows[0]["priority"] == 30
    assert rows[0]["due_on"] == "2026-12-20"
    assert set(rows[0]) == {
        "kind",
        "case_reference",
        "due_on",
        "days_overdue",
        "risk",
        "reason",
        "worker_id",
        "priority",
        "tab",
    }
    bad = [dict(rows[0], risk="extreme")]
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(bad)
    with pytest.raises(jsonschema.ValidationError):
        validator.validate([dict(rows[0], surplus=1)])


def service_caseload(n: int = 10_000, on: date = ON) -> list[CaseFile]:
    """A service-scale caseload: ``n`` cases with 30 contacts each, most up to date, some with CJS
    milestones (half already told), orders, plans and MARAC referrals; about 1 due item per case."""
    rng = random.Random(7)
    risks = [RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.STANDARD]
    files: list[CaseFile] = []
    for k in range(n):
        risk = risks[k % 3]
        cadence = {RiskLevel.HIGH: 7, RiskLevel.MEDIUM: 14, RiskLevel.STANDARD: 28}[risk]
        cid = f"case{k}"
        last = on - timedelta(days=rng.randrange(int(cadence * 1.3)))
        contacts = tuple(
            contact(cid, noon(last - timedelta(days=cadence * j)), ContactKind.CONTACT, ContactOutcome.SPOKE)
            for j in reversed(range(30))
        )
        opened = last - timedelta(days=cadence * 30)
        dashes = (dash(cid, on - timedelta(days=rng.randrange(70)), yes=rng.randrange(6, 20)),)
        milestones: tuple[CjsMilestone, ...] = ()
        updates: tuple[VictimUpdate, ...] = ()
        if rng.random() < 0.2:
            m = milestone(cid, MilestoneKind.CHARGED, on - timedelta(days=rng.randrange(20)))
            milestones = (m,)
            if rng.random() < 0.5:
                (owed,) = obligations_for(m, case(id=cid))
                updates = (replace(owed, told_on=m.occurred_on, told_channel=Channel.PHONE),)
        orders: tuple[ProtectiveOrder, ...] = ()
        if rng.random() < 0.1:
            orders = (order(cid, OrderType.NON_MOLESTATION, opened, on + timedelta(days=rng.randrange(60))),)
        plans = (plan(cid, opened, on + timedelta(days=rng.randrange(-5, 80))),)
        files.append(
            casefile(
                risk,
                case_kw={"opened_on": opened, "id": cid, "reference": f"C-2026-{k:05d}"},
                contacts=contacts,
                dash=dashes,
                milestones=milestones,
                updates=updates,
                orders=orders,
                plans=plans,
                marac_referrals=(marac_referral(cid, dashes[0].assessed_on),)
                if risk == RiskLevel.HIGH
                else (),
            )
        )
    return files


def test_ten_thousand_cases_is_fast() -> None:
    files = service_caseload()
    due_items(files, ON)  # warm the calendar and id caches
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        items = due_items(files, ON)
        best = min(best, time.perf_counter() - start)
    assert 5_000 < len(items) < 20_000
    assert best < 0.75, f"due list for 10,000 cases took {best * 1000:.0f} ms"


def test_rank_matches_the_documented_sort_key() -> None:
    items = due_items(service_caseload(2_000), ON)
    assert items == sorted(items, key=sort_key)
