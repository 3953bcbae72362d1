"""Small builders of records and case files for the domain tests (fictional data only)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from typing import Any

from caseload.domain.casefile import CaseFile
from caseload.domain.enums import (
    CaseKind,
    Channel,
    ContactKind,
    ContactOutcome,
    DashAnswer,
    IncidentKind,
    MilestoneKind,
    OrderType,
    PersonRole,
    RiskLevel,
    VictimStatus,
)
from caseload.domain.model import (
    Case,
    CjsMilestone,
    Contact,
    DashAssessment,
    Incident,
    MaracReferral,
    Person,
    ProtectiveOrder,
    Referral,
    SafetyPlan,
)

_counter = itertools.count(1)


def uid(prefix: str = "id") -> str:
    """A unique, readable id for a test record."""
    return f"{prefix}-{next(_counter)}"


def person(role: PersonRole = PersonRole.VICTIM, **kw: Any) -> Person:
    """A fictional person."""
    base: dict[str, Any] = {"id": uid("person"), "role": role, "given_name": "Jane", "family_name": "Sample"}
    base.update(kw)
    return Person(**base)


def case(**kw: Any) -> Case:
    """An open victim case opened on 1 Dec 2026, standard risk, enhanced rights."""
    base: dict[str, Any] = {
        "id": uid("case"),
        "reference": f"C-2026-{next(_counter):04d}",
        "kind": CaseKind.VICTIM,
        "subject_id": "victim-1",
        "worker_id": "worker-a",
        "status": VictimStatus.ACTIVE_SUPPORT.value,
        "opened_on": date(2026, 12, 1),
    }
    base.update(kw)
    return Case(**base)


def answers(yes: int, not_known: int = 0) -> tuple[DashAnswer, ...]:
    """24 answers: ``yes`` YES first, then ``not_known`` NOT_KNOWN, the rest NO."""
    assert yes + not_known <= 24
    return (
        (DashAnswer.YES,) * yes
        + (DashAnswer.NOT_KNOWN,) * not_known
        + (DashAnswer.NO,) * (24 - yes - not_known)
    )


def dash(case_id: str, on: date, yes: int = 5, **kw: Any) -> DashAssessment:
    """A DASH snapshot with ``yes`` YES answers."""
    base: dict[str, Any] = {
        "id": uid("dash"),
        "case_id": case_id,
        "assessed_on": on,
        "assessor_id": "worker-a",
        "answers": answers(yes),
    }
    base.update(kw)
    return DashAssessment(**base)


def incident(case_id: str, on: date, gravity: int = 3, **kw: Any) -> Incident:
    """An incident on the case."""
    return Incident(
        id=uid("inc"),
        case_id=case_id,
        occurred_on=on,
        kind=kw.pop("kind", IncidentKind.THREATS),
        gravity=gravity,
        **kw,
    )


def marac_referral(case_id: str, on: date) -> MaracReferral:
    """A saved MARAC referral."""
    return MaracReferral(id=uid("mref"), case_id=case_id, referred_on=on)


def contact(
    case_id: str,
    at: datetime,
    kind: ContactKind = ContactKind.CONTACT,
    outcome: ContactOutcome = ContactOutcome.SPOKE,
    channel: Channel = Channel.PHONE,
) -> Contact:
    """A contact or attempt at a UTC time."""
    return Contact(
        id=uid("contact"),
        case_id=case_id,
        at=at,
        kind=kind,
        channel=channel,
        outcome=outcome,
        worker_id="worker-a",
    )


def noon(d: date) -> datetime:
    """Midday UTC on ``d``."""
    return datetime(d.year, d.month, d.day, 12, 0, tzinfo=UTC)


def milestone(case_id: str, kind: MilestoneKind, on: date) -> CjsMilestone:
    """A criminal-justice milestone."""
    return CjsMilestone(id=uid("ms"), case_id=case_id, kind=kind, occurred_on=on)


def order(case_id: str, kind: OrderType, starts: date, ends: date | None) -> ProtectiveOrder:
    """A protective order or bail."""
    return ProtectiveOrder(id=uid("order"), case_id=case_id, kind=kind, starts_on=starts, ends_on=ends)


def plan(case_id: str, created: date, review: date, current: bool = True) -> SafetyPlan:
    """A safety plan."""
    return SafetyPlan(id=uid("plan"), case_id=case_id, created_on=created, review_on=review, current=current)


def referral(case_id: str, on: date) -> Referral:
    """A police referral received on ``on``."""
    from caseload.domain.enums import ReferralSource

    return Referral(id=uid("ref"), case_id=case_id, received_on=on, source=ReferralSource.POLICE)


def casefile(
    risk: RiskLevel = RiskLevel.STANDARD, case_kw: dict[str, Any] | None = None, **records: Any
) -> CaseFile:
    """A case file for a new case (``case_kw`` overrides case fields). Record builders in ``records`` may be
    callables taking the case id, so ``incidents=lambda cid: (incident(cid, d),)`` works."""
    victim = person()
    c = case(subject_id=victim.id, risk_level=risk, **(case_kw or {}))
    resolved = {k: (v(c.id) if callable(v) else v) for k, v in records.items()}
    return CaseFile(case=c, subject=victim, **resolved)
