"""Case status workflows: only valid next actions are offered, anything else is refused with a reason."""

from __future__ import annotations

from datetime import date
from itertools import product

import pytest

from caseload.domain import workflow
from caseload.domain.enums import CaseKind, ContactKind, ContactOutcome, DriveStatus, VictimStatus
from caseload.domain.workflow import ActionKind, WorkflowError, check_transition, next_actions, refusal
from tests.unit.domain.factories import case


def _victim(status: VictimStatus) -> object:
    closed = date(2027, 1, 5) if status == VictimStatus.CLOSED else None
    return case(status=status.value, closed_on=closed)


def test_victim_main_line_is_offered_in_order() -> None:
    c = case(status=VictimStatus.REFERRED.value)
    path = [VictimStatus.CONTACT_ATTEMPTS, VictimStatus.ASSESSMENT, VictimStatus.ACTIVE_SUPPORT]
    for step in path:
        offered = [a.to for a in next_actions(c) if a.kind == ActionKind.STATUS]
        assert step in offered
        check_transition(c, step)
        c = case(status=step.value)
    assert next_actions(c)[-1] == workflow.NextAction(ActionKind.CLOSE, "closed", "Close case")


def test_drive_main_line() -> None:
    statuses = [DriveStatus.REFERRED, DriveStatus.ALLOCATED, DriveStatus.CONTACT_ATTEMPTS, DriveStatus.ENGAGED]
    for here, there in zip(statuses, [*statuses[1:], DriveStatus.INTERVENTION], strict=True):
        c = case(kind=CaseKind.PERPETRATOR, status=here.value)
        assert there in [a.to for a in next_actions(c)]
        assert refusal(c, there) is None


@pytest.mark.parametrize(
    ("kind", "statuses"),
    [(CaseKind.VICTIM, list(VictimStatus)), (CaseKind.PERPETRATOR, list(DriveStatus))],
)
def test_offered_iff_allowed(kind: CaseKind, statuses: list[str]) -> None:
    """Every (from, to) pair: a status change is offered exactly when check_transition allows it."""
    for here, there in product(statuses, statuses):
        closed = date(2027, 1, 5) if here == "closed" else None
        c = case(kind=kind, status=str(here), closed_on=closed)
        offered = {(a.kind, a.to) for a in next_actions(c)}
        for action in ActionKind:
            allowed = refusal(c, str(there), action) is None
            assert allowed == ((action, str(there)) in offered), (here, there, action)


def test_refusals_say_why() -> None:
    c = case(status=VictimStatus.REFERRED.value)
    with pytest.raises(WorkflowError, match="cannot go from 'Referred' to 'Active support'"):
        check_transition(c, VictimStatus.ACTIVE_SUPPORT)
    with pytest.raises(WorkflowError, match="closure reason"):
        check_transition(c, VictimStatus.CLOSED)
    with pytest.raises(WorkflowError, match="already 'Referred'"):
        check_transition(c, VictimStatus.REFERRED)
    closed = case(status="closed", closed_on=date(2027, 1, 5))
    with pytest.raises(WorkflowError, match="reopen it first"):
        check_transition(closed, VictimStatus.ACTIVE_SUPPORT)
    with pytest.raises(WorkflowError, match="only a closed case"):
        check_transition(c, VictimStatus.ACTIVE_SUPPORT, ActionKind.REOPEN)
    odd = case(status="archived")
    assert [a.kind for a in next_actions(odd)] == [ActionKind.CLOSE]
    assert "not part of the victim workflow" in (refusal(odd, VictimStatus.ASSESSMENT) or "")


def test_status_after_contact() -> None:
    referred = case(status=VictimStatus.REFERRED.value)
    assert workflow.status_after_contact(referred, ContactKind.ATTEMPT, ContactOutcome.NO_ANSWER) == "contact_attempts"
    assert workflow.status_after_contact(referred, ContactKind.CONTACT, ContactOutcome.SPOKE) == "assessment"
    active = case(status=VictimStatus.ACTIVE_SUPPORT.value)
    assert workflow.status_after_contact(active, ContactKind.CONTACT, ContactOutcome.SPOKE) is None
    drive = case(kind=CaseKind.PERPETRATOR, status=DriveStatus.ALLOCATED.value)
    assert workflow.status_after_contact(drive, ContactKind.ATTEMPT, ContactOutcome.NO_ANSWER) == "contact_attempts"


def test_every_status_has_a_label() -> None:
    for status in (*VictimStatus, *DriveStatus):
        assert workflow.status_label(status) != status.value
