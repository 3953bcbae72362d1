"""Ordered schema migrations keyed on ``PRAGMA user_version``; never a bare create_all on a store."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from caseload.store.casework_drive import create_drive_tables
from caseload.store.due_facts import create_due_facts
from caseload.store.errors import StoreTooNew
from caseload.store.ledger import create_ledger
from caseload.store.review import create_approvals
from caseload.store.schema import audit_table, metadata, settings_table, shares_table

Migration = Callable[[sa.Connection], None]


def _v1_initial(conn: sa.Connection) -> None:
    """Version 1: every record table, settings, audit and their indexes."""
    existing = sa.inspect(conn).get_table_names()
    if existing:
        raise StoreTooNew("The store has tables but no schema version; it was not made by caseload.")
    metadata.create_all(conn)


def _v2_export_ledger(conn: sa.Connection) -> None:
    """Version 2: ``export_ledger`` (R9: unrounded cells of past anonymised exports)."""
    create_ledger(conn)


def _v4_shares_and_audit_anchor(conn: sa.Connection) -> None:
    """Version 4: ``case_shares`` (cases shared with a user who is not their worker); an existing audit chain
    is marked for anchoring (its head is recorded at the next unlock, when the audit key is at hand)."""
    shares_table.create(conn, checkfirst=True)
    if conn.execute(sa.select(sa.func.count()).select_from(audit_table)).scalar_one():
        conn.execute(settings_table.delete().where(settings_table.c.key == "audit_anchor_pending"))
        conn.execute(settings_table.insert().values(key="audit_anchor_pending", value="1"))


def _v5_closure_approvals(conn: sa.Connection) -> None:
    """Version 5: ``closure_approvals`` (a supervisor's approval of a case's closure)."""
    create_approvals(conn)


def _v6_drive_tables(conn: sa.Connection) -> None:
    """Version 6: Drive referrals, intervention actions, sessions and behaviour reviews."""
    create_drive_tables(conn)


def _v7_due_facts(conn: sa.Connection) -> None:
    """Version 7: ``case_due_facts`` (each case's due-list facts, a cache) and the triggers that delete a
    case's row whenever a record the due list reads changes."""
    create_due_facts(conn)


MIGRATIONS: tuple[tuple[int, Migration], ...] = (
    (1, _v1_initial),
    (2, _v2_export_ledger),
    (4, _v4_shares_and_audit_anchor),
    (5, _v5_closure_approvals),
    (6, _v6_drive_tables),
    (7, _v7_due_facts),
)
LATEST = MIGRATIONS[-1][0]


def schema_version(conn: sa.Connection) -> int:
    """The store's ``user_version``."""
    return int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())


def migrate(engine: sa.Engine, steps: tuple[tuple[int, Migration], ...] = MIGRATIONS) -> list[int]:
    """Apply every migration above the store's version, each in its own transaction. Returns those applied."""
    with engine.connect() as conn:
        current = schema_version(conn)
    latest = steps[-1][0]
    if current > latest:
        raise StoreTooNew(
            f"This store has schema version {current}; this caseload knows up to {latest}. Update caseload."
        )
    applied: list[int] = []
    for version, step in steps:
        if version <= current:
            continue
        with engine.begin() as conn:
            step(conn)
            conn.exec_driver_sql(f"PRAGMA user_version = {int(version)}")
        applied.append(version)
    return applied
