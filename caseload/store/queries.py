"""Read queries of the Store, returning domain records (never rows)."""

from __future__ import annotations

import contextlib
import threading
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import sqlalchemy as sa

from caseload.domain.casefile import CaseFile
from caseload.domain.drive import DRIVE_RECORDS, BehaviourReview, DriveReferral, DriveSession, InterventionAction
from caseload.domain.due_rules import DueFacts, facts_stamp
from caseload.domain.enums import Role
from caseload.domain.model import (
    Case,
    CaseLink,
    Child,
    CjsMilestone,
    Contact,
    DashAssessment,
    DriveInfo,
    Incident,
    MaracListing,
    MaracReferral,
    OrderBreach,
    OutcomeSnapshot,
    Party,
    Person,
    ProtectiveOrder,
    Referral,
    SafeContact,
    SafetyPlan,
    SafetyPlanItem,
    User,
    VictimUpdate,
)
from caseload.store import due_facts, due_read
from caseload.store.access import Access
from caseload.store.schema import table_for

T = TypeVar("T")

# Record types held per case (case_id column) and the CaseFile attribute each fills.
PER_CASE: tuple[tuple[type, str], ...] = (
    (Party, "parties"),
    (Child, "children"),
    (Referral, "referrals"),
    (Incident, "incidents"),
    (DashAssessment, "dash"),
    (MaracReferral, "marac_referrals"),
    (MaracListing, "marac_listings"),
    (SafetyPlan, "plans"),
    (ProtectiveOrder, "orders"),
    (CjsMilestone, "milestones"),
    (Contact, "contacts"),
    (VictimUpdate, "updates"),
    (OutcomeSnapshot, "outcomes"),
    *DRIVE_RECORDS,
)

_DATE_FIELD = {
    Incident: "occurred_on",
    DashAssessment: "assessed_on",
    MaracReferral: "referred_on",
    MaracListing: "meeting_on",
    SafetyPlan: "created_on",
    ProtectiveOrder: "starts_on",
    CjsMilestone: "occurred_on",
    Contact: "at",
    VictimUpdate: "due_on",
    OutcomeSnapshot: "taken_on",
    Referral: "received_on",
    DriveInfo: "learned_on",
    OrderBreach: "occurred_on",
    DriveReferral: "received_on",
    InterventionAction: "created_on",
    DriveSession: "held_on",
    BehaviourReview: "reviewed_on",
}


@dataclass(frozen=True, slots=True)
class CaseRow:
    """A case with the few things a list shows: subject name (level 3), worker name."""

    case: Case
    subject_name: str
    postcode: str
    worker_name: str


