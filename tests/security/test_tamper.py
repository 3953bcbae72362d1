"""Wrong passphrase, damaged keys file, damaged page: three different errors, files untouched."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from caseload.domain.enums import Role
from caseload.domain.model import RECORD_KEYS, Contact
from caseload.store.errors import DatabaseDamaged, KeysFileDamaged, StoreOpenElsewhere, WrongPassphrase
from caseload.store.store import Store
from tests.conftest import FLOOR, PASSPHRASE
from tests.records import one_of_each, sample


def _fingerprint(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name not in (".lock", "unlock-failures.json")
    }


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    d = tmp_path / "store"
    s = Store.create(d, "A. Worker", Role.IDVA, PASSPHRASE, kdf=FLOOR)
    base = one_of_each("CANARY")
    records = {RECORD_KEYS[t]: [r] for t, r in base.items()}
    case_id = base[Contact].case_id
    records["contacts"] = [sample(Contact, "C", case_id=case_id, note="n" * 300) for _ in range(400)]
    s.bulk_insert(records)
    s.checkpoint()
    s.lock()
    return d


def test_wrong_passphrase(filled: Path) -> None:
    before = _fingerprint(filled)
    with pytest.raises(WrongPassphrase) as info:
        Store.open(filled, PASSPHRASE + "x")
    assert str(info.value) == "Wrong passphrase."
    assert _fingerprint(filled) == before
    # The failure is counted beside the store (no passphrase in it) for the next unlock to audit.
    counter = (filled / "unlock-failures.json").read_bytes()
    assert b'"count": 1' in counter and PASSPHRASE.encode() not in counter


def test_keys_file_edited(filled: Path) -> None:
    keys_file = filled / "keys.json"
    doc = json.loads(keys_file.read_text())
    doc["body"]["slots"][0]["role"] = "supervisor"
    keys_file.write_text(json.dumps(doc))
    before = _fingerprint(filled)
    with pytest.raises(KeysFileDamaged) as info:
        Store.open(filled, PASSPHRASE)
    assert "keys file is damaged" in str(info.value)
    assert _fingerprint(filled) == before


def test_page_byte_flipped(filled: Path) -> None:
    db = filled / "caseload.db"
    data = bytearray(db.read_bytes())
    page_size = 4096
    pages = len(data) // page_size
    assert pages > 10
    target = pages // 2
    data[target * page_size + 200] ^= 0x01
    db.write_bytes(bytes(data))
    before = _fingerprint(filled)
    with pytest.raises(DatabaseDamaged) as info:
        Store.open(filled, PASSPHRASE)
    assert info.value.page == target + 1
    assert f"page {target + 1}" in str(info.value)
    assert _fingerprint(filled) == before
    assert db.exists() and (filled / "keys.json").exists()


def test_first_page_damaged(filled: Path) -> None:
    db = filled / "caseload.db"
    data = bytearray(db.read_bytes())
    data[100] ^= 0xFF
    db.write_bytes(bytes(data))
    before = _fingerprint(filled)
    with pytest.raises(DatabaseDamaged) as info:
        Store.open(filled, PASSPHRASE)
    assert info.value.page == 1
    assert _fingerprint(filled) == before


def test_three_messages_differ(filled: Path, tmp_path: Path) -> None:
    messages = set()
    for exc_type, breaker in (
        (WrongPassphrase, lambda: None),
        (KeysFileDamaged, lambda: (filled / "keys.json").write_text("{}")),
    ):
        breaker()
        with pytest.raises(exc_type) as info:
            Store.open(filled, PASSPHRASE + ("x" if exc_type is WrongPassphrase else ""))
        messages.add(str(info.value))
    messages.add(str(DatabaseDamaged(3)))
    assert len(messages) == 3


def test_second_process_refused(filled: Path) -> None:
    s = Store.open(filled, PASSPHRASE)
    try:
        code = (
            "import sys\n"
            "from pathlib import Path\n"
            "from caseload.store.store import Store\n"
            "from caseload.store.errors import StoreOpenElsewhere\n"
            "try:\n"
            f"    Store.open(Path({str(filled)!r}), {PASSPHRASE!r})\n"
            "except StoreOpenElsewhere as e:\n"
            "    print(e); sys.exit(3)\n"
        )
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 3, proc.stderr
        assert "open elsewhere" in proc.stdout
        assert f"process {os.getpid()}" in proc.stdout
    finally:
        s.lock()
    # Released: opens again; a lock left by a killed process is recovered by the OS.
    Store.open(filled, PASSPHRASE).lock()


def test_stale_lock_from_killed_process_recovered(filled: Path) -> None:
    code = (
        "import os, time\n"
        "from pathlib import Path\n"
        "from caseload.store.store import Store\n"
        f"s = Store.open(Path({str(filled)!r}), {PASSPHRASE!r})\n"
        "print('open', flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "open"
    with pytest.raises(StoreOpenElsewhere):
        Store.open(filled, PASSPHRASE)
    proc.kill()
    proc.wait()
    Store.open(filled, PASSPHRASE).lock()
