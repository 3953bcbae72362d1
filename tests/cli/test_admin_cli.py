"""caseload passwd / user / backup / restore / retention from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from caseload.cli import main
from caseload.domain.enums import Role
from caseload.store.store import Store
from tests.conftest import FLOOR, PASSPHRASE


@pytest.fixture
def sdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "store"
    Store.create(d, "S. Lead", Role.SUPERVISOR, PASSPHRASE, kdf=FLOOR).lock()
    monkeypatch.setenv("CASELOAD_PASSPHRASE", PASSPHRASE)
    monkeypatch.setattr("caseload.store.keys.calibrate", lambda *a, **k: FLOOR)
    return d


def _run(d: Path, *args: str) -> int:
    return main(["--store", str(d), *args])


def test_user_add_list_remove(sdir: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASELOAD_NEW_PASSPHRASE", "new user passphrase")
    assert _run(sdir, "user", "add", "B. Advisor", "--role", "idva") == 0
    assert _run(sdir, "user", "list") == 0
    out = capsys.readouterr().out
    assert "B. Advisor" in out and "idva" in out
    Store.open(sdir, "new user passphrase", "B. Advisor").lock()
    assert _run(sdir, "user", "remove", "B. Advisor") == 0
    assert "rekey" in capsys.readouterr().out
    assert _run(sdir, "user", "remove", "S. Lead") == 2
    assert "own key slot" in capsys.readouterr().err


def test_passwd_rewraps_own_slot(sdir: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASELOAD_NEW_PASSPHRASE", "a different passphrase")
    assert _run(sdir, "passwd") == 0
    Store.open(sdir, "a different passphrase").lock()
    monkeypatch.setenv("CASELOAD_PASSPHRASE", "wrong one entirely")
    assert _run(sdir, "passwd") == 2
    assert "Wrong passphrase" in capsys.readouterr().err


def test_backup_restore_retention_commands(sdir: Path, tmp_path: Path, capsys: Any) -> None:
    assert _run(sdir, "backup") == 0
    (backup,) = (sdir / "backups").iterdir()
    assert _run(sdir, "backup", "--out", str(tmp_path / "mine.clbackup")) == 0
    assert _run(sdir, "backup", "--out", str(tmp_path / "mine.clbackup")) == 2  # never overwritten
    assert _run(sdir, "restore", str(backup)) == 0
    assert "kept in" in capsys.readouterr().out
    assert _run(sdir, "retention") == 0
    assert _run(sdir, "retention", "--dispose", "C-NOPE") == 2
    assert "Nothing was deleted" in capsys.readouterr().err
    assert _run(sdir, "check") == 0
