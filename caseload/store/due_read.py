"""The due list's read: slim case files for :meth:`~caseload.store.queries.Queries.due_casefiles`, fast.

The due list (:mod:`caseload.domain.due`), the supervisor's review figures and the Today screen read a
whole service's case files at once, so this read is built for speed while returning the same due items and
figures as a full read (``tests/unit/store/test_due_read.py`` checks that on generated caseloads):

- one query per table, filtered in SQL to the cases in scope (open cases only, except the victim updates,
  milestones and Drive information a closed case still owes) and ordered in SQL (date, then id), so
  nothing is filtered, sorted or decoded in Python that the list does not use;
- only the columns the rules read are fetched: every **level-3 field is blank** (``""``, ``()``, ``None``,
  as :func:`caseload.store.access.blank` gives) except the DASH judgement reason, which the MARAC
  professional-judgement criterion checks is written. The due list never shows level-3 text (its reasons
  are dates, counts and categories), so none is decrypted into memory for it. The case and the subject
  (their name is shown on Today and Review) are read whole;
- ``contacts`` holds each open case's first contact or attempt and its last successful contact, found by
  index seeks per case (``ix_contacts_case_at``, ``ix_contacts_success``), not by scanning every contact;
- JSON list columns are decoded once per distinct value, and the cyclic garbage collector is paused while
  the records are built (they hold no cycles; collecting during a 100,000-record build costs a third of it).

Role scoping is the caller's :class:`~caseload.store.access.Access`: the same SQL filter as every other read
(nothing for a supervisor), and people are redacted as everywhere else.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa

from caseload.domain.bulk import gc_paused
from caseload.domain.casefile import CaseFile
from caseload.domain.model import (
    Case,
    CjsMilestone,
    Contact,
    DashAssessment,
    DriveInfo,
    Incident,
    MaracListing,
    MaracReferral,
    OrderBreach,
    Person,
    ProtectiveOrder,
    Referral,
    SafetyPlan,
    VictimUpdate,
)
from caseload.store.access import Access, _blanks
from caseload.store.schema import _same, _unwrap_optional, table_for

SUCCESSFUL = ("spoke", "replied", "met")
"""Contact outcomes that make a ``kind = 'contact'`` record a successful (two-way) contact."""

READ_LEVEL3: dict[type, frozenset[str]] = {DashAssessment: frozenset({"judgement_reason"})}
"""Level-3 fields the due list does read (and so are not blanked)."""

# Open cases' records: (record type, CaseFile attribute, date column). Sorted by (date, id) like every read.
OPEN_ONLY: tuple[tuple[type, str, str], ...] = (
    (Referral, "referrals", "received_on"),
    (Incident, "incidents", "occurred_on"),
    (DashAssessment, "dash", "assessed_on"),
    (MaracReferral, "marac_referrals", "referred_on"),
    (MaracListing, "marac_listings", "meeting_on"),
    (SafetyPlan, "plans", "created_on"),
    (ProtectiveOrder, "orders", "starts_on"),
)
# Read for closed cases too (what a closed case still owes the victim).
CLOSED_TOO: tuple[tuple[type, str, str], ...] = (
    (CjsMilestone, "milestones", "occurred_on"),
    (VictimUpdate, "updates", "due_on"),
)


DUE_SOURCES: tuple[tuple[type, str], ...] = (
    *((rtype, "case_id") for rtype, _, _ in OPEN_ONLY + CLOSED_TOO),
    (Contact, "case_id"),
    (DriveInfo, "victim_case_id"),
    (Case, "id"),
)
"""Every record type the due list reads, with the column naming the case whose due list it bears on; order
breaches (:class:`OrderBreach`) bear on the case of their order. Changing any of these records changes the
case's due facts (:mod:`caseload.store.due_facts` keeps them, and its triggers are made from this list)."""


@dataclasses.dataclass(frozen=True)
class SlimTable:
    """The columns read for one record type and the decoder from a row of them to a (slim) record."""

    record_type: type
    columns: tuple[str, ...]
    decode: Callable[[Sequence[Any]], Any]


