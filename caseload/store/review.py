"""Supervisor review reads and closure approval. No Textual.

- :func:`review_casefiles` — every case file the review figures read (:mod:`caseload.domain.review`): the due
  list's case files, plus, for cases closed inside the review window, their referral and first attempt (the
  due list leaves those out of closed cases, and "median days referral → first attempt" needs them).
- :func:`closures_awaiting` / :func:`approve_closure` — a closed case waits for a supervisor's approval of
  that closure; approving writes a ``closure_approvals`` row and its audit entry in one transaction. The row
  names the closure it approves (``closed_on``): a case reopened and closed again needs a new approval.

All of it is for supervisors: anyone else gets :class:`~caseload.store.errors.NotPermitted`. The approvals
table holds ids and dates only (level 2); it is added by migration 5.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from caseload.domain.casefile import CaseFile
from caseload.domain.enums import ClosureReason, RiskLevel
from caseload.domain.ids import new_id
from caseload.domain.levels import Level
from caseload.domain.model import Case, Contact, Referral
from caseload.store import audit
from caseload.store.errors import StoreError
from caseload.store.schema import column, metadata, table_for

if TYPE_CHECKING:
    from caseload.store.store import Store

APPROVAL_WINDOW_DAYS = 90
"""Closures listed for approval: those of the last 90 days (older ones are counted, not listed)."""

approvals_table = sa.Table(
    "closure_approvals",
    metadata,
    column("id", sa.Text(), Level.OPERATIONAL, primary_key=True),
    column("case_id", sa.Text(), Level.OPERATIONAL, nullable=False, index=True),
    column("closed_on", sa.Text(), Level.OPERATIONAL, nullable=False),
    column("approved_by", sa.Text(), Level.OPERATIONAL, nullable=False),
    column("approved_at", sa.Text(), Level.OPERATIONAL, nullable=False),
    sa.UniqueConstraint("case_id", "closed_on", name="uq_closure_approvals_case_closure"),
)


def create_approvals(conn: sa.Connection) -> None:
    """Migration 5: the ``closure_approvals`` table (a fresh store already has it from version 1)."""
    approvals_table.create(conn, checkfirst=True)


@dataclass(frozen=True, slots=True)
class ClosureAwaiting:
    """A closed case whose closure no supervisor has approved yet (level 1 and 2 fields only)."""

    case_id: str
    reference: str
    worker_id: str
    closed_on: date
    reason: ClosureReason | None
    risk: RiskLevel
    legal_hold: bool
    version: int


@dataclass(frozen=True, slots=True)
class Awaiting:
    """Closures awaiting approval inside the window, and how many older ones are not listed."""

    items: tuple[ClosureAwaiting, ...]
    older: int
    since: date


@dataclass(frozen=True, slots=True)
class ClosureApproval:
    """A supervisor's approval of one closure of a case."""

    id: str
    case_id: str
    closed_on: date
    approved_by: str
    approved_at: str


# --- review case files ---------------------------------------------------------------------------------------


def review_casefiles(store: Store, since: date) -> list[CaseFile]:
    """Every case file the review figures need (supervisors only). ``since``: start of the review window."""
    store.access.require_supervisor("see the team's caseload review")
    files = store.due_casefiles()
    extra = _closed_first_attempts(store, since)
    if not extra:
        return files
    out = []
    for cf in files:
        found = extra.get(cf.case.id)
        if found is not None and not cf.case.is_open:
            referrals, first = found
            cf = dataclasses.replace(cf, referrals=referrals or cf.referrals, contacts=first or cf.contacts)
        out.append(cf)
    return out


def _closed_first_attempts(
    store: Store, since: date
) -> dict[str, tuple[tuple[Referral, ...], tuple[Contact, ...]]]:
    """For cases closed on or after ``since``: their referrals and their first contact or attempt."""
    ct = table_for(Case).table
    closed = sa.select(ct.c.id).where(ct.c.closed_on.is_not(None), ct.c.closed_on >= since.isoformat())
    rt, kt = table_for(Referral), table_for(Contact)
    first_at = (
        sa.select(kt.table.c.case_id, sa.func.min(kt.table.c.at).label("edge"))
        .where(kt.table.c.case_id.in_(closed))
        .group_by(kt.table.c.case_id)
        .subquery()
    )
    first_q = sa.select(kt.table).join(
        first_at, sa.and_(kt.table.c.case_id == first_at.c.case_id, kt.table.c.at == first_at.c.edge)
    )
    out: dict[str, tuple[list[Referral], list[Contact]]] = {}
    with store.reading() as conn:
        for row in conn.execute(sa.select(rt.table).where(rt.table.c.case_id.in_(closed))):
            ref: Referral = rt.from_tuple(row)
            out.setdefault(ref.case_id, ([], []))[0].append(ref)
        for row in conn.execute(first_q):
            contact: Contact = kt.from_tuple(row)
            slot = out.setdefault(contact.case_id, ([], []))[1]
            if not slot:
                slot.append(contact)
    return {
        cid: (tuple(sorted(refs, key=lambda r: (r.received_on, r.id))), tuple(first))
        for cid, (refs, first) in out.items()
    }


