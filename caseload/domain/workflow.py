"""Case status workflows (domain.md, "Cases"): which status changes are allowed, with labels for people.

Victim case: referred → contact attempts → assessment → active support → closed, with the side states dormant,
declined and unable to contact. Drive (perpetrator) case: referred → allocated → contact attempts → engaged /
not engaged → intervention → closed.

Closing and reopening are actions of their own (:attr:`ActionKind.CLOSE`, :attr:`ActionKind.REOPEN`): closing
needs a closure reason and an exit snapshot, so a plain status change to "closed" is refused, and a closed
case only offers "reopen". Everything here is pure: the store applies the change in one transaction.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from caseload.domain.enums import CaseKind, ContactKind, ContactOutcome, DriveStatus, VictimStatus
from caseload.domain.model import Case
from caseload.domain.schedules import SUCCESSFUL_OUTCOMES


class ActionKind(enum.StrEnum):
    """What an offered action does: a plain status change, closing the case, or reopening it."""

    STATUS = "status"
    CLOSE = "close"
    REOPEN = "reopen"


@dataclass(frozen=True, slots=True)
class NextAction:
    """One action offered on a case: its kind, the status it leads to and a label for a menu."""

    kind: ActionKind
    to: str
    label: str


class WorkflowError(ValueError):
    """A status change the workflow refuses; ``str()`` is the reason in plain words (no case data)."""


STATUS_LABELS: Mapping[str, str] = MappingProxyType(
    {
        VictimStatus.REFERRED.value: "Referred",
        VictimStatus.CONTACT_ATTEMPTS.value: "Contact attempts",
        VictimStatus.ASSESSMENT.value: "Assessment",
        VictimStatus.ACTIVE_SUPPORT.value: "Active support",
        VictimStatus.DORMANT.value: "Dormant",
        VictimStatus.DECLINED.value: "Declined",
        VictimStatus.UNABLE_TO_CONTACT.value: "Unable to contact",
        DriveStatus.ALLOCATED.value: "Allocated",
        DriveStatus.ENGAGED.value: "Engaged",
        DriveStatus.NOT_ENGAGED.value: "Not engaged",
        DriveStatus.INTERVENTION.value: "Intervention",
        VictimStatus.CLOSED.value: "Closed",
    }
)
"""Plain-words name of every status value (victim and Drive share "referred", "contact attempts", "closed")."""

_V = VictimStatus
_D = DriveStatus
_Step = tuple[str, str]  # (target status, label)

VICTIM_STEPS: Mapping[str, tuple[_Step, ...]] = MappingProxyType(
    {
        _V.REFERRED: ((_V.CONTACT_ATTEMPTS, "Start contact attempts"), (_V.ASSESSMENT, "Contact made: assess")),
        _V.CONTACT_ATTEMPTS: (
            (_V.ASSESSMENT, "Contact made: assess"),
            (_V.UNABLE_TO_CONTACT, "Unable to contact"),
            (_V.DECLINED, "Victim declined support"),
        ),
        _V.ASSESSMENT: (
            (_V.ACTIVE_SUPPORT, "Start active support"),
            (_V.DECLINED, "Victim declined support"),
            (_V.DORMANT, "Make dormant"),
        ),
        _V.ACTIVE_SUPPORT: ((_V.DORMANT, "Make dormant"), (_V.DECLINED, "Victim declined further support")),
        _V.DORMANT: ((_V.ACTIVE_SUPPORT, "Resume active support"), (_V.CONTACT_ATTEMPTS, "Try contact again")),
        _V.DECLINED: ((_V.CONTACT_ATTEMPTS, "Try contact again"), (_V.ASSESSMENT, "Victim re-engaged: assess")),
        _V.UNABLE_TO_CONTACT: ((_V.CONTACT_ATTEMPTS, "Try contact again"), (_V.ASSESSMENT, "Contact made: assess")),
    }
)
"""Victim case: allowed plain status changes from each open status (closing is offered separately)."""

DRIVE_STEPS: Mapping[str, tuple[_Step, ...]] = MappingProxyType(
    {
        _D.REFERRED: ((_D.ALLOCATED, "Allocate to a case manager"),),
        _D.ALLOCATED: ((_D.CONTACT_ATTEMPTS, "Start contact attempts"),),
        _D.CONTACT_ATTEMPTS: ((_D.ENGAGED, "Service user engaged"), (_D.NOT_ENGAGED, "Service user not engaged")),
        _D.ENGAGED: ((_D.INTERVENTION, "Start intervention"), (_D.NOT_ENGAGED, "Disengaged")),
        _D.NOT_ENGAGED: ((_D.CONTACT_ATTEMPTS, "Try contact again"), (_D.ENGAGED, "Service user engaged")),
        _D.INTERVENTION: ((_D.NOT_ENGAGED, "Disengaged"),),
    }
)
"""Drive case: allowed plain status changes from each open status (closing is offered separately)."""

REOPEN_TO: Mapping[CaseKind, tuple[_Step, ...]] = MappingProxyType(
    {
        CaseKind.VICTIM: ((_V.ACTIVE_SUPPORT, "Reopen: active support"), (_V.CONTACT_ATTEMPTS, "Reopen: contact")),
        CaseKind.PERPETRATOR: ((_D.ALLOCATED, "Reopen: allocated"), (_D.INTERVENTION, "Reopen: intervention")),
    }
)
"""Statuses a closed case may be reopened into; the first is the default."""

CLOSED = VictimStatus.CLOSED.value  # the same value for both kinds


def _steps(kind: CaseKind) -> Mapping[str, tuple[_Step, ...]]:
    return VICTIM_STEPS if kind == CaseKind.VICTIM else DRIVE_STEPS


def status_label(status: str) -> str:
    """Plain-words name of a status value (the value itself when unknown)."""
    return STATUS_LABELS.get(status, status)


def is_closed(case: Case) -> bool:
    """True when the case is closed (a closure date or the closed status)."""
    return case.closed_on is not None or case.status == CLOSED


def next_actions(case: Case) -> tuple[NextAction, ...]:
    """The actions valid for the case now, in menu order: status changes, then "close"; a closed case
    offers only "reopen" (one per allowed reopen status). A case in a status the workflow does not know
    (an old import) offers only "close"."""
    if is_closed(case):
        return tuple(NextAction(ActionKind.REOPEN, to, label) for to, label in REOPEN_TO[case.kind])
    steps = _steps(case.kind).get(case.status, ())
    actions = [NextAction(ActionKind.STATUS, str(to), label) for to, label in steps]
    actions.append(NextAction(ActionKind.CLOSE, CLOSED, "Close case"))
    return tuple(actions)


def refusal(case: Case, to: str, kind: ActionKind = ActionKind.STATUS) -> str | None:
    """Why the workflow refuses moving ``case`` to status ``to`` by an action of ``kind``; None if allowed."""
    name = status_label(to)
    if kind == ActionKind.REOPEN:
        if not is_closed(case):
            return "the case is open; only a closed case can be reopened"
        allowed = [str(s) for s, _ in REOPEN_TO[case.kind]]
        if to not in allowed:
            return f"a closed {case.kind.value} case cannot be reopened as {name!r}"
        return None
    if is_closed(case):
        return "the case is closed; reopen it first"
    if kind == ActionKind.CLOSE:
        return None if to == CLOSED else "closing a case always leads to 'Closed'"
    if to == CLOSED:
        return "close the case with a closure reason and an exit snapshot, not by a status change"
    if to == case.status:
        return f"the case is already {name!r}"
    steps = _steps(case.kind)
    if case.status not in steps:
        return f"the case's status {status_label(case.status)!r} is not part of the {case.kind.value} workflow"
    if to not in {str(s) for s, _ in steps[case.status]}:
        return f"a {case.kind.value} case cannot go from {status_label(case.status)!r} to {name!r}"
    return None


def check_transition(case: Case, to: str, kind: ActionKind = ActionKind.STATUS) -> None:
    """Raise :class:`WorkflowError` with the reason when the workflow refuses the change."""
    reason = refusal(case, to, kind)
    if reason is not None:
        raise WorkflowError(f"Not allowed: {reason}.")


def status_after_contact(case: Case, kind: ContactKind, outcome: ContactOutcome) -> str | None:
    """The status a case moves to when a contact or attempt is logged, or None to leave it: a victim case
    still "referred" moves to "contact attempts" (to "assessment" on a successful two-way contact); a Drive
    case "allocated" moves to "contact attempts"."""
    if is_closed(case):
        return None
    if case.kind == CaseKind.VICTIM and case.status == _V.REFERRED:
        spoke = kind == ContactKind.CONTACT and outcome in SUCCESSFUL_OUTCOMES
        return str(_V.ASSESSMENT if spoke else _V.CONTACT_ATTEMPTS)
    if case.kind == CaseKind.PERPETRATOR and case.status == _D.ALLOCATED:
        return str(_D.CONTACT_ATTEMPTS)
    return None
