"""A store for the Drive tests: a supervisor, an IDVA holding a victim case full of canaries, two Drive case
managers (each with a key slot), and a Drive case allocated to the first of them (fictional people only)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from caseload.domain.drive import DriveReferralForm, ReferralRoute
from caseload.domain.enums import (
    Channel,
    ChildAgeBand,
    ContactKind,
    ContactOutcome,
    DriveStatus,
    RiskLevel,
    Role,
    SafetyCategory,
)
from caseload.domain.forms import ChildDetails, PersonDetails, SafeContactDetails
from caseload.store import admin
from caseload.store.store import Store
from tests.conftest import FLOOR, PASSPHRASE
from tests.unit.store.casework_helpers import referral_form

CANARY = "QZVICTIMSECRET"
SUPERVISOR, IDVA, DRIVE, DRIVE2 = "S. Lead", "A. Advisor", "D. Manager", "E. Manager"
ROLES = {SUPERVISOR: Role.SUPERVISOR, IDVA: Role.IDVA, DRIVE: Role.DRIVE, DRIVE2: Role.DRIVE}
RECEIVED = date(2026, 11, 2)
SU = PersonDetails(given_name="Exemplar", family_name="Person", date_of_birth=date(1985, 1, 9))


def passphrase(name: str) -> str:
    """Each user's passphrase."""
    return PASSPHRASE if name == SUPERVISOR else f"{PASSPHRASE} {name}"


def open_as(store_dir: Path, name: str) -> Store:
    """Unlock the store with ``name``'s key slot."""
    return Store.open(store_dir, passphrase(name), name)


def canary_victim() -> PersonDetails:
    """A victim with a canary in every level-3 and firewall field."""
    return PersonDetails(
        given_name=f"{CANARY}given",
        family_name=f"{CANARY}family",
        date_of_birth=date(1990, 4, 2),
        address=f"{CANARY}address",
        postcode=f"{CANARY}postcode",
        phone=f"{CANARY}phone",
        email=f"{CANARY}email",
        immigration_status=f"{CANARY}immigration",
        nrpf=True,
    )


def make_drive_world(store_dir: Path) -> dict[str, Any]:
    """Build the store (left locked); returns user ids, the victim case and the Drive case."""
    s = Store.create(store_dir, SUPERVISOR, Role.SUPERVISOR, passphrase(SUPERVISOR), kdf=FLOOR)
    try:
        users = {SUPERVISOR: s.me()}
        for name in (IDVA, DRIVE, DRIVE2):
            users[name] = admin.add_user(s, name, ROLES[name], passphrase(name), kdf=FLOOR)
        ids = {name: u.id for name, u in users.items() if u is not None}
        safe = SafeContactDetails(
            safe_numbers=(f"{CANARY}number",), safe_from="10:00", safe_until="14:00",
            code_word=f"{CANARY}code", who_must_not_know=f"{CANARY}mustnotknow",
        )
        form = referral_form(
            victim=canary_victim(), worker_id=ids[IDVA], safe_contact=safe, risk_level=RiskLevel.HIGH,
            referrer=f"{CANARY}referrer", reason=f"{CANARY}reason",
            children=(ChildDetails(f"{CANARY}child", ChildAgeBand.B5_10),),
        )
        victim = s.create_victim_case(form).case
        s.log_contact(victim.id, at=datetime(2026, 11, 3, 11, tzinfo=UTC), kind=ContactKind.CONTACT,
                      channel=Channel.PHONE, outcome=ContactOutcome.SPOKE, note=f"{CANARY}note")
        s.add_plan_item(victim.id, on=date(2026, 11, 3), category=SafetyCategory.HOUSING,
                        risk=f"{CANARY}risk", action=f"{CANARY}action", who="IDVA")
        drive = s.create_perpetrator_case(DriveReferralForm(SU, RECEIVED, ReferralRoute.MARAC, area="Exampleshire"))
        drive = s.allocate(drive, ids[DRIVE])
        assert drive.status == DriveStatus.ALLOCATED
        victim = s.casefile_for(victim).case
    finally:
        s.lock()
    return {"ids": ids, "victim": victim, "drive": drive, "dir": store_dir}


def level3_free(value: Any) -> bool:
    """True when no canary occurs anywhere in ``repr(value)``."""
    return CANARY not in repr(value)


def replace_version(record: Any, version: int) -> Any:
    """``record`` with another version (to make a stale write)."""
    return dataclasses.replace(record, version=version)
