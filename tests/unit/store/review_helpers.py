"""A small team store for review tests: a supervisor, two IDVAs with key slots, and cases built to land in
known review figures on TODAY (fictional names only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from caseload.domain.enums import (
    CaseKind,
    Channel,
    ClosureReason,
    ContactKind,
    ContactOutcome,
    PersonRole,
    ReferralSource,
    RiskLevel,
    Role,
)
from caseload.domain.ids import new_id
from caseload.domain.model import Case, Contact, DashAssessment, Person, Referral, User
from caseload.store import admin
from caseload.store.store import Store
from tests.conftest import FLOOR, PASSPHRASE
from tests.unit.domain.factories import answers

TODAY = date(2026, 12, 4)
LEAD, WORKER_A, WORKER_C = "S. Lead", "A. Worker", "C. Worker"


@dataclass(frozen=True)
class Team:
    """Ids of the team's users and cases by label."""

    users: dict[str, User]
    cases: dict[str, Case]


def _at(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 11, tzinfo=UTC)


def make_team_store(store_dir: Path) -> Team:
    """Create the store (left locked). Case labels: A-LATE (high risk, every problem), A-FINE, A-CLOSED (closed
    25 Nov, awaiting approval), C-FINE, C-CLOSED-OLD (closed 2025, outside the approval window)."""
    lead = User(id=new_id(), name=LEAD, role=Role.SUPERVISOR, team="North")
    a = User(id=new_id(), name=WORKER_A, role=Role.IDVA, team="North")
    c = User(id=new_id(), name=WORKER_C, role=Role.IDVA, team="North")
    s = Store.create(store_dir, LEAD, Role.SUPERVISOR, PASSPHRASE, kdf=FLOOR, first_user=lead)
    records: dict[str, list[Any]] = {"users": [a, c], "people": [], "cases": [], "contacts": [], "dash": [],
                                     "referrals": []}
    cases: dict[str, Case] = {}

    def add(label: str, worker: User, opened: date, *, risk: RiskLevel = RiskLevel.STANDARD,
            closed: date | None = None, contacts: tuple[date, ...] = (), dash_on: date | None = None) -> None:
        p = Person(id=new_id(), role=PersonRole.VICTIM, given_name=f"QZ{label.replace('-', '')}", family_name="Sample")
        case = Case(
            id=new_id(), reference=f"C-2026-{len(cases) + 1:04d}", kind=CaseKind.VICTIM, subject_id=p.id,
            worker_id=worker.id, status="closed" if closed else "active_support", opened_on=opened,
            risk_level=risk, closed_on=closed, closure_reason=ClosureReason.RISK_REDUCED if closed else None,
        )
        cases[label] = case
        records["people"].append(p)
        records["cases"].append(case)
        records["referrals"].append(Referral(new_id(), case.id, opened, ReferralSource.POLICE))
        for d in contacts:
            records["contacts"].append(Contact(new_id(), case.id, _at(d), ContactKind.CONTACT, Channel.PHONE,
                                               ContactOutcome.SPOKE, worker.id, 10))
        if dash_on is not None:
            yes = 15 if risk is RiskLevel.HIGH else 3
            records["dash"].append(DashAssessment(new_id(), case.id, dash_on, worker.id, answers(yes)))

    add("A-LATE", a, date(2026, 6, 1), risk=RiskLevel.HIGH, contacts=(date(2026, 6, 3), date(2026, 10, 1)),
        dash_on=date(2026, 6, 10))
    add("A-FINE", a, date(2026, 11, 20), contacts=(date(2026, 11, 20), date(2026, 12, 1)), dash_on=date(2026, 11, 21))
    add("A-CLOSED", a, date(2026, 3, 2), closed=date(2026, 11, 25), contacts=(date(2026, 3, 5),))
    add("C-FINE", c, date(2026, 11, 1), contacts=(date(2026, 11, 3), date(2026, 11, 28)), dash_on=date(2026, 11, 3))
    add("C-CLOSED-OLD", c, date(2025, 1, 6), closed=date(2025, 6, 1), contacts=(date(2025, 1, 7),))
    s.bulk_insert(records)
    admin.add_user(s, WORKER_A, Role.IDVA, PASSPHRASE, kdf=FLOOR)
    s.lock()
    return Team({"lead": lead, "a": a, "c": c}, cases)
