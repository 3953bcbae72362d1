"""Retention review and disposal (supervisors). No Textual.

:func:`review` lists closed cases whose retention date (``caseload.domain.schedules.retention``) has passed;
cases under a legal hold (or closed as deceased: Domestic Homicide Review) are listed as blocked and never
offered. :func:`dispose` hard-deletes offered cases and everything recorded on them in ONE transaction with
``secure_delete`` on (freed content is overwritten), then checkpoints the WAL so no old page survives there.
The audit entry says how many cases and records went, and holds no case data (not even a reference).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa

from caseload.domain.model import (
    Case,
    CaseLink,
    DriveInfo,
    Incident,
    OrderBreach,
    Party,
    Person,
    ProtectiveOrder,
    SafeContact,
    SafetyPlan,
    SafetyPlanItem,
)
from caseload.domain.schedules import retention
from caseload.store import audit
from caseload.store.errors import StoreError
from caseload.store.queries import PER_CASE
from caseload.store.review import approvals_table
from caseload.store.schema import shares_table, table_for

if TYPE_CHECKING:
    from caseload.store.store import Store


@dataclass(frozen=True, slots=True)
class RetentionItem:
    """A closed case and its retention position. ``offered`` is False when a hold blocks disposal."""

    case_id: str
    reference: str
    closed_on: date | None
    dispose_on: date | None
    reason: str
    offered: bool


def review(store: Store, on: date) -> list[RetentionItem]:
    """Closed cases past their retention date (offered) and held cases that would be (not offered)."""
    store.access.require_supervisor("review retention")
    out: list[RetentionItem] = []
    for cf in store.casefiles():
        case = cf.case
        if case.closed_on is None:
            continue
        r = retention(cf)
        held = r.dispose_on is None
        if held or (r.dispose_on is not None and r.dispose_on <= on):
            out.append(RetentionItem(case.id, case.reference, case.closed_on, r.dispose_on, r.reason, not held))
    return sorted(out, key=lambda i: (not i.offered, i.dispose_on or date.max, i.reference))


def dispose(store: Store, references: Iterable[str], on: date) -> dict[str, int]:
    """Hard-delete the cases with these references (each must be offered by :func:`review` on ``on``).
    All or nothing; returns counts of deleted rows by table."""
    wanted = {r.strip() for r in references if r.strip()}
    if not wanted:
        raise StoreError("Name at least one case reference to dispose of.")
    offered = {i.reference: i for i in review(store, on)}
    refused = sorted(r for r in wanted if r not in offered or not offered[r].offered)
    if refused:
        held = [r for r in refused if r in offered]
        why = "a legal hold blocks it" if held else "it is not past its retention date (or does not exist)"
        raise StoreError(f"Not disposed of ({why}): {', '.join(refused)}. Nothing was deleted.")
    ids = sorted(offered[r].case_id for r in wanted)
    counts: dict[str, int] = {}
    with store.transaction() as conn:
        conn.exec_driver_sql("PRAGMA secure_delete = ON")
        _delete_cases(conn, ids, counts)
        detail = {"cases": len(ids), "records": sum(counts.values())}
        audit.append(conn, store._audit_key, store.user_name, "cases.disposed", None, detail)
    store.checkpoint()
    return counts


def _delete(conn: sa.Connection, table: sa.Table, cond: sa.ColumnElement[bool], counts: dict[str, int]) -> None:
    n = conn.execute(table.delete().where(cond)).rowcount
    if n:
        counts[table.name] = counts.get(table.name, 0) + n


def _delete_cases(conn: sa.Connection, ids: list[str], counts: dict[str, int]) -> None:
    """Every record of the cases, then people no other case refers to."""
    t = {rt: table_for(rt).table for rt in (Case, CaseLink, DriveInfo, Party, Person, SafetyPlan,
                                            SafetyPlanItem, ProtectiveOrder, OrderBreach, SafeContact)}
    ct = t[Case]
    people = {
        str(r[0])
        for q in (
            sa.select(ct.c.subject_id).where(ct.c.id.in_(ids)),
            sa.select(t[Party].c.person_id).where(t[Party].c.case_id.in_(ids)),
            sa.select(t[CaseLink].c.victim_person_id).where(
                sa.or_(t[CaseLink].c.perpetrator_case_id.in_(ids), t[CaseLink].c.victim_case_id.in_(ids))
            ),
        )
        for r in conn.execute(q)
    }
    plans = sa.select(t[SafetyPlan].c.id).where(t[SafetyPlan].c.case_id.in_(ids))
    orders = sa.select(t[ProtectiveOrder].c.id).where(t[ProtectiveOrder].c.case_id.in_(ids))
    _delete(conn, t[SafetyPlanItem], t[SafetyPlanItem].c.plan_id.in_(plans), counts)
    _delete(conn, t[OrderBreach], t[OrderBreach].c.order_id.in_(orders), counts)
    for rtype, _ in PER_CASE:
        tbl = table_for(rtype).table
        _delete(conn, tbl, tbl.c.case_id.in_(ids), counts)
    _delete(conn, t[SafeContact], t[SafeContact].c.case_id.in_(ids), counts)
    for rtype in (CaseLink, DriveInfo):
        tbl = t[rtype]
        _delete(conn, tbl, sa.or_(tbl.c.perpetrator_case_id.in_(ids), tbl.c.victim_case_id.in_(ids)), counts)
    _delete(conn, shares_table, shares_table.c.case_id.in_(ids), counts)
    _delete(conn, approvals_table, approvals_table.c.case_id.in_(ids), counts)
    _delete(conn, ct, ct.c.id.in_(ids), counts)
    used = {
        str(r[0])
        for q in (
            sa.select(ct.c.subject_id),
            sa.select(t[Party].c.person_id),
            sa.select(t[CaseLink].c.victim_person_id),
            sa.select(table_for(Incident).table.c.perpetrator_id),
        )
        for r in conn.execute(q)
        if r[0] is not None
    }
    orphans = sorted(people - used)
    if orphans:
        _delete(conn, t[Person], t[Person].c.id.in_(orphans), counts)
