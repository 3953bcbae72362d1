"""The export ledger (R9): unrounded cells of every anonymised export, kept inside the encrypted store.

Each entry records the scope (period start and end, area) and, per published cell, its unrounded count,
whether it was withheld, and whether it counts a population that grows with the scope (so two nested
exports can be differenced). Writing an entry and its audit event is one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from caseload.domain.levels import Level
from caseload.store import audit
from caseload.store.schema import column, metadata

if TYPE_CHECKING:
    from caseload.store.store import Store

ledger_table = sa.Table(
    "export_ledger",
    metadata,
    column("id", sa.Text(), Level.OPERATIONAL, primary_key=True),
    column("at", sa.Text(), Level.OPERATIONAL, nullable=False),
    column("actor", sa.Text(), Level.OPERATIONAL, nullable=False),
    column("period", sa.Text(), Level.CATEGORICAL, nullable=False),
    column("period_start", sa.Text(), Level.OPERATIONAL, nullable=False),
    column("period_end", sa.Text(), Level.OPERATIONAL, nullable=False),
    column("area", sa.Text(), Level.CATEGORICAL, nullable=False),
    column("format", sa.Text(), Level.CATEGORICAL, nullable=False),
    column("cells", sa.Text(), Level.OPERATIONAL, nullable=False),
)

CellRecord = tuple[int, bool, bool]
"""(unrounded count, withheld, additive)."""


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One past export: its scope and its cells by key ``table|breakdown|group|column``."""

    id: str
    at: str
    period: str
    start: date
    end: date
    area: str
    fmt: str
    cells: Mapping[str, CellRecord]

    def contains(self, other: LedgerEntry) -> bool:
        """True when ``other``'s people are a subset of this entry's (period within, same or narrower area)."""
        within = self.start <= other.start and other.end <= self.end
        return within and (self.area == "" or self.area.casefold() == other.area.casefold())


def create_ledger(conn: sa.Connection) -> None:
    """Migration step: create the ledger table if version 1 did not already."""
    ledger_table.create(conn, checkfirst=True)


def _exists(conn: sa.Connection) -> bool:
    """A store whose version was raised past 2 by a branch made before this table existed may lack it; the
    first export then creates it (inside its own transaction)."""
    found = conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'export_ledger'")
    return found.first() is not None


def entries(store: Store) -> list[LedgerEntry]:
    """Every ledger entry, oldest first."""
    t = ledger_table
    with store.reading() as conn:
        if not _exists(conn):
            return []
        rows = conn.execute(sa.select(t).order_by(t.c.at, t.c.id)).fetchall()
    return [
        LedgerEntry(
            r.id, r.at, r.period, date.fromisoformat(r.period_start), date.fromisoformat(r.period_end), r.area,
            r.format, {k: (int(v[0]), bool(v[1]), bool(v[2])) for k, v in json.loads(r.cells).items()},
        )
        for r in rows
    ]


def record(store: Store, entry: LedgerEntry, detail: Mapping[str, Any]) -> None:
    """Add ``entry`` and the ``export.partnership`` audit event (parameters and counts only) in ONE
    transaction: either both are stored or neither."""
    row = {
        "id": entry.id,
        "at": entry.at or datetime.now(UTC).isoformat(),
        "actor": store.user_name,
        "period": entry.period,
        "period_start": entry.start.isoformat(),
        "period_end": entry.end.isoformat(),
        "area": entry.area,
        "format": entry.fmt,
        "cells": json.dumps({k: list(v) for k, v in entry.cells.items()}, separators=(",", ":")),
    }
    with store.transaction() as conn:
        create_ledger(conn)
        conn.execute(ledger_table.insert().values(row))
        audit.append(conn, store._audit_key, store.user_name, "export.partnership", None, dict(detail))
