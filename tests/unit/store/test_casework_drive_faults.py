"""Fault tests of the Drive writes: each fails at each of its steps in turn (insert, versioned update, audit
entry) → nothing of it is stored and the audit chain still verifies; then the same call, unfaulted, writes."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from caseload.domain.drive import (
    Agency,
    BehaviourType,
    DriveReferralForm,
    InterventionAction,
    ReferralRoute,
    SessionOutcome,
    Strand,
)
from caseload.domain.enums import DriveInfoKind, IncidentKind, ItemStatus, LinkKind
from caseload.domain.forms import PersonDetails
from caseload.store import audit
from caseload.store import casework_io as io
from caseload.store.store import Store
from tests.unit.store.casework_helpers import snapshot
from tests.unit.store.drive_helpers import DRIVE, make_drive_world, open_as

ON = date(2026, 12, 3)


class Boom(OSError):
    """The injected fault (as a full disk would raise)."""


@dataclasses.dataclass
class World:
    ids: dict[str, str]
    victim_id: str
    victim_reference: str
    drive: Any
    linked_drive_id: str
    action: InterventionAction


SCENARIOS: dict[str, Callable[[Store, World], Any]] = {
    "create_perpetrator_case": lambda s, w: s.create_perpetrator_case(
        DriveReferralForm(PersonDetails("Fresh", "Example"), ON, ReferralRoute.POLICE)
    ),
    "allocate": lambda s, w: s.allocate(w.drive, w.ids[DRIVE]),
    "add_intervention_action": lambda s, w: s.add_intervention_action(
        w.drive.id, strand=Strand.SUPPORT, agency=Agency.MENTAL_HEALTH, action="GP referral", created_on=ON
    ),
    "update_intervention_action": lambda s, w: s.update_intervention_action(
        dataclasses.replace(w.action, status=ItemStatus.DONE)
    ),
    "record_session": lambda s, w: s.record_session(w.drive.id, held_on=ON, outcome=SessionOutcome.ATTENDED),
    "record_behaviour_review": lambda s, w: s.record_behaviour_review(
        w.drive.id, reviewed_on=ON, present=[BehaviourType.SEXUAL]
    ),
    "record_incident": lambda s, w: s.record_incident(
        w.drive.id, occurred_on=ON, kind=IncidentKind.THREATS, gravity=3
    ),
    "link_victim": lambda s, w: s.link_victim(
        w.drive.id, kind=LinkKind.EX_PARTNER, recorded_on=ON, victim_reference=w.victim_reference
    ),
    "link_hidden_victim": lambda s, w: s.link_victim(
        w.drive.id, kind=LinkKind.HIDDEN_VICTIM, recorded_on=ON, hidden=PersonDetails("New", "Partner")
    ),
    "record_drive_info": lambda s, w: s.record_drive_info(
        w.linked_drive_id, victim_case_id=w.victim_id, kind=DriveInfoKind.BREACH, learned_on=ON
    ),
}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    """One store for the module; each test works on a copy of its folder."""
    d = tmp_path_factory.mktemp("drive-faults") / "store"
    w = make_drive_world(d)
    with open_as(d, DRIVE) as s:
        form = DriveReferralForm(PersonDetails("Linked", "Example"), ON, ReferralRoute.MARAC)
        other = s.create_perpetrator_case(form)
        s.link_victim(other.id, kind=LinkKind.CURRENT_PARTNER, recorded_on=ON, victim_reference=w["victim"].reference)
        action = s.add_intervention_action(
            w["drive"].id, strand=Strand.DISRUPTION, agency=Agency.POLICE, action="Warning", created_on=ON
        )
    world = World(w["ids"], w["victim"].id, w["victim"].reference, w["drive"], other.id, action)
    return d, world


def _faulty(after: int, counter: list[int], real: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        counter[0] += 1
        if counter[0] == after:
            raise Boom(28, "No space left on device")
        return real(*args, **kwargs)

    return wrapped


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_fault_at_every_step_stores_nothing(
    name: str, base: tuple[Path, World], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    src, world = base
    d = tmp_path / "store"
    shutil.copytree(src, d)
    scenario = SCENARIOS[name]
    with open_as(d, DRIVE) as store:
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
