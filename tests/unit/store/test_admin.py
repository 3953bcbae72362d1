"""Store administration: backup/restore, retention disposal, rekey, slots, unlock-failure audit."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from caseload.demo import DEMO_PASSPHRASE, build_demo, slot_user
from caseload.domain.enums import CaseKind, PersonRole, Role
from caseload.domain.ids import new_id
from caseload.domain.model import RECORD_KEYS, RECORD_TYPES, Case, Child, Person, User
from caseload.store import admin, admin_backup, admin_retention, rekeying
from caseload.store.errors import NotPermitted, StoreError, WrongPassphrase
from caseload.store.store import Store
from tests.conftest import FLOOR, PASSPHRASE
from tests.records import sample
from tests.sqlcipher_pages import decrypted_pages

TODAY = date(2026, 12, 2)


def _content(store: Store) -> tuple[dict[str, int], str]:
    """Counts by table and a hash over every record (as a supervisor sees them)."""
    h = hashlib.sha256()
    counts = {}
    for rt in RECORD_TYPES:
        recs = sorted(repr(r) for r in store.all(rt))
        counts[RECORD_KEYS[rt]] = len(recs)
        for r in recs:
            h.update(r.encode())
    return counts, h.hexdigest()


def _fingerprint(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name not in (".lock",)
    }


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("admin") / "store"
    build_demo(d, 60, 5, TODAY, kdf=FLOOR)
    return d


def _open(d: Path, role: Role) -> Store:
    return Store.open(d, DEMO_PASSPHRASE, slot_user(d, role))


def test_backup_restore_round_trip_with_another_users_slot(demo: Path, tmp_path: Path) -> None:
    with _open(demo, Role.SUPERVISOR) as s:
        before = _content(s)
        backup = admin_backup.backup(s)
        assert backup.parent == demo / "backups" and backup.stat().st_mode & 0o077 == 0
        assert b"Testina" not in backup.read_bytes() and b"SQLite format 3" not in backup.read_bytes()
        extra = sample(Person, "AFTERBACKUP")
        s.insert(extra)
        assert _content(s) != before
    drive = slot_user(demo, Role.DRIVE)
    assert drive is not None
    aside = admin_backup.restore(demo, backup, DEMO_PASSPHRASE, drive)
    assert (aside / "caseload.db").exists() and (aside / "keys.json").exists()  # kept, not overwritten
    with _open(demo, Role.SUPERVISOR) as s:
        assert _content(s) == before
        report = s.check()
        assert report.ok, report
        assert any(e.event == "store.restored" for e in s.audit_entries(limit=20))
    assert not list(demo.glob(".restore-*"))


def test_damaged_backup_refused_and_store_untouched(demo: Path, tmp_path: Path) -> None:
    with _open(demo, Role.SUPERVISOR) as s:
        backup = admin_backup.backup(s, tmp_path / "b.clbackup")
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0x10
    damaged = tmp_path / "damaged.clbackup"
    damaged.write_bytes(bytes(data))
    before = _fingerprint(demo)
    folders = sorted(p.name for p in demo.iterdir() if p.is_dir())
    with pytest.raises(admin_backup.BackupRefused, match="current store was not changed"):
        admin_backup.restore(demo, damaged, DEMO_PASSPHRASE)
    truncated = tmp_path / "short.clbackup"
    truncated.write_bytes(bytes(data[:100]))
    with pytest.raises(StoreError):
        admin_backup.restore(demo, truncated, DEMO_PASSPHRASE)
    with pytest.raises(WrongPassphrase):
        admin_backup.restore(demo, backup, "not the passphrase at all")
    assert _fingerprint(demo) == before
    assert sorted(p.name for p in demo.iterdir() if p.is_dir()) == folders


def test_backup_never_leaves_partial_files_on_failure(demo: Path, tmp_path: Path, monkeypatch: Any) -> None:
    def boom(*_a: Any, **_k: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(admin_backup, "_copy", boom)
    with _open(demo, Role.SUPERVISOR) as s, pytest.raises(StoreError, match="could not be written"):
        admin_backup.backup(s, tmp_path / "x.clbackup")
    assert list(tmp_path.iterdir()) == []


def _retention_store(d: Path) -> tuple[Store, dict[str, Case]]:
    lead = User(id=new_id(), name="S. Lead", role=Role.SUPERVISOR)
    s = Store.create(d, lead.name, Role.SUPERVISOR, PASSPHRASE, kdf=FLOOR, first_user=lead)
    cases: dict[str, Case] = {}
    records: dict[str, list[Any]] = {}
    for label, closed, hold in (("OLD", date(2015, 5, 1), False), ("HELD", date(2015, 5, 1), True),
                                ("RECENT", date(2025, 5, 1), False)):
        canary = f"QZDISPOSE{label}"
        p = sample(Person, canary, role=PersonRole.VICTIM)
        c = sample(Case, canary, kind=CaseKind.VICTIM, subject_id=p.id, worker_id=lead.id, closed_on=closed,
                   legal_hold=hold, reference=f"C-{label}", closure_reason=None)
        cases[label] = c
        records.setdefault("people", []).append(p)
        records.setdefault("cases", []).append(c)
        records.setdefault("children", []).append(
            sample(Child, canary, case_id=c.id, date_of_birth=date(2001, 1, 1))
        )
        from caseload.domain.model import Contact

        records.setdefault("contacts", []).append(sample(Contact, canary, case_id=c.id, worker_id=lead.id))
    s.bulk_insert(records)
    return s, cases


def test_retention_offers_past_date_only_and_hold_blocks(tmp_path: Path) -> None:
    s, cases = _retention_store(tmp_path / "s")
    try:
        items = {i.reference: i for i in admin_retention.review(s, TODAY)}
        assert items["C-OLD"].offered and not items["C-HELD"].offered and "C-RECENT" not in items
        with pytest.raises(StoreError, match="legal hold"):
            admin_retention.dispose(s, ["C-HELD"], TODAY)
        with pytest.raises(StoreError, match="Nothing was deleted"):
            admin_retention.dispose(s, ["C-OLD", "C-RECENT"], TODAY)
        assert s.get(Case, cases["OLD"].id) is not None
    finally:
        s.lock()


def test_disposal_leaves_no_trace_in_any_page_or_the_audit(tmp_path: Path) -> None:
    d = tmp_path / "s"
    s, cases = _retention_store(d)
    key = bytes(s._data_key or b"")
    s.audit_event("case.viewed", cases["OLD"].id)
    counts = admin_retention.dispose(s, ["C-OLD"], TODAY)
    assert counts["cases"] == 1 and counts["people"] == 1 and counts["children"] == 1 and counts["contacts"] == 1
    assert s.get(Case, cases["OLD"].id) is None and s.get(Case, cases["HELD"].id) is not None
    entry = s.audit_entries(limit=1)[0]
    assert entry.event == "cases.disposed" and entry.case_id is None
    assert "C-OLD" not in repr(entry.detail)
    audit_text = repr(s.audit_entries(limit=10_000))
    assert "QZDISPOSEOLD" not in audit_text and "C-OLD" not in audit_text
    assert s.check().ok
    s.lock()
    assert not (d / "caseload.db-wal").exists() or (d / "caseload.db-wal").stat().st_size == 0
    pages = decrypted_pages(d / "caseload.db", key)
    assert any(b"QZDISPOSEHELD" in p for p in pages)  # the scan can see plaintext: kept case found
    assert not any(b"QZDISPOSEOLD" in p for p in pages)  # disposed case: nowhere, not even in free pages
    for f in d.iterdir():
        if f.is_file():
            assert b"QZDISPOSEOLD" not in f.read_bytes()


def test_retention_is_for_supervisors(store: Store) -> None:
    with pytest.raises(NotPermitted):
        admin_retention.review(store, TODAY)


def test_unlock_failures_audited_at_next_unlock(store: Store, store_dir: Path) -> None:
    store.lock()
    for _ in range(2):
        with pytest.raises(WrongPassphrase):
            Store.open(store_dir, "wrong passphrase here")
    with Store.open(store_dir, PASSPHRASE) as s:
        events = [e for e in s.audit_entries(limit=5)]
        failed = next(e for e in events if e.event == "unlock.failed")
        assert failed.detail["count"] == 2 and events[0].event == "unlock.ok"
        assert "wrong passphrase here" not in repr(events)
    assert not (store_dir / "unlock-failures.json").exists()


def test_user_add_remove_and_rekey(supervisor_store: Store, store_dir: Path) -> None:
    s = supervisor_store
    admin.add_user(s, "B. Advisor", Role.IDVA, "b advisor passphrase", kdf=FLOOR)
    admin.add_user(s, "C. Advisor", Role.IDVA, "c advisor passphrase", kdf=FLOOR)
    assert {i.name for i in admin.list_users(s) if i.has_slot} == {"S. Supervisor", "B. Advisor", "C. Advisor"}
    admin.remove_user(s, "C. Advisor")
    assert not next(i for i in admin.list_users(s) if i.name == "C. Advisor").active
    old_key = bytes(s._data_key or b"")
    with pytest.raises(StoreError, match=r"missing: B\. Advisor"):
        admin.rekey(s, {"S. Supervisor": PASSPHRASE})
    with pytest.raises(WrongPassphrase):
        admin.rekey(s, {"S. Supervisor": PASSPHRASE, "B. Advisor": "not b's passphrase"})
    assert admin.rekey(s, {"S. Supervisor": PASSPHRASE, "B. Advisor": "b advisor passphrase"}, kdf=FLOOR) == 2
    assert not s.is_open
    assert not rekeying.key_opens(store_dir / "caseload.db", old_key)
    with pytest.raises(WrongPassphrase):
        Store.open(store_dir, "c advisor passphrase", "C. Advisor")
    with Store.open(store_dir, "b advisor passphrase", "B. Advisor") as b, pytest.raises(NotPermitted):
        admin.add_user(b, "D", Role.IDVA, "d passphrase long", kdf=FLOOR)
    with Store.open(store_dir, PASSPHRASE) as s2:
        assert s2.check().ok
        assert {e.event for e in s2.audit_entries(limit=50)} >= {"store.rekeyed", "user.removed", "user.added"}


def test_interrupted_rekey_settles_either_way(supervisor_store: Store, store_dir: Path) -> None:
    s = supervisor_store
    slot = s.slots[0]
    from caseload.store import keys

    new_key = keys.new_data_key()
    fake = dataclasses.replace(s._keys, slots=(keys.make_slot(new_key, slot.user, slot.role, PASSPHRASE, FLOOR,
                                                             slot.id),))
    keys.write_keys(rekeying.pending_path(store_dir), fake)  # killed before PRAGMA rekey committed
    s.lock()
    with Store.open(store_dir, PASSPHRASE) as s2:
        assert s2.check().ok
    assert not rekeying.pending_path(store_dir).exists()
