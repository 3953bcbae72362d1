"""Audit chain: editing, deleting or reordering any entry of a copy of the store is reported by
``caseload check``, naming the first broken entry."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3

from caseload.cli import main
from caseload.domain.enums import Role
from caseload.store.store import Store
from tests.conftest import FLOOR, PASSPHRASE

ENTRIES = 12


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    d = tmp_path_factory.mktemp("chain") / "store"
    s = Store.create(d, "S. Lead", Role.SUPERVISOR, PASSPHRASE, kdf=FLOOR)
    for n in range(ENTRIES):
        s.set_setting(f"k{n}", "v")
    key = bytes(s._data_key or b"")
    s.checkpoint()
    s.lock()
    return d, key


def _sql(db: Path, key: bytes, *statements: str) -> None:
    conn = sqlcipher3.connect(str(db), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    for st in statements:
        conn.execute(st)
    conn.close()


def _check(store_dir: Path, tmp_path: Path, capsys: Any) -> tuple[int, str]:
    pf = tmp_path / "pp"
    pf.write_text(PASSPHRASE)
    code = main(["--store", str(store_dir), "--passphrase-file", str(pf), "check"])
    return code, capsys.readouterr().out


def _last(db: Path, key: bytes) -> int:
    conn = sqlcipher3.connect(str(db))
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    n = int(conn.execute("SELECT max(seq) FROM audit").fetchone()[0])
    conn.close()
    return n


SWAP = (
    "UPDATE audit SET seq = -1 WHERE seq = {a}",
    "UPDATE audit SET seq = {a} WHERE seq = {b}",
    "UPDATE audit SET seq = {b} WHERE seq = -1",
)
TAMPER: dict[str, Callable[[int], tuple[tuple[str, ...], int]]] = {
    "edit detail": lambda last: (("UPDATE audit SET detail = '{}' WHERE seq = 5",), 5),
    "edit actor": lambda last: (("UPDATE audit SET actor = 'someone' WHERE seq = 3",), 3),
    "edit time": lambda last: (("UPDATE audit SET at = '2020-01-01' WHERE seq = 1",), 1),
    "delete middle": lambda last: (("DELETE FROM audit WHERE seq = 7",), 7),
    "delete first": lambda last: (("DELETE FROM audit WHERE seq = 1",), 1),
    "delete last": lambda last: ((f"DELETE FROM audit WHERE seq = {last}",), last),
    "delete last two": lambda last: ((f"DELETE FROM audit WHERE seq >= {last - 1}",), last - 1),
    "reorder": lambda last: (tuple(s.format(a=4, b=6) for s in SWAP), 4),
    "renumber after delete": lambda last: (
        ("DELETE FROM audit WHERE seq = 6", "UPDATE audit SET seq = seq - 1 WHERE seq > 6"), 6),
    # Nothing says which entry went with the head: reported at the end (check's own unlock entry is last + 1).
    "head removed": lambda last: (("DELETE FROM settings WHERE key = 'audit_head'",), last + 1),
}


@pytest.mark.parametrize("how", list(TAMPER))
def test_tampering_is_reported(how: str, original: tuple[Path, bytes], tmp_path: Path, capsys: Any) -> None:
    src, key = original
    copy = tmp_path / "copy"
    shutil.copytree(src, copy)
    db = copy / "caseload.db"
    statements, first_broken = TAMPER[how](_last(db, key))
    _sql(db, key, *statements)
    code, out = _check(copy, tmp_path, capsys)
    assert code == 1, out
    assert f"BROKEN at entry {first_broken} " in out, out


def test_untouched_copy_passes(original: tuple[Path, bytes], tmp_path: Path, capsys: Any) -> None:
    src, _ = original
    copy = tmp_path / "copy"
    shutil.copytree(src, copy)
    code, out = _check(copy, tmp_path, capsys)
    assert code == 0 and "audit chain             ok" in out, out
