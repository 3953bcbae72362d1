"""Helpers: stores and populations for the export tests (synthetic data only)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from caseload.demo import derive_updates, records_of
from caseload.domain.enums import CaseKind, ReferralSource, Role
from caseload.domain.ids import new_id
from caseload.domain.model import Case, Person, Referral
from caseload.store.store import Store
from caseload.synthetic.generator import generate
from tests.conftest import FLOOR, PASSPHRASE
from tests.records import sample

SUPERVISOR = "S. Supervisor"


def supervisor_store(store_dir: Path) -> Store:
    """A new store signed in as a supervisor (partnership exports are theirs to run)."""
    return Store.create(store_dir, SUPERVISOR, Role.SUPERVISOR, PASSPHRASE, kdf=FLOOR)


def load_synthetic(store: Store, cases: int, seed: int = 3, today: date = date(2026, 12, 2)) -> None:
    """Load a seeded synthetic caseload (the demo's generator) into ``store``."""
    sc = generate(cases=cases, seed=seed, today=today)
    records = records_of(sc, derive_updates(sc, today))
    store.bulk_insert(records)


def add_cases(store: Store, n: int, opened: date, *, area: str = "Northshire",
              source: ReferralSource = ReferralSource.POLICE, canary: str | None = None) -> list[Case]:
    """``n`` victim cases opened on ``opened`` (open, no other records), each with a subject and referral."""
    people, cases, refs = [], [], []
    for i in range(n):
        person = sample(Person, canary)
        if canary is None:
            person = replace(person, given_name="Testina", family_name="Fictional", postcode="ZZ99 1AA")
        case = sample(Case, canary, kind=CaseKind.VICTIM, subject_id=person.id, opened_on=opened, closed_on=None,
                      closure_reason=None, area=area, referral_source=source, status="active_support",
                      reference=f"C-{opened.year}-{new_id()[-6:]}-{i}")
        ref = sample(Referral, canary, case_id=case.id, received_on=opened, source=source)
        people.append(person)
        cases.append(case)
        refs.append(ref)
    store.bulk_insert({"people": people, "cases": cases, "referrals": refs})
    return cases
