"""Append-only audit trail inside the store, each entry chained by HMAC over the previous one.

The HMAC key is derived from the data key (HKDF-SHA256), so the chain cannot be re-forged without it. Entries
hold ids, event names and counts, never case values.

The chain's head (last seq and MAC, itself MACed) is kept as the ``audit_head`` setting and advanced in the same
transaction as each append, so deleting the newest entries is detected too. The head is only advanced while
it matches the chain: a write after tampering cannot paper over it. (Anyone holding the data key can re-forge
the whole chain; the chain proves that nobody edited the store without it, and that the app never rewrites
its own history.)
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

from caseload.store.schema import audit_table, settings_table

GENESIS = "0" * 64
HEAD_KEY = "audit_head"
PENDING_KEY = "audit_anchor_pending"


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


SECRET_KEY = "audit_secret"


def pin_key(conn: sa.Connection, key: bytes) -> None:
    """Keep the audit HMAC key inside the (encrypted) database, so a rekey does not change it."""
    if _read_setting(conn, SECRET_KEY) is None:
        _write_setting(conn, SECRET_KEY, key.hex())


def pinned_key(conn: sa.Connection) -> bytes | None:
    """The pinned audit key, if a rekey pinned one."""
    text = _read_setting(conn, SECRET_KEY)
    return None if text is None else bytes.fromhex(text)


def _head_mac(key: bytes, seq: int, mac: str) -> str:
    return hmac.new(key, f"head|{seq}|{mac}".encode(), hashlib.sha256).hexdigest()


def _read_setting(conn: sa.Connection, name: str) -> str | None:
    value = conn.execute(sa.select(settings_table.c.value).where(settings_table.c.key == name)).scalar()
    return None if value is None else str(value)


def _write_setting(conn: sa.Connection, name: str, value: str | None) -> None:
    conn.execute(settings_table.delete().where(settings_table.c.key == name))
    if value is not None:
        conn.execute(settings_table.insert().values(key=name, value=value))


def read_head(conn: sa.Connection, key: bytes) -> tuple[int, str] | None:
    """The recorded head (seq, MAC); None if absent. A head whose own MAC fails reads as (-1, "")."""
    text = _read_setting(conn, HEAD_KEY)
    if text is None:
        return None
    parts = text.split(":")
    if len(parts) != 3 or not parts[0].isdigit():
        return (-1, "")
    seq, mac, tag = int(parts[0]), parts[1], parts[2]
    if not hmac.compare_digest(_head_mac(key, seq, mac), tag):
        return (-1, "")
    return seq, mac


def _write_head(conn: sa.Connection, key: bytes, seq: int, mac: str) -> None:
    _write_setting(conn, HEAD_KEY, f"{seq}:{mac}:{_head_mac(key, seq, mac)}")


def _last(conn: sa.Connection) -> Any:
    return conn.execute(
        sa.select(audit_table.c.seq, audit_table.c.mac).order_by(audit_table.c.seq.desc()).limit(1)
    ).first()


def adopt_pending(conn: sa.Connection, key: bytes) -> bool:
    """Anchor a chain written before heads existed (marked by migration 4). True if one was adopted."""
    if _read_setting(conn, PENDING_KEY) is None:
        return False
    last = _last(conn)
    if last is not None and read_head(conn, key) is None:
        _write_head(conn, key, int(last.seq), str(last.mac))
    _write_setting(conn, PENDING_KEY, None)
    return True


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
    last = _last(conn)
    head = read_head(conn, key)
    consistent = (head is None and last is None) or (
        head is not None and last is not None and head == (int(last.seq), str(last.mac))
    )
    seq = 1 if last is None else int(last.seq) + 1
    if not consistent and head is not None and head[0] >= seq:
        seq = head[0] + 1  # never reuse the seq of a removed entry: the gap stays visible where it is
    prev = GENESIS if last is None else str(last.mac)
    at = (now or datetime.now(UTC)).isoformat()
    detail_text = json.dumps(dict(detail or {}), sort_keys=True, separators=(",", ":"))
    mac = _mac(key, prev, seq, at, actor, event, case_id, detail_text)
    conn.execute(
        audit_table.insert().values(
            seq=seq, at=at, actor=actor, event=event, case_id=case_id, detail=detail_text, mac=mac
        )
    )
    if consistent:
        _write_head(conn, key, seq, mac)
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
    return _check_head(conn, key, count, prev)


def _check_head(conn: sa.Connection, key: bytes, count: int, last_mac: str) -> ChainReport:
    """The chain verified entry by entry; now it must end where the recorded head says."""
    head = read_head(conn, key)
    if head is None:
        if count == 0:
            return ChainReport(0, None)
        return ChainReport(count, count, f"the chain's head record is missing (entry {count} or later removed)")
    seq, mac = head
    if seq < 0:
        return ChainReport(count, count, "the chain's head record does not match its chain value")
    if seq > count:
        return ChainReport(count, count + 1, f"entries {count + 1} to {seq} are missing")
    if seq < count:
        return ChainReport(count, seq + 1, f"entry {seq + 1} was added after the chain's head")
    if not hmac.compare_digest(mac, last_mac):
        return ChainReport(count, seq, f"entry {seq} does not match the chain's head")
    return ChainReport(count, None)


def entries(
    conn: sa.Connection,
    case_id: str | None = None,
    limit: int = 500,
    where: sa.ColumnElement[bool] | None = None,
) -> list[AuditEntry]:
    """Recent entries, newest first, optionally for one case and/or matching ``where``."""
    q = sa.select(audit_table).order_by(audit_table.c.seq.desc()).limit(limit)
    if case_id is not None:
        q = q.where(audit_table.c.case_id == case_id)
    if where is not None:
        q = q.where(where)
    return [
        AuditEntry(r.seq, r.at, r.actor, r.event, r.case_id, json.loads(r.detail), r.mac)
        for r in conn.execute(q)
    ]