class Queries:
    """Read side of the Store. Relies on ``reading()`` and ``_access()`` from the Store: every read is
    limited to what the signed-in user's role may see (see :mod:`caseload.store.access`)."""

    def reading(self) -> contextlib.AbstractContextManager[sa.Connection]:  # pragma: no cover - overridden
        """A serialised read connection."""
        raise NotImplementedError

    _mutex: threading.RLock
    """Serialises every store call (the Store's)."""

    def transaction(self) -> contextlib.AbstractContextManager[sa.Connection]:  # pragma: no cover - overridden
        """A serialised write transaction."""
        raise NotImplementedError

    def _access(self, conn: sa.Connection) -> Access:  # pragma: no cover - overridden
        """What the signed-in user may read."""
        raise NotImplementedError

    def _select(
        self, record_type: type[T], where: Any = None, order: Any = None, *, with_linked: bool = False
    ) -> list[T]:
        rt = table_for(record_type)
        q = sa.select(rt.table)
        if where is not None:
            q = q.where(where)
        if order is not None:
            q = q.order_by(order)
        with self.reading() as conn:
            access = self._access(conn)
            scope = access.where(record_type, with_linked=with_linked)
            if scope is not None:
                q = q.where(scope)
            return access.redact_all([rt.from_tuple(r) for r in conn.execute(q)], conn)

    def all(self, record_type: type[T]) -> list[T]:
        """Every record of a type."""
        return self._select(record_type)

    def get(self, record_type: type[T], record_id: str) -> T | None:
        """One record by id (a case linked to one of yours comes back with level-3 fields blanked)."""
        found = self._select(record_type, table_for(record_type).table.c.id == record_id, with_linked=True)
        return found[0] if found else None

    def users(self) -> list[User]:
        """All users."""
        return self._select(User, order=table_for(User).table.c.name)

    def cases(self, worker_id: str | None = None, open_only: bool = False) -> list[Case]:
        """Cases, optionally one worker's and/or open only, by reference."""
        t = table_for(Case).table
        conds = []
        if worker_id is not None:
            conds.append(t.c.worker_id == worker_id)
        if open_only:
            conds.append(t.c.closed_on.is_(None))
        return self._select(Case, sa.and_(*conds) if conds else None, t.c.reference)

    def case_rows(self, worker_id: str | None = None, open_only: bool = False) -> list[CaseRow]:
        """Cases joined with the subject's name and postcode and the worker's name (for lists)."""
        ct, pt, ut = table_for(Case).table, table_for(Person).table, table_for(User).table
        q = (
            sa.select(
                ct,
                pt.c.given_name,
                pt.c.family_name,
                pt.c.postcode,
                pt.c.role.label("subject_role"),
                ut.c.name.label("worker_name"),
            )
            .join(pt, pt.c.id == ct.c.subject_id)
            .join(ut, ut.c.id == ct.c.worker_id, isouter=True)
            .order_by(ct.c.reference)
        )
        if worker_id is not None:
            q = q.where(ct.c.worker_id == worker_id)
        if open_only:
            q = q.where(ct.c.closed_on.is_(None))
        rt = table_for(Case)
        with self.reading() as conn:
            access = self._access(conn)
            scope = access.case_filter(ct.c.id)
            if scope is not None:
                q = q.where(scope)
            hide = access.role is Role.DRIVE
            return [
                CaseRow(
                    rt.from_row(r._mapping),
                    "" if hide and r.subject_role == "victim" else f"{r.given_name} {r.family_name}".strip(),
                    "" if hide and r.subject_role == "victim" else r.postcode or "",
                    r.worker_name or "",
                )
                for r in conn.execute(q)
            ]

    def casefile(self, case_id: str) -> CaseFile | None:
        """One case with all its records."""
        files = self.casefiles(case_ids=[case_id])
        return files[0] if files else None

    def due_casefiles(self, worker_id: str | None = None) -> list[CaseFile]:
        """Case files holding just what the due list reads: ``contacts`` holds only each case's first
        contact or attempt and its last successful contact; children, parties, plan items, links, outcomes,
        safe-contact cards and people other than the subject are left out; closed cases carry only their
        victim updates, milestones and Drive information (all the due list chases once a case is closed);
        level-3 fields the due list does not read are blank. The fast read of :mod:`caseload.store.due_read`
        (same due items as from :meth:`casefiles`)."""
        with self.reading() as conn:
            return due_read.due_casefiles(conn, self._access(conn), worker_id)

    def due_facts(self, worker_id: str | None = None) -> list[DueFacts]:
        """Every in-scope case's due facts (one worker's cases when ``worker_id`` is given), from those kept in
        the store; the cases whose records changed since (or never kept) are worked out now and kept. See
        :mod:`caseload.store.due_facts`; :func:`caseload.domain.due.due_items_from_facts` makes the list."""
        stamp = facts_stamp()
        with self._mutex:  # no write between reading a case file and keeping its facts
            with self.reading() as conn:
                facts, missing = due_facts.read(conn, self._access(conn), stamp, worker_id)
            if missing:
                with self.transaction() as conn:
                    facts += due_facts.rebuild(conn, self._access(conn), stamp, missing, worker_id)
        return facts

    def casefiles(
        self,
        worker_id: str | None = None,
        open_only: bool = False,
        case_ids: list[str] | None = None,
        *,
        for_due: bool = False,
    ) -> list[CaseFile]:
        """Case files in bulk: one query per table, grouped in memory."""
        ct = table_for(Case).table
        conds = []
        if worker_id is not None:
            conds.append(ct.c.worker_id == worker_id)
        if open_only:
            conds.append(ct.c.closed_on.is_(None))
        if case_ids is not None:
            conds.append(ct.c.id.in_(case_ids))
        with self.reading() as conn:
            access = self._access(conn)
            scope = access.case_filter(ct.c.id)
            if scope is not None:
                conds.append(scope)
            cases = _rows(conn, Case, sa.and_(*conds) if conds else None)
            if not cases:
                return []
            wanted = {c.id for c in cases}
            everything = worker_id is None and not open_only and case_ids is None and scope is None
            subset = None if everything else wanted
            active = {c.id for c in cases if c.is_open} if for_due else subset
            grouped: dict[str, dict[str, list[Any]]] = {}
            for rtype, attr in PER_CASE:
                if for_due and rtype in _NOT_FOR_DUE:
                    grouped[attr] = {}
                elif for_due and rtype is Contact:
                    grouped[attr] = _edge_contacts(conn, active)
                else:
                    grouped[attr] = _grouped(conn, rtype, "case_id", subset if rtype in _CLOSED_TOO else active)
            skip = for_due
            safe = {} if skip else _grouped(conn, SafeContact, "case_id", subset)
            links_p = {} if skip else _grouped(conn, CaseLink, "perpetrator_case_id", subset)
            links_v = {} if skip else _grouped(conn, CaseLink, "victim_case_id", subset)
            drive_v = _grouped(conn, DriveInfo, "victim_case_id", subset)
            drive_p = {} if skip else _grouped(conn, DriveInfo, "perpetrator_case_id", subset)
            plan_ids = {p.id for ps in grouped["plans"].values() for p in ps}
            items = {} if skip else _grouped(conn, SafetyPlanItem, "plan_id", plan_ids)
            order_ids = {o.id for os_ in grouped["orders"].values() for o in os_}
            breaches = _grouped(conn, OrderBreach, "order_id", order_ids)
            person_ids = {c.subject_id for c in cases}
            for ps in grouped["parties"].values():
                person_ids.update(p.person_id for p in ps)
            for ls in (*links_p.values(), *links_v.values()):
                person_ids.update(x.victim_person_id for x in ls)
            people = {p.id: access.redact(p) for p in _filtered(conn, Person, "id", person_ids)}
        out: list[CaseFile] = []
        for case in sorted(cases, key=lambda c: c.reference):
            cid = case.id
            links = tuple({x.id: x for x in (*links_p.get(cid, ()), *links_v.get(cid, ()))}.values())
            parties = tuple(grouped["parties"].get(cid, ()))
            related = {p.person_id for p in parties} | {x.victim_person_id for x in links}
            plans = tuple(grouped["plans"].get(cid, ()))
            orders = tuple(grouped["orders"].get(cid, ()))
            fields = {attr: tuple(grouped[attr].get(cid, ())) for _, attr in PER_CASE}
            out.append(
                CaseFile(
                    case=case,
                    subject=people[case.subject_id],
                    people=tuple(people[i] for i in sorted(related) if i in people and i != case.subject_id),
                    links=links,
                    plan_items=tuple(i for p in plans for i in items.get(p.id, ())),
                    breaches=tuple(b for o in orders for b in breaches.get(o.id, ())),
                    safe_contact=safe[cid][0] if safe.get(cid) else None,
                    drive_info=tuple((*drive_v.get(cid, ()), *drive_p.get(cid, ()))),
                    **fields,
                )
            )
        return out

    def last_contacts(self, worker_id: str | None = None) -> dict[str, str]:
        """For each open case, the time (ISO, UTC) of the last two-way contact, if any."""
        ct, kt = table_for(Case).table, table_for(Contact).table
        q = (
            sa.select(ct.c.id, sa.func.max(kt.c.at))
            .select_from(ct)
            .join(kt, sa.and_(kt.c.case_id == ct.c.id, kt.c.kind == "contact"), isouter=True)
            .where(ct.c.closed_on.is_(None))
            .group_by(ct.c.id)
        )
        if worker_id is not None:
            q = q.where(ct.c.worker_id == worker_id)
        with self.reading() as conn:
            scope = self._access(conn).case_filter(ct.c.id)
            if scope is not None:
                q = q.where(scope)
            return {r[0]: r[1] for r in conn.execute(q)}

    def open_updates_due(self, on: date) -> list[VictimUpdate]:
        """Victim updates not yet told and due on or before ``on`` (uses the partial index)."""
        t = table_for(VictimUpdate).table
        return self._select(VictimUpdate, sa.and_(t.c.told_on.is_(None), t.c.due_on <= on.isoformat()))


