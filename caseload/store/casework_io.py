"""Row-level helpers for the casework write API, used inside ONE open transaction.

Every insert and versioned update of :mod:`caseload.store.casework` goes through :func:`insert_record` and
:func:`bump`, so a test can make the N-th write of a method fail and check that nothing of it was stored.
:func:`load_casefile` reads a case file on the transaction's own connection (the store has one connection:
opening a second read while a write is open would end the write).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa

from caseload.domain.casefile import CaseFile
from caseload.domain.ids import case_reference
from caseload.domain.model import (
    Case,
    OrderBreach,
    Person,
    SafeContact,
    SafetyPlanItem,
)
from caseload.store import audit
from caseload.store.errors import ConflictError, NotPermitted, StoreError
from caseload.store.queries import PER_CASE
from caseload.store.schema import table_for

if TYPE_CHECKING:
    from caseload.store.access import Access

R = TypeVar("R")

INTAKE_STAGE = "intake"
EXIT_STAGE = "exit"
"""``OutcomeSnapshot.stage`` values (as the synthetic generator writes them)."""

_REF_NUMBER = re.compile(r"-(\d+)$")

_ORDER_BY = {
    "parties": None,
    "children": None,
    "referrals": "received_on",
    "incidents": "occurred_on",
    "dash": "assessed_on",
    "marac_referrals": "referred_on",
    "marac_listings": "meeting_on",
    "plans": "created_on",
    "orders": "starts_on",
    "milestones": "occurred_on",
    "contacts": "at",
    "updates": "due_on",
    "outcomes": "taken_on",
    "drive_referrals": "received_on",
    "interventions": "created_on",
    "sessions": "held_on",
    "behaviour_reviews": "reviewed_on",
}


class CaseworkError(StoreError):
    """A casework change refused for a reason the worker can fix; ``str()`` is one plain line, no case data."""


def insert_record(conn: sa.Connection, record: Any) -> Any:
    """Insert one record on the open transaction; returns it."""
    rt = table_for(type(record))
    conn.execute(rt.table.insert().values(rt.to_row(record)))
    return record


def bump(conn: sa.Connection, record: R, what: str) -> R:
    """Write ``record`` over the stored row if the stored version is still ``record.version``; returns it with
    version + 1. A stale version raises :class:`ConflictError` naming ``what`` ("This case")."""
    rt = table_for(type(record))
    old: int = getattr(record, "version")  # noqa: B009
    new = dataclasses.replace(record, version=old + 1)  # type: ignore[type-var]
    result = conn.execute(
        rt.table.update()
        .where(rt.table.c.id == getattr(record, "id"), rt.table.c.version == old)  # noqa: B009
        .values(rt.to_row(new))
    )
    if result.rowcount != 1:
        raise ConflictError(what)
    return new


def fetch(conn: sa.Connection, record_type: type[R], record_id: str) -> R | None:
    """One record by id on the open connection (no access filter: callers check access first)."""
    rt = table_for(record_type)
    row = conn.execute(sa.select(rt.table).where(rt.table.c.id == record_id)).first()
    return None if row is None else rt.from_tuple(row)


def select_where(conn: sa.Connection, record_type: type[R], where: Any, order: str | None = None) -> list[R]:
    """Records matching ``where``, optionally ordered by a column (then id)."""
    rt = table_for(record_type)
    q = sa.select(rt.table).where(where)
    if order is not None:
        q = q.order_by(rt.table.c[order], rt.table.c.id)
    return [rt.from_tuple(r) for r in conn.execute(q)]


def _in(record_type: type, column: str, ids: Iterable[str]) -> Any:
    return table_for(record_type).table.c[column].in_(sorted(set(ids)))


def load_casefile(conn: sa.Connection, case: Case) -> CaseFile:
    """The whole case file of ``case`` read on the open connection (records oldest first)."""
    fields: dict[str, Any] = {}
    for rtype, attr in PER_CASE:
        fields[attr] = tuple(
            select_where(conn, rtype, table_for(rtype).table.c.case_id == case.id, _ORDER_BY.get(attr))
        )
    items = select_where(conn, SafetyPlanItem, _in(SafetyPlanItem, "plan_id", (p.id for p in fields["plans"])))
    breaches = select_where(
        conn, OrderBreach, _in(OrderBreach, "order_id", (o.id for o in fields["orders"])), "occurred_on"
    )
    safe = select_where(conn, SafeContact, table_for(SafeContact).table.c.case_id == case.id)
    wanted = {case.subject_id, *(p.person_id for p in fields["parties"])}
    people = {p.id: p for p in select_where(conn, Person, _in(Person, "id", wanted))}
    subject = people.get(case.subject_id)
    if subject is None:
        raise StoreError("The case's subject record is missing; run 'caseload check'.")
    others = tuple(people[i] for i in sorted(wanted - {case.subject_id}) if i in people)
    return CaseFile(
        case=case,
        subject=subject,
        people=others,
        plan_items=tuple(items),
        breaches=tuple(breaches),
        safe_contact=safe[0] if safe else None,
        **fields,
    )


def next_reference(conn: sa.Connection, prefix: str, year: int) -> str:
    """The next free case reference ``PREFIX-YEAR-NNNN`` (highest number in use that year + 1)."""
    t = table_for(Case).table
    rows = conn.execute(sa.select(t.c.reference).where(t.c.reference.like(f"{prefix}-{year}-%"))).scalars()
    numbers = [int(m.group(1)) for ref in rows if (m := _REF_NUMBER.search(str(ref)))]
    return case_reference(prefix, year, max(numbers, default=0) + 1)


class CaseworkBase:
    """What the casework mixins share: the write check on a case and the audit entry. Mixed into the
    :class:`~caseload.store.store.Store`, which supplies ``transaction``, ``reading`` and ``_access``."""

    user_name: str
    _audit_key: bytes

    if TYPE_CHECKING:

        def transaction(self) -> AbstractContextManager[sa.Connection]:
            """One write transaction (the Store's)."""

        def reading(self) -> AbstractContextManager[sa.Connection]:
            """A serialised read connection (the Store's)."""

        def _access(self, conn: sa.Connection) -> Access:
            """The signed-in user's access (RoleMixin's)."""

    def _case_in_scope(self, conn: sa.Connection, case_id: str, expected_version: int | None = None) -> Case:
        """The stored case if the signed-in user holds it (own, shared, or any for a supervisor).

        Raises :class:`CaseworkError` when it does not exist, :class:`NotPermitted` when it is not theirs, and
        :class:`ConflictError` when ``expected_version`` is given and the stored version differs.
        """
        case = fetch(conn, Case, case_id)
        if case is None:
            raise CaseworkError("That case no longer exists.")
        access = self._access(conn)
        if not access.sees_all:
            ct = table_for(Case).table
            if conn.execute(access.own_cases().where(ct.c.id == case_id)).first() is None:
                raise NotPermitted("You can only work on your own cases (or those shared with you).")
        if expected_version is not None and case.version != expected_version:
            raise ConflictError("This case")
        return case

    def _open_case(self, conn: sa.Connection, case_id: str, expected_version: int | None = None) -> Case:
        """:meth:`_case_in_scope`, refusing a closed case."""
        case = self._case_in_scope(conn, case_id, expected_version)
        if case.closed_on is not None:
            raise CaseworkError("The case is closed; reopen it first.")
        return case

    def _my_id(self, conn: sa.Connection) -> str:
        """The signed-in user's record id (raises when the slot has no user record)."""
        me = self._access(conn).user_id
        if me is None:
            raise CaseworkError("Your user record is missing; ask a supervisor to add it.")
        return me

    def _audit(self, conn: sa.Connection, event: str, case_id: str | None, **detail: Any) -> None:
        """Append the audit entry of this change (ids, categories and counts only: never case values)."""
        audit.append(conn, self._audit_key, self.user_name, event, case_id, detail)
