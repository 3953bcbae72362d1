"""Roles enforced in the store: what the signed-in user's reads return.

Every read of :class:`~caseload.store.queries.Queries` goes through an :class:`Access` built for the signed-in
slot (its role, and the id of its user record):

- **IDVA** — her *own* cases: victim cases whose worker is her, or shared with her (``case_shares``).
- **Drive case manager** — his own perpetrator cases (his, or shared with him). A Drive user never holds a
  victim case as his own, whatever is assigned or shared.
- **Supervisor** — every case of the store (the team); nothing is filtered or blanked.

For IDVA and Drive, a record is returned only if it belongs to one of their own cases (``case_id``, a plan or
order of one, a link or Drive information touching one). Two things are returned *redacted* — the same frozen
dataclass with its level-3 and firewall fields blanked (``""``, ``()``, ``None``):

- a **linked case** (the other side of a :class:`~caseload.domain.model.CaseLink` touching an own case), only
  through ``get(Case, id)``: that is how a Drive user sees a linked victim's reference, risk level and IDVA
  (worker id → ``users()``), and an IDVA sees the Drive case manager of a linked perpetrator case;
- **people** seen by a Drive user: a victim's level-3 and firewall fields are always blanked, and firewall
  fields (immigration status, NRPF, visa dependence) of everyone (victim-side roles only).

Records of a case outside the scope are not returned at all (``get`` gives None; lists leave them out). A user
slot without a user record sees nothing (fail closed). Roles are enforced by this API, not by cryptography:
anyone holding the data key could read everything (architecture.md, key hierarchy point 6).
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any, TypeVar

import sqlalchemy as sa

from caseload.domain.enums import CaseKind, PersonRole, Role
from caseload.domain.ids import new_id
from caseload.domain.levels import L3, LF, fields_at
from caseload.domain.model import (
    Case,
    CaseLink,
    DriveInfo,
    OrderBreach,
    Party,
    Person,
    ProtectiveOrder,
    SafetyPlan,
    SafetyPlanItem,
    User,
)
from caseload.store.errors import NotPermitted, StoreError
from caseload.store.schema import _unwrap_optional, shares_table, table_for

T = TypeVar("T")

_OWN_KIND = {Role.IDVA: CaseKind.VICTIM, Role.DRIVE: CaseKind.PERPETRATOR}


@dataclass(frozen=True, slots=True)
class Share:
    """A case shared with a user who is not its worker (cover, joint work). Ids only: level 2."""

    id: str
    case_id: str
    user_id: str
    granted_by: str
    granted_at: str


@cache
def _blanks(record_type: type, *, firewall_only: bool = False) -> dict[str, Any]:
    """The blank value of each level-3 (and F) field of a record type."""
    hints = typing.get_type_hints(record_type)
    names = fields_at(record_type, LF) if firewall_only else fields_at(record_type, L3, LF)
    out: dict[str, Any] = {}
    for name in names:
        tp, optional = _unwrap_optional(hints[name])
        if optional:
            out[name] = None
        elif typing.get_origin(tp) is tuple:
            out[name] = ()
        elif tp is str:
            out[name] = ""
        elif tp is bool:
            out[name] = False
        elif tp is int:
            out[name] = 0
        else:  # pragma: no cover - every level-3 field today is text, a tuple or optional
            raise TypeError(f"cannot blank {record_type.__name__}.{name}")
    return out


def blank(record: T, *, firewall_only: bool = False) -> T:
    """``record`` with its level-3 and firewall fields (or only the firewall ones) blanked."""
    rtype: type = type(record)
    values = _blanks(rtype, firewall_only=firewall_only)
    return dataclasses.replace(record, **values) if values else record  # type: ignore[type-var]


class Access:
    """What one signed-in user may read; builds SQL filters and redacts records."""

    def __init__(self, role: Role, user_id: str | None, user_name: str) -> None:
        self.role = role
        self.user_id = user_id
        self.user_name = user_name

    @property
    def sees_all(self) -> bool:
        """Supervisors see every case unredacted."""
        return self.role is Role.SUPERVISOR

    # --- SQL filters -------------------------------------------------------------------------------------

    def own_cases(self) -> sa.Select[Any]:
        """SELECT of the ids of the user's own cases (every case for a supervisor)."""
        ct = table_for(Case).table
        if self.sees_all:
            return sa.select(ct.c.id)
        if self.user_id is None:
            return sa.select(ct.c.id).where(sa.false())
        shared = sa.select(shares_table.c.case_id).where(shares_table.c.user_id == self.user_id)
        mine = sa.or_(ct.c.worker_id == self.user_id, ct.c.id.in_(shared))
        return sa.select(ct.c.id).where(ct.c.kind == _OWN_KIND[self.role].value, mine)

    def linked_cases(self) -> sa.CompoundSelect[*tuple[Any, ...]]:
        """SELECT of the ids of cases on the other side of a link from an own case."""
        lt = table_for(CaseLink).table
        own = self.own_cases()
        return sa.union(
            sa.select(lt.c.victim_case_id.label("id")).where(
                lt.c.perpetrator_case_id.in_(own), lt.c.victim_case_id.is_not(None)
            ),
            sa.select(lt.c.perpetrator_case_id.label("id")).where(lt.c.victim_case_id.in_(own)),
        )

    def case_filter(self, column: sa.ColumnElement[Any]) -> sa.ColumnElement[bool] | None:
        """``column IN (own cases)``, or None when nothing needs filtering."""
        if self.sees_all:
            return None
        return column.in_(self.own_cases())

    def where(self, record_type: type, *, with_linked: bool = False) -> sa.ColumnElement[bool] | None:
        """Row filter for a table read through ``all`` / ``get`` (None: no filter)."""
        if self.sees_all or record_type is User:
            return None
        t = table_for(record_type).table
        own = self.own_cases()
        if record_type is Case:
            cond = t.c.id.in_(own)
            return sa.or_(cond, t.c.id.in_(self.linked_cases())) if with_linked else cond
        if "case_id" in t.c:
            return t.c.case_id.in_(own)
        if record_type is SafetyPlanItem:
            plans = table_for(SafetyPlan).table
            return t.c.plan_id.in_(sa.select(plans.c.id).where(plans.c.case_id.in_(own)))
        if record_type is OrderBreach:
            orders = table_for(ProtectiveOrder).table
            return t.c.order_id.in_(sa.select(orders.c.id).where(orders.c.case_id.in_(own)))
        if record_type in (CaseLink, DriveInfo):
            return sa.or_(t.c.perpetrator_case_id.in_(own), t.c.victim_case_id.in_(own))
        if record_type is Person:
            return t.c.id.in_(self._people())
        return sa.false()  # an unknown record type: nothing, until someone decides

    def _people(self) -> sa.CompoundSelect[*tuple[Any, ...]]:
        ct, pt, lt = table_for(Case).table, table_for(Party).table, table_for(CaseLink).table
        own = self.own_cases()
        return sa.union(
            sa.select(ct.c.subject_id).where(ct.c.id.in_(own)),
            sa.select(pt.c.person_id).where(pt.c.case_id.in_(own)),
            sa.select(lt.c.victim_person_id).where(
                sa.or_(lt.c.perpetrator_case_id.in_(own), lt.c.victim_case_id.in_(own))
            ),
        )

    def own_ids(self, conn: sa.Connection) -> set[str] | None:
        """Ids of the own cases (None for a supervisor: all)."""
        if self.sees_all:
            return None
        return {str(r[0]) for r in conn.execute(self.own_cases())}

    # --- redaction ---------------------------------------------------------------------------------------

    def redact(self, record: T, own: set[str] | None = None) -> T:
        """The record as this user may see it. ``own``: own case ids (needed for :class:`Case` records)."""
        if self.sees_all:
            return record
        if isinstance(record, Person) and self.role is Role.DRIVE:
            return blank(record, firewall_only=record.role is not PersonRole.VICTIM)
        if isinstance(record, Case) and own is not None and record.id not in own:
            return blank(record)
        return record

    def redact_all(self, records: list[T], conn: sa.Connection) -> list[T]:
        """:meth:`redact` over a list."""
        if self.sees_all or not records:
            return records
        own = self.own_ids(conn) if isinstance(records[0], Case) else None
        return [self.redact(r, own) for r in records]

    def audit_filter(self) -> sa.ColumnElement[bool] | None:
        """Audit entries this user may read: those of own cases, and their own store-level entries."""
        from caseload.store.schema import audit_table

        if self.sees_all:
            return None
        return sa.or_(
            audit_table.c.case_id.in_(self.own_cases()),
            sa.and_(audit_table.c.case_id.is_(None), audit_table.c.actor == self.user_name),
        )

    def require_supervisor(self, what: str) -> None:
        """Raise :class:`NotPermitted` unless the user is a supervisor."""
        if not self.sees_all:
            raise NotPermitted(f"Only a supervisor can {what}.")


