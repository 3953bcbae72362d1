"""Each case's due-list facts, kept in the store so a service's due list is read from one small row per case.

:class:`~caseload.domain.due_rules.DueFacts` are what a case owes whatever the day (see that module). They
are kept as JSON in ``case_due_facts`` with the stamp they were worked out under
(:func:`~caseload.domain.due_rules.facts_stamp`):

- **stale on write**: triggers on every table the due list reads (:data:`~caseload.store.due_read.DUE_SOURCES`,
  plus order breaches through their order) delete the case's row in the same transaction as the change, so
  a kept row is never older than the case's records — whichever code path wrote them;
- **rebuilt on read**: :func:`read` returns the kept facts of the cases in scope and names those with none
  (or another stamp); :func:`rebuild` works those out from their case files (the due list's slim read) and
  keeps them, in one write transaction. The caller holds the store's lock across both, so no write can slip
  between reading a case file and keeping its facts.

Facts hold dates, counts, categories and reasons built from them (level 2), never level-3 text, and are the
same whoever reads them (role scoping picks which cases are read, not what a case's facts are).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from caseload.domain.bulk import gc_paused
from caseload.domain.due_rules import DueFacts, case_facts
from caseload.domain.model import Case, OrderBreach, ProtectiveOrder
from caseload.store.access import Access
from caseload.store.due_read import DUE_SOURCES, due_casefiles
from caseload.store.schema import due_facts_table, table_for

TABLE = due_facts_table.name

WHOLE_SCOPE_FROM = 1000
"""Rebuilding more cases than this reads the whole scope's case files (one pass) instead of an id list."""


def trigger_sql() -> list[str]:
    """``CREATE TRIGGER`` statements: any insert, update or delete of a record the due list reads deletes the
    kept facts of the case it bears on (both cases when an update moves a record)."""
    statements: list[str] = []

    def add(table: str, target_new: str, target_old: str) -> None:
        forget = f"DELETE FROM {TABLE} WHERE case_id IN"
        statements.extend(
            [
                f"CREATE TRIGGER IF NOT EXISTS due_facts_{table}_ins AFTER INSERT ON {table} "
                f"BEGIN {forget} ({target_new}); END",
                f"CREATE TRIGGER IF NOT EXISTS due_facts_{table}_upd AFTER UPDATE ON {table} "
                f"BEGIN {forget} ({target_old}); {forget} ({target_new}); END",
                f"CREATE TRIGGER IF NOT EXISTS due_facts_{table}_del AFTER DELETE ON {table} "
                f"BEGIN {forget} ({target_old}); END",
            ]
        )

    for record_type, col in DUE_SOURCES:
        add(table_for(record_type).table.name, f"NEW.{col}", f"OLD.{col}")
    orders = table_for(ProtectiveOrder).table.name
    add(
        table_for(OrderBreach).table.name,
        f"SELECT case_id FROM {orders} WHERE id = NEW.order_id",
        f"SELECT case_id FROM {orders} WHERE id = OLD.order_id",
    )
    return statements


def create_due_facts(conn: sa.Connection) -> None:
    """Migration 7: the table and its triggers (kept facts start empty and fill at the next read)."""
    due_facts_table.create(conn, checkfirst=True)
    for statement in trigger_sql():
        conn.exec_driver_sql(statement)


def read(
    conn: sa.Connection, access: Access, stamp: str, worker_id: str | None = None
) -> tuple[list[DueFacts], list[str]]:
    """The kept facts of the cases in scope (optionally one worker's) with this stamp, and the ids of the cases
    in scope that have none."""
    ct = table_for(Case).table
    f = due_facts_table
    query = sa.select(ct.c.id, f.c.facts).select_from(
        ct.outerjoin(f, sa.and_(f.c.case_id == ct.c.id, f.c.stamp == stamp))
    )
    if worker_id is not None:
        query = query.where(ct.c.worker_id == worker_id)
    scope = access.case_filter(ct.c.id)
    if scope is not None:
        query = query.where(scope)
    kept: list[str] = []
    missing: list[str] = []
    for case_id, facts in conn.execute(query):
        if facts is None:
            missing.append(case_id)
        else:
            kept.append(facts)
    with gc_paused():
        rows: list[list[Any]] = json.loads("[" + ",".join(kept) + "]")  # one parse for the lot
        return [DueFacts.from_json(r) for r in rows], missing


def rebuild(
    conn: sa.Connection, access: Access, stamp: str, case_ids: Sequence[str], worker_id: str | None = None
) -> list[DueFacts]:
    """Work out and keep the facts of ``case_ids`` (cases in scope, of ``worker_id`` when given, as
    :func:`read` named them). Run inside a write transaction."""
    if not case_ids:
        return []
    wanted = set(case_ids)
    if len(case_ids) > WHOLE_SCOPE_FROM:
        files = [cf for cf in due_casefiles(conn, access, worker_id) if cf.case.id in wanted]
    else:
        files = due_casefiles(conn, access, case_ids=list(case_ids))
    with gc_paused():
        facts = [case_facts(cf) for cf in files]
        rows = [
            {"case_id": x.case_id, "stamp": stamp, "facts": json.dumps(x.to_json(), separators=(",", ":"))}
            for x in facts
        ]
    if rows:
        conn.execute(sa.insert(due_facts_table).prefix_with("OR REPLACE"), rows)
    return facts
