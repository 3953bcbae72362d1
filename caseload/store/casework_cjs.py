"""Casework writes about protection and criminal justice: orders and bail, breaches, CJS milestones and the
Victims' Code updates they create, and marking an update told.

Part of :class:`~caseload.store.casework.CaseworkMixin`; the rules in that module's docstring hold here too.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import sqlalchemy as sa

from caseload.domain.enums import Channel, IncidentKind, MilestoneKind, OrderType, PersonRole
from caseload.domain.ids import new_id
from caseload.domain.model import CjsMilestone, Incident, OrderBreach, Party, ProtectiveOrder, VictimUpdate
from caseload.domain.victims_code import mark_told, obligations_for
from caseload.store import casework_io as io
from caseload.store.casework_io import CaseworkBase, CaseworkError
from caseload.store.schema import table_for

NO_CONDITIONS = frozenset({OrderType.RELEASED_UNDER_INVESTIGATION})
"""Measures that carry no conditions (release under investigation)."""


def _order_problems(kind: OrderType, starts_on: date, ends_on: date | None, conditions: str) -> list[str]:
    out: list[str] = []
    if ends_on is not None and ends_on < starts_on:
        out.append("it cannot end before it starts")
    if kind in NO_CONDITIONS and conditions.strip():
        out.append("release under investigation carries no conditions")
    return out


class CjsMixin(CaseworkBase):
    """Orders, breaches, criminal-justice milestones and victim updates."""

    def add_order(
        self,
        case_id: str,
        *,
        kind: OrderType,
        starts_on: date,
        ends_on: date | None = None,
        conditions: str = "",
    ) -> ProtectiveOrder:
        """Record a protective order or measure (incl. pre-charge bail) with its start, end and conditions."""
        problems = _order_problems(kind, starts_on, ends_on, conditions)
        if problems:
            raise CaseworkError(f"Cannot add the order: {'; '.join(problems)}.")
        with self.transaction() as conn:
            case = self._open_case(conn, case_id)
            order = ProtectiveOrder(new_id(), case.id, kind, starts_on, ends_on, conditions)
            io.insert_record(conn, order)
            self._audit(conn, "order.added", case.id, kind=kind.value)
        return order

    def update_order(self, order: ProtectiveOrder) -> ProtectiveOrder:
        """Save an edited order (end date, conditions…); ``order.version`` is the version the worker read."""
        problems = _order_problems(order.kind, order.starts_on, order.ends_on, order.conditions)
        if problems:
            raise CaseworkError(f"Cannot save the order: {'; '.join(problems)}.")
        with self.transaction() as conn:
            stored = io.fetch(conn, ProtectiveOrder, order.id)
            if stored is None:
                raise CaseworkError("That order no longer exists.")
            if stored.case_id != order.case_id:
                raise CaseworkError("An order cannot move to another case.")
            case = self._open_case(conn, stored.case_id)
            new = io.bump(conn, order, "This order")
            self._audit(conn, "order.edited", case.id, kind=order.kind.value)
        return new

    def record_breach(
        self,
        order_id: str,
        *,
        occurred_on: date,
        note: str = "",
        perpetrator_id: str | None = None,
        gravity: int = 3,
    ) -> tuple[OrderBreach, Incident]:
        """Record a breach of an order or bail condition. A breach is also an incident (kind "breach"), so it
        counts for MARAC repeat / escalation and triggers a DASH review. ``perpetrator_id`` defaults to the
        case's only perpetrator when there is exactly one."""
        if not 1 <= gravity <= 5:
            raise CaseworkError("Cannot record the breach: gravity is 1 to 5.")
        with self.transaction() as conn:
            order = io.fetch(conn, ProtectiveOrder, order_id)
            if order is None:
                raise CaseworkError("That order no longer exists.")
            case = self._open_case(conn, order.case_id)
            if occurred_on < order.starts_on:
                raise CaseworkError("Cannot record the breach: it is dated before the order started.")
            pt = table_for(Party).table
            perps = io.select_where(
                conn, Party, sa.and_(pt.c.case_id == case.id, pt.c.role == PersonRole.PERPETRATOR.value)
            )
            if perpetrator_id is None and len(perps) == 1:
                perpetrator_id = perps[0].person_id
            elif perpetrator_id is not None and perpetrator_id not in {p.person_id for p in perps}:
                raise CaseworkError("Cannot record the breach: that person is not a perpetrator on this case.")
            breach = OrderBreach(new_id(), order.id, occurred_on, note)
            incident = Incident(new_id(), case.id, occurred_on, IncidentKind.BREACH, perpetrator_id, gravity, note)
            io.insert_record(conn, breach)
            io.insert_record(conn, incident)
            self._audit(conn, "order.breached", case.id, kind=order.kind.value)
        return breach, incident

    def add_milestone(
        self,
        case_id: str,
        *,
        kind: MilestoneKind,
        occurred_on: date,
        outcome_code: int | None = None,
        detail: str = "",
    ) -> tuple[CjsMilestone, tuple[VictimUpdate, ...]]:
        """Record a criminal-justice milestone and, in the same transaction, the victim updates it creates
        under the Victims' Code (due the N-th working day after it; enhanced rights by default). An outcome
        code (1–22, e.g. 15 evidential difficulties, 16 victim does not support) goes only with NFA."""
        if outcome_code is not None and (kind != MilestoneKind.NFA or not 1 <= outcome_code <= 22):
            raise CaseworkError("Cannot add the milestone: an outcome code (1–22) goes only with NFA.")
        with self.transaction() as conn:
            case = self._case_in_scope(conn, case_id)
            if case.closed_on is not None and occurred_on > case.closed_on:
                raise CaseworkError("The case is closed; reopen it to record later milestones.")
            milestone = CjsMilestone(new_id(), case.id, kind, occurred_on, outcome_code, detail)
            updates = obligations_for(milestone, case)
            io.insert_record(conn, milestone)
            for update in updates:
                io.insert_record(conn, update)
            self._audit(conn, "cjs.milestone_added", case.id, kind=kind.value, updates=len(updates))
        return milestone, updates

    def mark_update_told(self, update: VictimUpdate, *, told_on: date, channel: Channel) -> VictimUpdate:
        """Record that the victim was told (date, channel): the update is closed, and late when told after
        its due date (:attr:`VictimUpdate.late`). ``update.version`` is the version the worker read; an update
        derived from a milestone but never stored is stored now, already told."""
        try:
            mark_told(update, told_on, channel)
        except ValueError as exc:
            raise CaseworkError(f"Cannot mark the update told: {exc}.") from None
        with self.transaction() as conn:
            case = self._case_in_scope(conn, update.case_id)
            stored = io.fetch(conn, VictimUpdate, update.id)
            if stored is not None and stored.told_on is not None:
                raise CaseworkError("That update is already marked told.")
            told = dataclasses.replace(update, told_on=told_on, told_channel=channel)
            if stored is None:
                told = io.insert_record(conn, dataclasses.replace(told, version=1))
            else:
                told = io.bump(conn, told, "This victim update")
            self._audit(conn, "update.told", case.id, late=told.late, stored_now=stored is None)
        return told
