"""Disk full / I/O error on every write path: rollback, a clear one-line message, no partial files.

The database side uses SQLite's own "database or disk is full" (``PRAGMA max_page_count`` pinned at the current
size, so any growth fails inside SQLite exactly as on a full disk); file writes (keys file, backups, restore
staging) get ENOSPC from a patched ``os.fsync`` / copy. (A real tiny tmpfs needs root, not available in CI.)
"""

from __future__ import annotations

import errno
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from caseload.domain.enums import Role
from caseload.domain.model import RECORD_KEYS, Contact, Person
from caseload.store import admin, admin_backup, fileio
from caseload.store.errors import StoreError
from caseload.store.store import Store
from tests.conftest import FLOOR, PASSPHRASE
from tests.records import one_of_each, sample


def _files(d: Path) -> dict[str, str]:
    return {
        str(p.relative_to(d)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(d.rglob("*"))
        if p.is_file() and p.name not in (".lock", "caseload.db", "caseload.db-wal", "caseload.db-shm")
    }


def _content(store: Store) -> tuple[int, int, int]:
    return len(store.all(Person)), len(store.all(Contact)), len(store.audit_entries(limit=100_000))


def _full_db(store: Store) -> None:
    with store._mutex:
        raw = store.engine.raw_connection()
        try:
            cur = raw.driver_connection.cursor()  # type: ignore[union-attr]
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            pages = cur.execute("PRAGMA page_count").fetchone()[0]
            cur.execute(f"PRAGMA max_page_count = {pages}").fetchall()
        finally:
            raw.close()


def _enospc(*_a: Any, **_k: Any) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def _big_import(store: Store) -> None:
    base = one_of_each("FULL")
    records = {RECORD_KEYS[t]: [r] for t, r in base.items()}
    records["contacts"] = [sample(Contact, "F", case_id=base[Contact].case_id, note="n" * 2000) for _ in range(3000)]
    store.bulk_insert(records)


WRITES: dict[str, tuple[str, Callable[[Store, Path], Any]]] = {
    "save": ("db", lambda s, _t: s.insert(sample(Person, "F", address="a" * 200_000))),
    "import": ("db", lambda s, _t: _big_import(s)),
    "setting": ("db", lambda s, _t: s.set_setting("k", "v" * 200_000)),
    "passwd": ("file", lambda s, _t: admin.change_passphrase(s, PASSPHRASE, "another passphrase here")),
    "user add": ("file", lambda s, _t: admin.add_user(s, "B. Advisor", Role.IDVA, "b advisor passphrase", FLOOR)),
    "backup": ("file", lambda s, _t: admin_backup.backup(s)),
    "backup --out": ("file", lambda s, t: admin_backup.backup(s, t / "out.clbackup")),
}


@pytest.mark.parametrize("what", list(WRITES))
def test_write_path_survives_full_disk(what: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = tmp_path / "store"
    s = Store.create(d, "S. Lead", Role.SUPERVISOR, PASSPHRASE, kdf=FLOOR)
    try:
        s.insert(sample(Person, "BEFORE"))
        (d / "backups").mkdir(mode=0o700)
        before_files, before = _files(d), _content(s)
        out_dir = tmp_path / "out"
        out_dir.mkdir()
        kind, action = WRITES[what]
        if kind == "db":
            _full_db(s)
        else:
            monkeypatch.setattr(fileio.os, "fsync", _enospc)
            monkeypatch.setattr(admin_backup.os, "fsync", _enospc)
        with pytest.raises(StoreError) as info:
            action(s, out_dir)
        message = str(info.value)
        assert "\n" not in message and ("full" in message or "No space" in message), message
        monkeypatch.undo()
        assert _content(s) == before
        assert _files(d) == before_files, "a partial or changed file was left"
        assert list(out_dir.iterdir()) == []
        assert s.check().ok
    finally:
        s.lock()
    Store.open(d, PASSPHRASE).lock()  # the old passphrase still opens: the keys file is unchanged


def test_restore_with_full_disk_leaves_store_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = tmp_path / "store"
    s = Store.create(d, "S. Lead", Role.SUPERVISOR, PASSPHRASE, kdf=FLOOR)
    backup = admin_backup.backup(s, tmp_path / "b.clbackup")
    s.lock()
    before = {p.name: p.read_bytes() for p in d.iterdir() if p.is_file() and p.name != ".lock"}
    dirs = sorted(p.name for p in d.iterdir() if p.is_dir())
    monkeypatch.setattr(admin_backup, "_copy", _enospc)
    with pytest.raises(StoreError, match="No space left on device"):
        admin_backup.restore(d, backup, PASSPHRASE)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in d.iterdir() if p.is_file() and p.name != ".lock"} == before
    assert sorted(p.name for p in d.iterdir() if p.is_dir()) == dirs