_NOT_FOR_DUE = frozenset({Party, Child, OutcomeSnapshot, *(t for t, _ in DRIVE_RECORDS)})
_CLOSED_TOO = frozenset({VictimUpdate, CjsMilestone})


def _rows(conn: sa.Connection, record_type: type[T], where: Any = None) -> list[T]:
    rt = table_for(record_type)
    q = sa.select(rt.table)
    if where is not None:
        q = q.where(where)
    decode = rt.from_tuple
    return [decode(r) for r in conn.execute(q)]


def _raw(conn: sa.Connection, record_type: type) -> Any:
    """All rows of a table as plain tuples in field order, straight from the driver (the fast path)."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    return cursor.execute(table_for(record_type).select_sql)


def _filtered(conn: sa.Connection, record_type: type[T], key: str, keep: set[str] | None) -> list[T]:
    """Records whose ``key`` column is in ``keep`` (all when None), filtered before decoding."""
    rt = table_for(record_type)
    decode = rt.from_tuple
    if keep is not None and len(keep) <= 500:
        if not keep:
            return []
        return _rows(conn, record_type, rt.table.c[key].in_(sorted(keep)))
    rows = _raw(conn, record_type)
    if keep is None:
        return [decode(r) for r in rows]
    idx = list(rt.encoders).index(key)
    return [decode(r) for r in rows if r[idx] in keep]


def _grouped(conn: sa.Connection, record_type: type[T], key: str, keep: set[str] | None) -> dict[str, list[T]]:
    out: dict[str, list[T]] = defaultdict(list)
    records = _filtered(conn, record_type, key, keep)
    field = _DATE_FIELD.get(record_type)
    if field is not None:
        records.sort(key=lambda r: (getattr(r, field), getattr(r, "id", "")))
    for r in records:
        k = getattr(r, key)
        if k is not None:
            out[k].append(r)
    return out


SUCCESSFUL = ("spoke", "replied", "met")


def _edge_contacts(conn: sa.Connection, subset: set[str] | None) -> dict[str, list[Contact]]:
    """Per case: the first contact or attempt, and the last successful contact. Both extremes come from
    covering indexes (``ix_contacts_case_at``, ``ix_contacts_success``); only those rows are decoded."""
    rt = table_for(Contact)
    cols = ", ".join(f"c.{c}" for c in rt.encoders)
    ok = ", ".join(f"'{o}'" for o in SUCCESSFUL)
    # A small subset (one worker's caseload) is filtered inside both sub-queries, so SQLite walks only those
    # cases' index entries instead of all 300,000 contacts; ids are bound as parameters, never interpolated.
    small = subset is not None and len(subset) <= 500
    params = sorted(subset) if small and subset is not None else []
    marks = ", ".join("?" for _ in params)
    only = f"WHERE case_id IN ({marks}) " if small else ""
    also = f"AND case_id IN ({marks}) " if small else ""
    sql = (
        f"SELECT {cols} FROM contacts c JOIN "
        f"(SELECT case_id, MIN(at) AS edge FROM contacts {only}GROUP BY case_id) e "
        "ON c.case_id = e.case_id AND c.at = e.edge "
        f"UNION SELECT {cols} FROM contacts c JOIN "
        f"(SELECT case_id, MAX(at) AS edge FROM contacts WHERE kind = 'contact' AND outcome IN ({ok}) {also}"
        "GROUP BY case_id) e ON c.case_id = e.case_id AND c.at = e.edge"
    )
    out: dict[str, list[Contact]] = defaultdict(list)
    seen: set[str] = set()
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    idx_case = list(rt.encoders).index("case_id")
    rows = [r for r in cursor.execute(sql, params + params) if subset is None or r[idx_case] in subset]
    decode = rt.from_tuple
    for rec in sorted((decode(r) for r in rows), key=lambda c: (c.at, c.id)):
        if rec.id in seen:
            continue
        seen.add(rec.id)
        out[rec.case_id].append(rec)
    return out


def iter_chunks(items: list[T], size: int) -> Iterator[list[T]]:
    """Split a list into chunks."""
    for i in range(0, len(items), size):
        yield items[i : i + size]
