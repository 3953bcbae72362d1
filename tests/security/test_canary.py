"""Nothing readable on disk: canaries in every level-3/F field never appear in any file."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

import pytest

from caseload.domain.enums import Role
from caseload.domain.levels import Level, fields_at
from caseload.domain.model import RECORD_KEYS
from caseload.store.store import Store
from tests.conftest import FLOOR, PASSPHRASE
from tests.records import one_of_each

CANARY = "QZXCANARY7731"


def _scan(folder: Path, needle: bytes) -> list[Path]:
    hits = []
    for root, _dirs, files in os.walk(folder):
        for name in files:
            p = Path(root) / name
            try:
                data = p.read_bytes()
            except OSError:
                continue
            if needle in data or needle.decode().encode("utf-16-le") in data:
                hits.append(p)
    return hits


def test_every_record_type_has_level3_text_planted() -> None:
    records = one_of_each(CANARY)
    planted = [rt for rt in records if fields_at(rt, Level.IDENTIFYING, Level.FIREWALL)]
    assert len(planted) >= 10


def test_no_canary_on_disk_after_full_lifecycle(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    tmp_before = set(Path(tempfile.gettempdir()).iterdir())
    # A supervisor, so every planted record is read back (an IDVA sees only her own cases).
    store = Store.create(store_dir, "S. Supervisor", Role.SUPERVISOR, PASSPHRASE, kdf=FLOOR)
    records = one_of_each(CANARY)
    store.bulk_insert({RECORD_KEYS[t]: [r] for t, r in records.items()})
    # While open (WAL holds the writes), nothing readable either.
    assert _scan(store_dir, CANARY.encode()) == []
    store.lock()
    store = Store.open(store_dir, PASSPHRASE)
    files = store.casefiles()
    assert any(CANARY in f.subject.given_name for f in files)
    store.checkpoint()
    store.lock()
    assert _scan(store_dir, CANARY.encode()) == []
    new_tmp = [p for p in Path(tempfile.gettempdir()).iterdir() if p not in tmp_before]
    for p in new_tmp:
        if p.is_dir():
            assert _scan(p, CANARY.encode()) == []
        else:
            assert CANARY.encode() not in p.read_bytes()
    db = store_dir / "caseload.db"
    assert not db.read_bytes().startswith(b"SQLite format 3")
    conn = sqlite3.connect(db)
    with pytest.raises(sqlite3.DatabaseError):
        conn.execute("select * from sqlite_master").fetchall()
    conn.close()


def test_store_files_are_private(store: Store, store_dir: Path) -> None:
    store.insert(one_of_each(CANARY)[next(iter(one_of_each(CANARY)))])
    for p in store_dir.iterdir():
        if p.is_file():
            assert p.stat().st_mode & 0o077 == 0, p.name
    assert store_dir.stat().st_mode & 0o077 == 0