# --- shares -----------------------------------------------------------------------------------------------


def share_case(conn: sa.Connection, access: Access, case: Case, user: User) -> Share:
    """Share ``case`` with ``user`` inside the caller's transaction. The case's worker or a supervisor may
    share; a victim case is never shared with a Drive user, nor a perpetrator case with an IDVA."""
    if not access.sees_all and case.worker_id != access.user_id:
        raise NotPermitted("Only the case's worker or a supervisor can share a case.")
    allowed = {CaseKind.VICTIM: (Role.IDVA, Role.SUPERVISOR), CaseKind.PERPETRATOR: (Role.DRIVE, Role.SUPERVISOR)}
    if user.role not in allowed[case.kind]:
        raise NotPermitted(f"A {case.kind.value} case cannot be shared with a {user.role.value} user.")
    if user.id == case.worker_id:
        raise StoreError("That user already holds the case.")
    t = shares_table
    existing = conn.execute(sa.select(t).where(t.c.case_id == case.id, t.c.user_id == user.id)).first()
    if existing is not None:
        return Share(*existing)
    share = Share(new_id(), case.id, user.id, access.user_id or "", datetime.now(UTC).isoformat())
    conn.execute(t.insert().values(dataclasses.asdict(share)))
    return share


def unshare_case(conn: sa.Connection, access: Access, case: Case, user_id: str) -> bool:
    """Remove a share; True if there was one."""
    if not access.sees_all and case.worker_id != access.user_id:
        raise NotPermitted("Only the case's worker or a supervisor can stop sharing a case.")
    t = shares_table
    return conn.execute(t.delete().where(t.c.case_id == case.id, t.c.user_id == user_id)).rowcount > 0


def shares_of(conn: sa.Connection, case_id: str) -> list[Share]:
    """The shares of one case."""
    t = shares_table
    return [Share(*r) for r in conn.execute(sa.select(t).where(t.c.case_id == case_id).order_by(t.c.granted_at))]