def blanked(record_type: type) -> dict[str, Any]:
    """The fields a slim record leaves blank, with their blank values."""
    keep = READ_LEVEL3.get(record_type, frozenset())
    return {k: v for k, v in _blanks(record_type).items() if k not in keep}


def slim(record: Any) -> Any:
    """``record`` as this read returns it (its unread level-3 fields blanked); for tests and comparisons."""
    values = blanked(type(record))
    return dataclasses.replace(record, **values) if values else record


@functools.cache
def slim_table(record_type: type, *, whole: bool = False) -> SlimTable:
    """Columns and generated decoder for ``record_type`` (all columns when ``whole``).

    Like :func:`caseload.store.schema._tuple_decoder`, the decoder is generated source: one call per
    converted column; list (JSON) columns go through a cache, since most of their values repeat.
    """
    rt = table_for(record_type)
    hints = typing.get_type_hints(record_type)
    blanks = {} if whole else blanked(record_type)
    columns: list[str] = []
    parts: list[str] = []
    namespace: dict[str, Any] = {"cls": record_type}
    for f in dataclasses.fields(record_type):
        if f.name in blanks:
            namespace[f"b_{f.name}"] = blanks[f.name]
            parts.append(f"b_{f.name}")
            continue
        i = len(columns)
        columns.append(f.name)
        tp, optional = _unwrap_optional(hints[f.name])
        dec = rt.decoders[f.name]
        if dec is _same:  # text and integers come from SQLite as they are
            parts.append(f"r[{i}]")
            continue
        if typing.get_origin(tp) is tuple:
            dec = functools.lru_cache(maxsize=4096)(dec)
        namespace[f"d{i}"] = dec
        parts.append(f"(None if r[{i}] is None else d{i}(r[{i}]))" if optional else f"d{i}(r[{i}])")
    source = f"def decode(r):\n    return cls({', '.join(parts)})\n"
    exec(compile(source, f"<slim decoder {record_type.__name__}>", "exec"), namespace)  # noqa: S102
    return SlimTable(record_type, tuple(columns), namespace["decode"])


def _execute(conn: sa.Connection, query: Any) -> Any:
    """Run a Core query on the driver's own cursor (plain tuples); parameters stay bound."""
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    positional = [params[name] for name in compiled.positiontup or ()]
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    return cursor.execute(str(compiled), positional)


def _select(record_type: type, *, whole: bool = False) -> tuple[sa.Select[Any], SlimTable]:
    st = slim_table(record_type, whole=whole)
    t = table_for(record_type).table
    return sa.select(*(t.c[c] for c in st.columns)), st


def _by(conn: sa.Connection, query: Any, st: SlimTable, key: str) -> dict[str, list[Any]]:
    """Decoded records grouped by ``key`` (in query order)."""
    idx = st.columns.index(key)
    decode = st.decode
    out: dict[str, list[Any]] = {}
    for row in _execute(conn, query):
        k = row[idx]
        found = out.get(k)
        if found is None:
            out[k] = [decode(row)]
        else:
            found.append(decode(row))
    return out


