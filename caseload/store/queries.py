"""Read queries of the Store, returning domain records (never rows)."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import sqlalchemy as sa

from caseload.domain.casefile import CaseFile
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
}


@dataclass(frozen=True, slots=True)
class CaseRow:
    """A case with the few things a list shows: subject name (level 3), worker name."""

    case: Case
    subject_name: str
    postcode: str
    worker_name: str


class Queries:
    """Read side of the Store. Relies on ``reading()`` from the Store."""

    def reading(self) -> contextlib.AbstractContextManager[sa.Connection]:  # pragma: no cover - overridden
        """A serialised read connection."""
        raise NotImplementedError

    def _select(self, record_type: type[T], where: Any = None, order: Any = None) -> list[T]:
        rt = table_for(record_type)
        q = sa.select(rt.table)
        if where is not None:
            q = q.where(where)
        if order is not None:
            q = q.order_by(order)
        with self.reading() as conn:
            return [rt.from_row(r._mapping) for r in conn.execute(q)]

    def all(self, record_type: type[T]) -> list[T]:
        """Every record of a type."""
        return self._select(record_type)

    def get(self, record_type: type[T], record_id: str) -> T | None:
        """One record by id."""
        found = self._select(record_type, table_for(record_type).table.c.id == record_id)
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
            sa.select(ct, pt.c.given_name, pt.c.family_name, pt.c.postcode, ut.c.name.label("worker_name"))
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
            return [
                CaseRow(
                    rt.from_row(r._mapping),
                    f"{r.given_name} {r.family_name}".strip(),
                    r.postcode or "",
                    r.worker_name or "",
                )
                for r in conn.execute(q)
            ]

    def casefile(self, case_id: str) -> CaseFile | None:
        """One case with all its records."""
        files = self.casefiles(case_ids=[case_id])
        return files[0] if files else None

    def due_casefiles(self, worker_id: str | None = None) -> list[CaseFile]:
        """Case files for the due list: every record except that ``contacts`` holds only each case's first
        contact or attempt and its last successful contact (all the schedules need)."""
        return self.casefiles(worker_id=worker_id, edge_contacts_only=True)

    def casefiles(
        self,
        worker_id: str | None = None,
        open_only: bool = False,
        case_ids: list[str] | None = None,
        *,
        edge_contacts_only: bool = False,
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
            cases = _rows(conn, Case, sa.and_(*conds) if conds else None)
            if not cases:
                return []
            wanted = {c.id for c in cases}
            subset = None if (worker_id is None and not open_only and case_ids is None) else wanted
            grouped: dict[str, dict[str, list[Any]]] = {
                attr: _grouped(conn, rtype, "case_id", subset)
                for rtype, attr in PER_CASE
                if not (edge_contacts_only and rtype is Contact)
            }
            if edge_contacts_only:
                grouped["contacts"] = _edge_contacts(conn, subset)
            safe = _grouped(conn, SafeContact, "case_id", subset)
            links_p = _grouped(conn, CaseLink, "perpetrator_case_id", subset)
            links_v = _grouped(conn, CaseLink, "victim_case_id", subset)
            drive_v = _grouped(conn, DriveInfo, "victim_case_id", subset)
            drive_p = _grouped(conn, DriveInfo, "perpetrator_case_id", subset)
            plan_ids = {p.id for ps in grouped["plans"].values() for p in ps}
            items = _grouped(conn, SafetyPlanItem, "plan_id", plan_ids if subset is not None else None)
            order_ids = {o.id for os_ in grouped["orders"].values() for o in os_}
            breaches = _grouped(conn, OrderBreach, "order_id", order_ids if subset is not None else None)
            person_ids = {c.subject_id for c in cases}
            for ps in grouped["parties"].values():
                person_ids.update(p.person_id for p in ps)
            for ls in (*links_p.values(), *links_v.values()):
                person_ids.update(x.victim_person_id for x in ls)
            where = _in(Person, "id", person_ids) if len(person_ids) <= 900 else None
            people = {p.id: p for p in _rows(conn, Person, where) if p.id in person_ids}
        out: list[CaseFile] = []
        for case in sorted(cases, key=lambda c: c.reference):
            cid = case.id
            links = tuple({x.id: x for x in (*links_p.get(cid, ()), *links_v.get(cid, ()))}.values())
            parties = tuple(grouped["parties"].get(cid, ()))
            related = {p.person_id for p in parties} | {x.victim_person_id for x in links}
            plans = tuple(grouped["plans"].get(cid, ()))
            orders = tuple(grouped["orders"].get(cid, ()))
            fields = {attr: tuple(grouped[attr].get(cid, ())) for _, attr in PER_CASE}
            fields["parties"] = parties
            fields["plans"] = plans
            fields["orders"] = orders
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
            return {r[0]: r[1] for r in conn.execute(q)}

    def open_updates_due(self, on: date) -> list[VictimUpdate]:
        """Victim updates not yet told and due on or before ``on`` (uses the partial index)."""
        t = table_for(VictimUpdate).table
        return self._select(VictimUpdate, sa.and_(t.c.told_on.is_(None), t.c.due_on <= on.isoformat()))


def _in(record_type: type, column: str, values: set[str] | None) -> Any:
    if values is None:
        return None
    return table_for(record_type).table.c[column].in_(sorted(values))


def _rows(conn: sa.Connection, record_type: type[T], where: Any = None) -> list[T]:
    rt = table_for(record_type)
    q = sa.select(rt.table)
    if where is not None:
        q = q.where(where)
    return [rt.from_row(r._mapping) for r in conn.execute(q)]


def _grouped(
    conn: sa.Connection, record_type: type[T], key: str, subset: set[str] | None
) -> dict[str, list[T]]:
    out: dict[str, list[T]] = defaultdict(list)
    if subset is not None and len(subset) <= 900:
        records = _rows(conn, record_type, _in(record_type, key, subset))
    else:
        records = [r for r in _rows(conn, record_type) if subset is None or getattr(r, key) in subset]
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
    """Per case: the first contact or attempt, and the last successful contact (SQLite's bare-column
    MIN/MAX returns the row holding the extreme)."""
    rt = table_for(Contact)
    cols = ", ".join(c.name for c in rt.table.columns)
    ok = ", ".join(f"'{o}'" for o in SUCCESSFUL)
    sql = (
        f"SELECT {cols}, MIN(at) AS _edge FROM contacts GROUP BY case_id "
        f"UNION SELECT {cols}, MAX(at) AS _edge FROM contacts "
        f"WHERE kind = 'contact' AND outcome IN ({ok}) GROUP BY case_id"
    )
    out: dict[str, list[Contact]] = defaultdict(list)
    seen: set[str] = set()
    rows = sorted(conn.exec_driver_sql(sql).mappings(), key=lambda r: (r["at"], r["id"]))
    for row in rows:
        if row["id"] in seen or (subset is not None and row["case_id"] not in subset):
            continue
        seen.add(row["id"])
        out[row["case_id"]].append(rt.from_row(row))
    return out


def iter_chunks(items: list[T], size: int) -> Iterator[list[T]]:
    """Split a list into chunks."""
    for i in range(0, len(items), size):
        yield items[i : i + size]
