"""``caseload export partnership``: files written, bad input as one line, refusal explained, role enforced."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from caseload.cli import main
from caseload.domain.enums import Role
from caseload.store.store import Store
from tests.conftest import FLOOR, PASSPHRASE
from tests.unit.export.popstore import SUPERVISOR, add_cases, load_synthetic, supervisor_store


@pytest.fixture
def sup_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "store"
    store = supervisor_store(d)
    load_synthetic(store, 120)
    add_cases(store, 20, date(2026, 8, 3))
    add_cases(store, 4, date(2026, 2, 9))
    store.lock()
    monkeypatch.setenv("CASELOAD_PASSPHRASE", PASSPHRASE)
    return d


def _run(store: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = main(["--store", str(store), "export", "partnership", "--as-of", "2026-12-31", *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("fmt,count", [("csv", 17), ("xlsx", 1), ("html", 1), ("md", 1)])
def test_writes_files_into_the_folder(sup_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      fmt: str, count: int) -> None:
    out = tmp_path / "out"
    out.mkdir()
    code, text, err = _run(sup_store, capsys, "--period", "2026-Q3", "--format", fmt, "--out", str(out))
    assert code == 0, err
    files = sorted(out.iterdir())
    assert len(files) == count and all(f.suffix == f".{fmt}" for f in files)
    assert all(f.stat().st_mode & 0o777 == 0o600 for f in files)
    assert "Wrote" in text and "Traceback" not in err


def test_default_folder_is_the_stores_exports(sup_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(sup_store, capsys, "--period", "2026-Q3")
    assert code == 0, err
    exports = sup_store / "exports"
    assert exports.stat().st_mode & 0o077 == 0
    assert [p.suffix for p in exports.iterdir()] == [".html"]


@pytest.mark.parametrize("args,message", [
    (["--period", "2026-Q9"], "Period must look like"),
    (["--period", "2031"], "has not started"),
    (["--period", "2026", "--area", "Atlantis"], "No cases are recorded in that area"),
    (["--period", "2026", "--threshold", "5"], "cannot be lowered"),
    (["--period", "2026", "--out", "/nonexistent/folder"], "does not exist"),
])
def test_bad_input_is_one_line(sup_store: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                               message: str) -> None:
    code, _, err = _run(sup_store, capsys, *args)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not (sup_store / "exports").exists() or not list((sup_store / "exports").iterdir())


def test_refusal_is_explained_and_writes_nothing(sup_store: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert _run(sup_store, capsys, "--period", "2026-Q3", "--format", "md", "--out", str(out))[0] == 0
    code, _, err = _run(sup_store, capsys, "--period", "2026", "--format", "md", "--out", str(out))
    assert code == 1
    assert "export refused" in err and "between 1 and 9" in err and "Nothing was written" in err
    assert len(list(out.iterdir())) == 1


def test_only_a_supervisor_may_export(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    d = tmp_path / "idva"
    Store.create(d, "A. Worker", Role.IDVA, PASSPHRASE, kdf=FLOOR).lock()
    monkeypatch.setenv("CASELOAD_PASSPHRASE", PASSPHRASE)
    code, _, err = _run(d, capsys, "--period", "2026")
    assert code == 2 and "run by a supervisor" in err
    assert SUPERVISOR  # the fixture's user is a supervisor


def test_help_lists_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["export", "partnership", "--help"])
    assert "--period" in capsys.readouterr().out
