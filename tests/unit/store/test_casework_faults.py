"""Fault tests: every casework write fails at each of its steps in turn → nothing of it is stored, the audit
chain still verifies and the store still opens; then the same call, unfaulted, does write."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

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
    SafetyCategory,
    VictimStatus,
)
from caseload.domain.forms import MaracAction, PersonDetails
from caseload.domain.model import Case, ProtectiveOrder, SafetyPlanItem, VictimUpdate
from caseload.store import audit
from caseload.store import casework_io as io
from caseload.store.store import Store
from tests.conftest import PASSPHRASE
from tests.unit.store.casework_helpers import answers, referral_form, snapshot


class Boom(OSError):
    """The injected fault (as a full disk would raise)."""


@dataclass
class World:
    referred: Case
    active: Case
    closed: Case
    listing_id: str
    item: SafetyPlanItem
    order: ProtectiveOrder
    update: VictimUpdate


def _world(store: Store) -> World:
    referred = store.create_victim_case(referral_form()).case
    other = PersonDetails(given_name="Sample", family_name="Victim", date_of_birth=date(1988, 3, 3))
    active = store.create_victim_case(referral_form(victim=other)).case
    active = store.change_status(active, VictimStatus.ASSESSMENT)
    store.save_dash(active.id, answers(15), assessed_on=date(2026, 12, 9))
    ref, _ = store.refer_to_marac(
        active.id, on=date(2026, 12, 10), consent=Consent.CONSENTED, feared="Exemplar", safe_to_talk="Sister"
    )
    listing = store.record_marac_listing(active.id, meeting_on=date(2026, 12, 17), referral_id=ref.id)
    item = store.add_plan_item(
        active.id, on=date(2026, 12, 17), category=SafetyCategory.HOUSING, risk="r", action="a", who="IDVA"
    )
    order = store.add_order(active.id, kind=OrderType.PRE_CHARGE_BAIL, starts_on=date(2026, 12, 1))
    _, updates = store.add_milestone(active.id, kind=MilestoneKind.ARREST, occurred_on=date(2026, 12, 1))
    third = PersonDetails(given_name="Third", family_name="Example", date_of_birth=date(1970, 1, 1))
    closed = store.create_victim_case(referral_form(victim=third)).case
    closed = store.close_case(
        closed, on=date(2026, 12, 20), reason=ClosureReason.DECLINED, abuse_stopped=None, feels_safer=None
    )
    active = store.casefile_for(active).case
    return World(referred, active, closed, listing.id, item, order, updates[0])


_AT = datetime(2026, 12, 8, 11, tzinfo=UTC)
_NEW = PersonDetails(given_name="Fourth", family_name="Example", date_of_birth=date(1999, 9, 9))
_ACTION = MaracAction("Housing", "Priority move", date(2027, 1, 8))

SCENARIOS: dict[str, Callable[[Store, World], Any]] = {
    "create_victim_case": lambda s, w: s.create_victim_case(referral_form(victim=_NEW)),
    "log_contact": lambda s, w: s.log_contact(
        w.referred.id,
        at=_AT,
        kind=ContactKind.CONTACT,
        channel=Channel.PHONE,
        outcome=ContactOutcome.SPOKE,
        minutes=10,
        note="Spoke; safe to talk.",
    ),
    "change_status": lambda s, w: s.change_status(w.referred, VictimStatus.CONTACT_ATTEMPTS),
    "save_dash": lambda s, w: s.save_dash(w.active.id, answers(9), assessed_on=date(2026, 12, 30)),
    "refer_to_marac": lambda s, w: s.refer_to_marac(
        w.active.id,
        on=date(2026, 12, 11),
        consent=Consent.AWARE_NOT_CONSENTED,
        consent_note="Fears reprisal",
        feared="Exemplar",
        safe_to_talk="Nobody",
    ),
    "record_marac_listing": lambda s, w: s.record_marac_listing(
        w.active.id, meeting_on=date(2027, 1, 14), actions=[_ACTION, _ACTION]
    ),
    "add_marac_actions": lambda s, w: s.add_marac_actions(w.listing_id, [_ACTION]),
    "add_plan_item": lambda s, w: s.add_plan_item(
        w.referred.id, on=date(2026, 12, 9), category=SafetyCategory.ESCAPE_PLAN, risk="r", action="a", who="V"
    ),
    "update_plan_item": lambda s, w: s.update_plan_item(replace(w.item, status=ItemStatus.DONE)),
    "set_plan_review": lambda s, w: s.set_plan_review(w.active.id, date(2027, 1, 20), on=date(2026, 12, 20)),
    "add_order": lambda s, w: s.add_order(
        w.active.id, kind=OrderType.NON_MOLESTATION, starts_on=date(2026, 12, 2), ends_on=date(2027, 12, 2)
    ),
    "update_order": lambda s, w: s.update_order(replace(w.order, ends_on=date(2027, 1, 5))),
    "record_breach": lambda s, w: s.record_breach(w.order.id, occurred_on=date(2026, 12, 27), note="Came to the door"),
    "add_milestone": lambda s, w: s.add_milestone(
        w.active.id, kind=MilestoneKind.CHARGED, occurred_on=date(2026, 12, 24)
    ),
    "mark_update_told": lambda s, w: s.mark_update_told(w.update, told_on=date(2026, 12, 2), channel=Channel.PHONE),
    "close_case": lambda s, w: s.close_case(
        w.active, on=date(2027, 1, 30), reason=ClosureReason.DECEASED, abuse_stopped=None, feels_safer=None
    ),
    "reopen_case": lambda s, w: s.reopen_case(w.closed),
}


@pytest.fixture
def world(store: Store) -> Iterator[World]:
    yield _world(store)


def _faulty(after: int, counter: list[int], real: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        counter[0] += 1
        if counter[0] == after:
            raise Boom(28, "No space left on device")
        return real(*args, **kwargs)

    return wrapped


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_fault_at_every_step_stores_nothing(
    name: str, store: Store, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = SCENARIOS[name]
    before = snapshot(store)
    step = 1
    while True:
        counter = [0]
        with monkeypatch.context() as m:
            m.setattr(io, "insert_record", _faulty(step, counter, io.insert_record))
            m.setattr(io, "bump", _faulty(step, counter, io.bump))
            m.setattr(audit, "append", _faulty(step, counter, audit.append))
            try:
                scenario(store, world)
            except Boom:
                assert snapshot(store) == before, f"{name}: step {step} left records behind"
                step += 1
                continue
        break
    assert step >= 2, f"{name}: no write step was faulted"
    assert snapshot(store) != before, f"{name}: the unfaulted call wrote nothing"
    assert store.check().ok


def test_store_opens_and_checks_after_faults(
    store: Store, world: World, store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise Boom(5, "Input/output error")

    monkeypatch.setattr(audit, "append", fail)
    for scenario in SCENARIOS.values():
        with pytest.raises(Boom):
            scenario(store, world)
    monkeypatch.undo()
    store.lock()
    again = Store.open(store_dir, PASSPHRASE)
    try:
        assert again.check().ok
        assert {c.id for c in again.cases()} == {world.referred.id, world.active.id, world.closed.id}
    finally:
        again.lock()