# --- closure approval ----------------------------------------------------------------------------------------


def closures_awaiting(store: Store, on: date, window_days: int = APPROVAL_WINDOW_DAYS) -> Awaiting:
    """Closed cases whose current closure has no approval: those closed in the ``window_days`` up to ``on``
    (newest first), and a count of older ones. Supervisors only."""
    since = on - timedelta(days=window_days)
    ct, at = table_for(Case).table, approvals_table
    approved = sa.exists().where(at.c.case_id == ct.c.id, at.c.closed_on == ct.c.closed_on)
    waiting = sa.and_(ct.c.closed_on.is_not(None), sa.not_(approved))
    with store.reading() as conn:
        store._access(conn).require_supervisor("approve closures")
        rows = conn.execute(
            sa.select(
                ct.c.id, ct.c.reference, ct.c.worker_id, ct.c.closed_on, ct.c.closure_reason,
                ct.c.risk_level, ct.c.legal_hold, ct.c.version,
            )
            .where(waiting, ct.c.closed_on >= since.isoformat())
            .order_by(ct.c.closed_on.desc(), ct.c.reference)
        ).all()
        older = conn.execute(
            sa.select(sa.func.count()).select_from(ct).where(waiting, ct.c.closed_on < since.isoformat())
        ).scalar_one()
    items = tuple(
        ClosureAwaiting(
            str(r.id), str(r.reference), str(r.worker_id), date.fromisoformat(r.closed_on),
            ClosureReason(r.closure_reason) if r.closure_reason else None, RiskLevel(r.risk_level),
            bool(r.legal_hold), int(r.version),
        )
        for r in rows
    )
    return Awaiting(items, int(older), since)


def approve_closure(store: Store, case_id: str, closed_on: date) -> ClosureApproval:
    """Approve the closure of ``case_id`` dated ``closed_on`` (what the supervisor saw): one transaction with
    its ``closure.approved`` audit entry (ids and the closure reason only). Refused when the case is no longer
    closed on that date (reopened or closed again since) or the closure is already approved."""
    ct = table_for(Case)
    with store.transaction() as conn:
        access = store._access(conn)
        access.require_supervisor("approve closures")
        row = conn.execute(sa.select(ct.table).where(ct.table.c.id == case_id)).first()
        if row is None:
            raise StoreError("That case no longer exists.")
        case: Case = ct.from_tuple(row)
        if case.closed_on != closed_on:
            raise StoreError(f"{case.reference} was reopened or closed again since the list was read; reload.")
        done = conn.execute(
            sa.select(approvals_table.c.id).where(
                approvals_table.c.case_id == case_id, approvals_table.c.closed_on == closed_on.isoformat()
            )
        ).first()
        if done is not None:
            raise StoreError(f"The closure of {case.reference} is already approved.")
        approval = ClosureApproval(
            new_id(), case_id, closed_on, access.user_id or "", datetime.now(UTC).isoformat()
        )
        conn.execute(approvals_table.insert().values(_row(approval)))
        detail = {"reason": case.closure_reason.value if case.closure_reason else "", "approval": approval.id}
        audit.append(conn, store._audit_key, store.user_name, "closure.approved", case_id, detail)
    return approval


def approvals(store: Store, case_id: str) -> list[ClosureApproval]:
    """Approvals of one case's closures, oldest first (supervisors only)."""
    t = approvals_table
    with store.reading() as conn:
        store._access(conn).require_supervisor("see closure approvals")
        rows = conn.execute(sa.select(t).where(t.c.case_id == case_id).order_by(t.c.approved_at)).all()
    return [
        ClosureApproval(str(r.id), str(r.case_id), date.fromisoformat(r.closed_on), str(r.approved_by),
                        str(r.approved_at))
        for r in rows
    ]


def _row(approval: ClosureApproval) -> dict[str, Any]:
    return {
        "id": approval.id,
        "case_id": approval.case_id,
        "closed_on": approval.closed_on.isoformat(),
        "approved_by": approval.approved_by,
        "approved_at": approval.approved_at,
    }