def due_casefiles(
    conn: sa.Connection, access: Access, worker_id: str | None = None, case_ids: Sequence[str] | None = None
) -> list[CaseFile]:
    """Slim case files for the due list (see the module docstring), by case reference; only the cases in
    ``case_ids`` when given."""
    ct = table_for(Case).table
    conds: list[Any] = []
    if worker_id is not None:
        conds.append(ct.c.worker_id == worker_id)
    if case_ids is not None:
        conds.append(ct.c.id.in_(case_ids))
    scope = access.case_filter(ct.c.id)
    if scope is not None:
        conds.append(scope)
    with gc_paused():
        q, st = _select(Case, whole=True)
        cases: list[Case] = [st.decode(r) for r in _execute(conn, q.where(*conds).order_by(ct.c.reference))]
        if not cases:
            return []
        in_scope = sa.select(ct.c.id).where(*conds) if conds else None
        open_ids = sa.select(ct.c.id).where(ct.c.closed_on.is_(None), *conds)
        grouped: dict[str, dict[str, list[Any]]] = {}
        for rtype, attr, when in OPEN_ONLY:
            q, st = _select(rtype)
            t = table_for(rtype).table
            grouped[attr] = _by(conn, q.where(t.c.case_id.in_(open_ids)).order_by(t.c[when], t.c.id), st, "case_id")
        for rtype, attr, when in CLOSED_TOO:
            q, st = _select(rtype)
            t = table_for(rtype).table
            if in_scope is not None:
                q = q.where(t.c.case_id.in_(in_scope))
            grouped[attr] = _by(conn, q.order_by(t.c[when], t.c.id), st, "case_id")
        q, st = _select(DriveInfo)
        dt = table_for(DriveInfo).table
        if in_scope is not None:
            q = q.where(dt.c.victim_case_id.in_(in_scope))
        drive = _by(conn, q.order_by(dt.c.learned_on, dt.c.id), st, "victim_case_id")
        q, st = _select(OrderBreach)
        bt, ot = table_for(OrderBreach).table, table_for(ProtectiveOrder).table
        orders_open = sa.select(ot.c.id).where(ot.c.case_id.in_(open_ids))
        breaches = _by(conn, q.where(bt.c.order_id.in_(orders_open)).order_by(bt.c.occurred_on, bt.c.id), st,
                       "order_id")
        contacts = _edge_contacts(conn, open_ids)
        q, st = _select(Person, whole=True)
        pt = table_for(Person).table
        subjects = sa.select(ct.c.subject_id).where(*conds)
        people = {p.id: access.redact(p) for p in map(st.decode, _execute(conn, q.where(pt.c.id.in_(subjects))))}
        return _assemble(cases, people, grouped, drive, breaches, contacts)


def _assemble(
    cases: list[Case],
    people: dict[str, Person],
    grouped: dict[str, dict[str, list[Any]]],
    drive: dict[str, list[DriveInfo]],
    breaches: dict[str, list[OrderBreach]],
    contacts: dict[str, list[Contact]],
) -> list[CaseFile]:
    tables = [(attr, grouped[attr]) for attr in grouped]
    tables.append(("contacts", contacts))
    tables.append(("drive_info", drive))
    out: list[CaseFile] = []
    for case in cases:
        cid = case.id
        fields: dict[str, Any] = {}
        for attr, by_case in tables:
            found = by_case.get(cid)
            if found:
                fields[attr] = tuple(found)
        orders = fields.get("orders")
        if orders and breaches:
            fields["breaches"] = tuple(b for o in orders for b in breaches.get(o.id, ()))
        out.append(CaseFile(case=case, subject=people[case.subject_id], **fields))
    return out


def _edge_contacts(conn: sa.Connection, open_ids: sa.Select[Any]) -> dict[str, list[Contact]]:
    """Per open case in scope: every contact at its earliest time, and every contact at the time of its last
    successful contact; oldest first (by time, then id), each once."""
    st = slim_table(Contact)
    k, x = table_for(Contact).table.alias("k"), table_for(Contact).table.alias("x")
    ct = table_for(Case).table
    cols = [k.c[c] for c in st.columns]
    # For each case, the extreme time is one index seek (a scalar sub-query correlated to the case row), and
    # the contacts at that time a second seek on (case_id, at).
    first = sa.select(sa.func.min(x.c.at)).where(x.c.case_id == ct.c.id).scalar_subquery()
    last_ok = (
        sa.select(sa.func.max(x.c.at))
        .where(x.c.case_id == ct.c.id, x.c.kind == "contact", x.c.outcome.in_(SUCCESSFUL))
        .scalar_subquery()
    )
    queries = [
        sa.select(*cols)
        .select_from(ct)
        .join(k, sa.and_(k.c.case_id == ct.c.id, k.c.at == edge))
        .where(ct.c.id.in_(open_ids))
        for edge in (first, last_ok)
    ]
    idx = st.columns.index("id")
    rows = {r[idx]: r for q in queries for r in _execute(conn, q)}  # a contact at both edges is read twice
    out: dict[str, list[Contact]] = {}
    for rec in sorted(map(st.decode, rows.values()), key=lambda c: (c.at, c.id)):
        out.setdefault(rec.case_id, []).append(rec)
    return out
