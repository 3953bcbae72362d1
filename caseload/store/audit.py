"""Append-only audit trail inside the store, each entry chained by HMAC over the previous one.

The HMAC key is derived from the data key (HKDF-SHA256), so the chain cannot be re-forged without it. Entries
hold ids, event names and counts, never case values.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from caseload.store.schema import audit_table

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audit event as read back."""

    seq: int
    at: str
    actor: str
    event: str
    case_id: str | None
    detail: dict[str, Any]
    mac: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    """Result of verifying the chain: ``first_broken`` is the seq of the first bad entry, if any."""

    entries: int
    first_broken: int | None
    reason: str = ""

    @property
    def ok(self) -> bool:
        """True when every entry verified."""
        return self.first_broken is None


def audit_key(data_key: bytes | bytearray) -> bytes:
    """Derive the audit HMAC key from the data key."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"caseload audit chain v1")
    return hkdf.derive(bytes(data_key))


def _mac(
    key: bytes, prev: str, seq: int, at: str, actor: str, event: str, case_id: str | None, detail: str
) -> str:
    body = json.dumps([prev, seq, at, actor, event, case_id, detail], separators=(",", ":"))
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def append(
    conn: sa.Connection,
    key: bytes,
    actor: str,
    event: str,
    case_id: str | None = None,
    detail: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> int:
    """Append an entry inside the caller's transaction; returns its seq."""
    last = conn.execute(
        sa.select(audit_table.c.seq, audit_table.c.mac).order_by(audit_table.c.seq.desc()).limit(1)
    ).first()
    seq = 1 if last is None else int(last.seq) + 1
    prev = GENESIS if last is None else str(last.mac)
    at = (now or datetime.now(UTC)).isoformat()
    detail_text = json.dumps(dict(detail or {}), sort_keys=True, separators=(",", ":"))
    mac = _mac(key, prev, seq, at, actor, event, case_id, detail_text)
    conn.execute(
        audit_table.insert().values(
            seq=seq, at=at, actor=actor, event=event, case_id=case_id, detail=detail_text, mac=mac
        )
    )
    return seq


def verify(conn: sa.Connection, key: bytes) -> ChainReport:
    """Walk the chain in seq order; report the first entry whose MAC or position is wrong."""
    prev = GENESIS
    expected = 1
    count = 0
    for row in conn.execute(sa.select(audit_table).order_by(audit_table.c.seq)):
        count += 1
        if int(row.seq) != expected:
            return ChainReport(count, expected, f"entry {expected} is missing or out of order")
        mac = _mac(key, prev, int(row.seq), row.at, row.actor, row.event, row.case_id, row.detail)
        if not hmac.compare_digest(mac, str(row.mac)):
            return ChainReport(count, int(row.seq), f"entry {row.seq} does not match its chain value")
        prev = str(row.mac)
        expected += 1
    return ChainReport(count, None)


def entries(conn: sa.Connection, case_id: str | None = None, limit: int = 500) -> list[AuditEntry]:
    """Recent entries, newest first, optionally for one case."""
    q = sa.select(audit_table).order_by(audit_table.c.seq.desc()).limit(limit)
    if case_id is not None:
        q = q.where(audit_table.c.case_id == case_id)
    return [
        AuditEntry(r.seq, r.at, r.actor, r.event, r.case_id, json.loads(r.detail), r.mac)
        for r in conn.execute(q)
    ]
